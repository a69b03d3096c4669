/**
 * submit-flink on the local platform: build the jar if needed, upload and run it, wait for RUNNING.
 * What was submitted is kept in the run state, so that a job lost with its JobManager can be
 * submitted again, the same way, from its checkpoint (resumeLocalJob).
 */
import type { Config } from '../../config/config.js';
import { jobArguments } from '../../flink/job-arguments.js';
import { prepareJob } from '../../flink/job-jar.js';
import { UserError } from '../../errors.js';
import { writeClientProperties } from '../../kafka/client-properties.js';
import { runTopics, type RunState } from '../../run-state/run-state.js';
import { runFlinkClient, runKafkaConnection } from '../external/connection.js';
import type { ModeContext } from '../platform.js';
import { localState, type LocalJobSubmission } from './state.js';

export async function submitLocalJob(ctx: ModeContext, state: RunState): Promise<string> {
  const { config, reporter, signal } = ctx;
  if (!state.flinkRestUrl || !state.kafkaBootstrapServers) {
    throw new UserError(`Run ${state.runId} has no Flink cluster: run 'deploy' first.`);
  }
  const submission: LocalJobSubmission = {
    ...(await prepareJob(config.jobSpec, reporter)),
    programArgs: await runJobArguments(config, state),
    parallelism: config.parallelism,
  };
  const client = runFlinkClient(config, state);
  const jobId = await runSubmission(ctx, state, submission);
  localState(state).submission = submission;
  reporter.info(
    `Job ${config.job} submitted as ${jobId} (parallelism ${config.parallelism}); waiting until every task runs...`,
  );
  await client.waitForJobState(jobId, ['RUNNING'], { timeoutMs: 120_000, signal, allTasksRunning: true });
  reporter.info(`Job ${jobId} is RUNNING.`);
  return jobId;
}

/**
 * Submits the run's job again, as submit-flink did, restoring from `savepointPath` (a retained
 * checkpoint) or, without one, starting from the consumer group's committed offsets. The jar is
 * uploaded again: a new JobManager may not have the old one's uploads. `onSubmitted` hears the new
 * job id before the wait for RUNNING, so the state can record it at once; a job that does not reach
 * RUNNING is cancelled before the error is thrown.
 */
export async function resumeLocalJob(
  ctx: ModeContext,
  state: RunState,
  options: { savepointPath?: string; onSubmitted?: (jobId: string) => Promise<void> } = {},
): Promise<string> {
  if (!state.flinkRestUrl || !state.kafkaBootstrapServers) {
    throw new UserError(`Run ${state.runId} has no Flink cluster: run 'deploy' first.`);
  }
  const submission = localState(state).submission ?? {
    // A state written before submissions were recorded: the job as this config would submit it.
    ...(await prepareJob(ctx.config.jobSpec, ctx.reporter)),
    programArgs: await runJobArguments(ctx.config, state),
    parallelism: ctx.config.parallelism,
  };
  const client = runFlinkClient(ctx.config, state);
  const jobId = await runSubmission(ctx, state, submission, options.savepointPath);
  await options.onSubmitted?.(jobId);
  try {
    await client.waitForJobState(jobId, ['RUNNING'], { timeoutMs: 120_000, signal: ctx.signal, allTasksRunning: true });
  } catch (error) {
    await client.cancelJob(jobId).catch(() => undefined);
    throw error;
  }
  return jobId;
}

/**
 * The job's program arguments, with the run's Kafka client properties written beside the run (the
 * credentials of a secured cluster reach the job through that file, never its command line).
 */
async function runJobArguments(config: Config, state: RunState): Promise<string[]> {
  const connection = runKafkaConnection(config, state);
  return jobArguments(config, connection.bootstrapServers, {
    runId: state.runId,
    topics: runTopics(state),
    kafkaProperties: await writeClientProperties(state.runDir, connection),
    secured: (connection.security?.protocol ?? 'PLAINTEXT') !== 'PLAINTEXT',
  });
}

async function runSubmission(
  ctx: ModeContext,
  state: RunState,
  submission: LocalJobSubmission,
  savepointPath?: string,
): Promise<string> {
  const client = runFlinkClient(ctx.config, state);
  ctx.reporter.info(`Uploading ${submission.jar} to ${state.flinkRestUrl}`);
  const jarId = await client.uploadJar(submission.jar);
  return client.runJar(jarId, {
    entryClass: submission.entryClass,
    programArgs: submission.programArgs,
    parallelism: submission.parallelism,
    savepointPath,
  });
}
