/**
 * The product as users run it: the bundled CLI on the local platform, real Kafka, Flink and
 * simulator processes. One `run` end to end, and the modes as separate calls (as workflows call
 * them); after each, no process of the run is left.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchmarkReport } from '../../src/report/schema.js';
import { expectExitCode, processesOf, REPO_ROOT, runCommand } from '../helpers/processes.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');
let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-e2e-'));
});

afterEach(async () => {
  // Whatever a failed assertion left running is stopped before the next test.
  await runCommand(process.execPath, [BIN, 'teardown'], { cwd: workDir, env: { PATH: process.env.PATH } });
  await rm(workDir, { recursive: true, force: true });
}, 120_000);

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCommand(process.execPath, [BIN, ...args], {
    cwd: workDir,
    env: { PATH: process.env.PATH, ...env },
    timeoutMs: 400_000,
  });

test('run: deploy, submit, load, measure, teardown; the report matches the pipeline', async () => {
  const reportFile = path.join(workDir, 'report.json');
  const summaryFile = path.join(workDir, 'summary.md');
  const outputFile = path.join(workDir, 'github-output');
  await writeFile(outputFile, '');
  const result = await cli(
    [
      'run',
      '--tier',
      '1',
      '--minutes',
      '1',
      '--interval-seconds',
      '15',
      '--report-file',
      reportFile,
      '--summary-file',
      summaryFile,
    ],
    { GITHUB_OUTPUT: outputFile },
  );
  // On failure, the run's last output says why (a gate that failed, a process that did not start).
  expect({ code: result.code, tail: result.code === 0 ? '' : (result.stdout + result.stderr).slice(-3000) }).toEqual({
    code: 0,
    tail: '',
  });
  expect(result.stdout).toContain('==> deploy');
  expect(result.stdout).toMatch(/Job simple-relay submitted as [0-9a-f]{32}/);
  expect(result.stdout).toContain('Performance gate passed.');

  const report = JSON.parse(await readFile(reportFile, 'utf8')) as BenchmarkReport;
  expect(report.rows).toHaveLength(4);
  const full = report.rows.filter((row) => !row.gap && !row.partial);
  expect(full.length).toBeGreaterThanOrEqual(3);
  // Steady state at tier 1 reaches >= 90% of 1,000 events/s.
  expect(report.rampUp.outcome).toBe('steady');
  expect(report.rampUp.steady!.meanPercentOfTarget).toBeGreaterThanOrEqual(90);
  // Input and output counted apart: about 15,000 per 15 s interval each, never double.
  for (const row of full.slice(1)) expect(row.inRecords! / 15).toBeGreaterThan(900);
  // The audit read every record: nothing lost, the simulator's ~0.1% duplicates seen.
  expect(report.audit!.lost).toBe(0);
  expect(report.audit!.duplicates).toBeGreaterThan(0);
  expect(report.audit!.duplicates).toBeLessThan(report.audit!.expectedFromIn * 0.005);
  // Every input record counted by the rows is within what the audit saw appended to `in`.
  const inCounted = full.reduce((sum, row) => sum + row.inRecords!, 0);
  expect(inCounted).toBeLessThanOrEqual(report.audit!.expectedFromIn + report.audit!.duplicates);
  expect(report.latencyMs.steady!.processed.p99).toBeGreaterThan(0);
  // Every event was sent at or after its intended time, so its latency from the actual send time
  // (the pipeline alone) is at most that from the intended one, and so is each percentile.
  const { processed, processedFromSent } = report.latencyMs.steady!;
  expect(processedFromSent!.count).toBe(processed.count);
  for (const p of ['p50', 'p95', 'p99', 'max'] as const)
    expect(processedFromSent![p]).toBeLessThanOrEqual(processed[p]);
  // Flink's own rates are operator meters averaged over the last 60 s: after a minute of load they
  // are real figures of the right order (catch-up after the start can lift them above the target).
  const flinkIn = Math.max(...report.rows.map((row) => row.flink?.recordsInPerSecond ?? 0));
  const flinkOut = Math.max(...report.rows.map((row) => row.flink?.recordsOutPerSecond ?? 0));
  for (const rate of [flinkIn, flinkOut]) {
    expect(rate).toBeGreaterThan(250);
    expect(rate).toBeLessThan(1_500);
  }
  expect(report.gate.verdict).toBe('pass');

  const summary = await readFile(summaryFile, 'utf8');
  expect(summary).toContain('xychart-beta');
  expect(summary).toMatch(/\| *minute/i);
  const outputs = await readFile(outputFile, 'utf8');
  expect(outputs).toContain('verdict<<');
  expect(outputs).toMatch(/flink-job-id<<[^\n]*\n[0-9a-f]{32}/);
  expect(processesOf(workDir)).toEqual([]);
}, 420_000);

test('modes as separate calls: deploy, load --wait at 2,000 events/s, teardown twice', async () => {
  const deploy = await cli(['deploy', '--tier', '2000']);
  expectExitCode(deploy, 0);
  expect(processesOf(workDir).length).toBeGreaterThanOrEqual(3); // broker, JobManager, TaskManager

  const load = await cli(['load', '--tier', '2000', '--minutes', '0.5', '--wait']);
  expectExitCode(load, 0);
  const finalLine = /load instance 0: sent (\d+), acknowledged (\d+), errors (\d+)/.exec(load.stdout);
  expect(finalLine).not.toBeNull();
  const [sent, acknowledged, errors] = finalLine!.slice(1).map(Number);
  // 30 s at 2,000 events/s: 60,000 originals (+/- 1%) plus every 1000th sent twice.
  expect(errors).toBe(0);
  expect(acknowledged).toBe(sent);
  expect(acknowledged).toBeGreaterThanOrEqual(60_000 * 0.99 * 1.001);
  expect(acknowledged).toBeLessThanOrEqual(60_000 * 1.01 * 1.001);

  const teardown = await cli(['teardown']);
  expect(teardown.code).toBe(0);
  expect(processesOf(workDir)).toEqual([]);
  const again = await cli(['teardown']);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('Nothing to tear down');
}, 300_000);
