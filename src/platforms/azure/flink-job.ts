/**
 * The run's Flink job as measure (and aks's load) read it: the id submit-flink recorded, else the
 * job the run's Flink cluster runs, found through its REST API. A stage in a later workflow job
 * (a fresh runner, the state rebuilt from Azure) has no record of it: the cluster is the truth.
 */
import { TERMINAL_JOB_STATES, type FlinkRestClient, type JobOverview } from '../../flink/rest-client.js';
import { saveRun, type RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';

/** Flink's REST API of the run's cluster, as the platform reaches it. */
export interface RunFlinkRest {
  client: FlinkRestClient;
  restUrl: string;
}

/**
 * The job id, recorded in the state (with the REST URL it was found at) when it was looked up;
 * undefined, with a warning saying why, when no job runs (the stage goes on without Flink's figures).
 * `found` is undefined when the platform could not reach Flink (it said why).
 */
export async function runFlinkJobId(
  ctx: ModeContext,
  state: RunState,
  found: RunFlinkRest | undefined,
): Promise<string | undefined> {
  if (state.flinkJobId) return state.flinkJobId;
  if (!found) return undefined;
  let jobs: JobOverview[];
  try {
    jobs = await found.client.jobs();
  } catch (error) {
    ctx.reporter.warning(`No Flink job id recorded, and Flink's REST API did not answer: ${(error as Error).message}`);
    return undefined;
  }
  const job = activeJob(jobs);
  if (!job) {
    ctx.reporter.warning(
      `No Flink job runs at ${found.restUrl} (run 'submit-flink' first): going on without Flink's figures.`,
    );
    return undefined;
  }
  state.flinkJobId = job.jid;
  state.flinkRestUrl = found.restUrl;
  await saveRun(state);
  ctx.reporter.info(`Flink job ${job.jid} (${job.state}) found through Flink's REST API: recorded in the run state.`);
  return job.jid;
}

/**
 * The run's job among those a cluster lists: the run's cluster (an application-mode release on aks,
 * the run's YARN application on hdinsight) runs one job; a finished or failed one is not measured. Pure.
 */
export function activeJob(jobs: readonly JobOverview[]): JobOverview | undefined {
  const active = jobs.filter((job) => !TERMINAL_JOB_STATES.includes(job.state));
  return active.find((job) => job.state === 'RUNNING') ?? active[0];
}
