/**
 * The A/B comparison of one metric over the interleaved rounds: head against base with a confidence
 * interval, the noise floor (the spread of runs of the same side), and a verdict that calls a
 * regression only when the whole interval is beyond the minimum effect size.
 *
 * Method (why: docs/metrics.md, "A/B gate"): a two-sample t interval with pooled variance, on the
 * log of each run's figure for ratio metrics (on the figure itself for ramp-up). The estimate is the
 * geometric mean of the rounds' head/base ratios; the error of one run is the pooled within-side
 * standard deviation, which is the noise floor. Pure.
 */
import { formatChange, formatDecimal, formatPercent, plural } from '../../report/format.js';
import type { MetricDirection } from '../../report/schema.js';
import { AB_METRICS, type ABMetric, type ABMetricName, type RoundFigures } from './metrics.js';
import { studentTQuantile } from './student-t.js';

/** The minimum effect size when none is given: smaller changes are not worth failing a pull request. */
export const DEFAULT_MINIMUM_EFFECT_PERCENT = 10;
export const DEFAULT_CONFIDENCE = 0.95;

export interface ComparisonOptions {
  /** The smallest change of a ratio metric worth calling, in percent of the base. */
  minimumEffectPercent: number;
  /** The sampling interval: ramp-up is only known to whole intervals. */
  intervalSeconds: number;
  /** Two-sided confidence level of the interval (default 0.95). */
  confidence?: number;
}

export const AB_METRIC_VERDICTS = ['regression', 'improvement', 'no-change', 'unsure'] as const;
export type MetricVerdict = (typeof AB_METRIC_VERDICTS)[number];

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface ABComparison {
  metric: ABMetricName;
  label: string;
  unit: string;
  direction: MetricDirection;
  scale: ABMetric['scale'];
  /** Each round's head / base (ratio scale) or head - base (difference scale); null when a side lacks the figure. */
  rounds: Array<number | null>;
  /** head / base or head - base over all rounds, with its interval; null when too few runs have the figure. */
  headVsBase: Interval | null;
  /** The same as "how much worse the head is": percent of base (ratio scale) or the unit; negative is better. */
  worseBy: Interval | null;
  /** The minimum effect size, in worseBy's unit. */
  minimumEffect: number;
  confidence: number;
  /** One standard deviation of single runs of the same side, in worseBy's unit: per side, and pooled. */
  noiseFloor: { base: number | null; head: number | null; pooled: number | null };
  runs: { base: number; head: number };
  verdict: MetricVerdict;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function sumOfSquares(values: readonly number[]): number {
  const centre = mean(values);
  return values.reduce((sum, value) => sum + (value - centre) ** 2, 0);
}

/** Sample standard deviation; null with fewer than two values. */
function standardDeviation(values: readonly number[]): number | null {
  return values.length < 2 ? null : Math.sqrt(sumOfSquares(values) / (values.length - 1));
}

/**
 * The two-sample t interval of mean(head) - mean(base) with pooled variance. Equal group sizes (one
 * run of each side per round) keep it robust to the two sides having unequal noise.
 */
function pooledDifference(
  base: readonly number[],
  head: readonly number[],
  confidence: number,
  minimumDeviation: number,
): { interval: Interval; pooledDeviation: number } | null {
  const degreesOfFreedom = base.length + head.length - 2;
  if (base.length === 0 || head.length === 0 || degreesOfFreedom < 1) return null;
  const pooledDeviation = Math.max(
    minimumDeviation,
    Math.sqrt((sumOfSquares(base) + sumOfSquares(head)) / degreesOfFreedom),
  );
  const standardError = pooledDeviation * Math.sqrt(1 / base.length + 1 / head.length);
  const halfWidth = studentTQuantile((1 + confidence) / 2, degreesOfFreedom) * standardError;
  const estimate = mean(head) - mean(base);
  return { interval: { estimate, low: estimate - halfWidth, high: estimate + halfWidth }, pooledDeviation };
}

/** The minimum effect of each metric, in its worseBy unit. */
function minimumEffectOf(metric: ABMetric, options: ComparisonOptions): number {
  // Ramp-up moves in whole intervals: half of one calls any resolved change, and no jitter below it.
  return metric.scale === 'ratio' ? options.minimumEffectPercent : options.intervalSeconds / 2;
}

export function compareMetric(
  metric: ABMetric,
  rounds: readonly RoundFigures[],
  options: ComparisonOptions,
): ABComparison {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const ratio = metric.scale === 'ratio';
  const transform = (value: number) => (ratio ? Math.log(value) : value);
  const untransform = (value: number) => (ratio ? Math.exp(value) : value);
  // "Worse by": percent of base for ratios, the unit for differences; the direction makes positive worse.
  const sign = metric.direction === 'higher-is-better' ? -1 : 1;
  const worse = (headVsBase: number) => sign * (ratio ? (headVsBase - 1) * 100 : headVsBase);
  const spread = (deviation: number | null) =>
    deviation === null ? null : ratio ? (Math.exp(deviation) - 1) * 100 : deviation;

  const present = (side: 'base' | 'head') =>
    rounds.map((round) => round[side].values[metric.name]).filter((value): value is number => value !== null);
  const base = present('base').map(transform);
  const head = present('head').map(transform);
  // A figure rounded to steps of q carries a rounding error of q / sqrt(12) (uniform over a step):
  // runs that all rounded alike must not look noise-free, or one step apart would be "certain".
  const roundingDeviation = metric.step ? metric.step(options.intervalSeconds) / Math.sqrt(12) : 0;
  const difference = pooledDifference(base, head, confidence, roundingDeviation);

  let headVsBase: Interval | null = null;
  let worseBy: Interval | null = null;
  if (difference) {
    const { estimate, low, high } = difference.interval;
    headVsBase = { estimate: untransform(estimate), low: untransform(low), high: untransform(high) };
    const ends = [worse(headVsBase.low), worse(headVsBase.high)];
    worseBy = { estimate: worse(headVsBase.estimate), low: Math.min(...ends), high: Math.max(...ends) };
  }
  const minimumEffect = minimumEffectOf(metric, options);
  return {
    metric: metric.name,
    label: metric.label,
    unit: metric.unit,
    direction: metric.direction,
    scale: metric.scale,
    rounds: rounds.map(({ base: baseRun, head: headRun }) => {
      const [baseValue, headValue] = [baseRun.values[metric.name], headRun.values[metric.name]];
      if (baseValue === null || headValue === null) return null;
      return ratio ? headValue / baseValue : headValue - baseValue;
    }),
    headVsBase,
    worseBy,
    minimumEffect,
    confidence,
    noiseFloor: {
      base: spread(standardDeviation(base)),
      head: spread(standardDeviation(head)),
      pooled: spread(difference?.pooledDeviation ?? null),
    },
    runs: { base: base.length, head: head.length },
    verdict: verdictOf(worseBy, minimumEffect),
  };
}

/** Every metric of AB_METRICS over the rounds so far. */
export function compareRounds(rounds: readonly RoundFigures[], options: ComparisonOptions): ABComparison[] {
  return AB_METRICS.map((metric) => compareMetric(metric, rounds, options));
}

/** Only a whole interval beyond the minimum effect is a change; one inside it, a proven "no change". */
function verdictOf(worseBy: Interval | null, minimumEffect: number): MetricVerdict {
  if (worseBy === null) return 'unsure';
  if (worseBy.low > minimumEffect) return 'regression';
  if (worseBy.high < -minimumEffect) return 'improvement';
  if (worseBy.low > -minimumEffect && worseBy.high < minimumEffect) return 'no-change';
  return 'unsure';
}

/** One sentence: the figures and the verdict. */
export function describeComparison(comparison: ABComparison): string {
  const { label, headVsBase, worseBy, noiseFloor, runs, verdict } = comparison;
  if (headVsBase === null || worseBy === null) {
    return `${label}: measured in too few runs to compare (${runs.base} base, ${runs.head} head; at least 3 runs with one of each side needed).`;
  }
  const ratio = comparison.scale === 'ratio';
  const change = (value: number) =>
    ratio ? formatChange((value - 1) * 100) : `${value >= 0 ? '+' : '-'}${formatDecimal(Math.abs(value), 0)} s`;
  const amount = (value: number) => (ratio ? formatPercent(value) : `${formatDecimal(value, 0)} s`);
  const level = formatDecimal(comparison.confidence * 100, 0);
  const noise = noiseFloor.pooled === null ? '' : `; noise floor ${amount(noiseFloor.pooled)} per run`;
  const figures =
    `${label}: head ${change(headVsBase.estimate)} vs base (${level}% CI ${change(headVsBase.low)} to ${change(headVsBase.high)}, ` +
    `${plural(comparison.rounds.length, 'round')}${noise})`;
  const effect = amount(comparison.minimumEffect);
  switch (verdict) {
    case 'regression':
      return `${figures}: worse beyond the ${effect} minimum effect, a regression.`;
    case 'improvement':
      return `${figures}: better beyond the ${effect} minimum effect, an improvement.`;
    case 'no-change':
      return `${figures}: no change of ${effect} or more.`;
    case 'unsure':
      return `${figures}: cannot tell whether it changed by ${effect} or more; more rounds would narrow the interval.`;
  }
}
