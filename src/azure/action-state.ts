/**
 * What deploy leaves for the action's post step (core.saveState), so a job that fails or is
 * cancelled after deploy still deletes what it created. Written only inside a workflow step.
 */
import * as core from '@actions/core';

export const AZURE_RUN_STATE = 'azure-run';

export interface SavedAzureRun {
  runId: string;
  platform: string;
  subscriptionId: string;
  resourceGroup: string;
  deploymentName: string;
}

export function saveAzureRunForPost(run: SavedAzureRun, env: NodeJS.ProcessEnv = process.env): void {
  if (env.GITHUB_STATE) core.saveState(AZURE_RUN_STATE, JSON.stringify(run));
}

export function savedAzureRun(): SavedAzureRun | undefined {
  const text = core.getState(AZURE_RUN_STATE);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as SavedAzureRun;
  } catch {
    return undefined;
  }
}
