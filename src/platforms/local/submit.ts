/** submit-flink on the local platform: build the jar if needed, upload and run it, wait for RUNNING. */
import { FlinkRestClient } from '../../flink/rest-client.js';
import { jobArguments } from '../../flink/job-arguments.js';
import { ensureJobJar, JOB_MAIN_CLASS } from '../../flink/job-jar.js';
import { UserError } from '../../errors.js';
import type { RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';

export async function submitLocalJob(ctx: ModeContext, state: RunState): Promise<string> {
  const { config, reporter, signal } = ctx;
  if (!state.flinkRestUrl || !state.kafkaBootstrapServers) {
    throw new UserError(`Run ${state.runId} has no Flink cluster: run 'deploy' first.`);
  }
  const jar = await ensureJobJar((message) => reporter.info(message));
  const client = new FlinkRestClient(state.flinkRestUrl);
  reporter.info(`Uploading ${jar} to ${state.flinkRestUrl}`);
  const jarId = await client.uploadJar(jar);
  const jobId = await client.runJar(jarId, {
    entryClass: JOB_MAIN_CLASS,
    programArgs: jobArguments(config, state.kafkaBootstrapServers),
    parallelism: config.parallelism,
  });
  reporter.info(
    `Job ${config.job} submitted as ${jobId} (parallelism ${config.parallelism}); waiting until every task runs...`,
  );
  await client.waitForJobState(jobId, ['RUNNING'], { timeoutMs: 120_000, signal, allTasksRunning: true });
  reporter.info(`Job ${jobId} is RUNNING.`);
  return jobId;
}
