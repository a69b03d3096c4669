/**
 * The five stages of a benchmark, each callable alone (a CLI call or a workflow step) or chained by
 * `run`. Each loads the run state left by the previous stage and sets the outputs it can answer.
 */
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

/** The load lasts `minutes` unless told otherwise (`run` keeps it going until teardown). */
export const load = (ctx: ModeContext, state?: RunState, durationSeconds = ctx.config.minutes * 60) =>
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
