/**
 * The run's hard limit (max-duration-minutes) around a stage: the stage gets a signal that aborts at
 * the deadline (measure then stops sampling and reports what it measured); once the deadline is
 * reached the load is stopped, the run torn down, the job summary says why, and the stage fails
 * with a message saying how to raise the limit. Platforms without a limit (local) run the stage as is.
 */
import { minimumMaxDurationMinutes } from '../config/durations.js';
import { errorMessage, UserError } from '../errors.js';
import type { ModeContext, Platform, TimeLimit } from '../platforms/platform.js';
import type { StoppedBy } from '../report/schema.js';
import type { RunState } from '../run-state/run-state.js';

/** The stage stopped because the run reached its maximum duration (the run is torn down). */
export class MaxDurationReachedError extends UserError {
  override name = 'MaxDurationReachedError';
}

/** What the stage is told: a signal bounded by the deadline, and the limit once the deadline stopped it. */
export type BoundedStage = (bounded: ModeContext, reached: () => TimeLimit | undefined) => Promise<void>;

export async function withinMaxDuration(
  ctx: ModeContext,
  platform: Platform,
  run: RunState,
  stage: string,
  work: BoundedStage,
): Promise<void> {
  const limit = await platform.timeLimit?.(ctx, run);
  if (!limit) return work(ctx, () => undefined);
  if (limit.msLeft <= 0) return enforce(ctx, platform, run, limit, `before ${stage} started`);

  const deadline = new AbortController();
  // Node's timers hold at most 2^31-1 ms (24.8 days): longer limits never fire within a job anyway.
  const timer = setTimeout(() => deadline.abort(), Math.min(limit.msLeft, 2 ** 31 - 1));
  let failure: unknown;
  try {
    await work({ ...ctx, signal: AbortSignal.any([ctx.signal, deadline.signal]) }, () =>
      deadline.signal.aborted ? limit : undefined,
    );
  } catch (error) {
    failure = error;
  } finally {
    clearTimeout(timer);
  }
  if (!deadline.signal.aborted || ctx.signal.aborted) {
    if (failure !== undefined) throw failure;
    return;
  }
  // The limit is what ended the stage; what the stage then reported (a gate cut short) comes second.
  if (failure !== undefined) ctx.reporter.warning(`${stage} after the deadline: ${errorMessage(failure)}`);
  return enforce(ctx, platform, run, limit, `during ${stage}`);
}

async function enforce(
  ctx: ModeContext,
  platform: Platform,
  run: RunState,
  limit: TimeLimit,
  when: string,
): Promise<never> {
  const { reporter } = ctx;
  reporter.warning(`${capitalised(limitText(limit))} was reached ${when}: stopping the load and tearing the run down.`);
  // The stage's own signal has fired: the clean-up gets one of its own, as run's teardown does.
  const cleanup: ModeContext = { ...ctx, signal: new AbortController().signal };
  const problems: string[] = [];
  await platform
    .stopLoad(cleanup, run)
    .catch((error: unknown) => problems.push(`stopping the load: ${errorMessage(error)}`));
  await platform.teardown(cleanup, run).catch((error: unknown) => problems.push(`teardown: ${errorMessage(error)}`));
  const message = maxDurationMessage(limit, when, problems);
  await reporter.appendSummary(`### ⏱️ Maximum duration reached\n\n${message}\n`);
  throw new MaxDurationReachedError(message);
}

/** "The maximum duration (max-duration-minutes 120, deadline ...)": the limit in words. */
function limitText(limit: TimeLimit): string {
  const minutes = limit.maxDurationMinutes === undefined ? '' : ` ${limit.maxDurationMinutes}`;
  return `the run's maximum duration (max-duration-minutes${minutes} from deploy's start, deadline ${limit.deadline.toISOString()})`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The failure's message: what was reached, what was done about it, how to run longer. Pure. */
export function maxDurationMessage(limit: TimeLimit, when: string, problems: readonly string[] = []): string {
  const done =
    problems.length === 0
      ? 'the load was stopped and the run torn down (its resource group deleted)'
      : `stopping and tearing down did not all succeed (${problems.join('; ')}): run mode 'teardown', or let 'cleanup' delete the group after it expires`;
  return (
    `Maximum duration reached: ${limitText(limit)} passed ${when}; ${done}. ` +
    `To run longer, raise max-duration-minutes (at least minutes + ${minimumMaxDurationMinutes(0)}) and the workflow's job timeout with it; docs/cost.md shows what a longer run costs.`
  );
}

/** The report's note when the deadline cut the measurement short. Pure. */
export function stoppedByDeadline(limit: TimeLimit, measured: number, planned: number): StoppedBy {
  return {
    reason: 'max-duration',
    deadline: limit.deadline.toISOString(),
    detail:
      `Measuring stopped at the run's deadline ${limit.deadline.toISOString()} (max-duration-minutes): ` +
      `${measured} of ${planned} intervals measured; the load was then stopped and the run torn down.`,
  };
}
