/** What the local platform keeps in `RunState.platformState`: the processes it started. */
import type { RunState } from '../../run-state/run-state.js';
import type { FlinkCluster } from './flink.js';
import type { KafkaInstance } from './kafka.js';
import type { LocalLoad } from './load.js';

export interface LocalState {
  kafka?: KafkaInstance;
  flink?: FlinkCluster;
  load?: LocalLoad;
}

export function localState(state: RunState): LocalState {
  return state.platformState as LocalState;
}
