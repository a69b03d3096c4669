/**
 * `run`: deploy -> submit-flink -> load -> measure -> teardown in one process. Teardown runs after
 * a failed stage and after Ctrl-C too; its own failure is reported but never hides the first error.
 */
import { errorMessage } from '../errors.js';
import type { ModeContext } from '../platforms/platform.js';
import type { RunState } from '../run-state/run-state.js';
import { searchMaxThroughput } from './capacity.js';
import { deploy, load, LOAD_MARGIN_SECONDS, measure, submitFlink, teardown } from './stages.js';

export async function runAll(ctx: ModeContext): Promise<void> {
  let state: RunState | undefined;
  try {
    state = await ctx.reporter.group('deploy', () => deploy(ctx));
    const deployed = state;
    await ctx.reporter.group('submit-flink', () => submitFlink(ctx, deployed));
    if (ctx.config.capacitySearch) {
      await searchMaxThroughput(ctx, deployed);
    } else {
      await ctx.reporter.group('load', () => load(ctx, deployed, ctx.config.minutes * 60 + LOAD_MARGIN_SECONDS));
      await measure(ctx, deployed);
    }
  } finally {
    const deployed = state;
    if (deployed) {
      // Teardown must run even when the run was aborted, so it gets a signal of its own.
      const teardownCtx = { ...ctx, signal: new AbortController().signal };
      await ctx.reporter
        .group('teardown', () => teardown(teardownCtx, deployed))
        .catch((error: unknown) => ctx.reporter.warning(`Teardown failed: ${errorMessage(error)}`));
    }
  }
}
