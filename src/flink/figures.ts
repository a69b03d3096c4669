/**
 * The Flink job figures of a report row, from the REST API: records in/out per second, restarts,
 * checkpoints, backpressure. Each figure is null when Flink does not answer it (the row is still written).
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
  const rates = job ? await recordRates(client, jobId, job.vertices).catch(() => undefined) : undefined;
  return {
    recordsInPerSecond: rates?.in ?? null,
    recordsOutPerSecond: rates?.out ?? null,
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

/**
 * Operator-scoped rates, because the task-level numRecordsIn/Out of a chained source -> sink task
 * count only network traffic (0 here): records the Kafka sources emit (`Source__<name>.
 * numRecordsOutPerSecond`) and records the Kafka sinks' writers take (`<name>__Writer.
 * numRecordsInPerSecond`), summed over subtasks and vertices. Flink's meters average the last 60 s.
 */
async function recordRates(
  client: FlinkRestClient,
  jobId: string,
  vertices: Array<{ id: string }>,
): Promise<{ in: number | null; out: number | null }> {
  const isIn = (name: string) => /^Source__.*\.numRecordsOutPerSecond$/.test(name);
  const isOut = (name: string) => /__Writer\.numRecordsInPerSecond$/.test(name);
  let recordsIn: number | null = null;
  let recordsOut: number | null = null;
  for (const vertex of vertices) {
    const names = (await client.vertexMetricNames(jobId, vertex.id)).filter((n) => isIn(n) || isOut(n));
    const sums = await client.vertexMetricSums(jobId, vertex.id, names);
    for (const [name, sum] of Object.entries(sums)) {
      if (isIn(name)) recordsIn = (recordsIn ?? 0) + sum;
      if (isOut(name)) recordsOut = (recordsOut ?? 0) + sum;
    }
  }
  return { in: recordsIn, out: recordsOut };
}

/** Which job the figures are of now, and how often the cluster lost it with its JobManager. */
export interface CurrentJob {
  jobId: string;
  /**
   * JobManager restarts so far: each lost the job, which was then submitted again under a new id
   * from its checkpoint (the local platform; 0 elsewhere).
   */
  jobManagerRestarts: number;
}

/**
 * The figures of a job that a JobManager restart may resubmit under a new id: each call reads the
 * figures of the job `current()` names then, and `restarts` counts across the ids, so that it stays
 * "restarts since submission": the current job's numRestarts, plus the numRestarts each earlier id
 * last showed here, plus one per JobManager restart.
 */
export function followedJobFigures(
  current: () => CurrentJob,
  figuresOf: (jobId: string) => Promise<FlinkFigures>,
): () => Promise<FlinkFigures> {
  let followed: string | undefined;
  let lastRestarts = 0;
  let earlierRestarts = 0;
  return async () => {
    const { jobId, jobManagerRestarts } = current();
    if (followed !== undefined && jobId !== followed) {
      earlierRestarts += lastRestarts;
      lastRestarts = 0;
    }
    followed = jobId;
    const figures = await figuresOf(jobId);
    if (figures.restarts === null) return figures;
    lastRestarts = figures.restarts;
    return { ...figures, restarts: figures.restarts + earlierRestarts + jobManagerRestarts };
  };
}
