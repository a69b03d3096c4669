/** Dispatches a validated config to its mode. */
import { cleanupAzure } from '../azure/cleanup.js';
import { SkippedError } from '../azure/errors.js';
import { defaultAzureDeps } from '../azure/session.js';
import { teardownAzureMode } from '../azure/teardown.js';
import type { Mode } from '../config/inputs.js';
import type { ModeContext } from '../platforms/platform.js';
import { abMode } from './ab.js';
import { commentMode } from './comment.js';
import { runAll } from './run.js';
import { deploy, load, measure, submitFlink, teardown } from './stages.js';

const MODE_HANDLERS: Record<Mode, (ctx: ModeContext) => Promise<unknown>> = {
  deploy,
  'submit-flink': (ctx) => submitFlink(ctx),
  load: (ctx) => load(ctx),
  measure: (ctx) => measure(ctx),
  // On Azure the resource group follows from the solution name: a teardown job needs no local run.
  teardown: (ctx) => (ctx.config.platform === 'local' ? teardown(ctx) : teardownAzureMode(ctx, defaultAzureDeps())),
  cleanup: (ctx) => cleanupAzure(ctx, defaultAzureDeps()),
  run: runAll,
  ab: (ctx) => abMode(ctx),
  comment: (ctx) => commentMode(ctx),
};

export async function runMode(ctx: ModeContext): Promise<void> {
  try {
    await MODE_HANDLERS[ctx.config.mode](ctx);
  } catch (error) {
    // An Azure mode that cannot sign in here (a fork's pull request) says why and succeeds.
    if (!(error instanceof SkippedError)) throw error;
    ctx.reporter.warning(error.message);
    ctx.reporter.setOutput('skipped', 'true');
  }
}
