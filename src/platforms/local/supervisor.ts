/**
 * Restarts lost Flink processes while the run is measured, as Kubernetes or YARN would restart a
 * lost pod or container:
 *
 * - a lost TaskManager: a new one is started, and the job recovers from its last checkpoint by
 *   itself;
 * - a lost JobManager: the standalone session cluster has no HA, so its job is gone with it. A new
 *   JobManager is started with the same spec and ports, the TaskManager re-registers (or is
 *   replaced), and the job is submitted again from the newest completed checkpoint the old job
 *   retained (execution.checkpointing.externalized-checkpoint-retention), or, with none yet, from
 *   the consumer group's committed offsets. Either way no acknowledged event is lost; what was
 *   processed after that checkpoint is processed again (duplicates, counted by the audit). The new
 *   job id goes into the run state, which measure and teardown read.
 *
 * The report's Flink figures show the restarts.
 */
import { errorMessage } from '../../errors.js';
import { saveRun, type RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';
import { restartJobManager, restartTaskManager, retainedCheckpoints, type FlinkCluster } from './flink.js';
import { isAlive } from './processes.js';
import { localState, recordSpawned } from './state.js';
import { resumeLocalJob } from './submit.js';

export interface Supervisor {
  stop(): Promise<void>;
}

/** Attempts at restarting a lost JobManager and resuming its job before the supervisor gives up. */
const JOBMANAGER_ATTEMPTS = 3;

export function superviseFlink(ctx: ModeContext, state: RunState, checkEveryMs = 2000): Supervisor {
  const local = localState(state);
  let busy: Promise<void> | undefined;
  let jobManagerFailures = 0;
  const check = async () => {
    const flink = local.flink;
    if (!flink) return;
    if (!isAlive(flink.jobManager.pid, flink.jobManager.startTime)) {
      if (jobManagerFailures >= JOBMANAGER_ATTEMPTS) return;
      try {
        await recoverJobManager(ctx, state, flink);
        jobManagerFailures = 0;
      } catch (error) {
        jobManagerFailures++;
        ctx.reporter.warning(
          `Restarting the JobManager and resuming the job failed${jobManagerFailures >= JOBMANAGER_ATTEMPTS ? ` ${jobManagerFailures} times: giving up` : ''}: ${errorMessage(error)}`,
        );
      }
      return;
    }
    if (isAlive(flink.taskManager.pid, flink.taskManager.startTime)) return;
    ctx.reporter.warning(`The Flink TaskManager (pid ${flink.taskManager.pid}) is gone: restarting it.`);
    try {
      local.flink = await restartTaskManager(flink, {
        signal: ctx.signal,
        log: (m) => ctx.reporter.info(m),
        onProcess: recordSpawned(state),
      });
      await saveRun(state);
    } catch (error) {
      ctx.reporter.warning(`Restarting the TaskManager failed: ${errorMessage(error)}`);
    }
  };
  const timer = setInterval(() => {
    busy ??= check().finally(() => (busy = undefined));
  }, checkEveryMs);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
    },
  };
}

/**
 * A new JobManager (and TaskManager where needed), then the job again from the newest retained
 * checkpoint of the lost one; an older retained checkpoint when that fails to restore, the
 * committed offsets when there is none.
 */
async function recoverJobManager(ctx: ModeContext, state: RunState, flink: FlinkCluster): Promise<void> {
  const { reporter } = ctx;
  const local = localState(state);
  const lost = flink.jobManager.pid;
  const lostJob = state.flinkJobId;
  const foundAt = Date.now();
  reporter.warning(
    `The Flink JobManager (pid ${lost}) is gone: restarting it${lostJob ? ' and resuming its job' : ''}.`,
  );
  local.flink = await restartJobManager(flink, {
    signal: ctx.signal,
    log: (m) => reporter.info(m),
    onProcess: recordSpawned(state),
  });
  await saveRun(state);
  if (!lostJob) return;

  const checkpoints = await retainedCheckpoints(flink.checkpointDir, lostJob);
  const attempts = [...checkpoints, undefined];
  for (const [index, checkpoint] of attempts.entries()) {
    const from = checkpoint ? `checkpoint chk-${checkpoint.id}` : 'the committed Kafka offsets';
    try {
      const jobId = await resumeLocalJob(ctx, state, {
        savepointPath: checkpoint?.path,
        onSubmitted: async (jobId) => {
          reporter.warning(
            `The Flink JobManager (pid ${lost}) is gone: restarting it and resuming job ${lostJob} from ${from}${checkpoint ? '' : ' (it had completed no checkpoint)'} as job ${jobId}.`,
          );
          state.flinkJobId = jobId;
          await saveRun(state);
        },
      });
      reporter.info(
        `Job ${jobId} is RUNNING, ${((Date.now() - foundAt) / 1000).toFixed(1)} s after the JobManager was found gone (new JobManager pid ${local.flink.jobManager.pid}).`,
      );
      return;
    } catch (error) {
      if (ctx.signal.aborted || index === attempts.length - 1) throw error;
      reporter.warning(`Resuming job ${lostJob} from ${from} failed: ${errorMessage(error)}`);
    }
  }
}
