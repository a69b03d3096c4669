/** Dispatches a validated config to its mode. */
import { access, mkdir } from 'node:fs/promises';
import { cleanupAzure } from '../azure/cleanup.js';
import { SkippedError } from '../azure/errors.js';
import { defaultAzureDeps } from '../azure/session.js';
import { teardownAzureMode } from '../azure/teardown.js';
import { isAzurePlatform, type Mode } from '../config/inputs.js';
import { prepareJob } from '../flink/job-jar.js';
import type { ModeContext } from '../platforms/platform.js';
import { lockRun } from '../run-state/lock.js';
import { latestRunId, newRunId, runDirOf } from '../run-state/run-state.js';
import { abMode } from './ab.js';
import { commentMode } from './comment.js';
import { runAll } from './run.js';
import { deploy, load, measure, submitFlink, teardown } from './stages.js';

const MODE_HANDLERS: Record<Mode, (ctx: ModeContext) => Promise<unknown>> = {
  deploy: (ctx) => withRunLock(ctx, 'creates', deploy),
  'submit-flink': (ctx) => withRunLock(ctx, 'exists', (locked) => submitFlink(locked)),
  load: (ctx) => withRunLock(ctx, 'exists', (locked) => load(locked)),
  measure: (ctx) => withRunLock(ctx, 'exists', (locked) => measure(locked)),
  // On Azure the resource group follows from the solution name: a teardown job needs no local run.
  teardown: (ctx) =>
    withRunLock(ctx, 'exists', (locked) =>
      !isAzurePlatform(locked.config.platform) ? teardown(locked) : teardownAzureMode(locked, defaultAzureDeps()),
    ),
  cleanup: (ctx) => cleanupAzure(ctx, defaultAzureDeps()),
  // A jar that does not build or lacks its class fails first, before any run folder or process.
  run: async (ctx) => {
    await ctx.reporter.group('job', () => prepareJob(ctx.config.jobSpec, ctx.reporter));
    return withRunLock(ctx, 'creates', runAll);
  },
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

/**
 * Runs a mode that changes a run while holding the run's lock (src/run-state/lock.ts). 'creates'
 * (deploy, run): the run id is fixed here (the one given, or a new one) and its folder made.
 * 'exists': the run named or the latest one; when its folder does not exist there is nothing to
 * lock, and the mode says that the run is not found (or, on Azure, rebuilds it). On platform local
 * the latest run is pinned by its id, so the mode acts on the run it locked; on Azure "no run id"
 * keeps its meaning for teardown (the solution's resource group).
 */
async function withRunLock<T>(
  ctx: ModeContext,
  kind: 'creates' | 'exists',
  work: (ctx: ModeContext) => Promise<T>,
): Promise<T> {
  const { config } = ctx;
  const pin = kind === 'creates' || !isAzurePlatform(config.platform);
  const runId =
    config.runId ??
    (kind === 'creates'
      ? newRunId()
      : await latestRunId(config.workDir, pin ? (message) => ctx.reporter.warning(message) : undefined));
  if (!runId) return work(ctx);
  const runDir = runDirOf(config, runId);
  if (kind === 'creates') await mkdir(runDir, { recursive: true });
  else if (!(await exists(runDir))) return work(ctx);
  const lock = await lockRun(runDir, runId, config.mode);
  try {
    return await work(pin ? { ...ctx, config: { ...config, runId } } : ctx);
  } finally {
    await lock?.release();
  }
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
