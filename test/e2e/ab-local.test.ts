/**
 * Mode ab comparing checkouts of this project, as its own perf gate runs it: the bundled CLI runs
 * the base and the head checkout (both this project here) in turn on the local platform, with real
 * Kafka, Flink and simulator processes. A/A passes and shows its noise floor; a load generator
 * asked for more than it can produce makes the comparison inconclusive at once. A slower head
 * failing after a confirmation pair is own-job-ab.test.ts, on a user's repository: the same gate,
 * and one A/B failure in the test command is enough. Runs are short (30 s measured, a row every
 * 5 s) to keep the test command's time down.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ABReport } from '../../src/gate/ab/report.js';
import type { BenchmarkReport } from '../../src/report/schema.js';
import { processesOf, REPO_ROOT, runCommand } from '../helpers/processes.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');
const SHORT_RUNS = ['--minutes', '0.5', '--interval-seconds', '5', '--audit', 'false'];
const RUN_TIMEOUT_MS = 25 * 60_000;
let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-ab-'));
});

afterEach(async () => {
  // Each run tears down its own processes; none may outlive the comparison.
  expect(processesOf(workDir)).toEqual([]);
  await rm(workDir, { recursive: true, force: true });
});

async function ab(args: string[]): Promise<{ code: number | null; output: string; report: ABReport }> {
  const reportFile = path.join(workDir, 'ab-report.json');
  const result = await runCommand(
    process.execPath,
    [BIN, 'ab', '--base', REPO_ROOT, '--head', REPO_ROOT, ...SHORT_RUNS, ...args, '--report-file', reportFile],
    { cwd: workDir, env: { PATH: process.env.PATH }, timeoutMs: RUN_TIMEOUT_MS },
  );
  const output = result.stdout + result.stderr;
  if (!existsSync(reportFile)) throw new Error(`ab wrote no report (exit ${result.code}):\n${output.slice(-3000)}`);
  return { code: result.code, output, report: JSON.parse(await readFile(reportFile, 'utf8')) as ABReport };
}

async function runReport(file: string): Promise<BenchmarkReport> {
  return JSON.parse(await readFile(file, 'utf8')) as BenchmarkReport;
}

test(
  'A/A: the same checkout with the same options passes, each run figured, with a noise floor per metric',
  async () => {
    const { code, output, report } = await ab(['--rounds', '2']);
    expect({ code, verdict: report.verdict }).toEqual({ code: 0, verdict: 'pass' });
    expect(report.kind).toBe('ab');
    // ABBA, and a confirmation pair only if noise made a metric look worse than the minimum effect.
    expect(report.runs.slice(0, 4).map((run) => `${run.round} ${run.side}`)).toEqual([
      '1 base',
      '1 head',
      '2 head',
      '2 base',
    ]);
    expect(report.runs.length).toBe(report.confirmation.ran ? 6 : 4);
    for (const run of report.runs) {
      const own = await runReport(run.reportFile);
      expect(own.runId).toBe(run.runId);
      expect(run.figures.values['sustained-throughput']).toBeGreaterThan(0);
      expect(run.problems).toEqual([]);
    }
    for (const comparison of report.comparisons) expect(Number.isFinite(comparison.noiseFloor.pooled)).toBe(true);
    const noiseFloor = output.split('\n').find((line) => line.startsWith('Noise floor between runs'));
    expect(noiseFloor).toBeDefined();
    console.log(`A/A: ${noiseFloor}`);
  },
  RUN_TIMEOUT_MS,
);

test(
  'a load generator asked for more than it can produce: inconclusive after the first run, and the step says so loudly without failing',
  async () => {
    const { code, output, report } = await ab([
      '--rounds',
      '2',
      '--tier',
      '300000',
      '--partitions',
      '1',
      '--parallelism',
      '1',
      '--simulator-instances',
      '1',
    ]);
    expect({ code, verdict: report.verdict }).toEqual({ code: 0, verdict: 'inconclusive' });
    expect(report.runs).toHaveLength(1);
    expect(report.stoppedEarly).toMatch(/^Stopped after round 1, base: the measurement is invalid/);
    expect(report.reasons).toEqual([
      expect.stringMatching(/^Round 1, base: the load generator itself fell \d+\.\d% short of its schedule/),
    ]);
    expect(output).toContain('A/B gate INCONCLUSIVE: the measurement is not valid');
  },
  RUN_TIMEOUT_MS,
);
