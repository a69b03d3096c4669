/** Dispatches a validated config to its mode. */
import type { Mode } from '../config/inputs.js';
import { NotImplementedError } from '../errors.js';
import type { ModeContext } from '../platforms/platform.js';
import { runAll } from './run.js';
import { deploy, load, measure, submitFlink, teardown } from './stages.js';

const MODE_HANDLERS: Record<Mode, (ctx: ModeContext) => Promise<unknown>> = {
  deploy,
  'submit-flink': (ctx) => submitFlink(ctx),
  load: (ctx) => load(ctx),
  measure: (ctx) => measure(ctx),
  teardown: (ctx) => teardown(ctx),
  cleanup: async () => {
    throw new NotImplementedError("Mode 'cleanup'", 'issue #8, Azure deploy/teardown/cleanup');
  },
  run: runAll,
};

export async function runMode(ctx: ModeContext): Promise<void> {
  await MODE_HANDLERS[ctx.config.mode](ctx);
}
