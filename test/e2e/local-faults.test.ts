/**
 * Faults on the local platform, injected while `measure` runs: the TaskManager is killed (the
 * platform restarts it, the job recovers from its checkpoint, the report shows the restart), then
 * the broker crashes (SIGKILL, no clean shutdown) and is started again (the job and the load
 * recover). No acknowledged event may be lost, at either end: every event the simulators had
 * acknowledged is in `in`, and the audit finds every event of `in` in `out` (at-least-once:
 * duplicates allowed and counted).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { restartKafka, stopKafka, type KafkaInstance } from '../../src/platforms/local/kafka.js';
import { killProcess, stopProcess } from '../../src/platforms/local/processes.js';
import type { LocalState } from '../../src/platforms/local/state.js';
import type { BenchmarkReport } from '../../src/report/schema.js';
import type { StatsFile } from '../../simulator/src/stats-file.js';
import type { RunState } from '../../src/run-state/run-state.js';
import { REPO_ROOT, runCommand } from '../helpers/processes.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let workDir: string;
let restartedBroker: KafkaInstance | undefined;

const cli = (args: string[]) =>
  runCommand(process.execPath, [BIN, ...args], { cwd: workDir, env: { PATH: process.env.PATH }, timeoutMs: 300_000 });

async function runState(): Promise<RunState> {
  const [runId] = await readdir(path.join(workDir, '.streaming-at-scale'));
  return JSON.parse(
    await readFile(path.join(workDir, '.streaming-at-scale', runId!, 'state.json'), 'utf8'),
  ) as RunState;
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-faults-'));
});

afterAll(async () => {
  await cli(['teardown']);
  if (restartedBroker) await stopKafka(restartedBroker); // its new pid is not in the run state
  await rm(workDir, { recursive: true, force: true });
}, 120_000);

/** Distinct (deviceId, deviceSequenceNumber) pairs in a topic, read from the beginning. */
async function distinctEventsIn(bootstrapServers: string, topic: string): Promise<number> {
  const kafka = new Kafka({ clientId: 'faults-test', brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const consumer = kafka.consumer({ groupId: `faults-check-${Date.now()}`, maxBytes: 16 * 1024 * 1024 });
  const seen = new Set<string>();
  let read = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const event = JSON.parse(message.value!.toString()) as { deviceId: string; deviceSequenceNumber: number };
            seen.add(`${event.deviceId}/${event.deviceSequenceNumber}`);
          }
          read += batch.messages.length;
          if (read >= total) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen.size;
}

test('a killed TaskManager and a crashed broker lose no acknowledged event', async () => {
  expect((await cli(['deploy', '--tier', '1'])).code).toBe(0);
  expect((await cli(['submit-flink', '--tier', '1'])).code).toBe(0);
  expect((await cli(['load', '--tier', '1', '--minutes', '3'])).code).toBe(0);

  const reportFile = path.join(workDir, 'report.json');
  const measure = spawn(
    process.execPath,
    [BIN, 'measure', '--tier', '1', '--minutes', '2', '--interval-seconds', '15', '--report-file', reportFile],
    { cwd: workDir, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  measure.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  measure.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => measure.on('close', resolve));

  const local = (await runState()).platformState as LocalState;
  await sleep(20_000);
  process.kill(-local.flink!.taskManager.pid, 'SIGKILL'); // a crashed TaskManager
  await sleep(30_000);
  const broker = (await runState()).platformState as LocalState;
  await killProcess(broker.kafka!.process); // a broker crash: no controlled shutdown, no flush
  await sleep(5_000);
  restartedBroker = await restartKafka(broker.kafka!);

  const code = await exited;
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as BenchmarkReport;
  expect(output).toContain('is gone: restarting it');
  expect(report.rows).toHaveLength(8); // the run went on through both faults
  const restarts = Math.max(...report.rows.map((row) => row.flink?.restarts ?? 0));
  expect(restarts).toBeGreaterThanOrEqual(1);
  expect(report.audit).not.toBeNull();
  expect(report.audit!.lost).toBe(0);
  expect(report.audit!.duplicates).toBeGreaterThan(0);
  // The gate may fail on the dips the faults cause; what it must not do is crash.
  expect([0, 1]).toContain(code);

  // The producer's side: stop the simulators (they flush and write their final figures), then every
  // event they had acknowledged must be in `in` (a duplicate acknowledged is one event).
  const load = ((await runState()).platformState as LocalState).load!;
  for (const instance of load.instances) await stopProcess(instance.process, { graceMs: 15_000 });
  const finals = await Promise.all(
    load.instances.map(async (i) => JSON.parse(await readFile(i.statsFile, 'utf8')) as StatsFile),
  );
  const acknowledgedEvents = finals.reduce((sum, s) => sum + s.acknowledged - s.duplicatesSent, 0);
  expect(acknowledgedEvents).toBeGreaterThan(0);
  expect(await distinctEventsIn(restartedBroker.bootstrapServers, 'in')).toBeGreaterThanOrEqual(acknowledgedEvents);
}, 400_000);
