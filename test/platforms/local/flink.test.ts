/**
 * The local Flink session cluster for real: started on free loopback ports, a jar uploaded and run
 * through the REST API, the TaskManager killed and restarted (the job recovers from a checkpoint),
 * stopped with no process left.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FlinkRestClient, FlinkRestError } from '../../../src/flink/rest-client.js';
import {
  killTaskManager,
  restartTaskManager,
  startFlink,
  stopFlink,
  type FlinkCluster,
} from '../../../src/platforms/local/flink.js';
import { resolveClasspath } from '../../../src/platforms/local/maven.js';
import { PortInUseError } from '../../../src/platforms/local/ports.js';
import { isAlive } from '../../../src/platforms/local/processes.js';

const run = promisify(execFile);
let runDir: string;
let cluster: FlinkCluster | undefined;
let client: FlinkRestClient;
let jarPath: string;
let jobId: string;

/** Compiles fixtures/TinyJob.java against the cluster's own classpath into a job jar. */
async function buildTinyJob(dir: string): Promise<string> {
  const { jars } = await resolveClasspath({ component: 'flink' });
  const classes = path.join(dir, 'classes');
  await mkdir(classes, { recursive: true });
  await run('javac', [
    '-nowarn',
    '-d',
    classes,
    '-cp',
    jars.join(path.delimiter),
    path.join(import.meta.dirname, 'fixtures', 'TinyJob.java'),
  ]);
  await writeFile(path.join(dir, 'manifest.txt'), 'Main-Class: tiny.TinyJob\n');
  const jar = path.join(dir, 'tiny-job.jar');
  await run('jar', ['cfm', jar, path.join(dir, 'manifest.txt'), '-C', classes, '.']);
  return jar;
}

beforeAll(async () => {
  runDir = await mkdtemp(path.join(tmpdir(), 'sas-flink-test-'));
  // allSettled: a started cluster is recorded (and stopped in afterAll) even when the jar build fails.
  const [started, jar] = await Promise.allSettled([startFlink({ runDir }), buildTinyJob(runDir)]);
  if (started.status === 'fulfilled') cluster = started.value;
  if (started.status === 'rejected') throw started.reason;
  if (jar.status === 'rejected') throw jar.reason;
  jarPath = jar.value;
  client = new FlinkRestClient(started.value.restUrl);
}, 180_000);

afterAll(async () => {
  if (cluster) await stopFlink(cluster);
  await rm(runDir, { recursive: true, force: true });
}, 60_000);

test('the REST API reports one TaskManager with 8 free slots', async () => {
  expect(cluster!.restUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const overview = await client.overview();
  expect(overview).toMatchObject({
    taskmanagers: 1,
    'slots-total': 8,
    'slots-available': 8,
    'flink-version': '1.20.5',
  });
});

test('a jar is uploaded and run; the job reaches RUNNING and checkpoints', async () => {
  const jarId = await client.uploadJar(jarPath);
  expect(jarId).toMatch(/_tiny-job\.jar$/);
  jobId = await client.runJar(jarId, { programArgs: ['tiny relay'], parallelism: 2 });
  const job = await client.waitForJobState(jobId, ['RUNNING'], { allTasksRunning: true, timeoutMs: 60_000 });
  expect(job.name).toBe('tiny relay');
  expect(job.vertices.every((v) => v.parallelism === 2)).toBe(true);
  await waitUntil(async () => (await client.jobCheckpoints(jobId)).counts.completed >= 1, 30_000);
}, 90_000);

test('a jar whose main class does not exist fails with Flink own error text', async () => {
  const jarId = await client.uploadJar(jarPath);
  const error = await client.runJar(jarId, { entryClass: 'tiny.NoSuchJob' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FlinkRestError);
  expect((error as FlinkRestError).message).toContain('tiny.NoSuchJob');
  await client.deleteJar(jarId);
}, 30_000);

test('a killed TaskManager is restarted and the job recovers from its last checkpoint', async () => {
  const old = cluster!.taskManager;
  await killTaskManager(cluster!);
  expect(isAlive(old.pid, old.startTime)).toBe(false);
  cluster = await restartTaskManager(cluster!);
  expect(cluster.taskManager.pid).not.toBe(old.pid);
  expect(cluster.taskManagerRestarts).toBe(1);
  await waitUntil(async () => {
    const checkpoints = await client.jobCheckpoints(jobId);
    const job = await client.job(jobId);
    return (
      checkpoints.counts.restored >= 1 && job.state === 'RUNNING' && job.vertices.every((v) => v.status === 'RUNNING')
    );
  }, 90_000);
  const exceptions = await client.jobExceptions(jobId);
  expect(JSON.stringify(exceptions)).toMatch(/TaskManager|no longer reachable|heartbeat/i);
}, 150_000);

test('the job is cancelled', async () => {
  await client.cancelJob(jobId);
  expect((await client.waitForJobState(jobId, ['CANCELED'], { timeoutMs: 30_000 })).state).toBe('CANCELED');
}, 40_000);

test('a second cluster on the same REST port fails with an error naming the port', async () => {
  const error = await startFlink({ runDir: path.join(runDir, 'second'), restPort: cluster!.restPort }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortInUseError);
  expect((error as Error).message).toContain(
    `Port ${cluster!.restPort} on 127.0.0.1 (Flink REST API) is already in use`,
  );
});

test('after stop no Flink process is alive, and a second stop is a no-op', async () => {
  const { jobManager, taskManager } = cluster!;
  await stopFlink(cluster!);
  expect(isAlive(jobManager.pid)).toBe(false);
  expect(isAlive(taskManager.pid)).toBe(false);
  await expect(stopFlink(cluster!)).resolves.toBeUndefined();
}, 60_000);

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
