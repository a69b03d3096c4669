/**
 * load on hdinsight: one container instance per simulator instance, in the VNet's simulators subnet
 * (the brokers' private addresses are reachable only inside the VNet), each running the simulator
 * CLI of the simulator image with its share of the rate. The group names are kept in the run state
 * for a later job's stopLoad; the run's tags find any group a lost state missed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ArmClients } from '../../azure/clients.js';
import {
  containerFailure,
  containerGroupName,
  containerLogs,
  containerStates,
  deleteContainerGroups,
  listRunContainerGroups,
  runContainerGroup,
  runTags,
  type ContainerGroupPlace,
} from '../../azure/container-instances.js';
import { azureState } from '../../azure/state.js';
import { UserError } from '../../errors.js';
import { INPUT_TOPIC } from '../../flink/job-arguments.js';
import type { LoadStats } from '../../report/schema.js';
import { saveRun, type RunState } from '../../run-state/run-state.js';
import { simulatorArgs } from '../../../simulator/src/launch.js';
import { parseStatsLine } from '../../../simulator/src/stats-file.js';
import type { ModeContext } from '../platform.js';
import { simulatorImage } from '../azure/simulator-image.js';

/** The simulator image's entrypoint (simulator/Dockerfile): a container's command replaces it. */
export const SIMULATOR_ENTRYPOINT = ['node', '/app/dist/simulator/index.js'];
export const SIMULATOR_ROLE = 'simulator';
/** A tier-10 instance sends 2,000 events/s: one core keeps up with room to spare. */
const SIMULATOR_CPU = 1;
const SIMULATOR_MEMORY_GB = 1.5;
/** Seconds between the stats lines each instance prints to its log (read for progress and the report). */
const STATS_INTERVAL_SECONDS = 10;
const FIRST_EVENTS_TIMEOUT_MS = 3 * 60_000;

/** The container groups of a run on hdinsight (RunState.platformState.containerInstances). */
export interface ContainerInstancesRunState {
  /** The simulator groups of the running load. */
  load?: string[];
  measureAgent?: string;
}

export function containerInstancesState(state: RunState): ContainerInstancesRunState {
  state.platformState.containerInstances ??= {};
  return state.platformState.containerInstances as ContainerInstancesRunState;
}

/** The run's resource group, region and simulators subnet, as deploy recorded them. */
export function containerPlace(state: RunState): ContainerGroupPlace {
  const azure = azureState(state);
  const subnetId = azure.outputs?.simulatorsSubnetId;
  if (!azure.resourceGroup || !azure.location || !subnetId)
    throw new UserError(`Run ${state.runId} has no simulators subnet recorded: run 'deploy' for it first.`);
  return { resourceGroup: azure.resourceGroup, location: azure.location, subnetId };
}

export function simulatorGroupNames(runId: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => containerGroupName(`sim-${index}`, runId));
}

/**
 * Starts config.simulatorInstances container groups sending state.eventsPerSecond in total to the
 * brokers (private host:port list) for `durationSeconds`; returns once every instance has had
 * events acknowledged (with config.wait: once all finished).
 */
export async function startHdinsightLoad(
  ctx: ModeContext,
  state: RunState,
  clients: ArmClients,
  brokers: string,
  durationSeconds: number,
): Promise<void> {
  const { config, reporter, signal } = ctx;
  const place = containerPlace(state);
  const image = simulatorImage(config);
  const count = config.simulatorInstances;
  const names = simulatorGroupNames(state.runId, count);
  // Recorded first: a failure half-way still leaves stopLoad (and teardown) every name.
  containerInstancesState(state).load = names;
  state.load = { startedAt: new Date().toISOString(), eventsPerSecond: state.eventsPerSecond, durationSeconds };
  await saveRun(state);

  reporter.info(
    `Starting ${count} simulator container instance(s) in the VNet: ${state.eventsPerSecond.toLocaleString('en-US')} events/s in total to ${brokers} for ${durationSeconds} s...`,
  );
  const started = await Promise.allSettled(
    names.map((name, index) =>
      runContainerGroup(
        clients,
        reporter,
        place,
        {
          name,
          image,
          command: [
            ...SIMULATOR_ENTRYPOINT,
            ...simulatorArgs({
              bootstrapServers: brokers,
              topic: INPUT_TOPIC,
              eventsPerSecond: state.eventsPerSecond,
              instanceIndex: index,
              instanceCount: count,
              durationSeconds,
              statsIntervalSeconds: STATS_INTERVAL_SECONDS,
            }),
          ],
          cpu: SIMULATOR_CPU,
          memoryInGB: SIMULATOR_MEMORY_GB,
          tags: runTags(state.runId, SIMULATOR_ROLE),
        },
        signal,
      ),
    ),
  );
  const failures = started.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
  if (failures.length)
    throw failures.length === 1 ? failures[0] : new UserError(failures.map((e) => e.message).join('\n'));

  reporter.info('Simulators running; waiting for the first acknowledged events...');
  await waitForFirstEvents(ctx, clients, place.resourceGroup, names);
  reporter.info(`Events are flowing into topic ${INPUT_TOPIC}.`);
  if (config.wait) await waitForLoad(ctx, clients, place.resourceGroup, names);
}

async function waitForFirstEvents(
  ctx: ModeContext,
  clients: ArmClients,
  resourceGroup: string,
  names: string[],
): Promise<void> {
  const deadline = Date.now() + FIRST_EVENTS_TIMEOUT_MS;
  let waiting = names;
  while (waiting.length) {
    const stopped = (await containerStates(clients, resourceGroup, waiting)).find(
      (s) => s.state === 'Terminated' && s.exitCode !== 0,
    );
    if (stopped)
      throw await containerFailure(
        clients,
        resourceGroup,
        stopped.name,
        `Simulator ${stopped.name} stopped with exit code ${stopped.exitCode}.`,
      );
    const stats = await Promise.all(waiting.map((name) => lastStats(clients, resourceGroup, name)));
    waiting = waiting.filter((_, index) => !(stats[index] && stats[index].acknowledged > 0));
    if (!waiting.length) return;
    if (Date.now() > deadline) {
      const logs = await containerLogs(clients, resourceGroup, waiting[0], 20);
      throw new UserError(
        `No events acknowledged by the brokers after ${FIRST_EVENTS_TIMEOUT_MS / 60_000} minutes from ${waiting.join(', ')}: check that the brokers' addresses are reachable from the simulators subnet. Last log lines of ${waiting[0]}:\n${logs.trimEnd()}`,
      );
    }
    await sleep(clients.connection.pollIntervalMs, undefined, { signal: ctx.signal });
  }
}

/** Blocks until every instance finished; prints each one's final stats; fails if one did not exit 0. */
async function waitForLoad(ctx: ModeContext, clients: ArmClients, resourceGroup: string, names: string[]) {
  const { reporter } = ctx;
  let lastReport = 0;
  for (;;) {
    const states = await containerStates(clients, resourceGroup, names);
    if (states.every((s) => s.state === 'Terminated')) {
      for (const [index, name] of names.entries()) {
        const stats = await lastStats(clients, resourceGroup, name);
        if (stats)
          reporter.info(
            `load instance ${index}: sent ${stats.sent}, acknowledged ${stats.acknowledged}, errors ${stats.errors}, shortfall ${stats.shortfall}`,
          );
      }
      const failed = states.find((s) => s.exitCode !== 0);
      if (failed)
        throw await containerFailure(
          clients,
          resourceGroup,
          failed.name,
          `Simulator ${failed.name} exited with code ${failed.exitCode}.`,
        );
      return;
    }
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      const totals = await sumStats(clients, resourceGroup, names);
      if (totals)
        reporter.info(`load: sent ${totals.sent}, acknowledged ${totals.acknowledged}, errors ${totals.errors}`);
    }
    await sleep(clients.connection.pollIntervalMs, undefined, { signal: ctx.signal });
  }
}

/**
 * The load's figures for the report, summed from each instance's last stats line in its logs (at
 * most one stats interval old while the load runs); null, with the reason as a warning, when there
 * is no load or an instance has printed none. A deleted group keeps no logs: read before stopLoad.
 */
export async function hdinsightLoadStats(
  ctx: ModeContext,
  state: RunState,
  clients: ArmClients,
): Promise<LoadStats | null> {
  const resourceGroup = azureState(state).resourceGroup;
  // Recorded by load; a measure in a job of its own (the state rebuilt from Azure) finds the
  // simulators by the run's tags instead (the figures are a sum: their order does not matter).
  let names = containerInstancesState(state).load ?? [];
  if (!names.length && resourceGroup)
    names = await listRunContainerGroups(clients, resourceGroup, state.runId, SIMULATOR_ROLE);
  if (!names.length || !resourceGroup) {
    ctx.reporter.warning(`No load figures: run ${state.runId} has no simulators running.`);
    return null;
  }
  return sumStats(clients, resourceGroup, names, (message) => ctx.reporter.warning(message));
}

async function sumStats(
  clients: ArmClients,
  resourceGroup: string,
  names: string[],
  warn?: (message: string) => void,
): Promise<LoadStats | null> {
  const total: LoadStats = { sent: 0, acknowledged: 0, errors: 0, shortfall: 0 };
  for (const name of names) {
    let stats;
    try {
      stats = await lastStats(clients, resourceGroup, name);
    } catch (error) {
      warn?.(`No load figures: ${(error as Error).message}`);
      return null;
    }
    if (!stats) {
      warn?.(`No load figures: simulator ${name} has printed no stats line yet.`);
      return null;
    }
    total.sent += stats.sent;
    total.acknowledged += stats.acknowledged;
    total.errors += stats.errors;
    total.shortfall += stats.shortfall;
  }
  return total;
}

async function lastStats(clients: ArmClients, resourceGroup: string, name: string) {
  // A few lines suffice: every stats interval prints one, and the final line comes last.
  const lines = (await containerLogs(clients, resourceGroup, name, 10)).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const stats = parseStatsLine(lines[i]);
    if (stats) return stats;
  }
  return undefined;
}

/** Deletes the run's simulator groups (those recorded and any other tagged as the run's); a repeat is a no-op. */
export async function stopHdinsightLoad(ctx: ModeContext, state: RunState, clients: ArmClients): Promise<void> {
  const azure = azureState(state);
  const record = containerInstancesState(state);
  if (!azure.resourceGroup || azure.deleted) {
    ctx.reporter.info('No simulators to stop: the resource group is gone.');
  } else {
    const tagged = await listRunContainerGroups(clients, azure.resourceGroup, state.runId, SIMULATOR_ROLE);
    const names = [...new Set([...(record.load ?? []), ...tagged])];
    if (names.length) {
      ctx.reporter.info(`Stopping the load: deleting ${names.length} simulator container group(s)...`);
      await deleteContainerGroups(clients, ctx.reporter, azure.resourceGroup, names);
    } else ctx.reporter.info('No simulators running.');
  }
  delete record.load;
  delete state.load;
  await saveRun(state);
}
