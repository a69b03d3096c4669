/**
 * The run's maximum duration around a stage (src/modes/max-duration.ts), with a platform that
 * records what it is asked (the platform is the seam: the guard is what is tested) and real timers.
 */
import { jest } from '@jest/globals';
import { parseConfig } from '../../src/config/config.js';
import {
  MaxDurationReachedError,
  maxDurationMessage,
  stoppedByDeadline,
  withinMaxDuration,
} from '../../src/modes/max-duration.js';
import { UserError } from '../../src/errors.js';
import type { ModeContext, Platform, TimeLimit } from '../../src/platforms/platform.js';
import type { RunState } from '../../src/run-state/run-state.js';
import { maskingReporter, type MaskingReporter } from '../helpers/masking-reporter.js';

const DEADLINE = new Date('2026-03-02T12:00:00.000Z');
const run = { runId: 'r1' } as RunState;

function recordingPlatform(limit: TimeLimit | undefined, teardownFails = false) {
  const calls: string[] = [];
  const platform = {
    timeLimit: async () => limit,
    stopLoad: async (ctx: ModeContext) => void calls.push(`stopLoad aborted=${ctx.signal.aborted}`),
    teardown: async (ctx: ModeContext) => {
      calls.push(`teardown aborted=${ctx.signal.aborted}`);
      if (teardownFails) throw new UserError('ARM said no');
    },
  } as unknown as Platform;
  return { platform, calls };
}

function context(): ModeContext & { reporter: MaskingReporter } {
  return {
    config: parseConfig({ mode: 'measure' }, {}),
    reporter: maskingReporter(),
    signal: new AbortController().signal,
  };
}

/** Resolves when the signal aborts (the stage honouring its bounded signal), with the time it took. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

describe('withinMaxDuration', () => {
  it('runs the stage as is where the platform has no limit (local)', async () => {
    const ctx = context();
    const { platform, calls } = recordingPlatform(undefined);
    let seen: ModeContext | undefined;
    await withinMaxDuration(ctx, platform, run, 'measure', async (bounded, reached) => {
      seen = bounded;
      expect(reached()).toBeUndefined();
    });
    expect(seen).toBe(ctx);
    expect(calls).toEqual([]);
  });

  it('leaves a stage that ends before the deadline alone, its failure unchanged', async () => {
    const ctx = context();
    const { platform, calls } = recordingPlatform({ deadline: DEADLINE, msLeft: 60_000, maxDurationMinutes: 120 });
    await withinMaxDuration(ctx, platform, run, 'load', async (bounded) => expect(bounded.signal.aborted).toBe(false));
    const own = new Error('helm failed');
    await expect(
      withinMaxDuration(ctx, platform, run, 'load', async () => {
        throw own;
      }),
    ).rejects.toBe(own);
    expect(calls).toEqual([]);
    expect(ctx.reporter.lines).toEqual([]);
  });

  it('aborts the stage at the deadline, then stops the load, tears down, says why and fails', async () => {
    const ctx = context();
    const limit = { deadline: DEADLINE, msLeft: 150, maxDurationMinutes: 120 };
    const { platform, calls } = recordingPlatform(limit);
    const started = Date.now();
    let stoppedAfter = 0;
    const outcome = withinMaxDuration(ctx, platform, run, 'measure', async (bounded, reached) => {
      expect(reached()).toBeUndefined();
      await untilAborted(bounded.signal);
      stoppedAfter = Date.now() - started;
      expect(reached()).toBe(limit);
      calls.push('stage ended');
    });
    await expect(outcome).rejects.toThrow(MaxDurationReachedError);
    await expect(outcome).rejects.toThrow(
      "Maximum duration reached: the run's maximum duration (max-duration-minutes 120 from deploy's start, deadline 2026-03-02T12:00:00.000Z) passed during measure; the load was stopped and the run torn down (its resource group deleted). To run longer, raise max-duration-minutes (at least minutes + 40)",
    );
    expect(stoppedAfter).toBeGreaterThanOrEqual(140);
    expect(stoppedAfter).toBeLessThan(10_000); // at the deadline, not at the stage's end (room for a loaded machine)
    // The clean-up runs with a signal of its own: the stage's has fired.
    expect(calls).toEqual(['stage ended', 'stopLoad aborted=false', 'teardown aborted=false']);
    expect(
      ctx.reporter.lines.some((line) =>
        line.startsWith('### ⏱️ Maximum duration reached\n\nMaximum duration reached:'),
      ),
    ).toBe(true);
  });

  it('does not start a stage once the deadline has passed', async () => {
    const ctx = context();
    const { platform, calls } = recordingPlatform({ deadline: DEADLINE, msLeft: -1, maxDurationMinutes: 90 });
    const work = jest.fn(async () => undefined);
    await expect(withinMaxDuration(ctx, platform, run, 'submit-flink', work)).rejects.toThrow(
      /max-duration-minutes 90 .* passed before submit-flink started/,
    );
    expect(work).not.toHaveBeenCalled();
    expect(calls).toEqual(['stopLoad aborted=false', 'teardown aborted=false']);
  });

  it("puts the limit first and the stage's own failure after it (a gate cut short) as a warning", async () => {
    const ctx = context();
    const { platform } = recordingPlatform({ deadline: DEADLINE, msLeft: 20 });
    await expect(
      withinMaxDuration(ctx, platform, run, 'measure', async (bounded) => {
        await untilAborted(bounded.signal);
        throw new UserError('Performance gate failed: 1 full minute');
      }),
    ).rejects.toThrow(MaxDurationReachedError);
    expect(ctx.reporter.lines).toContain('warning: measure after the deadline: Performance gate failed: 1 full minute');
  });

  it('says so when the teardown failed, and how to finish it', async () => {
    const ctx = context();
    const { platform } = recordingPlatform({ deadline: DEADLINE, msLeft: 0 }, true);
    await expect(withinMaxDuration(ctx, platform, run, 'load', async () => undefined)).rejects.toThrow(
      "stopping and tearing down did not all succeed (teardown: ARM said no): run mode 'teardown'",
    );
  });

  it('is not the limit when the user cancelled: the cancellation stands', async () => {
    const ctx = context();
    const cancel = new AbortController();
    const { platform, calls } = recordingPlatform({ deadline: DEADLINE, msLeft: 60_000 });
    await withinMaxDuration({ ...ctx, signal: cancel.signal }, platform, run, 'measure', async (bounded) => {
      cancel.abort();
      expect(bounded.signal.aborted).toBe(true);
    });
    expect(calls).toEqual([]);
  });
});

describe('the texts', () => {
  it('name the limit without its value when the platform did not record it', () => {
    expect(maxDurationMessage({ deadline: DEADLINE, msLeft: 0 }, 'during load')).toMatch(
      /^Maximum duration reached: the run's maximum duration \(max-duration-minutes from deploy's start, deadline 2026-03-02T12:00:00.000Z\) passed during load;/,
    );
  });

  it("give the report's note the intervals measured of those planned", () => {
    expect(stoppedByDeadline({ deadline: DEADLINE, msLeft: 0 }, 2, 4)).toEqual({
      reason: 'max-duration',
      deadline: '2026-03-02T12:00:00.000Z',
      detail:
        "Measuring stopped at the run's deadline 2026-03-02T12:00:00.000Z (max-duration-minutes): 2 of 4 intervals measured; the load was then stopped and the run torn down.",
    });
  });
});
