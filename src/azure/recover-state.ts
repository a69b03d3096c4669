/**
 * A run's state rebuilt from Azure, for a stage that runs where deploy did not: the reusable
 * workflow runs each stage as its own job on a fresh runner, and only the run id travels between
 * them. The resource group (named after the solution) says by its tags which run it holds; the
 * run's ARM deployment keeps the template outputs; the sizing follows from the same inputs deploy
 * had. What a stage adds later (brokers, the Flink job, the load's container groups) is either
 * recorded in this state by that stage or found again where it runs (see `runStateFromAzure`).
 *
 * `runStateFromAzure` is pure (tags + deployment -> RunState); `recoverAzureRun` does the ARM reads.
 */
import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import { UserError } from '../errors.js';
import type { ModeContext } from '../platforms/platform.js';
import { runDirOf, runSizing, saveRun, STATE_VERSION, type RunState } from '../run-state/run-state.js';
import type { ArmClients } from './clients.js';
import { statusCodeOf } from './errors.js';
import { deadlineTag, deploymentName, resourceGroupName, TAG_RUN_ID, TOOLKIT_TAG } from './names.js';
import { armFailure } from './resource-groups.js';
import { openArm, type AzureDeps } from './session.js';
import type { AzureRunState } from './state.js';
import { outputValues } from './template.js';

/** The run cannot be rebuilt from Azure: no such group or deployment, or they belong to another run. */
export class RunRecoveryError extends UserError {
  override name = 'RunRecoveryError';
}

/** What ARM says about the solution's resource group (undefined: it does not exist). */
export interface FoundGroup {
  name: string;
  location: string;
  tags: Record<string, string>;
  /** 'Deleting' once a teardown (or cleanup) started deleting it. */
  provisioningState?: string;
}

/** What ARM says about the run's deployment (undefined: it does not exist). */
export interface FoundDeployment {
  name: string;
  provisioningState?: string;
  /** ARM's `properties.outputs` as returned ({ name: { type, value } }). */
  outputs?: unknown;
  /** ARM's `properties.parameters` (secure ones come back without a value). */
  parameters?: Record<string, { value?: unknown }>;
  /** ARM's `properties.timestamp`: when the deployment last changed (its end). */
  timestamp?: Date;
}

export interface RecoveryInput {
  config: Config;
  /** The run id the stage was given (the workflow passes deploy's `run-id` output). */
  runId: string;
  subscriptionId: string;
  group: FoundGroup | undefined;
  deployment: FoundDeployment | undefined;
  /** This machine's clock, for createdAt when ARM gives no timestamp. */
  now: Date;
}

/**
 * The run's state from the group's tags and the deployment; a RunRecoveryError saying what was
 * found when they do not describe a finished deploy of this run on this platform. Pure.
 */
export function runStateFromAzure(input: RecoveryInput): RunState {
  const { config, runId, group, deployment } = input;
  const groupName = resourceGroupName(config.solutionName);
  const deployFirst = `run 'deploy' first with the same solution-name ('${config.solutionName}') and pass its run-id to the later stages`;
  if (!group) {
    throw new RunRecoveryError(
      `Run '${runId}' has no state on this machine, and its resource group ${groupName} does not exist in subscription ${input.subscriptionId}: ${deployFirst}.`,
    );
  }
  const taggedRunId = group.tags[TAG_RUN_ID];
  if (!taggedRunId || group.tags[TOOLKIT_TAG] !== 'true') {
    throw new RunRecoveryError(
      `Resource group ${group.name} has no '${TAG_RUN_ID}' tag of streaming-at-scale, so it holds no run of this toolkit (looking for run '${runId}'): ${deployFirst}.`,
    );
  }
  if (taggedRunId !== runId) {
    throw new RunRecoveryError(
      `Resource group ${group.name} holds run '${taggedRunId}' (its '${TAG_RUN_ID}' tag), not run '${runId}': a later deploy with solution-name '${config.solutionName}' replaced it, or the run id is wrong. ${capitalised(deployFirst)}.`,
    );
  }
  if (group.provisioningState === 'Deleting') {
    throw new RunRecoveryError(
      `Resource group ${group.name} of run '${runId}' is being deleted (a teardown or cleanup ran): ${deployFirst}.`,
    );
  }
  const name = deploymentName(runId);
  if (!deployment) {
    throw new RunRecoveryError(
      `Resource group ${group.name} holds run '${runId}' but has no ARM deployment ${name}: its deploy stopped before deploying. ${capitalised(deployFirst)}.`,
    );
  }
  if (deployment.provisioningState !== 'Succeeded') {
    throw new RunRecoveryError(
      `Deployment ${name} of run '${runId}' in ${group.name} is '${deployment.provisioningState ?? 'unknown'}', not Succeeded: the later stages need a finished deploy. ${capitalised(deployFirst)}.`,
    );
  }
  const deployedFor = deployment.parameters?.flinkPlatform?.value;
  if (typeof deployedFor === 'string' && deployedFor !== config.platform) {
    throw new RunRecoveryError(
      `Run '${runId}' in ${group.name} was deployed for platform '${deployedFor}', not '${config.platform}': pass --platform ${deployedFor}.`,
    );
  }

  const azure: AzureRunState = {
    subscriptionId: input.subscriptionId,
    resourceGroup: group.name,
    deploymentName: name,
    location: group.location,
    // Everything the later stages read by name (clusters, gateways, storage, subnet, container).
    outputs: outputValues(deployment.outputs),
    // The deadline is the group's tag (deploy writes both); the limit in minutes is not kept in
    // Azure, and the messages read well without it.
    deadline: deadlineTag(group.tags)?.toISOString(),
  };
  return {
    version: STATE_VERSION,
    runId,
    platform: config.platform,
    // Only the choice of "the latest run" on this machine reads it: the deployment's end is close enough.
    createdAt: (deployment.timestamp ?? input.now).toISOString(),
    runDir: runDirOf(config, runId),
    // The workflow gives every stage the inputs it gave deploy (tier, job), so the same size.
    ...runSizing(config),
    // Not kept here on purpose, each found again where it is read:
    // - kafkaBootstrapServers: privateKafkaBrokers reads them from Ambari (platforms/azure/brokers.ts);
    // - flinkJobId / flinkRestUrl: submit-flink sets them; measure and load look the running job up
    //   through Flink's REST API (platforms/aks/flink-job.ts, platforms/hdinsight/flink-job.ts);
    // - load and the load's container groups (hdinsight): stopLoad and the load figures list the
    //   run's container groups by their run-id tag (platforms/hdinsight/load.ts).
    platformState: { azure },
  };
}

/**
 * The run named by config.runId rebuilt from Azure and saved in this machine's work-dir, so the
 * stage records its own updates (and a next stage on this machine reads them) as after a local deploy.
 */
export async function recoverAzureRun(ctx: ModeContext, deps: AzureDeps): Promise<RunState> {
  const { config, reporter } = ctx;
  const runId = config.runId;
  if (!runId) throw new UserError('Rebuilding a run from Azure needs its run id (--run-id).');
  const clients = openArm(config, deps);
  const groupName = resourceGroupName(config.solutionName);
  reporter.info(
    `Run ${runId} has no state on this machine: reading it from Azure (resource group ${groupName}, deployment ${deploymentName(runId)}).`,
  );
  const group = await readGroup(clients, groupName);
  // The deployment is read only for a group of this run: another run's would be misleading.
  const deployment =
    group && group.tags[TAG_RUN_ID] === runId
      ? await readDeployment(clients, groupName, deploymentName(runId))
      : undefined;
  const state = runStateFromAzure({
    config,
    runId,
    subscriptionId: config.azure!.subscriptionId,
    group,
    deployment,
    now: deps.now(),
  });
  await mkdir(state.runDir, { recursive: true });
  await saveRun(state);
  reporter.info(`Run ${runId} rebuilt from Azure; saved to ${state.runDir}.`);
  return state;
}

/** The resource group's name and tags; undefined when it does not exist. */
export async function readGroup(clients: ArmClients, name: string): Promise<FoundGroup | undefined> {
  try {
    const group = await clients.resources.resourceGroups.get(name);
    return {
      name: group.name ?? name,
      location: group.location,
      tags: group.tags ?? {},
      provisioningState: group.properties?.provisioningState,
    };
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw armFailure(`Could not read resource group '${name}'`, error);
  }
}

async function readDeployment(clients: ArmClients, group: string, name: string): Promise<FoundDeployment | undefined> {
  try {
    const deployment = await clients.deployments.deployments.get(group, name);
    const properties = deployment.properties;
    return {
      name,
      provisioningState: properties?.provisioningState,
      outputs: properties?.outputs,
      parameters: properties?.parameters as FoundDeployment['parameters'],
      timestamp: properties?.timestamp,
    };
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw armFailure(`Could not read deployment '${name}' in '${group}'`, error);
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
