/**
 * A killed Flink JobManager on the local platform, for real: deploy (Kafka + Flink), the
 * simple-relay job, the simulator's load, a completed checkpoint, then SIGKILL to the JobManager's
 * process group. The supervisor measure runs must restart it on the same ports and resubmit the
 * job from the retained checkpoint under a new id; every acknowledged event must reach `out`
 * (duplicates allowed), the run state must name the new job and JobManager, and teardown must
 * leave no process.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../../src/config/config.js';
import { FlinkRestClient } from '../../../src/flink/rest-client.js';
import { kafkaClient } from '../../../src/kafka/client.js';
import { endOffsets, readTopic } from '../../../src/measure/topic-reader.js';
import { killJobManager, retainedCheckpoints } from '../../../src/platforms/local/flink.js';
import { localPlatform } from '../../../src/platforms/local/index.js';
import { localFlinkFigures } from '../../../src/platforms/local/measure.js';
import { isAlive } from '../../../src/platforms/local/processes.js';
import { localState, type LocalState } from '../../../src/platforms/local/state.js';
import { superviseFlink, type Supervisor } from '../../../src/platforms/local/supervisor.js';
import type { ModeContext } from '../../../src/platforms/platform.js';
import type { RunState } from '../../../src/run-state/run-state.js';
import { runSimulator, type SimulatorStats } from '../../../simulator/src/simulator.js';
import { maskingReporter, type MaskingReporter } from '../../helpers/masking-reporter.js';
import { processesOf } from '../../helpers/processes.js';

let workDir: string;
let ctx: ModeContext & { reporter: MaskingReporter };
let state: RunState | undefined;
let supervisor: Supervisor | undefined;
const loadStop = new AbortController();
let load: Promise<SimulatorStats> | undefined;
async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The (deviceId, deviceSequenceNumber) pairs of a topic up to its current end, each with its count. */
async function eventsOn(topic: string): Promise<Map<string, number>> {
  const kafka = kafkaClient({ bootstrapServers: state!.kafkaBootstrapServers! }, 'jobmanager-test');
  const counts = new Map<string, number>();
  const reader = await readTopic(
    kafka,
    topic,
    (message) => {
      const event = JSON.parse(message.value!.toString()) as { deviceId: string; deviceSequenceNumber: number };
      const key = `${event.deviceId}#${event.deviceSequenceNumber}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    { until: await endOffsets(kafka, topic) },
  );
  try {
    await reader.done;
  } finally {
    await reader.stop();
  }
  return counts;
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-jobmanager-'));
  ctx = {
    config: parseConfig(
      {
        mode: 'measure',
        platform: 'local',
        tier: '1',
        partitions: '2',
        parallelism: '2',
        'work-dir': workDir,
        'keep-run-dir': 'true',
      },
      {},
      2,
    ),
    reporter: maskingReporter(),
    signal: new AbortController().signal,
  };
  // deploy records what it started even when it fails half-way: afterAll tears that down.
  const deployed = localPlatform.deploy(ctx);
  state = await deployed;
  await localPlatform.submitFlink(ctx, state);
}, 420_000);

afterAll(async () => {
  loadStop.abort();
  await load?.catch(() => undefined);
  await supervisor?.stop();
  if (state) {
    await localPlatform.teardown(ctx, state);
  }
  await rm(workDir, { recursive: true, force: true });
}, 180_000);

test('a killed JobManager is restarted and the job resumed from its checkpoint: no acknowledged event lost', async () => {
  const run = state!;
  const local = localState(run);
  const oldJobId = run.flinkJobId!;
  const oldJobManager = local.flink!.jobManager;
  const client = new FlinkRestClient(run.flinkRestUrl!, { timeoutMs: 5000 });
  load = runSimulator(
    {
      brokers: [run.kafkaBootstrapServers!],
      eventsPerSecond: 200,
      devices: 20,
      moreDataFields: 2,
      duplicateEvery: 0,
      statsIntervalSeconds: 1,
    },
    { signal: loadStop.signal },
  );
  supervisor = superviseFlink(ctx, run);
  const figures = localFlinkFigures(ctx.config, run)!;
  const before = await waitUntil(
    'figures of the first job',
    async () => (await figures()).restarts ?? undefined,
    60_000,
  );
  expect(before).toBe(0);

  // A checkpoint completed and retained on disk: what the new job resumes from.
  await waitUntil(
    'a completed checkpoint',
    async () => ((await client.jobCheckpoints(oldJobId)).counts.completed >= 1 ? true : undefined),
    90_000,
  );
  expect((await retainedCheckpoints(local.flink!.checkpointDir, oldJobId)).length).toBeGreaterThanOrEqual(1);

  const killedAt = Date.now();
  await killJobManager(local.flink!);
  expect(isAlive(oldJobManager.pid, oldJobManager.startTime)).toBe(false);

  const resumed = await waitUntil(
    'the job resumed',
    async () =>
      ctx.reporter.lines.find((line) => /^Job \S+ is RUNNING, .* after the JobManager was found gone/.test(line)),
    300_000,
  );
  const recoveredMs = Date.now() - killedAt;
  const newJobId = run.flinkJobId!;
  expect(newJobId).not.toBe(oldJobId);
  expect(resumed).toContain(`Job ${newJobId} is RUNNING`);
  const warning = ctx.reporter.lines.find((line) => line.includes('restarting it and resuming job'));
  expect(warning).toMatch(
    new RegExp(
      `^warning: The Flink JobManager \\(pid ${oldJobManager.pid}\\) is gone: restarting it and resuming job ${oldJobId} from checkpoint chk-\\d+ as job ${newJobId}\\.$`,
    ),
  );
  const job = await client.job(newJobId);
  expect(job.state).toBe('RUNNING');
  const checkpoints = await client.jobCheckpoints(newJobId);
  expect(checkpoints.latest.restored?.external_path).toMatch(new RegExp(`/${oldJobId}/chk-\\d+$`));

  // The run state on disk names the new job and the new JobManager, on the same REST port.
  const saved = JSON.parse(await readFile(path.join(run.runDir, 'state.json'), 'utf8')) as RunState;
  const savedLocal = saved.platformState as LocalState;
  expect(saved.flinkJobId).toBe(newJobId);
  const newJobManager = savedLocal.flink!.jobManager;
  expect(newJobManager.pid).not.toBe(oldJobManager.pid);
  expect(isAlive(newJobManager.pid, newJobManager.startTime)).toBe(true);
  expect(savedLocal.spawned?.['flink-jobmanager']?.pid).toBe(newJobManager.pid);
  expect(savedLocal.flink!.jobManagerRestarts).toBe(1);

  // measure's figures follow the new id; the JobManager restart counts as a restart.
  const after = await waitUntil(
    'figures of the resumed job',
    async () => (await figures()).restarts ?? undefined,
    60_000,
  );
  expect(after).toBeGreaterThanOrEqual(1);

  // Every event the broker acknowledged reaches out once the load stops.
  loadStop.abort();
  const stats = await load;
  const sent = await eventsOn('in');
  expect(sent.size).toBeGreaterThanOrEqual(stats.acknowledged);
  let relayed = new Map<string, number>();
  const missing = await waitUntil(
    'every event of in on out',
    async () => {
      relayed = await eventsOn('out');
      const notYet = [...sent.keys()].filter((key) => !relayed.has(key));
      return notYet.length === 0 ? notYet : undefined;
    },
    180_000,
  ).catch(() => [...sent.keys()].filter((key) => !relayed.has(key)));
  const outRecords = [...relayed.values()].reduce((a, b) => a + b, 0);
  const duplicates = outRecords - relayed.size;
  console.log(
    `JobManager killed -> job ${newJobId} RUNNING in ${(recoveredMs / 1000).toFixed(1)} s; ${stats.acknowledged} acknowledged, ${sent.size} distinct on in, ${relayed.size} distinct on out, ${duplicates} duplicates\n${ctx.reporter.lines.filter((l) => /JobManager|TaskManager|Job /.test(l)).join('\n')}`,
  );
  expect(missing).toEqual([]);
}, 600_000);

test('teardown cancels the resumed job and leaves no process', async () => {
  const run = state!;
  const client = new FlinkRestClient(run.flinkRestUrl!, { timeoutMs: 5000 });
  await supervisor?.stop();
  supervisor = undefined;
  expect(processesOf(workDir).length).toBeGreaterThanOrEqual(3); // broker, JobManager, TaskManager
  const from = ctx.reporter.lines.length;
  await localPlatform.teardown(ctx, run);
  // Cancelling the job (the resumed one, by its id), stopping Flink and Kafka: no step failed.
  expect(ctx.reporter.lines.slice(from).filter((line) => line.startsWith('warning:'))).toEqual([]);
  expect(processesOf(workDir)).toEqual([]);
  await expect(client.overview()).rejects.toThrow();
  state = undefined;
}, 180_000);
