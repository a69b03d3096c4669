/**
 * Restarts a lost TaskManager while the run is measured, as Kubernetes or YARN would restart a lost
 * pod or container: the job then recovers from its last checkpoint, and the report's Flink figures
 * show the restart.
 */
import { errorMessage } from '../../errors.js';
import { saveRun, type RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';
import { restartTaskManager } from './flink.js';
import { isAlive } from './processes.js';
import { localState, recordSpawned } from './state.js';

export interface Supervisor {
  stop(): Promise<void>;
}

export function superviseTaskManager(ctx: ModeContext, state: RunState, checkEveryMs = 2000): Supervisor {
  const local = localState(state);
  let busy: Promise<void> | undefined;
  const check = async () => {
    const flink = local.flink;
    if (!flink || isAlive(flink.taskManager.pid, flink.taskManager.startTime)) return;
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
