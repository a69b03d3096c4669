/**
 * A user's own Flink job, benchmarked as a user calls the toolkit from their repository: the
 * example repository (examples/windowed-count, a keyed windowed count) built by its own build
 * command, submitted with its program arguments' placeholders filled, loaded and measured on the
 * local platform with real Kafka, Flink and simulator processes. The job aggregates, so its figures
 * are checked against what is known of it: it consumes the whole load, and writes one count per
 * device and 5-second window. The bad cases (a failing build, a missing jar or class, a job that
 * fails on start) each give one clear error and leave nothing running.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { BenchmarkReport } from '../../src/report/schema.js';
import { copyExample, EXAMPLE_JOB_ARGS, EXAMPLE_JOB_INPUTS } from '../helpers/example-repo.js';
import { expectExitCode, processesOf, REPO_ROOT, runCommand } from '../helpers/processes.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');
const DEVICES = 1000; // the simulator's default
const RATE = 1000;
let root: string;
let checkout: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sas-own-job-'));
  checkout = await copyExample(path.join(root, 'windowed-count'));
});

afterAll(async () => {
  await runCommand(process.execPath, [BIN, 'teardown', '--work-dir', path.join(root, 'work')], {
    cwd: checkout,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  expect(processesOf(root)).toEqual([]);
  await rm(root, { recursive: true, force: true });
}, 120_000);

/** The CLI in the user's checkout, as their workflow step runs it. */
const cli = (args: string[]) =>
  runCommand(process.execPath, [BIN, ...args, '--work-dir', path.join(root, 'work')], {
    cwd: checkout,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeoutMs: 600_000,
  });

test('run: the build command builds the job, the report judges it by what it consumed, its output counted apart', async () => {
  const reportFile = path.join(root, 'report.json');
  const result = await cli([
    'run',
    ...EXAMPLE_JOB_INPUTS,
    '--tier',
    String(RATE),
    '--partitions',
    '2',
    '--parallelism',
    '1',
    '--simulator-instances',
    '1',
    '--minutes',
    '0.75',
    '--interval-seconds',
    '5',
    '--report-file',
    reportFile,
  ]);
  const output = result.stdout + result.stderr;
  expectExitCode(result, 0);
  expect(output).toContain('Building the job in');
  expect(output).toContain('entry class com.example.windowedcount.WindowedCountJob');

  const report = JSON.parse(await readFile(reportFile, 'utf8')) as BenchmarkReport;
  expect(report.job).toBe('windowed-count');
  expect(report.throughputBasis).toBe('consumption');
  expect(report.audit).toBeNull();
  // Judged by its input: the whole load consumed, so the gate passes at the target...
  expect(report.gate.verdict).toBe('pass');
  expect(report.rampUp.steady!.meanPerSecond / RATE).toBeGreaterThan(0.9);
  expect(report.rampUp.steady!.meanPerSecond / RATE).toBeLessThan(1.1);
  // ...though it writes a fifth of that: one count per device and 5-second window, 1,000 per window.
  const steady = report.rows.filter((row) => report.rampUp.steadyMinutes.includes(row.minute));
  const outPerSecond = steady.reduce((sum, row) => sum + row.outRecords!, 0) / (steady.length * 5);
  expect(outPerSecond).toBeGreaterThan((DEVICES / 5) * 0.7);
  expect(outPerSecond).toBeLessThan((DEVICES / 5) * 1.3);
  // What it consumed never exceeds what the load generator had acknowledged.
  const consumed = report.rows.reduce((sum, row) => sum + (row.consumedRecords ?? 0), 0);
  expect(consumed).toBeLessThanOrEqual(report.load!.acknowledged);
  for (const row of steady) {
    expect(row.lagSeconds).not.toBeNull();
    expect(row.lagSeconds!).toBeLessThan(10);
  }
  // Latency from each count's createdAt (its device's latest event in the window) to its append on
  // out: the window closes on its end, and a device sends once a second, so its latest event is
  // 0-1 s old then: p50 about 0.5 s, p99 about 1 s, plus what the pipeline adds (on a quiet 2-core
  // machine p50 0.66 s, p99 1.8 s); a relay's would be tens of milliseconds.
  expect(report.latencySource).toEqual({ createdField: 'createdAt', end: 'append-time' });
  const latency = report.latencyMs.steady!.processed;
  expect(latency.p50).toBeGreaterThan(250);
  expect(latency.p50).toBeLessThan(1500);
  expect(latency.p99).toBeGreaterThan(800);
  expect(latency.p99).toBeLessThan(5000);
  console.log(
    `own job: latency p50 ${latency.p50.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms; consumed ${report.rampUp.steady!.meanPerSecond.toFixed(0)}/s of ${RATE}/s, wrote ${outPerSecond.toFixed(0)}/s, ` +
      `lag ${steady.map((row) => row.lagSeconds!.toFixed(1)).join(' ')} s`,
  );
  expect(processesOf(root)).toEqual([]);
}, 600_000);

test('a workload file of its own: its topics, partitions, rate, key and event shape reach the load, the job and the figures', async () => {
  // 200 devices at 800 events/s, no duplicates, 300-byte events, on topics of its own.
  const workloadFile = path.join(root, 'readings.yaml');
  await writeFile(
    workloadFile,
    [
      'topics: { input: readings, output: counts, partitions: 3 }',
      'rate: { eventsPerSecond: 800 }',
      'key: deviceId',
      'duplicates: 0',
      'event:',
      '  deviceId: { pattern: { prefix: "sensor-", count: 200 } }',
      '  reading: { number: { min: -20, max: 40 } }',
      '  site: { choice: { values: [north, south], weights: [3, 1] } }',
      '  createdAt: { timestamp: {} }',
      '  filler: { padding: { toBytes: 300 } }',
    ].join('\n'),
  );
  const reportFile = path.join(root, 'workload-report.json');
  const result = await cli([
    'run',
    ...EXAMPLE_JOB_INPUTS,
    '--workload-file',
    workloadFile,
    '--parallelism',
    '1',
    '--simulator-instances',
    '1',
    '--minutes',
    '0.5',
    '--interval-seconds',
    '5',
    '--report-file',
    reportFile,
  ]);
  const output = result.stdout + result.stderr;
  expectExitCode(result, 0);
  expect(output).toContain('readings');
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as BenchmarkReport;
  expect(report.targetEventsPerSecond).toBe(800);
  expect(report.tier.partitions).toBe(3);
  expect(report.workload!.workload).toMatch(/^readings\.yaml#[0-9a-f]{12}$/);
  expect(report.gate.verdict).toBe('pass');
  const steady = report.rows.filter((row) => report.rampUp.steadyMinutes.includes(row.minute));
  expect(report.rampUp.steady!.meanPerSecond / 800).toBeGreaterThan(0.9);
  // One count per device and window: 200 devices every 5 s.
  const outPerSecond = steady.reduce((sum, row) => sum + row.outRecords!, 0) / (steady.length * 5);
  expect(outPerSecond).toBeGreaterThan(40 * 0.7);
  expect(outPerSecond).toBeLessThan(40 * 1.3);
  // No duplicates asked for: every record on the input topic is one the simulator had acknowledged.
  expect(report.load!.acknowledged).toBeGreaterThan(0);
  console.log(
    `workload: consumed ${report.rampUp.steady!.meanPerSecond.toFixed(0)}/s of 800/s, wrote ${outPerSecond.toFixed(1)}/s`,
  );
}, 600_000);

describe('a job that cannot run: one clear error, before anything is deployed where it can be', () => {
  test('a failing build command shows its last lines and exit code', async () => {
    const result = await cli([
      'run',
      '--job-build-command',
      "echo compiling; echo 'error: WindowedCountJob.java:[12] cannot find symbol' >&2; exit 3",
      '--job-jar',
      'target/windowed-count.jar',
    ]);
    const output = result.stdout + result.stderr;
    expect(result.code).not.toBe(0);
    expect(output).toMatch(/Input 'job-build-command': '.*' failed in .* \(exit code 3\)\. Its last lines:/);
    expect(output).toContain('error: WindowedCountJob.java:[12] cannot find symbol');
    expect(output).not.toContain('deploy');
    expect(output).not.toMatch(/^\s+at /m);
  }, 120_000);

  test('a jar that is not there names the jars that are; a class the jar lacks is named', async () => {
    // The run above built target/windowed-count.jar.
    const missing = await cli(['run', '--job-jar', 'target/windowed-count-1.0.jar']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(
      /windowed-count-1\.0\.jar does not exist\. Jars in .*target: .*\bwindowed-count\.jar/,
    );
    const noClass = await cli(['run', '--job-jar', 'target/windowed-count.jar', '--job-class', 'com.example.Nope']);
    expect(noClass.code).not.toBe(0);
    expect(noClass.stderr).toMatch(/has no class com\.example\.Nope \(no com\/example\/Nope\.class in it\)/);
  }, 120_000);

  test("a job whose main() fails on start: Flink's exception is shown, and the run is torn down", async () => {
    const result = await cli([
      'run',
      '--job-jar',
      'target/windowed-count.jar',
      // No --parallelism: the example's own argument check fails in main().
      `--job-args=${EXAMPLE_JOB_ARGS.replace(' --parallelism {parallelism}', '')}`,
      '--minutes',
      '0.5',
      '--interval-seconds',
      '5',
    ]);
    const output = result.stdout + result.stderr;
    expect(result.code).not.toBe(0);
    expect(output).toContain('--parallelism');
    expect(output).toMatch(/IllegalArgumentException/);
    expect(processesOf(root)).toEqual([]);
  }, 300_000);
});
