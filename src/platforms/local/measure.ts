/** measure on the local platform: the broker and Flink's REST API are on this machine. */
import { flinkFigures } from '../../flink/figures.js';
import { FlinkRestClient } from '../../flink/rest-client.js';
import { UserError } from '../../errors.js';
import { kafkaClient } from '../../kafka/client.js';
import { measurePipeline } from '../../measure/measure.js';
import type { BenchmarkReport, LoadStats } from '../../report/schema.js';
import type { RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';
import { localState } from './state.js';
import { loadTotals } from './load.js';
import { superviseTaskManager } from './supervisor.js';

export async function measureLocal(ctx: ModeContext, state: RunState): Promise<BenchmarkReport> {
  if (!state.kafkaBootstrapServers) throw new UserError(`Run ${state.runId} has no Kafka broker: run 'deploy' first.`);
  const flink =
    state.flinkRestUrl && state.flinkJobId ? new FlinkRestClient(state.flinkRestUrl, { timeoutMs: 5000 }) : undefined;
  const jobId = state.flinkJobId;
  const supervisor = superviseTaskManager(ctx, state);
  try {
    return await measurePipeline(ctx, state, {
      kafka: kafkaClient({ bootstrapServers: state.kafkaBootstrapServers }, 'streaming-at-scale-measure'),
      flinkFigures: flink && jobId ? () => flinkFigures(flink, jobId) : undefined,
      loadStats: () => localLoadStats(state),
    });
  } finally {
    await supervisor.stop();
  }
}

/** The simulator instances' figures so far, summed; null when no load was started in this run. */
async function localLoadStats(state: RunState): Promise<LoadStats | null> {
  const load = localState(state).load;
  return load && load.instances.length > 0 ? loadTotals(load) : null;
}
