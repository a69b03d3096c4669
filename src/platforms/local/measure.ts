/** measure on the local platform: the broker and Flink's REST API are on this machine. */
import { flinkFigures, followedJobFigures } from '../../flink/figures.js';
import type { Config } from '../../config/config.js';
import { kafkaClient } from '../../kafka/client.js';
import { measurePipeline } from '../../measure/measure.js';
import type { BenchmarkReport, FlinkFigures, LoadStats } from '../../report/schema.js';
import type { RunState } from '../../run-state/run-state.js';
import { runFlinkClient, runKafkaConnection } from '../external/connection.js';
import type { ModeContext } from '../platform.js';
import { localState } from './state.js';
import { loadTotals } from './load.js';
import { superviseFlink } from './supervisor.js';

export async function measureLocal(ctx: ModeContext, state: RunState): Promise<BenchmarkReport> {
  const connection = runKafkaConnection(ctx.config, state);
  const supervisor = superviseFlink(ctx, state);
  try {
    return await measurePipeline(ctx, state, {
      kafka: kafkaClient(connection, 'streaming-at-scale-measure'),
      flinkFigures: localFlinkFigures(ctx.config, state),
      loadStats: () => localLoadStats(state),
    });
  } finally {
    await supervisor.stop();
  }
}

/**
 * The Flink figures of the run's job: the job id is read from the state at each row, because a
 * JobManager restart resubmits the job under a new one (superviseFlink); restarts count across them.
 * Undefined when the run has no job.
 */
export function localFlinkFigures(
  config: Pick<Config, 'external'>,
  state: RunState,
): (() => Promise<FlinkFigures>) | undefined {
  if (!state.flinkRestUrl || !state.flinkJobId) return undefined;
  const client = runFlinkClient(config, state, { timeoutMs: 5000 });
  const initialJob = state.flinkJobId;
  return followedJobFigures(
    () => ({
      jobId: state.flinkJobId ?? initialJob,
      jobManagerRestarts: localState(state).flink?.jobManagerRestarts ?? 0,
    }),
    (jobId) => flinkFigures(client, jobId),
  );
}

/** The simulator instances' figures so far, summed; null when no load was started in this run. */
async function localLoadStats(state: RunState): Promise<LoadStats | null> {
  const load = localState(state).load;
  return load && load.instances.length > 0 ? loadTotals(load) : null;
}
