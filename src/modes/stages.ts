/**
 * The five stages of a benchmark, each callable alone (a CLI call or a workflow step) or chained by
 * `run`. Each loads the run state left by the previous stage and sets the outputs it can answer.
 */
import type { Config } from '../config/config.js';
import { AZURE_MEASURE_START_SECONDS, LOAD_MARGIN_SECONDS } from '../config/durations.js';
import { isAzurePlatform } from '../config/inputs.js';
import { platformFor } from '../platforms/index.js';
import type { ModeContext, Platform } from '../platforms/platform.js';
import { adoptLoadRate, loadRun, RunNotFoundError, sizedByRun, type RunState } from '../run-state/run-state.js';
import { publishReport } from '../report/publish.js';
import { stoppedByDeadline, withinMaxDuration } from './max-duration.js';
import { setRunOutputs } from './run-outputs.js';

// Kept here for the modes that start a load (run, the capacity search); the figures live with the others.
export { AZURE_MEASURE_START_SECONDS, LOAD_MARGIN_SECONDS };

export async function deploy(ctx: ModeContext): Promise<RunState> {
  const state = await platformFor(ctx.config.platform).deploy(ctx);
  setRunOutputs(ctx.reporter, state);
  return state;
}

/**
 * The run a stage after deploy acts on: its state on this machine, else (given its run id) rebuilt
 * by the platform from where the run lives: on Azure each workflow job runs on a fresh runner.
 */
export async function existingRun(ctx: ModeContext, platform: Platform): Promise<RunState> {
  try {
    return await loadRun(ctx.config, (message) => ctx.reporter.warning(message));
  } catch (error) {
    if (!(error instanceof RunNotFoundError) || !ctx.config.runId || !platform.recoverRun) throw error;
    return platform.recoverRun(ctx);
  }
}

async function onExistingRun(
  ctx: ModeContext,
  state: RunState | undefined,
  stage: (platform: Platform, run: RunState, sized: ModeContext) => Promise<void>,
): Promise<void> {
  const platform = platformFor(ctx.config.platform);
  const run = state ?? (await existingRun(ctx, platform));
  await stage(platform, run, runSizedContext(ctx, run));
  setRunOutputs(ctx.reporter, run);
}

/** The context with the run's size where this call gave none (sizedByRun), and a line saying so when that changes anything. */
function runSizedContext(ctx: ModeContext, run: RunState): ModeContext {
  const config = sizedByRun(ctx.config, run);
  const { tier, partitions, parallelism, simulatorInstances } = config;
  const own = ctx.config;
  if (
    tier.name !== own.tier.name ||
    tier.eventsPerSecond !== own.tier.eventsPerSecond ||
    partitions !== own.partitions ||
    parallelism !== own.parallelism ||
    simulatorInstances !== own.simulatorInstances
  ) {
    const name = tier.name === 'custom' ? 'custom tier' : `tier ${tier.name}`;
    ctx.reporter.info(
      `Run ${run.runId}: ${name} (${tier.eventsPerSecond.toLocaleString('en-US')} events/s), ${partitions} partitions, parallelism ${parallelism}, ${simulatorInstances} simulator instance(s): the run's size as deployed, except inputs given to this step.`,
    );
  }
  return { ...ctx, config };
}

// Each stage after deploy runs within the run's maximum duration (max-duration.ts): `<stage>On`
// is the stage on a given platform and run (the end-to-end tests pass a platform with fakes' endpoints).

export const submitFlinkOn = (ctx: ModeContext, platform: Platform, run: RunState) =>
  withinMaxDuration(ctx, platform, run, 'submit-flink', (bounded) => platform.submitFlink(bounded, run));

export const submitFlink = (ctx: ModeContext, state?: RunState) =>
  onExistingRun(ctx, state, (platform, run, sized) => submitFlinkOn(sized, platform, run));

/**
 * How long a load lasts unless told otherwise: `minutes` with `wait` (a load on its own); without
 * it, a `measure` follows, so longer by the time until that measurement starts, and its last
 * minute still has full load (teardown stops the rest).
 */
export function loadSeconds(config: Config): number {
  if (config.wait) return config.minutes * 60;
  return config.minutes * 60 + (!isAzurePlatform(config.platform) ? LOAD_MARGIN_SECONDS : AZURE_MEASURE_START_SECONDS);
}

export const loadOn = (ctx: ModeContext, platform: Platform, run: RunState, durationSeconds: number) =>
  withinMaxDuration(ctx, platform, run, 'load', (bounded) => platform.load(bounded, run, durationSeconds));

export const load = (ctx: ModeContext, state?: RunState, durationSeconds = loadSeconds(ctx.config)) =>
  onExistingRun(ctx, state, (platform, run, sized) => {
    adoptLoadRate(run, sized.config);
    return loadOn(sized, platform, run, durationSeconds);
  });

/**
 * Samples (until the deadline at the latest) and publishes the report, which says when the deadline
 * cut it short; publishing uses the unbounded context, so the report goes out after the deadline too.
 */
export const measureOn = (ctx: ModeContext, platform: Platform, run: RunState) =>
  withinMaxDuration(ctx, platform, run, 'measure', async (bounded, reached) => {
    const report = await platform.measure(bounded, run);
    const limit = reached();
    if (limit) {
      const planned = Math.ceil((ctx.config.minutes * 60) / ctx.config.intervalSeconds);
      report.stoppedBy = stoppedByDeadline(limit, report.rows.length, planned);
    }
    await publishReport(ctx, run, report);
  });

export const measure = (ctx: ModeContext, state?: RunState) =>
  onExistingRun(ctx, state, (platform, run, sized) => measureOn(sized, platform, run));

/** Tearing down a run that is already gone is success: teardown is safe to repeat. */
export async function teardown(ctx: ModeContext, state?: RunState): Promise<void> {
  let run = state;
  if (!run) {
    try {
      run = await loadRun(ctx.config, (message) => ctx.reporter.warning(message));
    } catch (error) {
      if (!(error instanceof RunNotFoundError)) throw error;
      ctx.reporter.info(`Nothing to tear down: ${error.message}`);
      return;
    }
  }
  await platformFor(ctx.config.platform).teardown(ctx, run);
}
