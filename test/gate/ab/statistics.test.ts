import { AB_METRICS, type ABMetricName, type RoundFigures } from '../../../src/gate/ab/metrics.js';
import {
  compareMetric,
  compareRounds,
  describeComparison,
  type ABComparison,
  type ComparisonOptions,
} from '../../../src/gate/ab/statistics.js';
import { studentTQuantile } from '../../../src/gate/ab/student-t.js';
import { syntheticRounds, type Scenario } from './synthetic.js';

const OPTIONS: ComparisonOptions = { minimumEffectPercent: 10, intervalSeconds: 60 };
const metric = (name: ABMetricName) => AB_METRICS.find((spec) => spec.name === name)!;

/** Rounds from per-round [base, head] figures of one metric (the others left out). */
function roundsOf(name: ABMetricName, pairs: Array<[number | null, number | null]>): RoundFigures[] {
  const run = (value: number | null) => ({
    steady: true,
    values: { 'sustained-throughput': null, 'p99-latency': null, 'ramp-up': null, [name]: value },
  });
  return pairs.map(([base, head]) => ({ base: run(base), head: run(head) }));
}

describe('compareMetric', () => {
  test('a worked example: the geometric mean ratio and a t interval with 2 degrees of freedom', () => {
    // Each side spreads by the same factor 1.1, and every round's head is 0.9 x its base.
    const comparison = compareMetric(
      metric('sustained-throughput'),
      roundsOf('sustained-throughput', [
        [1000, 900],
        [1100, 990],
      ]),
      OPTIONS,
    );
    // Pooled SD of the logs = ln(1.1) / sqrt(2); standard error x sqrt(1/2 + 1/2); t(0.975, 2) = 4.303.
    const halfWidth = 4.3027 * (Math.log(1.1) / Math.SQRT2);
    expect(comparison.rounds).toEqual([expect.closeTo(0.9, 12), expect.closeTo(0.9, 12)]);
    expect(comparison.headVsBase!.estimate).toBeCloseTo(0.9, 10);
    expect(comparison.headVsBase!.low).toBeCloseTo(0.9 * Math.exp(-halfWidth), 4);
    expect(comparison.headVsBase!.high).toBeCloseTo(0.9 * Math.exp(halfWidth), 4);
    // Higher is better: 0.9 x base is 10% worse.
    expect(comparison.worseBy!.estimate).toBeCloseTo(10, 8);
    expect(comparison.worseBy!.low).toBeCloseTo((1 - 0.9 * Math.exp(halfWidth)) * 100, 3);
    expect(comparison.noiseFloor.pooled).toBeCloseTo((Math.exp(Math.log(1.1) / Math.SQRT2) - 1) * 100, 8);
    expect(comparison.runs).toEqual({ base: 2, head: 2 });
  });

  test('lower-is-better metrics count a higher head as worse', () => {
    const comparison = compareMetric(
      metric('p99-latency'),
      roundsOf('p99-latency', [
        [100, 150],
        [104, 155],
        [98, 149],
      ]),
      OPTIONS,
    );
    expect(comparison.worseBy!.estimate).toBeGreaterThan(45);
    expect(comparison.verdict).toBe('regression');
  });

  test('ramp-up is compared as a difference in seconds, its minimum effect half an interval', () => {
    const later = compareMetric(
      metric('ramp-up'),
      roundsOf('ramp-up', [
        [0, 120],
        [0, 120],
        [0, 120],
      ]),
      OPTIONS,
    );
    // Every run ramped up alike, yet each figure is rounded to a 60 s interval: 60 / sqrt(12) per run.
    const halfWidth = studentTQuantile(0.975, 4) * (60 / Math.sqrt(12)) * Math.sqrt(2 / 3);
    expect(later.rounds).toEqual([120, 120, 120]);
    expect(later.worseBy!.estimate).toBe(120);
    expect(later.worseBy!.low).toBeCloseTo(120 - halfWidth, 3);
    expect(later.worseBy!.high).toBeCloseTo(120 + halfWidth, 3);
    expect(later.noiseFloor.pooled).toBeCloseTo(60 / Math.sqrt(12), 10);
    expect(later.minimumEffect).toBe(30);
    expect(later.verdict).toBe('regression');
  });

  test('ramp-ups one interval apart, with no spread, are not a certain change: rounding is noise too', () => {
    const oneStep = compareMetric(
      metric('ramp-up'),
      roundsOf('ramp-up', [
        [60, 120],
        [60, 120],
        [60, 120],
      ]),
      OPTIONS,
    );
    expect(oneStep.worseBy!.low).toBeLessThan(oneStep.minimumEffect);
    expect(oneStep.verdict).toBe('unsure');
    const same = compareMetric(
      metric('ramp-up'),
      roundsOf('ramp-up', [
        [0, 0],
        [0, 0],
      ]),
      OPTIONS,
    );
    expect(same.worseBy!.estimate).toBe(0);
    expect(same.verdict).toBe('unsure');
  });

  test('too few runs with the figure give no interval and "unsure"', () => {
    const comparison = compareMetric(metric('p99-latency'), roundsOf('p99-latency', [[100, 120]]), OPTIONS);
    expect(comparison.headVsBase).toBeNull();
    expect(comparison.verdict).toBe('unsure');
    expect(describeComparison(comparison)).toMatch(/too few runs .*1 base, 1 head/);
  });

  test('a round missing one side still lets the other rounds count', () => {
    const comparison = compareMetric(
      metric('sustained-throughput'),
      roundsOf('sustained-throughput', [
        [1000, 800],
        [null, 810],
        [1010, 790],
      ]),
      OPTIONS,
    );
    expect(comparison.rounds[1]).toBeNull();
    expect(comparison.runs).toEqual({ base: 2, head: 3 });
    expect(comparison.verdict).toBe('regression');
  });
});

describe('verdicts on synthetic rounds with a known effect', () => {
  const verdicts = (scenario: Scenario, trials: number, name: ABMetricName = 'sustained-throughput') => {
    const counts: Record<ABComparison['verdict'], number> = {
      regression: 0,
      improvement: 0,
      'no-change': 0,
      unsure: 0,
    };
    for (let seed = 1; seed <= trials; seed++) {
      const comparison = compareMetric(metric(name), syntheticRounds(seed, scenario), OPTIONS);
      counts[comparison.verdict]++;
    }
    return counts;
  };

  test('no effect is never a regression nor an improvement, and mostly a proven "no change" with 6 rounds', () => {
    const counts = verdicts({ rounds: 6, noise: 0.04 }, 300);
    expect(counts.regression).toBe(0);
    expect(counts.improvement).toBe(0);
    expect(counts['no-change']).toBeGreaterThan(0.8 * 300);
  });

  test('a 20% slowdown with 4% noise per run is a regression with 4 rounds, never an improvement', () => {
    const counts = verdicts({ rounds: 4, noise: 0.04, throughputRatio: 0.8 }, 300);
    expect(counts.regression).toBeGreaterThan(0.85 * 300);
    expect(counts.improvement + counts['no-change']).toBe(0);
  });

  test('a 25% faster head is an improvement (symmetric)', () => {
    const counts = verdicts({ rounds: 4, noise: 0.03, throughputRatio: 1.25 }, 200);
    expect(counts.improvement).toBeGreaterThan(0.85 * 200);
    expect(counts.regression).toBe(0);
  });
});

describe('the noise floor is the spread of runs of the same side', () => {
  test.each([0.03, 0.05])('it measures a per-run noise of %f, whatever the effect between sides', (noise) => {
    for (const throughputRatio of [1, 0.7]) {
      const [comparison] = compareRounds(syntheticRounds(7, { rounds: 40, noise, throughputRatio }), OPTIONS);
      const truth = (Math.exp(noise) - 1) * 100;
      expect(comparison.noiseFloor.pooled!).toBeGreaterThan(0.8 * truth);
      expect(comparison.noiseFloor.pooled!).toBeLessThan(1.2 * truth);
      expect(comparison.noiseFloor.base).not.toBeNull();
      expect(comparison.noiseFloor.head).not.toBeNull();
    }
  });
});

describe('coverage: the 95% interval holds the true effect about 95% of the time', () => {
  const TRIALS = 1000;
  const coverage = (scenario: Scenario, name: ABMetricName, truth: number) => {
    let covered = 0;
    for (let seed = 1; seed <= TRIALS; seed++) {
      // Synthetic ramp-ups are not rounded to intervals: a short interval keeps the rounding floor negligible.
      const { headVsBase } = compareMetric(metric(name), syntheticRounds(seed * 7919, scenario), {
        ...OPTIONS,
        intervalSeconds: 1,
      });
      if (headVsBase!.low <= truth && truth <= headVsBase!.high) covered++;
    }
    return covered / TRIALS;
  };

  test.each([
    [2, 0.04, 0.8],
    [3, 0.03, 1],
    [3, 0.05, 0.8],
    [4, 0.04, 0.8],
  ])('%i rounds, noise %f, true ratio %f: between 90% and 99%', (rounds, noise, ratio) => {
    const observed = coverage({ rounds, noise, throughputRatio: ratio }, 'sustained-throughput', ratio);
    expect(observed).toBeGreaterThanOrEqual(0.9);
    expect(observed).toBeLessThanOrEqual(0.99);
  });

  test('p99 latency (lower is better) and ramp-up (a difference) are covered alike', () => {
    expect(coverage({ rounds: 3, noise: 0.05, p99Ratio: 1.3 }, 'p99-latency', 1.3)).toBeGreaterThanOrEqual(0.9);
    const rampUp = coverage(
      { rounds: 3, noise: 0.04, rampUpNoiseSeconds: 15, rampUpDifferenceSeconds: 40 },
      'ramp-up',
      40,
    );
    expect(rampUp).toBeGreaterThanOrEqual(0.9);
    expect(rampUp).toBeLessThanOrEqual(0.99);
  });

  test('a runner whose speed shifts from round to round, or drifts, widens the interval but does not break it', () => {
    // Both runs of a round share the shift, so it cancels in the ratio and only widens the noise floor.
    expect(
      coverage({ rounds: 3, noise: 0.03, throughputRatio: 0.8, roundShift: 0.05 }, 'sustained-throughput', 0.8),
    ).toBeGreaterThanOrEqual(0.95);
    // ABBA puts a linear drift on both sides alike.
    expect(
      coverage({ rounds: 4, noise: 0.03, throughputRatio: 0.8, driftPerRun: 0.02 }, 'sustained-throughput', 0.8),
    ).toBeGreaterThanOrEqual(0.9);
  });
});

describe('describeComparison', () => {
  test('says the change, its interval, the rounds, the noise floor and the verdict', () => {
    const [throughput] = compareRounds(syntheticRounds(3, { rounds: 4, noise: 0.03, throughputRatio: 0.7 }), OPTIONS);
    expect(describeComparison(throughput)).toMatch(
      /^Sustained throughput: head -\d+\.\d% vs base \(95% CI -\d+\.\d% to -\d+\.\d%, 4 rounds; noise floor \d+\.\d% per run\): worse beyond the 10\.0% minimum effect, a regression\.$/,
    );
  });
});
