import { parseConfig } from '../../../src/config/config.js';
import type { RawInputs } from '../../../src/config/inputs.js';
import { decideAfterRounds } from '../../../src/gate/ab/confirmation.js';
import { runFigures, type ABSide } from '../../../src/gate/ab/metrics.js';
import { DEFAULT_MINIMUM_EFFECT_PERCENT } from '../../../src/gate/ab/statistics.js';
import {
  abGateVerdict,
  measurementProblems,
  runProblems,
  workloadHash,
  type ABRun,
} from '../../../src/gate/ab/validity.js';
import type { BenchmarkReport, LoadStats } from '../../../src/report/schema.js';
import { workloadOf } from '../../../src/report/workload.js';
import { reportOf } from '../../fixtures/report/reports.js';
import { minutesOf, rowsFrom, type MinuteSpec } from '../../fixtures/report/series.js';
import { normal, seededRandom, syntheticRounds } from './synthetic.js';

const hashOf = (inputs: RawInputs = {}) => workloadHash(workloadOf(parseConfig({ mode: 'run', ...inputs })));

describe('workloadHash', () => {
  test('A/A: the same inputs give the same hash', () => {
    expect(hashOf({ tier: '5', minutes: '2' })).toBe(hashOf({ tier: '5', minutes: '2' }));
  });

  test('the change under test and what only judges or reports do not change it', () => {
    const base = hashOf();
    expect(hashOf({ 'synthetic-work-us': '250' })).toBe(base);
    expect(hashOf({ 'min-percent-of-target': '80', 'report-file': 'head.json', comment: 'never' })).toBe(base);
  });

  test('a preset and the same custom rate are one workload (the effective sizing is hashed)', () => {
    expect(hashOf({ tier: '1000' })).toBe(hashOf({ tier: '1' }));
  });

  test.each<[string, RawInputs]>([
    ['the rate', { tier: '2000' }],
    ['the partitions', { partitions: '2' }],
    ['the parallelism', { parallelism: '2' }],
    ['the simulator instances', { 'simulator-instances': '2' }],
    ['the job', { job: 'complex-processing' }],
    ['the minutes', { minutes: '5' }],
    ['the interval', { 'interval-seconds': '30' }],
    ['the audit', { audit: 'false' }],
  ])('changes with %s', (_, inputs) => {
    expect(hashOf(inputs)).not.toBe(hashOf());
  });
});

const HASH = hashOf();
const CLEAN_LOAD: LoadStats = { sent: 480_480, acknowledged: 480_480, errors: 0, shortfall: 0 };

function run(overrides: { minutes?: MinuteSpec[]; load?: LoadStats | null } = {}, round = 1, side: ABSide = 'base') {
  const report = reportOf(
    rowsFrom(1000, overrides.minutes ?? minutesOf([900, 1000, 1000, 1000, 1000, 1000, 1000, 1000])),
    {
      load: overrides.load === undefined ? CLEAN_LOAD : overrides.load,
    },
  );
  return { round, side, report, workloadHash: HASH } satisfies ABRun;
}

describe('runProblems: what makes one run invalid', () => {
  test('a clean run has none', () => {
    expect(runProblems(run())).toEqual([]);
  });

  test('a pipeline that cannot keep up is a measured result, not an invalid run', () => {
    const behind = run({ minutes: minutesOf([950, 950, 950, 950, 950], [0, 3000, 6000, 9000, 12_000]) });
    expect(behind.report.rampUp).toMatchObject({ outcome: 'degrading', keepsUp: false });
    expect(runProblems(behind)).toEqual([]);
  });

  test.each<[string, Parameters<typeof run>[0], RegExp]>([
    [
      'producer errors',
      { load: { ...CLEAN_LOAD, errors: 3 } },
      /^Round 2, head: the load generator had 3 failed sends \(producer errors\).*simulator log/,
    ],
    [
      'the load generator falling short of its own schedule',
      { load: { ...CLEAN_LOAD, acknowledged: 456_000, shortfall: 24_000 } },
      /^Round 2, head: the load generator itself fell 5\.0% short of its schedule \(24,000 of 480,000 events not sent; at most 1\.0% allowed\).*cannot generate 1,000 events\/s.*lower the rate/,
    ],
    ['missing load counts', { load: null }, /^Round 2, head: the load generator's counts are missing/],
    [
      'samples missing for more than a minute',
      { minutes: [...minutesOf([900, 1000]), { out: null }, { out: null }, ...minutesOf([1000, 1000, 1000])] },
      /^Round 2, head: samples are missing for 2 min \(minutes 3-4; at most 1 min allowed\)/,
    ],
    [
      'too few full minutes to judge',
      { minutes: [{ out: 1000 }, { out: 1000, seconds: 30 }] },
      /^Round 2, head: 1 full interval measured, 2 needed to judge; measure longer \(minutes\) or sample more often \(interval-seconds\)\.$/,
    ],
  ])('%s', (_, overrides, reason) => {
    const problems = runProblems(run(overrides, 2, 'head'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(reason);
  });

  test('within the tolerances a run stays valid: a 0.5% shortfall, one missing minute', () => {
    expect(runProblems(run({ load: { ...CLEAN_LOAD, acknowledged: 477_600, shortfall: 2_400 } }))).toEqual([]);
    expect(
      runProblems(run({ minutes: [...minutesOf([900, 1000]), { out: null }, ...minutesOf([1000, 1000])] })),
    ).toEqual([]);
  });
});

const pairs = (rounds: number) =>
  Array.from({ length: rounds }, (_, index) => [run({}, index + 1, 'base'), run({}, index + 1, 'head')]).flat();

describe('measurementProblems: what makes the measurement as a whole invalid', () => {
  test('base and head running different workloads', () => {
    const runs = pairs(2).map((each) =>
      each.side === 'head' ? { ...each, workloadHash: hashOf({ tier: '2000' }) } : each,
    );
    const problems = measurementProblems(runs);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `^The runs did not all run the same workload \\(workload ${HASH.slice(0, 6)} in base rounds 1, 2; ${hashOf({ tier: '2000' }).slice(0, 6)} in head rounds 1, 2\\): give base and head the same platform, tier`,
      ),
    );
  });

  test('fewer than two complete rounds', () => {
    expect(measurementProblems([...pairs(1), run({}, 2, 'base')])).toEqual([
      expect.stringMatching(/^Only 1 complete round \(a base and a head run each\), 2 needed.*set rounds to 2 or more/),
    ]);
  });
});

describe('abGateVerdict', () => {
  const passing = {
    needsConfirmationPair: false as const,
    verdict: 'pass' as const,
    confirmed: false,
    comparisons: [],
  };

  test('an invalid run makes the verdict inconclusive, never pass, and never fail either', () => {
    const runs = [...pairs(3).slice(0, 5), run({ load: { ...CLEAN_LOAD, errors: 1 } }, 3, 'head')];
    expect(abGateVerdict(runs, passing)).toEqual({
      verdict: 'inconclusive',
      reasons: [expect.stringMatching(/^Round 3, head: the load generator had 1 failed send/)],
    });
    expect(abGateVerdict(runs, { ...passing, verdict: 'fail' }).verdict).toBe('inconclusive');
  });

  test('a valid measurement takes the decision, with one sentence per metric', () => {
    const options = { minimumEffectPercent: DEFAULT_MINIMUM_EFFECT_PERCENT, intervalSeconds: 60, plannedRounds: 3 };
    const decision = decideAfterRounds(syntheticRounds(1, { rounds: 3, noise: 0.04 }), options);
    if (decision.needsConfirmationPair) throw new Error('no effect should not be suspected here');
    expect(abGateVerdict(pairs(3), decision)).toEqual({
      verdict: 'pass',
      reasons: [
        expect.stringMatching(/^Sustained throughput: head [+-]\d+\.\d% vs base \(95% CI /),
        expect.stringMatching(/^p99 latency: /),
        // Every run ramped up alike, but only to whole minutes: too coarse to prove "no change" in 3 rounds.
        expect.stringMatching(/^Ramp-up: head \+0 s vs base .*cannot tell whether it changed by 30 s or more;/),
      ],
    });
  });

  test('from reports to verdict: a head that cannot keep up fails on throughput after confirmation', () => {
    const random = seededRandom(42);
    const jitter = () => 1 + 0.02 * normal(random);
    const report = (side: ABSide): BenchmarkReport => {
      const out = side === 'base' ? 1000 : 700;
      const minutes = [0, 1, 2, 3, 4].map((minute) => ({
        out: out * jitter(),
        lag: side === 'base' ? 400 : 18_000 * (minute + 1),
      }));
      return reportOf(rowsFrom(1000, minutes), { load: CLEAN_LOAD });
    };
    const runs: ABRun[] = [];
    const rounds = [];
    const options = { minimumEffectPercent: DEFAULT_MINIMUM_EFFECT_PERCENT, intervalSeconds: 60, plannedRounds: 3 };
    let decision;
    for (let round = 1; ; round++) {
      const base = report('base');
      const head = report('head');
      runs.push({ round, side: 'base', report: base, workloadHash: HASH });
      runs.push({ round, side: 'head', report: head, workloadHash: HASH });
      rounds.push({ base: runFigures(base), head: runFigures(head) });
      if (round < options.plannedRounds) continue;
      decision = decideAfterRounds(rounds, options);
      if (!decision.needsConfirmationPair) break;
    }
    expect(rounds).toHaveLength(4);
    expect(rounds.every((figures) => figures.base.steady && !figures.head.steady)).toBe(true);
    const result = abGateVerdict(runs, decision);
    expect(result.verdict).toBe('fail');
    expect(result.reasons[0]).toMatch(/^Sustained throughput: head -3\d\.\d% vs base .*4 rounds.*a regression\.$/);
  });
});
