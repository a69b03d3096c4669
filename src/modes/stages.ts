/**
 * The five stages of a benchmark, each callable alone (a CLI call or a workflow step) or chained by
 * `run`. Each loads the run state left by the previous stage and sets the outputs it can answer.
 */
import type { Config } from '../config/config.js';
import { platformFor } from '../platforms/index.js';
import type { ModeContext, Platform } from '../platforms/platform.js';
import { loadRun, RunNotFoundError, type RunState } from '../run-state/run-state.js';
import { publishReport } from '../report/publish.js';
import { setRunOutputs } from './run-outputs.js';

export async function deploy(ctx: ModeContext): Promise<RunState> {
  const state = await platformFor(ctx.config.platform).deploy(ctx);
  setRunOutputs(ctx.reporter, state);
  return state;
}

async function onExistingRun(
  ctx: ModeContext,
  state: RunState | undefined,
  stage: (platform: Platform, run: RunState) => Promise<void>,
): Promise<void> {
  const run = state ?? (await loadRun(ctx.config));
  await stage(platformFor(ctx.config.platform), run);
  setRunOutputs(ctx.reporter, run);
}

export const submitFlink = (ctx: ModeContext, state?: RunState) =>
  onExistingRun(ctx, state, (platform, run) => platform.submitFlink(ctx, run));

/**
 * How much longer than the measurement a load started by `run` lasts (teardown stops it), so the last
 * minute measured is a full-load minute rather than the load's own wind-down.
 */
export const LOAD_MARGIN_SECONDS = 60;

/**
 * On Azure a `measure` after a `load` of its own runs in a later job, whose measure agent must be
 * scheduled and pull its image before the first sample: the load covers that too.
 */
export const AZURE_MEASURE_START_SECONDS = 600;

/**
 * How long a load lasts unless told otherwise: `minutes` with `wait` (a load on its own); without
 * it, a `measure` follows, so longer by the time until that measurement starts, and its last
 * minute still has full load (teardown stops the rest).
 */
export function loadSeconds(config: Config): number {
  if (config.wait) return config.minutes * 60;
  return config.minutes * 60 + (config.platform === 'local' ? LOAD_MARGIN_SECONDS : AZURE_MEASURE_START_SECONDS);
}

export const load = (ctx: ModeContext, state?: RunState, durationSeconds = loadSeconds(ctx.config)) =>
  onExistingRun(ctx, state, (platform, run) => platform.load(ctx, run, durationSeconds));

export const measure = (ctx: ModeContext, state?: RunState) =>
  onExistingRun(ctx, state, async (platform, run) => publishReport(ctx, run, await platform.measure(ctx, run)));

/** Tearing down a run that is already gone is success: teardown is safe to repeat. */
export async function teardown(ctx: ModeContext, state?: RunState): Promise<void> {
  let run = state;
  if (!run) {
    try {
      run = await loadRun(ctx.config);
    } catch (error) {
      if (!(error instanceof RunNotFoundError)) throw error;
      ctx.reporter.info(`Nothing to tear down: ${error.message}`);
      return;
    }
  }
  await platformFor(ctx.config.platform).teardown(ctx, run);
}
