import type { GateThresholds } from '../../src/config/config.js';
import { compareToBaseline } from '../../src/gate/baseline.js';
import { evaluateGate, longestSustainedRun } from '../../src/gate/gate.js';
import type { BenchmarkReport, GateCheckName } from '../../src/report/schema.js';
import { CLEAN_AUDIT, PROVENANCE, reportOf, THRESHOLDS } from '../fixtures/report/reports.js';
import { minutesOf, rowsFrom } from '../fixtures/report/series.js';

const steadyRun = (out = [400, 800, 1000, 1000, 1000, 1000, 1000, 1000], lag?: number[]) =>
  reportOf(rowsFrom(1000, minutesOf(out, lag)));

interface Case {
  name: string;
  report: () => BenchmarkReport;
  thresholds?: Partial<GateThresholds>;
  baseline?: () => BenchmarkReport;
  verdict: 'pass' | 'fail';
  failed: GateCheckName[];
  skipped?: GateCheckName[];
  detail?: RegExp;
}

const cases: Case[] = [
  {
    name: 'a clean ramp to steady state passes',
    report: () => steadyRun(),
    verdict: 'pass',
    failed: [],
    detail: /6 consecutive full minutes at >= 90\.0% of target \(minutes 3-8\); 3 needed/,
  },
  {
    name: "the origin's rule: one minute at 90% then a collapse fails",
    report: () => steadyRun([300, 600, 920, 500, 300, 200]),
    verdict: 'fail',
    failed: ['sustained-throughput'],
    skipped: ['keeps-up'],
    detail: /No steady state.*Not sustained: minute 3 reached 92\.0%/,
  },
  {
    name: 'degrading (output fine, lag growing) fails sustained and keeps-up',
    report: () => steadyRun([1000, 1000, 950, 950, 950, 950], [0, 0, 3000, 6000, 9000, 12000]),
    verdict: 'fail',
    failed: ['sustained-throughput', 'keeps-up'],
    detail: /Falls behind: lag trend \+\d+ records\/s/,
  },
  {
    name: 'steady for fewer consecutive minutes than required fails',
    report: () => steadyRun([400, 800, 950, 1000]),
    verdict: 'fail',
    failed: ['sustained-throughput'],
    detail: /2 consecutive full minutes .*; 3 needed/,
  },
  {
    name: 'a gap inside the steady window ends the consecutive run',
    report: () => steadyRun([1000, 1000, null as unknown as number, 1000, 1000]),
    verdict: 'fail',
    failed: ['sustained-throughput'],
  },
  {
    name: 'the same run passes when 2 consecutive minutes are enough',
    report: () => steadyRun([1000, 1000, null as unknown as number, 1000, 1000]),
    thresholds: { minSteadyMinutes: 2 },
    verdict: 'pass',
    failed: [],
  },
  {
    name: 'a stricter percent of target is applied to each minute',
    report: () => steadyRun([1000, 960, 990, 1000, 1000]),
    thresholds: { minPercentOfTarget: 98 },
    verdict: 'pass',
    failed: [],
    detail: /3 consecutive full minutes at >= 98\.0% of target \(minutes 3-5\)/,
  },
  {
    name: 'too short to tell fails',
    report: () => reportOf(rowsFrom(1000, [{ out: 1000 }, { out: 1000, seconds: 10 }])),
    verdict: 'fail',
    failed: ['sustained-throughput'],
    skipped: ['keeps-up'],
    detail: /Too short to tell/,
  },
  {
    name: 'ramp-up longer than allowed fails',
    report: () => steadyRun(),
    thresholds: { maxRampUpMinutes: 1 },
    verdict: 'fail',
    failed: ['ramp-up'],
    detail: /Ramp-up 2 min \(at most 1 min allowed\)/,
  },
  {
    name: 'ramp-up within the limit passes',
    report: () => steadyRun(),
    thresholds: { maxRampUpMinutes: 2 },
    verdict: 'pass',
    failed: [],
  },
  {
    name: 'p99 latency above the limit fails',
    report: () => reportOf(rowsFrom(1000, minutesOf([1000, 1000, 1000, 1000])), { latencyMs: [100, 900] }),
    thresholds: { maxP99LatencyMs: 500 },
    verdict: 'fail',
    failed: ['p99-latency'],
    detail: /Steady-state p99 89\d ms \(at most 500 ms allowed\)/,
  },
  {
    name: 'p99 latency under the limit passes',
    report: () => reportOf(rowsFrom(1000, minutesOf([1000, 1000, 1000, 1000])), { latencyMs: [10, 90] }),
    thresholds: { maxP99LatencyMs: 500 },
    verdict: 'pass',
    failed: [],
  },
  {
    name: 'lost events above the limit fail',
    report: () => reportOf(rowsFrom(1000, minutesOf([1000, 1000, 1000])), { audit: { ...CLEAN_AUDIT, lost: 12 } }),
    verdict: 'fail',
    failed: ['loss'],
    detail: /12 events lost of 540,000 \(at most 0 allowed\)/,
  },
  {
    name: 'loss is skipped, not failed, with the audit off',
    report: () => reportOf(rowsFrom(1000, minutesOf([1000, 1000, 1000])), { audit: null }),
    verdict: 'pass',
    failed: [],
    skipped: ['loss'],
  },
  {
    name: 'throughput more than the allowed regression below the baseline fails',
    report: () => steadyRun([930, 930, 930, 930, 930]),
    baseline: () => steadyRun([1000, 1000, 1000, 1000, 1000]),
    thresholds: { maxRegressionPercent: 5 },
    verdict: 'fail',
    failed: ['regression'],
    detail: /Steady-state output -7\.0%/,
  },
  {
    name: 'a regression within the allowance passes',
    report: () => steadyRun([1000, 970, 970, 970, 970]),
    baseline: () => steadyRun([1000, 1000, 1000, 1000, 1000]),
    thresholds: { maxRegressionPercent: 5 },
    verdict: 'pass',
    failed: [],
  },
  {
    name: 'higher latency than the baseline is a regression (lower is better)',
    report: () => reportOf(rowsFrom(1000, minutesOf([1000, 1000, 1000])), { latencyMs: [20, 200] }),
    baseline: () => reportOf(rowsFrom(1000, minutesOf([1000, 1000, 1000])), { latencyMs: [20, 100] }),
    thresholds: { maxRegressionPercent: 10 },
    verdict: 'fail',
    failed: ['regression'],
    detail: /Steady-state p99 latency \+9\d\.\d%/,
  },
  {
    name: 'a baseline of another tier is not comparable and fails the regression check',
    report: () => steadyRun(),
    baseline: () => ({ ...steadyRun(), tier: { name: '5', eventsPerSecond: 5000, partitions: 4, parallelism: 4 } }),
    thresholds: { maxRegressionPercent: 10 },
    verdict: 'fail',
    failed: ['regression'],
    detail: /Not comparable \(tier differ\)/,
  },
  {
    name: 'a regression threshold without a baseline report is skipped',
    report: () => steadyRun(),
    thresholds: { maxRegressionPercent: 10 },
    verdict: 'pass',
    failed: [],
    skipped: ['regression'],
  },
];

describe('evaluateGate', () => {
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const thresholds = { ...THRESHOLDS, ...testCase.thresholds };
    const result = evaluateGate(thresholds, testCase.report(), testCase.baseline?.());
    expect(result.verdict).toBe(testCase.verdict);
    expect(result.thresholds).toEqual(thresholds);
    expect(result.reasons.filter((reason) => !reason.passed).map((reason) => reason.check)).toEqual(testCase.failed);
    expect(result.reasons.filter((reason) => reason.skipped).map((reason) => reason.check)).toEqual(
      testCase.skipped ?? [],
    );
    if (testCase.detail) expect(result.reasons.map((reason) => reason.detail).join('\n')).toMatch(testCase.detail);
  });

  it('lists only the checks whose thresholds are set', () => {
    const result = evaluateGate(THRESHOLDS, steadyRun());
    expect(result.reasons.map((reason) => reason.check)).toEqual(['sustained-throughput', 'keeps-up', 'loss']);
  });
});

describe('longestSustainedRun', () => {
  it('counts consecutive full minutes from the onset, broken by gaps and stale minutes', () => {
    const rows = rowsFrom(1000, [
      { out: 500 },
      { out: 1000 },
      { out: 1000 },
      { out: 1000, stale: true },
      { out: 1000 },
      { out: 1000 },
      { out: 1000 },
      { out: 400, seconds: 20 },
    ]);
    expect(longestSustainedRun(rows, 2, 90)).toEqual({ length: 3, firstMinute: 5, lastMinute: 7 });
  });
});

describe('compareToBaseline', () => {
  it('knows each metric direction and shows baseline, current and change', () => {
    const baseline = reportOf(rowsFrom(1000, minutesOf([1000, 1000, 1000, 1000])), { latencyMs: [20, 100] });
    const current = reportOf(rowsFrom(1000, minutesOf([500, 1100, 1100, 1100])), {
      latencyMs: [10, 50],
      audit: { ...CLEAN_AUDIT, lost: 3 },
    });
    const comparison = compareToBaseline(current, baseline);
    expect(comparison.comparable).toBe(true);
    const byMetric = Object.fromEntries(comparison.metrics.map((metric) => [metric.metric, metric]));
    expect(byMetric['steady-throughput']).toMatchObject({
      baseline: 1000,
      current: 1100,
      direction: 'higher-is-better',
    });
    expect(byMetric['steady-throughput'].changePercent).toBeCloseTo(10, 9);
    expect(byMetric['steady-throughput'].regressionPercent).toBeCloseTo(-10, 9);
    expect(byMetric['steady-p99-latency'].direction).toBe('lower-is-better');
    expect(byMetric['steady-p99-latency'].regressionPercent!).toBeLessThan(-45);
    expect(byMetric['ramp-up']).toMatchObject({ baseline: 0, current: 60, changePercent: null });
    expect(byMetric['lost-events']).toMatchObject({ baseline: 0, current: 3, changePercent: null });
  });

  it("carries the baseline's provenance for the summary, null for a report of an older version", () => {
    const rows = rowsFrom(1000, minutesOf([1000, 1000, 1000]));
    const baseline = reportOf(rows, { provenance: { ...PROVENANCE, commit: 'a'.repeat(40) } });
    expect(compareToBaseline(reportOf(rows), baseline).baselineProvenance).toEqual({
      ...PROVENANCE,
      commit: 'a'.repeat(40),
    });
    const { provenance: _absent, ...old } = baseline;
    expect(compareToBaseline(reportOf(rows), old).baselineProvenance).toBeNull();
  });

  it('does not refuse a baseline from another machine (that is flagged in the summary, not gated)', () => {
    const rows = rowsFrom(1000, minutesOf([1000, 1000, 1000]));
    const laptop = reportOf(rows, {
      provenance: { ...PROVENANCE, runner: { ...PROVENANCE.runner, cpuModel: 'Apple M2', cpuCount: 8 } },
    });
    expect(compareToBaseline(reportOf(rows), laptop)).toMatchObject({ comparable: true, note: null });
  });
});
