/**
 * deploy on aks | hdinsight: the tagged resource group, ARM's validation of the template and its
 * parameters, then one deployment followed to the end with progress from its operations.
 */
import { userInfo } from 'node:os';
import type { DeploymentExtended, DeploymentOperation } from '@azure/arm-resourcesdeployments';
import { UserError } from '../errors.js';
import type { ModeContext } from '../platforms/platform.js';
import { createRun, saveRun, type RunState } from '../run-state/run-state.js';
import { saveAzureRunForPost } from '../run-state/post-state.js';
import type { ArmClients } from './clients.js';
import { armErrorText } from './errors.js';
import { deploymentName, resourceGroupName, resourceGroupTags, startedBy } from './names.js';
import { generateRunPasswords } from './passwords.js';
import { armFailure, deleteResourceGroup, putResourceGroup, resourceGroupExists } from './resource-groups.js';
import { openArm, type AzureDeps } from './session.js';
import { deploymentParameters, loadTemplate, outputValues, type FlinkPlatform } from './template.js';
import { azureState } from './state.js';
import { runDeadline } from './deadline.js';

export async function deployAzure(ctx: ModeContext, platform: FlinkPlatform, deps: AzureDeps): Promise<RunState> {
  const { config, reporter } = ctx;
  const clients = openArm(config, deps);
  const subscriptionId = config.azure!.subscriptionId;
  const template = await loadTemplate();
  const state = await createRun(config);
  const group = resourceGroupName(config.solutionName);
  const deployment = deploymentName(state.runId);
  reporter.info(`Run ${state.runId}: resource group ${group} in ${config.location}, deployment ${deployment}.`);

  // Fresh passwords for this run, masked before anything else can print them.
  const passwords = generateRunPasswords();
  reporter.setSecret(passwords.clusterLoginPassword);
  reporter.setSecret(passwords.sshPassword);

  // Billing starts with this deploy: the run's maximum duration counts from here.
  const now = deps.now();
  const deadline = runDeadline(now, config.maxDurationMinutes);
  const tags = resourceGroupTags({
    solutionName: config.solutionName,
    runId: state.runId,
    startedBy: startedBy(deps.env, () => userInfo().username),
    now,
    expiresInHours: config.expiresInHours,
    deadline,
  });
  const azure = azureState(state);
  Object.assign(azure, {
    subscriptionId,
    resourceGroup: group,
    deploymentName: deployment,
    location: config.location,
    deadline: deadline.toISOString(),
    maxDurationMinutes: config.maxDurationMinutes,
  });

  const existed = await resourceGroupExists(clients, group);
  await putResourceGroup(clients, group, config.location, tags);
  reporter.info(
    `${existed ? 'Updated' : 'Created'} resource group ${group} (expires-at ${tags['expires-at']}, started-by ${tags['started-by']}).`,
  );
  reporter.info(
    `Maximum duration ${config.maxDurationMinutes} min (max-duration-minutes): the run must end by ${tags.deadline}, or it is stopped and torn down.`,
  );
  await saveRun(state);
  saveAzureRunForPost(
    { runId: state.runId, platform, subscriptionId, resourceGroup: group, deploymentName: deployment },
    deps.env,
  );
  reporter.setOutput('resource-group', group);
  reporter.setOutput('deployment-name', deployment);

  const body = {
    properties: {
      template,
      parameters: deploymentParameters(config, platform, passwords, tags),
      mode: 'Incremental' as const,
    },
  };

  // ARM checks the template and parameters before anything is created in the group.
  reporter.info('Validating the template and parameters with ARM...');
  let lastResponse: { bodyAsText?: string | null; parsedBody?: unknown } | undefined;
  const validation = await (async () => {
    try {
      return await clients.deployments.deployments
        .validate(group, deployment, body, {
          updateIntervalInMs: clients.connection.pollIntervalMs,
          abortSignal: ctx.signal,
          onResponse: (response) => (lastResponse = response),
        })
        .pollUntilDone();
    } catch (error) {
      // A 400 ends the validation "operation" as failed: ARM's own error is in that response's body.
      const body =
        lastResponse?.parsedBody ?? (lastResponse?.bodyAsText ? safeJson(lastResponse.bodyAsText) : undefined);
      const armError = (body as { error?: unknown } | undefined)?.error;
      return { error: undefined, thrown: armError ? { details: armError } : error };
    }
  })();
  const invalid =
    'thrown' in validation
      ? armErrorText(validation.thrown)
      : validation.error
        ? armErrorText({ details: validation.error })
        : undefined;
  if (invalid) {
    if (!existed) {
      // Nothing half-created: the group made a moment ago for this deployment goes again.
      await deleteResourceGroup(clients, group, { wait: false }).catch(() => undefined);
      azure.deleted = true;
      await saveRun(state);
    }
    throw new UserError(`ARM rejected the deployment of ${group} before creating anything: ${invalid}`);
  }

  reporter.info(`Deploying (one ARM deployment, resources in parallel; HDInsight clusters take 20-30 minutes)...`);
  const progress = new OperationProgress(clients, group, reporter.info.bind(reporter));
  const poller = clients.deployments.deployments.createOrUpdate(group, deployment, body, {
    updateIntervalInMs: clients.connection.pollIntervalMs,
    abortSignal: ctx.signal,
  });
  let finished = false;
  const stopWatching = new AbortController();
  const watchSignal = AbortSignal.any([ctx.signal, stopWatching.signal]);
  const watching = (async () => {
    while (!finished) {
      await sleep(Math.max(clients.connection.pollIntervalMs, 50), watchSignal);
      if (!finished) await progress.report(deployment).catch(() => undefined);
    }
  })();
  let result: DeploymentExtended | undefined;
  let failure: unknown;
  try {
    result = await poller.pollUntilDone();
  } catch (error) {
    failure = error;
  } finally {
    finished = true;
    stopWatching.abort();
    await watching;
  }
  await progress.report(deployment).catch(() => undefined);
  if (ctx.signal.aborted) throw new UserError(`Deploy cancelled; resource group ${group} is left for teardown.`);
  if (failure !== undefined || result?.properties?.provisioningState !== 'Succeeded') {
    throw await deploymentFailure(clients, group, deployment, progress, failure);
  }

  const outputs = outputValues(result.properties?.outputs);
  azure.outputs = outputs;
  state.flinkRestUrl = undefined; // known once submit-flink runs (issue #9)
  await saveRun(state);
  reporter.info(`Deployment ${deployment} succeeded in ${result.properties?.duration ?? '?'}.`);
  for (const [name, value] of Object.entries(outputs)) reporter.info(`  ${name}: ${value}`);
  const actionOutputs: Record<string, string | undefined> = {
    'kafka-cluster-name': outputs.kafkaClusterName,
    'flink-cluster-name': outputs.flinkClusterName,
    'storage-account': outputs.storageAccountName,
  };
  for (const [name, value] of Object.entries(actionOutputs)) if (value) reporter.setOutput(name, value);
  return state;
}

/** ARM's error for a failed deployment, with each failed resource and its own error. */
async function deploymentFailure(
  clients: ArmClients,
  group: string,
  deployment: string,
  progress: OperationProgress,
  failure: unknown,
): Promise<UserError> {
  let top = failure === undefined ? undefined : armErrorText(failure);
  try {
    const current = await clients.deployments.deployments.get(group, deployment);
    if (current.properties?.error) top = armErrorText({ details: current.properties.error });
    else if (!top) top = `provisioning state ${current.properties?.provisioningState}`;
  } catch (error) {
    top ??= armErrorText(error);
  }
  const failed = progress.failed.map(
    (op) =>
      `  failed: ${op.properties?.targetResource?.resourceType} '${op.properties?.targetResource?.resourceName}': ${armErrorText({ details: op.properties?.statusMessage?.error ?? op.properties?.statusMessage })}`,
  );
  return armFailure(`Deployment ${deployment} in ${group} failed`, new UserError([top, ...failed].join('\n')));
}

/** Prints each resource's provisioning state as it changes, nested deployments (modules) included. */
class OperationProgress {
  private readonly seen = new Map<string, string>();
  readonly failed: DeploymentOperation[] = [];

  constructor(
    private readonly clients: ArmClients,
    private readonly group: string,
    private readonly log: (line: string) => void,
  ) {}

  async report(deployment: string, depth = 0): Promise<void> {
    for await (const op of this.clients.deployments.deploymentOperations.list(this.group, deployment)) {
      const target = op.properties?.targetResource;
      const status = op.properties?.provisioningState;
      if (!target?.resourceType || !status) continue;
      const key = `${deployment}/${target.id ?? target.resourceName}`;
      if (this.seen.get(key) !== status) {
        this.seen.set(key, status);
        const label = status === 'Running' || status === 'Accepted' ? 'creating' : status.toLowerCase();
        this.log(`  ${'  '.repeat(depth)}${target.resourceType} ${target.resourceName}: ${label}`);
        if (status === 'Failed' && target.resourceType !== 'Microsoft.Resources/deployments') this.failed.push(op);
      }
      if (target.resourceType === 'Microsoft.Resources/deployments' && target.resourceName && depth < 2) {
        await this.report(target.resourceName, depth + 1).catch(() => undefined);
      }
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
