/** What the local platform keeps in `RunState.platformState`: the processes it started. */
import { saveRun, type RunState } from '../../run-state/run-state.js';
import type { FlinkCluster } from './flink.js';
import type { KafkaInstance } from './kafka.js';
import type { LocalLoad } from './load.js';
import type { ProcessHandle, ProcessRecorder } from './processes.js';

export interface LocalState {
  kafka?: KafkaInstance;
  flink?: FlinkCluster;
  load?: LocalLoad;
  /** How submit-flink ran the job: what a JobManager restart submits again. Absent in older states. */
  submission?: LocalJobSubmission;
  /**
   * Every JVM of the run by role, recorded the moment it is spawned (before it is ready, so before
   * `kafka` or `flink` can say so): teardown stops these too, so a deploy killed half-way leaves
   * nothing running that it cannot find.
   */
  spawned?: Record<string, ProcessHandle>;
  /** Platform external: the topics this run created on the user's cluster (teardown deletes these only). */
  createdTopics?: string[];
}

export interface LocalJobSubmission {
  jar: string;
  entryClass: string;
  programArgs: string[];
  parallelism: number;
}

export function localState(state: RunState): LocalState {
  return state.platformState as LocalState;
}

/** A ProcessRecorder that keeps each spawned JVM in the run state (`spawned`) and saves it at once. */
export function recordSpawned(state: RunState): ProcessRecorder {
  return async (role, handle) => {
    const local = localState(state);
    local.spawned = { ...local.spawned, [role]: handle };
    await saveRun(state);
  };
}
