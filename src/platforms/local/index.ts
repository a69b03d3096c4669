/**
 * The local platform: real Kafka and a real Flink cluster as plain Java processes on this machine,
 * the simulator as detached Node processes. What each stage started is recorded in the run state
 * at once, so teardown can stop it whatever failed later.
 */
import path from 'node:path';
import { errorMessage, UserError } from '../../errors.js';
import type { FlinkEndpoint } from '../../config/external.js';
import { saveLocalRunForPost } from '../../run-state/post-state.js';
import { runTopics, createRun, deleteRunDir, saveRun, type RunState } from '../../run-state/run-state.js';
import type { ModeContext, Platform } from '../platform.js';
import { startFlink, stopFlink } from './flink.js';
import { startKafka, stopKafka } from './kafka.js';
import { checkRunTopics, createRunTopics, deleteRunTopics, type RunTopic } from '../external/topics.js';
import { flinkClient, runFlinkClient, runKafkaConnection } from '../external/connection.js';
import { deleteClientProperties } from '../../kafka/client-properties.js';
import type { KafkaConnection } from '../../kafka/client.js';
import { describeKafkaError } from '../../kafka/connection-errors.js';
import { describeSecurity } from '../../kafka/security.js';
import { prepareLocalRuntime } from './maven.js';
import { startLocalLoad, stopLocalLoad } from './load.js';
import { stopProcess } from './processes.js';
import { localState, recordSpawned } from './state.js';
import type { ProcessRecorder } from './processes.js';
import { measureLocal } from './measure.js';
import { submitLocalJob } from './submit.js';

export const localPlatform: Platform = {
  deploy: (ctx) => deployOnThisMachine(ctx, { withTopics: true }),

  async submitFlink(ctx, state) {
    state.flinkJobId = await submitLocalJob(ctx, state);
    await saveRun(state);
  },

  async load(ctx, state, durationSeconds) {
    const local = localState(state);
    local.load = await startLocalLoad(ctx, state, durationSeconds, async (load) => {
      local.load = load;
      state.load = { startedAt: new Date().toISOString(), eventsPerSecond: state.eventsPerSecond, durationSeconds };
      await saveRun(state);
    });
    await saveRun(state);
  },

  async stopLoad(_ctx, state) {
    const local = localState(state);
    if (local.load) await stopLocalLoad(local.load);
    delete local.load;
    delete state.load;
    await saveRun(state);
  },

  measure: (ctx, state) => measureLocal(ctx, state),

  async teardown(ctx, state) {
    if (state.tornDownAt) {
      ctx.reporter.info(`Run ${state.runId} was torn down at ${state.tornDownAt}: nothing to do.`);
      return;
    }
    await stopEverything(ctx, state, { keepRunDir: ctx.config.keepRunDir });
  },
};

/**
 * A Kafka broker and a Flink cluster for several runs of mode ab that bring their own topics and
 * job (platform external pointed at them): one start-up instead of one per run. Torn down like a
 * run (localPlatform.teardown), also by the action's post step.
 */
export const deploySharedCluster = (ctx: ModeContext): Promise<RunState> =>
  deployOnThisMachine(ctx, { withTopics: false });

/** deploy: the run's Kafka (started, or the user's) and Flink (started, or the user's). */
async function deployOnThisMachine(ctx: ModeContext, options: { withTopics: boolean }): Promise<RunState> {
  const { config, reporter } = ctx;
  const state = await createRun(config);
  saveLocalRunForPost({
    runId: state.runId,
    workDir: path.resolve(config.workDir),
    platform: config.external ? 'external' : 'local',
  });
  reporter.info(`Run ${state.runId} in ${state.runDir}`);
  const onProcess = recordSpawned(state);
  try {
    // Maven's local repository is not safe for parallel downloads: resolve the runtime first,
    // then bring up the broker and the cluster side by side.
    // A cluster of the user's is checked first (a second or two): a wrong password or a missing
    // topic fails before any JVM starts here.
    if (config.external) {
      state.kafkaBootstrapServers = await externalKafka(ctx, state);
      await saveRun(state);
    }
    if (!config.external?.flink) await prepareLocalRuntime({ log: (message) => reporter.info(message) });
    // Each address is recorded as soon as it is known: a failure of the other still leaves it in the state.
    const started = await Promise.allSettled([
      config.external
        ? Promise.resolve()
        : localKafka(ctx, state, onProcess, options.withTopics).then((servers) => {
            state.kafkaBootstrapServers = servers;
          }),
      (config.external?.flink ? externalFlink(ctx, config.external.flink) : localFlink(ctx, state, onProcess)).then(
        (restUrl) => {
          state.flinkRestUrl = restUrl;
        },
      ),
    ]);
    await saveRun(state);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  } catch (error) {
    // Nothing half-started is left behind: stop what came up, keep the logs for the error.
    reporter.warning(`Deploy failed; stopping what was started (logs stay in ${state.runDir}).`);
    await stopEverything(ctx, state, { keepRunDir: true });
    throw error;
  }
  reporter.info(`Kafka: ${state.kafkaBootstrapServers}   Flink REST API: ${state.flinkRestUrl}`);
  return state;
}

/** The run's topics as the workload names them; `out` stamps records with their append time. */
function topicsOf(state: RunState, partitions: number): RunTopic[] {
  const topics = runTopics(state);
  return [
    { name: topics.input, partitions },
    // The broker stamps each output record with its append time: the end of any job's latency
    // (LatencySource 'append-time'); `in` keeps the simulator's send time.
    { name: topics.output, partitions, config: { 'message.timestamp.type': 'LogAppendTime' } },
  ];
}

/** A broker started for the run (with its topics unless it is shared); returns its bootstrap servers. */
async function localKafka(
  ctx: ModeContext,
  state: RunState,
  onProcess: ProcessRecorder,
  withTopics: boolean,
): Promise<string> {
  const instance = await startKafka({
    runDir: state.runDir,
    topics: withTopics ? topicsOf(state, ctx.config.partitions) : [],
    log: (message) => ctx.reporter.info(message),
    signal: ctx.signal,
    onProcess,
  });
  localState(state).kafka = instance;
  return instance.bootstrapServers;
}

/**
 * The user's cluster (platform external): the run's topics created (each recorded at once, for
 * teardown) or checked; returns the bootstrap servers.
 */
async function externalKafka(ctx: ModeContext, state: RunState): Promise<string> {
  const { kafka } = ctx.config.external!;
  const connection = { bootstrapServers: kafka.bootstrapServers, security: kafka.security };
  ctx.reporter.info(`Kafka: ${kafka.bootstrapServers} (${describeSecurity(kafka.security)})`);
  const topics = topicsOf(state, ctx.config.partitions);
  try {
    await prepareExternalTopics(ctx, state, connection, topics);
  } catch (error) {
    throw new UserError(describeKafkaError(error, connection));
  }
  return kafka.bootstrapServers;
}

async function prepareExternalTopics(
  ctx: ModeContext,
  state: RunState,
  connection: KafkaConnection,
  topics: RunTopic[],
): Promise<void> {
  if (ctx.config.external!.kafka.createTopics) {
    const local = localState(state);
    await createRunTopics(connection, topics, async (name) => {
      local.createdTopics = [...(local.createdTopics ?? []), name];
      await saveRun(state);
      ctx.reporter.info(`Created topic ${name} (${ctx.config.partitions} partitions).`);
    });
  } else {
    await checkRunTopics(connection, topics);
    ctx.reporter.info(
      `Topics ${topics.map((topic) => topic.name).join(' and ')} exist with ${ctx.config.partitions} partitions.`,
    );
  }
}

/** A Flink cluster started for the run; returns its REST URL. */
async function localFlink(ctx: ModeContext, state: RunState, onProcess: ProcessRecorder): Promise<string> {
  const cluster = await startFlink({
    runDir: state.runDir,
    taskSlots: Math.max(ctx.config.parallelism, 1),
    log: (message) => ctx.reporter.info(message),
    signal: ctx.signal,
    onProcess,
  });
  localState(state).flink = cluster;
  return cluster.restUrl;
}

/** How long deploy waits for free task slots on a Flink cluster of the user's. */
const SLOT_WAIT_MS = 30_000;

/** The user's Flink cluster: answers, with a free slot per parallel task; returns its REST URL. */
async function externalFlink(ctx: ModeContext, flink: FlinkEndpoint): Promise<string> {
  const client = flinkClient(flink, { timeoutMs: 10_000 });
  const answer = () =>
    client.overview().catch((error: unknown) => {
      throw new UserError(
        `Cannot use the Flink REST API at ${flink.restUrl} (input 'flink-rest-url'): ${errorMessage(error)} Check the URL${flink.authHeader ? ' and flink-rest-auth-header' : ', and whether it needs flink-rest-auth-header'}.`,
      );
    });
  let overview = await answer();
  // Slots of a job that just ended are released a moment after it reports CANCELED or FINISHED.
  for (let waited = 0; overview['slots-available'] < ctx.config.parallelism && waited < SLOT_WAIT_MS;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    waited += 500;
    overview = await answer();
  }
  if (overview['slots-available'] < ctx.config.parallelism) {
    throw new UserError(
      `The Flink cluster at ${flink.restUrl} has ${overview['slots-available']} free task slot(s) of ${overview['slots-total']} (after ${SLOT_WAIT_MS / 1000} s), and the job's parallelism is ${ctx.config.parallelism}: lower 'parallelism', or free slots (its running jobs: ${overview['jobs-running']}).`,
    );
  }
  ctx.reporter.info(
    `Flink ${overview['flink-version']} at ${flink.restUrl}: ${overview.taskmanagers} TaskManager(s), ${overview['slots-available']} free slot(s).`,
  );
  return flink.restUrl;
}

/** Stops the job, the load, Flink and Kafka (each step even if an earlier one failed). */
async function stopEverything(ctx: ModeContext, state: RunState, options: { keepRunDir: boolean }): Promise<void> {
  const { reporter } = ctx;
  const local = localState(state);
  const step = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      reporter.warning(`${what} failed: ${errorMessage(error)}`);
    }
  };
  if (state.flinkRestUrl && state.flinkJobId) {
    const jobId = state.flinkJobId;
    const client = runFlinkClient(ctx.config, state, { timeoutMs: 5000 });
    await step('Cancelling the Flink job', async () => {
      await client.cancelJob(jobId);
      await client.waitForJobState(jobId, ['CANCELED', 'FAILED', 'FINISHED'], { timeoutMs: 30_000 });
    });
  }
  if (local.load) await step('Stopping the load', () => stopLocalLoad(local.load!));
  if (local.flink) await step('Stopping Flink', () => stopFlink(local.flink!));
  if (local.kafka) await step('Stopping Kafka', () => stopKafka(local.kafka!));
  // On a cluster of the user's: only the topics this run created, never theirs.
  const created = local.createdTopics ?? [];
  if (created.length > 0) {
    await step(`Deleting topics ${created.join(', ')}`, async () => {
      await deleteRunTopics(runKafkaConnection(ctx.config, state), created);
      delete local.createdTopics;
      await saveRun(state);
      reporter.info(`Deleted topics ${created.join(', ')} on ${state.kafkaBootstrapServers}.`);
    });
  }
  // The job's Kafka credentials must not outlive the run, even in a kept run folder.
  await step('Deleting the Kafka client properties', () => deleteClientProperties(state.runDir));
  // What was spawned but never got as far as `kafka` or `flink` (a deploy killed half-way); a
  // process already stopped above, or whose pid now belongs to another, is left alone.
  for (const [role, handle] of Object.entries(local.spawned ?? {})) {
    await step(`Stopping ${role} (pid ${handle.pid})`, () => stopProcess(handle, { graceMs: 10_000 }));
  }
  if (options.keepRunDir) {
    state.tornDownAt = new Date().toISOString();
    reporter.info(`Stopped run ${state.runId}; its files stay in ${state.runDir}.`);
    await saveRun(state);
  } else {
    // The run's folder in the work dir, never a path read from the state file.
    const deleted = await deleteRunDir(ctx.config, state.runId);
    reporter.info(`Stopped run ${state.runId} and deleted ${deleted}.`);
  }
}
