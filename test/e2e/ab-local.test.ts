/**
 * Mode ab comparing checkouts of this project, as its own perf gate runs it: the bundled CLI runs
 * the base and the head checkout (both this project here) in turn on the local platform, with real
 * Kafka, Flink and simulator processes. A/A passes and shows its noise floor. It compares timings,
 * so scripts/test.sh runs it alone; the inconclusive case (ab-inconclusive.test.ts) runs beside
 * the other tests. A slower head failing after a confirmation pair is own-job-ab.test.ts, on a
 * user's repository: the same gate, and one A/B failure in the test command is enough. Runs are
 * short (30 s measured, a row every 5 s) to keep the test command's time down.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchmarkReport } from '../../src/report/schema.js';
import { AB_TIMEOUT_MS, abOnThisCheckout } from '../helpers/ab-checkouts.js';
import { processesOf } from '../helpers/processes.js';

let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-ab-'));
});

afterEach(async () => {
  // Each run tears down its own processes; none may outlive the comparison.
  expect(processesOf(workDir)).toEqual([]);
  await rm(workDir, { recursive: true, force: true });
});

async function runReport(file: string): Promise<BenchmarkReport> {
  return JSON.parse(await readFile(file, 'utf8')) as BenchmarkReport;
}

test(
  'A/A: the same checkout with the same options passes, each run figured, with a noise floor per metric',
  async () => {
    const { code, output, report } = await abOnThisCheckout(workDir, ['--rounds', '2']);
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
    // The same local set-up on both sides: one Kafka broker and one Flink cluster for every run.
    expect(output.split('Starting Kafka').length - 1).toBe(1);
    expect(output.split('Starting Flink').length - 1).toBe(1);
    const noiseFloor = output.split('\n').find((line) => line.startsWith('Noise floor between runs'));
    expect(noiseFloor).toBeDefined();
    console.log(`A/A: ${noiseFloor}`);
  },
  AB_TIMEOUT_MS,
);
