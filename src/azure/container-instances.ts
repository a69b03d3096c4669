/**
 * Azure Container Instances of a run, inside its VNet (the simulators and the measure agent on
 * hdinsight): create a one-container group and wait until the container runs, read its logs,
 * delete groups (one already gone is success) and find the run's groups by tag.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container, ContainerGroup, EnvironmentVariable } from '@azure/arm-containerinstance';
import type { Reporter } from '../console/reporter.js';
import { UserError } from '../errors.js';
import type { ArmClients } from './clients.js';
import { statusCodeOf } from './errors.js';
import { TAG_RUN_ID, TOOLKIT_TAG } from './names.js';
import { armFailure } from './resource-groups.js';

/** What a container group does for its run (simulator, measure-agent): how a later job finds it. */
export const TAG_ROLE = 'role';

/** How long a container may take to be pulled and started before the run gives up. */
const START_TIMEOUT_MS = 10 * 60_000;
const FAILURE_LOG_LINES = 40;

/** Where a run's container groups go: the run's resource group and the VNet's delegated subnet. */
export interface ContainerGroupPlace {
  resourceGroup: string;
  location: string;
  subnetId: string;
}

export interface ContainerGroupSpec {
  /** The group's name, also its one container's name. */
  name: string;
  image: string;
  /** Exec form; replaces the image's entrypoint. */
  command: string[];
  cpu: number;
  memoryInGB: number;
  environment?: Record<string, string>;
  /** Sent as secureValue (ARM never returns it) and masked in logs before the request. */
  secureEnvironment?: Record<string, string>;
  /** The run's tags (runTags) plus anything else to find the group by. */
  tags: Record<string, string>;
}

/** Tags of a run's container group: the toolkit's, the run's id and the group's role. */
export function runTags(runId: string, role: string): Record<string, string> {
  return { [TOOLKIT_TAG]: 'true', [TAG_RUN_ID]: runId, [TAG_ROLE]: role };
}

/**
 * A container group name of a run (1-63 lowercase letters, digits and single hyphens, no hyphen at
 * either end): the role, then as much of the run id as fits.
 */
export function containerGroupName(role: string, runId: string): string {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const head = clean(role);
  return `${head}-${clean(runId).slice(0, 62 - head.length)}`.replace(/-+$/, '');
}

/**
 * Creates (or replaces) the group and returns once its container runs, or has finished with exit
 * code 0. Any failure is one UserError with ARM's error, the container's events and its last log lines.
 */
export async function runContainerGroup(
  clients: ArmClients,
  reporter: Reporter,
  place: ContainerGroupPlace,
  spec: ContainerGroupSpec,
  signal: AbortSignal,
): Promise<void> {
  for (const secret of Object.values(spec.secureEnvironment ?? {})) reporter.setSecret(secret);
  const environmentVariables: EnvironmentVariable[] = [
    ...Object.entries(spec.environment ?? {}).map(([name, value]) => ({ name, value })),
    ...Object.entries(spec.secureEnvironment ?? {}).map(([name, secureValue]) => ({ name, secureValue })),
  ];
  const group: ContainerGroup = {
    location: place.location,
    tags: spec.tags,
    osType: 'Linux',
    restartPolicy: 'Never',
    // Private to the VNet: nothing listens, the container only connects out (to the brokers, to storage).
    subnetIds: [{ id: place.subnetId }],
    containers: [
      {
        name: spec.name,
        image: spec.image,
        command: spec.command,
        environmentVariables,
        resources: { requests: { cpu: spec.cpu, memoryInGB: spec.memoryInGB } },
      },
    ],
  };
  reporter.info(`Container group ${spec.name}: creating (${spec.image}, ${spec.cpu} CPU, ${spec.memoryInGB} GB)...`);
  try {
    const poller = await clients.containerInstances.containerGroups.beginCreateOrUpdate(
      place.resourceGroup,
      spec.name,
      group,
      { updateIntervalInMs: clients.connection.pollIntervalMs, abortSignal: signal },
    );
    let reported = '';
    poller.onProgress((state) => {
      if (state.status !== reported) reporter.info(`  ${spec.name}: provisioning ${(reported = state.status)}`);
    });
    await poller.pollUntilDone({ abortSignal: signal });
  } catch (error) {
    if (signal.aborted) throw error;
    const headline = armFailure(`Creating container group ${spec.name} in ${place.resourceGroup}`, error).message;
    // A rejected request (4xx) created nothing; a failed provisioning left events worth reading.
    const rejected = (statusCodeOf(error) ?? 0) >= 400;
    throw rejected
      ? new UserError(headline)
      : await containerFailure(clients, place.resourceGroup, spec.name, headline);
  }
  await waitUntilStarted(clients, reporter, place.resourceGroup, spec.name, signal);
}

async function waitUntilStarted(
  clients: ArmClients,
  reporter: Reporter,
  resourceGroup: string,
  name: string,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let reported = '';
  for (;;) {
    const group = await getGroup(clients, resourceGroup, name);
    const current = containerOf(group, name)?.instanceView?.currentState;
    const state = current?.state ?? group.instanceView?.state ?? group.provisioningState ?? 'Pending';
    const line = current?.detailStatus ? `${state} (${current.detailStatus})` : state;
    if (line !== reported) reporter.info(`  ${name}: ${(reported = line)}`);
    if (state === 'Running') return;
    if (state === 'Terminated' && current?.exitCode === 0) return;
    if (state === 'Terminated' || group.provisioningState === 'Failed' || group.instanceView?.state === 'Failed') {
      const exit = current?.exitCode === undefined ? '' : ` with exit code ${current.exitCode}`;
      throw await containerFailure(clients, resourceGroup, name, `Container ${name} stopped${exit} (${line}).`);
    }
    if (Date.now() > deadline) {
      throw await containerFailure(
        clients,
        resourceGroup,
        name,
        `Container ${name} did not start within ${START_TIMEOUT_MS / 60_000} minutes (last state: ${line}).`,
      );
    }
    await sleep(clients.connection.pollIntervalMs, undefined, { signal });
  }
}

/** The container's output so far (the last `tail` lines, or all ARM keeps). */
export async function containerLogs(
  clients: ArmClients,
  resourceGroup: string,
  name: string,
  tail?: number,
): Promise<string> {
  try {
    const logs = await clients.containerInstances.containers.listLogs(resourceGroup, name, name, { tail });
    return logs.content ?? '';
  } catch (error) {
    throw armFailure(`Reading the logs of container ${name}`, error);
  }
}

export interface ContainerStatus {
  name: string;
  /** Waiting, Running or Terminated (or the group's state before the container has one). */
  state: string;
  exitCode?: number;
}

/** Where each group's container is now. */
export async function containerStates(
  clients: ArmClients,
  resourceGroup: string,
  names: string[],
): Promise<ContainerStatus[]> {
  return Promise.all(
    names.map(async (name) => {
      const group = await getGroup(clients, resourceGroup, name);
      const current = containerOf(group, name)?.instanceView?.currentState;
      return {
        name,
        state: current?.state ?? group.instanceView?.state ?? group.provisioningState ?? 'Pending',
        exitCode: current?.exitCode,
      };
    }),
  );
}

/** One error saying why a container failed: the headline, the group's and container's events, the last log lines. */
export async function containerFailure(
  clients: ArmClients,
  resourceGroup: string,
  name: string,
  headline: string,
): Promise<UserError> {
  const group = await getGroup(clients, resourceGroup, name).catch(() => undefined);
  const events = [...(group?.instanceView?.events ?? []), ...(containerOf(group, name)?.instanceView?.events ?? [])]
    .sort((a, b) => (a.lastTimestamp?.getTime() ?? 0) - (b.lastTimestamp?.getTime() ?? 0))
    .map(
      (event) =>
        `  ${event.lastTimestamp?.toISOString() ?? '-'} ${event.type ?? ''} ${event.name ?? ''}: ${event.message ?? ''}`,
    );
  const logs = await containerLogs(clients, resourceGroup, name, FAILURE_LOG_LINES).then(
    (text) => text.trimEnd(),
    (error: unknown) => `(not readable: ${(error as Error).message})`,
  );
  return new UserError(
    [
      headline,
      ...(events.length ? ['Events:', ...events] : []),
      logs ? `Last log lines of ${name}:\n${indent(logs)}` : `Container ${name} wrote no log lines.`,
    ].join('\n'),
  );
}

export type DeleteGroupOutcome = 'deleted' | 'absent';

/** Deletes the groups, in parallel; a group (or resource group) already gone is success. */
export async function deleteContainerGroups(
  clients: ArmClients,
  reporter: Reporter,
  resourceGroup: string,
  names: string[],
): Promise<void> {
  const results = await Promise.allSettled(
    names.map(async (name): Promise<void> => {
      let outcome: DeleteGroupOutcome;
      try {
        const deleted = await clients.containerInstances.containerGroups.beginDeleteAndWait(resourceGroup, name, {
          updateIntervalInMs: clients.connection.pollIntervalMs,
        });
        outcome = deleted?.name ? 'deleted' : 'absent'; // 204: there was none
      } catch (error) {
        if (statusCodeOf(error) !== 404) throw armFailure(`Deleting container group ${name}`, error);
        outcome = 'absent';
      }
      reporter.info(`Container group ${name}: ${outcome === 'deleted' ? 'deleted' : 'already gone'}.`);
    }),
  );
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason.message)] : []));
  if (failures.length) throw new UserError(failures.join('\n'));
}

/** Names of the run's container groups (with `role`: only those), by their tags. */
export async function listRunContainerGroups(
  clients: ArmClients,
  resourceGroup: string,
  runId: string,
  role?: string,
): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const group of clients.containerInstances.containerGroups.listByResourceGroup(resourceGroup)) {
      const tags = group.tags ?? {};
      if (group.name && tags[TAG_RUN_ID] === runId && (role === undefined || tags[TAG_ROLE] === role))
        names.push(group.name);
    }
  } catch (error) {
    if (statusCodeOf(error) === 404) return names; // the resource group is gone, and its groups with it
    throw armFailure(`Listing the container groups of ${resourceGroup}`, error);
  }
  return names;
}

async function getGroup(clients: ArmClients, resourceGroup: string, name: string): Promise<ContainerGroup> {
  try {
    return await clients.containerInstances.containerGroups.get(resourceGroup, name);
  } catch (error) {
    throw armFailure(`Reading container group ${name}`, error);
  }
}

function containerOf(group: ContainerGroup | undefined, name: string): Container | undefined {
  return group?.containers.find((container) => container.name === name) ?? group?.containers[0];
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
