/**
 * The local platform: real Kafka and a real Flink cluster as plain Java processes on this machine,
 * the simulator as detached Node processes. What each stage started is recorded in the run state
 * at once, so teardown can stop it whatever failed later.
 */
import path from 'node:path';
import { errorMessage } from '../../errors.js';
import { FlinkRestClient } from '../../flink/rest-client.js';
import { saveLocalRunForPost } from '../../run-state/post-state.js';
import { runTopics, createRun, deleteRunDir, saveRun, type RunState } from '../../run-state/run-state.js';
import type { ModeContext, Platform } from '../platform.js';
import { startFlink, stopFlink } from './flink.js';
import { startKafka, stopKafka } from './kafka.js';
import { prepareLocalRuntime } from './maven.js';
import { startLocalLoad, stopLocalLoad } from './load.js';
import { stopProcess } from './processes.js';
import { localState, recordSpawned } from './state.js';
import { measureLocal } from './measure.js';
import { submitLocalJob } from './submit.js';

export const localPlatform: Platform = {
  async deploy(ctx) {
    const { config, reporter, signal } = ctx;
    const state = await createRun(config);
    saveLocalRunForPost({ runId: state.runId, workDir: path.resolve(config.workDir) });
    const local = localState(state);
    reporter.info(`Run ${state.runId} in ${state.runDir}`);
    const log = (message: string) => reporter.info(message);
    const onProcess = recordSpawned(state);
    try {
      // Maven's local repository is not safe for parallel downloads: resolve one runtime after the
      // other, then start the broker and the cluster side by side.
      await prepareLocalRuntime({ log });
      const [kafka, flink] = await Promise.allSettled([
        startKafka({
          runDir: state.runDir,
          topics: [
            { name: runTopics(state).input, partitions: config.partitions },
            // The broker stamps each output record with its append time: the end of any job's
            // latency (LatencySource 'append-time'); `in` keeps the simulator's send time.
            {
              name: runTopics(state).output,
              partitions: config.partitions,
              config: { 'message.timestamp.type': 'LogAppendTime' },
            },
          ],
          log,
          signal,
          onProcess,
        }),
        startFlink({ runDir: state.runDir, taskSlots: Math.max(config.parallelism, 1), log, signal, onProcess }),
      ]);
      if (kafka.status === 'fulfilled') local.kafka = kafka.value;
      if (flink.status === 'fulfilled') local.flink = flink.value;
      state.kafkaBootstrapServers = local.kafka?.bootstrapServers;
      state.flinkRestUrl = local.flink?.restUrl;
      await saveRun(state);
      for (const started of [kafka, flink]) if (started.status === 'rejected') throw started.reason;
    } catch (error) {
      // Nothing half-started is left behind: stop what came up, keep the logs for the error.
      reporter.warning(`Deploy failed; stopping what was started (logs stay in ${state.runDir}).`);
      await stopEverything(ctx, state, { keepRunDir: true });
      throw error;
    }
    reporter.info(`Kafka: ${state.kafkaBootstrapServers}   Flink REST API: ${state.flinkRestUrl}`);
    return state;
  },

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
    const client = new FlinkRestClient(state.flinkRestUrl, { timeoutMs: 5000 });
    await step('Cancelling the Flink job', async () => {
      await client.cancelJob(jobId);
      await client.waitForJobState(jobId, ['CANCELED', 'FAILED', 'FINISHED'], { timeoutMs: 30_000 });
    });
  }
  if (local.load) await step('Stopping the load', () => stopLocalLoad(local.load!));
  if (local.flink) await step('Stopping Flink', () => stopFlink(local.flink!));
  if (local.kafka) await step('Stopping Kafka', () => stopKafka(local.kafka!));
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
