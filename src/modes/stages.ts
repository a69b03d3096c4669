/**
 * The five stages of a benchmark, each callable alone (a CLI call or a workflow step) or chained by
 * `run`. Each loads the run state left by the previous stage and sets the outputs it can answer.
 */
import { platformFor } from '../platforms/index.js';
import type { ModeContext } from '../platforms/platform.js';
import { loadRun, type RunState } from '../run-state/run-state.js';
import { setRunOutputs } from './run-outputs.js';

export async function deploy(ctx: ModeContext): Promise<RunState> {
  const state = await platformFor(ctx.config.platform).deploy(ctx);
  setRunOutputs(ctx.reporter, state);
  return state;
}

type Stage = 'submitFlink' | 'load' | 'measure' | 'teardown';

async function onExistingRun(ctx: ModeContext, stage: Stage, state?: RunState): Promise<void> {
  const run = state ?? (await loadRun(ctx.config));
  await platformFor(ctx.config.platform)[stage](ctx, run);
  setRunOutputs(ctx.reporter, run);
}

export const submitFlink = (ctx: ModeContext, state?: RunState) => onExistingRun(ctx, 'submitFlink', state);
export const load = (ctx: ModeContext, state?: RunState) => onExistingRun(ctx, 'load', state);
export const measure = (ctx: ModeContext, state?: RunState) => onExistingRun(ctx, 'measure', state);
export const teardown = (ctx: ModeContext, state?: RunState) => onExistingRun(ctx, 'teardown', state);
