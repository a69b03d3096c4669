/**
 * What a stage leaves for the action's post step (core.saveState), so a job that fails or is
 * cancelled after deploy still stops or deletes what it created: the Azure resource group, or the
 * local run's processes. Written only inside a workflow step.
 */
import * as core from '@actions/core';

export const AZURE_RUN_STATE = 'azure-run';
export const LOCAL_RUN_STATE = 'local-run';

export interface SavedAzureRun {
  runId: string;
  platform: string;
  subscriptionId: string;
  resourceGroup: string;
  deploymentName: string;
}

export interface SavedLocalRun {
  runId: string;
  /** local or external (absent in states saved before external existed: local). */
  platform?: 'local' | 'external';
  /** The work directory as deploy resolved it (the post step may start elsewhere). */
  workDir: string;
}

export function saveAzureRunForPost(run: SavedAzureRun, env: NodeJS.ProcessEnv = process.env): void {
  if (env.GITHUB_STATE) core.saveState(AZURE_RUN_STATE, JSON.stringify(run));
}

export function saveLocalRunForPost(run: SavedLocalRun, env: NodeJS.ProcessEnv = process.env): void {
  if (env.GITHUB_STATE) core.saveState(LOCAL_RUN_STATE, JSON.stringify(run));
}

export const savedAzureRun = (): SavedAzureRun | undefined => savedState<SavedAzureRun>(AZURE_RUN_STATE);
export const savedLocalRun = (): SavedLocalRun | undefined => savedState<SavedLocalRun>(LOCAL_RUN_STATE);

function savedState<T>(name: string): T | undefined {
  const text = core.getState(name);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
