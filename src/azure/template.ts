/**
 * The compiled ARM template (bicep/main.json, kept in step with bicep/main.bicep) and the parameters
 * a run gives it. Parameter building is pure.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { repoRoot } from '../repo-root.js';
import type { RunPasswords } from './passwords.js';

export type FlinkPlatform = 'aks' | 'hdinsight';

export function templatePath(root = repoRoot()): string {
  return path.join(root, 'bicep', 'main.json');
}

export async function loadTemplate(file = templatePath()): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
}

export type DeploymentParameters = Record<string, { value: unknown }>;

/** The template's parameters for a run: names and sizes from the config's tier, fresh passwords. */
export function deploymentParameters(
  config: Config,
  platform: FlinkPlatform,
  passwords: RunPasswords,
  tags: Record<string, string>,
): DeploymentParameters {
  const tier = config.tier;
  const values: Record<string, unknown> = {
    solutionName: config.solutionName,
    location: config.location,
    flinkPlatform: platform,
    kafkaWorkerCount: tier.kafkaWorkers.count,
    kafkaWorkerSize: tier.kafkaWorkers.size,
    aksNodeCount: tier.aksNodes.count,
    aksNodeSize: tier.aksNodes.size,
    yarnWorkerCount: tier.yarnWorkers.count,
    yarnWorkerSize: tier.yarnWorkers.size,
    clusterLoginPassword: passwords.clusterLoginPassword,
    sshPassword: passwords.sshPassword,
    tags,
  };
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value }]));
}

/** Template outputs as ARM returns them ({ name: { type, value } }) -> plain values. */
export function outputValues(outputs: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!outputs || typeof outputs !== 'object') return result;
  for (const [name, output] of Object.entries(outputs as Record<string, { value?: unknown }>)) {
    const value = output?.value;
    if (value !== undefined && value !== null) result[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return result;
}
