/**
 * Entry point of the simulator's command line (bundled to dist/simulator/index.js; the container
 * image and the local platform run `node dist/simulator/index.js ...`).
 */
import { errorMessage } from '../../src/errors.js';
import { measureAgentHelp } from '../../src/measure/agent/args.js';
import { runMeasureAgent } from '../../src/measure/agent/agent.js';
import { helpText, parseSimulatorArgs } from './args.js';
import { resolveOptions } from './options.js';
import { runSimulator, SimulatorError, type SimulatorStats } from './simulator.js';
import { statsLine, writeStatsFile, type StatsFile } from './stats-file.js';

const r = (value: number) => value.toFixed(1);

const ZERO: SimulatorStats = {
  sent: 0,
  acknowledged: 0,
  duplicatesSent: 0,
  errors: 0,
  shortfall: 0,
  elapsedSeconds: 0,
  currentRate: 0,
  averageRate: 0,
  targetRate: 0,
};

async function main(): Promise<number> {
  const request = parseSimulatorArgs(process.argv.slice(2), process.env);
  if (request.kind === 'help') {
    console.log(helpText());
    return 0;
  }
  if (request.kind === 'measure-agent-help') {
    console.log(measureAgentHelp());
    return 0;
  }
  if (request.kind === 'measure-agent') {
    await runMeasureAgent(request.options, {
      env: process.env,
      log: (line) => console.log(line),
      signal: stopOnSignals(),
    });
    return 0;
  }
  const options = resolveOptions(request.options);
  const statsFile = request.statsFile;
  const fileBase = {
    pid: process.pid,
    topic: options.topic,
    brokers: options.brokers,
    instanceIndex: options.instanceIndex,
    instanceCount: options.instanceCount,
  };
  let latest: SimulatorStats = { ...ZERO, targetRate: options.eventsPerSecond };
  // Writes are chained so an older snapshot never overwrites a newer one.
  let writing: Promise<void> = Promise.resolve();
  const record = (state: StatsFile['state'], stats: SimulatorStats, error?: string) => {
    if (!statsFile) return writing;
    const content: StatsFile = {
      ...stats,
      state,
      ...(error ? { error } : {}),
      updatedAt: new Date().toISOString(),
      ...fileBase,
    };
    writing = writing
      .then(() => writeStatsFile(statsFile, content))
      .catch((e: unknown) => {
        console.warn(`warning: cannot write the stats file ${statsFile}: ${(e as Error).message}`);
      });
    return writing;
  };
  await record('starting', latest);
  const signal = stopOnSignals();

  const limits = [
    options.durationSeconds !== undefined ? `${options.durationSeconds} s` : undefined,
    options.maxEvents !== undefined ? `${options.maxEvents.toLocaleString('en-US')} events` : undefined,
  ].filter(Boolean);
  console.log(
    `Simulator ${options.instanceIndex + 1}/${options.instanceCount}: ${r(options.eventsPerSecond)} events/s to topic '${options.topic}' ` +
      `on ${options.brokers.join(',')}${options.ssl ? ' (TLS)' : ''}${options.sasl ? ` (SASL ${options.sasl.mechanism} as ${options.sasl.username})` : ''}, ` +
      `devices ${options.deviceStart}-${options.deviceStart + options.deviceCount - 1}, ` +
      `${limits.length ? `until ${limits.join(' or ')}` : 'until stopped'}.`,
  );
  try {
    const final = await runSimulator(request.options, {
      signal,
      onStart: () => void record('running', latest),
      onStats: (stats) => {
        latest = stats;
        console.log(statsLine(stats));
        void record('running', stats);
      },
    });
    console.log(`Finished: ${statsLine(final)}`);
    await record('finished', final);
    return 0;
  } catch (error) {
    const stats = error instanceof SimulatorError && error.stats ? error.stats : latest;
    await record('failed', stats, errorMessage(error));
    throw error;
  }
}

/** Aborted on the first SIGINT / SIGTERM (finish cleanly); a second one exits at once. */
function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(130);
      console.log(`Received ${signal}: flushing and stopping (again to force).`);
      controller.abort();
    });
  }
  return controller.signal;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${errorMessage(error)}`);
    process.exit(1);
  },
);
