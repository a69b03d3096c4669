/**
 * load on the local platform: simulator instances as detached Node processes (the bundled simulator
 * CLI), each writing its stats to a file in the run directory that this module reads to know events
 * flow and, with `wait`, to print the final figures.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { repoRoot } from '../../repo-root.js';
import type { LoadStats } from '../../report/schema.js';
import { runTopics, type RunState } from '../../run-state/run-state.js';
import { simulatorArgs, simulatorEnvironment } from '../../../simulator/src/launch.js';
import type { StatsFile } from '../../../simulator/src/stats-file.js';
import { runKafkaConnection } from '../external/connection.js';
import type { ModeContext } from '../platform.js';
import { isAlive, startProcess, stopProcess, tailFile, waitFor, type ProcessHandle } from './processes.js';

export interface LocalLoad {
  instances: Array<{ process: ProcessHandle; statsFile: string }>;
}

export function simulatorEntry(): string {
  const entry = path.join(repoRoot(), 'dist', 'simulator', 'index.js');
  if (!existsSync(entry)) throw new UserError(`The simulator bundle ${entry} is missing: run 'npm run build'.`);
  return entry;
}

export async function readStats(file: string): Promise<StatsFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StatsFile;
  } catch {
    return undefined; // not written yet, or being replaced
  }
}

/** Every instance's figures so far, summed (an instance without a stats file yet counts 0). */
export async function loadTotals(load: LocalLoad): Promise<LoadStats> {
  const stats = await Promise.all(load.instances.map((i) => readStats(i.statsFile)));
  const sum = (pick: (s: StatsFile) => number) => stats.reduce((t, s) => t + (s ? pick(s) : 0), 0);
  return {
    sent: sum((s) => s.sent),
    acknowledged: sum((s) => s.acknowledged),
    errors: sum((s) => s.errors),
    shortfall: sum((s) => s.shortfall),
  };
}

export async function startLocalLoad(
  ctx: ModeContext,
  state: RunState,
  durationSeconds: number,
  onStarted: (load: LocalLoad) => Promise<void>,
): Promise<LocalLoad> {
  const { config, reporter, signal } = ctx;
  const connection = runKafkaConnection(config, state);
  const dir = path.join(state.runDir, 'load');
  await mkdir(dir, { recursive: true });
  const count = config.simulatorInstances;
  const entry = simulatorEntry();
  const load: LocalLoad = { instances: [] };
  for (let index = 0; index < count; index++) {
    const statsFile = path.join(dir, `stats-${index}.json`);
    const process = await startProcess({
      command: globalThis.process.execPath,
      args: [
        entry,
        ...simulatorArgs({
          bootstrapServers: connection.bootstrapServers,
          security: connection.security,
          topic: runTopics(state).input,
          workloadFile: state.workloadFile,
          eventsPerSecond: state.eventsPerSecond,
          instanceIndex: index,
          instanceCount: count,
          durationSeconds,
          statsFile,
          // Stats every second: `load` returns as soon as the first events are acknowledged.
          statsIntervalSeconds: 1,
        }),
      ],
      cwd: state.runDir,
      env: { ...globalThis.process.env, ...simulatorEnvironment(connection.security) },
      logFile: path.join(dir, `simulator-${index}.log`),
    });
    load.instances.push({ process, statsFile });
    await onStarted(load);
  }
  reporter.info(
    `Started ${count} simulator instance(s): ${state.eventsPerSecond.toLocaleString('en-US')} events/s for ${durationSeconds} s; waiting for the first acknowledged events...`,
  );
  for (const instance of load.instances) {
    await waitFor(
      'The simulator',
      async () => ((await readStats(instance.statsFile))?.acknowledged ?? 0) > 0 || undefined,
      { timeoutMs: 60_000, process: instance.process, signal },
    );
  }
  reporter.info('Events are flowing into topic in.');
  if (config.wait) await waitForLoad(ctx, load);
  return load;
}

/** Blocks until every instance finished, prints their final stats; fails if one did not finish cleanly. */
async function waitForLoad(ctx: ModeContext, load: LocalLoad): Promise<void> {
  const { reporter, signal } = ctx;
  let lastReport = 0;
  while (load.instances.some((i) => isAlive(i.process.pid, i.process.startTime))) {
    signal.throwIfAborted();
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      const { sent, acknowledged, errors } = await loadTotals(load);
      reporter.info(`load: sent ${sent}, acknowledged ${acknowledged}, errors ${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const finals = await Promise.all(load.instances.map((i) => readStats(i.statsFile)));
  for (const [index, stats] of finals.entries()) {
    const instance = load.instances[index];
    if (stats?.state !== 'finished') {
      throw new UserError(
        `Simulator instance ${index} ${stats?.state === 'failed' ? `failed: ${stats.error}` : 'stopped without final stats'}. Last lines of ${instance.process.logFile}:\n${await tailFile(instance.process.logFile)}`,
      );
    }
    reporter.info(
      `load instance ${index}: sent ${stats.sent}, acknowledged ${stats.acknowledged}, errors ${stats.errors}, shortfall ${stats.shortfall}, average ${stats.averageRate.toFixed(1)} events/s`,
    );
  }
}

export async function stopLocalLoad(load: LocalLoad): Promise<void> {
  // SIGTERM lets each simulator flush and write its final stats.
  await Promise.all(load.instances.map((i) => stopProcess(i.process, { graceMs: 15_000 })));
}
