/**
 * The Flink job figures of a report row, from the REST API: restarts, checkpoints, backpressure.
 * Each figure is null when Flink does not answer it (the row is still written).
 */
import type { FlinkFigures } from '../report/schema.js';
import type { FlinkRestClient } from './rest-client.js';

export async function flinkFigures(client: FlinkRestClient, jobId: string): Promise<FlinkFigures> {
  const [job, metrics, checkpoints] = await Promise.all([
    client.job(jobId).catch(() => undefined),
    client.jobMetrics(jobId, ['numRestarts']).catch(() => undefined),
    client.jobCheckpoints(jobId).catch(() => undefined),
  ]);
  const pressures = job
    ? await Promise.all(job.vertices.map((v) => client.vertexBackpressure(jobId, v.id).catch(() => null)))
    : [];
  const known = pressures.filter((p): p is number => p !== null);
  return {
    // Records in/out per second of chained operators need operator-scoped metric names that differ
    // per job graph; the exact counts come from Kafka offsets instead.
    recordsInPerSecond: null,
    recordsOutPerSecond: null,
    backpressure: known.length ? Math.max(...known) : null,
    checkpoints: checkpoints
      ? {
          completed: checkpoints.counts.completed,
          failed: checkpoints.counts.failed,
          lastDurationMs: null,
        }
      : null,
    restarts: metrics?.numRestarts ?? null,
  };
}
