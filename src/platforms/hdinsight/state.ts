/** The hdinsight part of a run's state (RunState.platformState.hdinsight): what submit-flink started. */
import type { RunState } from '../../run-state/run-state.js';

export interface HdinsightRunState {
  /** The YARN application Flink's job runs in (application mode: one application per job). */
  yarnApplicationId?: string;
  /** The script action that submitted it (its history entry on the Hadoop cluster). */
  scriptActionName?: string;
}

export function hdinsightState(state: RunState): HdinsightRunState {
  state.platformState.hdinsight ??= {};
  return state.platformState.hdinsight as HdinsightRunState;
}
