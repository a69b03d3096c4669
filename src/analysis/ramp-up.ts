/**
 * The ramp-up analysis: when the pipeline reached steady state, how long that took, what it did
 * once there, and whether it keeps up. Pure: rows in, analysis out. Every figure is defined in
 * docs/metrics.md; keep the two in step.
 */
import type { GateThresholds } from '../config/config.js';
import { formatCount, formatDuration, formatPercent, plural } from '../report/format.js';
import type { IntervalRow, RampUpAnalysis, SteadyStateStats } from '../report/schema.js';

/** Two points are the fewest that give a lag trend, so the fewest full minutes that can tell anything. */
export const REQUIRED_FULL_MINUTES = 2;

/**
 * "Lag stops growing" means the least-squares lag slope over the steady window is at most this
 * fraction of the target rate. Lag sampled once a minute jitters by a poll batch or two; 1% of the
 * target absorbs that while a job that falls behind by 1 event in 100 is still caught.
 */
export const LAG_TOLERANCE_FRACTION_OF_TARGET = 0.01;

/** The job's throughput in a row (report.throughputBasis); the output rate in reports before it. */
export function throughputOf(row: IntervalRow): number | null {
  return row.throughputPerSecond === undefined ? row.outRatePerSecond : row.throughputPerSecond;
}

/** A minute the statistics may use: complete, measured and freshly refreshed. */
export function isFullMinute(row: IntervalRow): row is IntervalRow & { throughputPerSecond: number } {
  return !row.partial && !row.gap && !row.stale && throughputOf(row) !== null;
}

/** Least-squares slope of y over x; null with fewer than two distinct x. */
export function leastSquaresSlope(points: ReadonlyArray<readonly [number, number]>): number | null {
  if (points.length < 2) return null;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  let covariance = 0;
  let varianceX = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    varianceX += (x - meanX) ** 2;
  }
  return varianceX === 0 ? null : covariance / varianceX;
}

/** Lag slope in records per second over the rows that measured lag, timed at each row's end. */
export function lagTrendPerSecond(rows: readonly IntervalRow[]): number | null {
  const points = rows
    .filter((row) => row.lagRecords !== null)
    .map((row) => [Date.parse(row.end) / 1000, row.lagRecords as number] as const);
  return leastSquaresSlope(points);
}

/**
 * A minute in which lag changed faster than this fraction of the target rate (either way) has not
 * settled: lag still growing at the end of ramp-up, or the backlog draining with output above the
 * target. Well above the lag's minute-to-minute jitter, so only a real ramp or drain qualifies.
 */
export const UNSETTLED_FRACTION_OF_TARGET = 0.05;

/** Lag changed during this row (since the previous row that measured lag) faster than the unsettled rate. */
function isUnsettled(rows: readonly IntervalRow[], row: IntervalRow, targetEventsPerSecond: number): boolean {
  const index = rows.indexOf(row);
  const previous = rows.slice(0, index).findLast((earlier) => earlier.lagRecords !== null);
  if (!previous || row.lagRecords === null) return false;
  const seconds = (Date.parse(row.end) - Date.parse(previous.end)) / 1000;
  const change = (row.lagRecords - previous.lagRecords!) / seconds;
  return Math.abs(change) > targetEventsPerSecond * UNSETTLED_FRACTION_OF_TARGET;
}

export function analyseRampUp(
  rows: readonly IntervalRow[],
  targetEventsPerSecond: number,
  thresholds: Pick<GateThresholds, 'minPercentOfTarget'>,
): RampUpAnalysis {
  const threshold = thresholds.minPercentOfTarget;
  const tolerance = targetEventsPerSecond * LAG_TOLERANCE_FRACTION_OF_TARGET;
  const full = rows.filter(isFullMinute);
  const percentOf = (row: IntervalRow) => (throughputOf(row)! / targetEventsPerSecond) * 100;
  const best = full.reduce<(typeof full)[number] | null>(
    (top, row) => (top === null || throughputOf(row)! > throughputOf(top)! ? row : top),
    null,
  );

  const result: RampUpAnalysis = {
    outcome: 'too-short',
    thresholdPercent: threshold,
    lagToleranceRecordsPerSecond: tolerance,
    fullMinutes: full.length,
    requiredFullMinutes: REQUIRED_FULL_MINUTES,
    steadyFromMinute: null,
    steadyMinutes: [],
    rampUpSeconds: null,
    rampUpMinutes: null,
    steady: null,
    keepsUp: null,
    lagTrendPerSecond: null,
    bestMinute: best && { minute: best.minute, percentOfTarget: percentOf(best) },
    verdict: '',
  };
  const thresholdText = formatPercent(threshold).replace('.0%', '%');

  if (full.length < REQUIRED_FULL_MINUTES) {
    result.verdict = `Too short to tell: ${plural(full.length, 'full minute')} measured, ${REQUIRED_FULL_MINUTES} needed.`;
    return result;
  }
  if (best === null || percentOf(best) < threshold) {
    result.outcome = 'never-reached';
    result.verdict = `Never reached ${thresholdText} of target: best minute ${formatPercent(percentOf(best!))}.`;
    return result;
  }

  // The output tail: the full minutes after the last one below the threshold.
  const lastBelow = full.findLastIndex((row) => percentOf(row) < threshold);
  const tail = full.slice(lastBelow + 1);
  if (tail.length < REQUIRED_FULL_MINUTES) {
    const last = full[full.length - 1];
    result.outcome = 'not-sustained';
    result.verdict =
      tail.length === 1
        ? `Not steady yet: only the last full minute (minute ${last.minute}) held ${thresholdText} of target.`
        : `Not sustained: minute ${best.minute} reached ${formatPercent(percentOf(best))} of target but the last full minute (${last.minute}) fell to ${formatPercent(percentOf(last))}.`;
    return result;
  }

  // Onset: the earliest start of a tail suffix (>= 2 minutes) over which lag does not grow.
  const tailTrend = lagTrendPerSecond(tail);
  const starts = Array.from({ length: tail.length - REQUIRED_FULL_MINUTES + 1 }, (_, start) => start);
  const trendFrom = (start: number) => lagTrendPerSecond(tail.slice(start));
  let onset = starts.find((start) => {
    const trend = trendFrom(start);
    return trend !== null && trend <= tolerance;
  });
  // Unsettled leading minutes (lag still climbing, or the ramp-up backlog draining with output above
  // target) are ramp-up, not steady state: they leave the window while enough minutes remain.
  if (onset !== undefined) {
    while (
      onset + REQUIRED_FULL_MINUTES < tail.length &&
      isUnsettled(rows, tail[onset], targetEventsPerSecond) &&
      (trendFrom(onset + 1) ?? 0) <= tolerance
    ) {
      onset++;
    }
  }
  if (onset === undefined && tailTrend !== null) {
    result.outcome = 'degrading';
    result.keepsUp = false;
    result.lagTrendPerSecond = tailTrend;
    result.verdict = `Degrading: lag grows by ${formatCount(tailTrend)} records/s; the job does not keep up.`;
    return result;
  }
  // Lag not measured at all: the output alone decides the onset, and keeping up stays unknown.
  const window = tail.slice(onset ?? 0);
  const trend = lagTrendPerSecond(window);
  const onsetRow = window[0];
  const rampUpSeconds = (Date.parse(onsetRow.start) - Date.parse(rows[0].start)) / 1000;
  const steady = steadyStats(
    window.map((row) => throughputOf(row)!),
    targetEventsPerSecond,
  );

  Object.assign(result, {
    outcome: 'steady',
    steadyFromMinute: onsetRow.minute,
    steadyMinutes: window.map((row) => row.minute),
    rampUpSeconds,
    rampUpMinutes: rampUpSeconds / 60,
    steady,
    keepsUp: trend === null ? null : true,
    lagTrendPerSecond: trend,
  } satisfies Partial<RampUpAnalysis>);
  const rampUpText = rampUpSeconds > 0 ? `after ${formatDuration(rampUpSeconds)} ramp-up` : 'with no ramp-up';
  const lagText =
    trend === null
      ? 'lag not measured: cannot tell whether it keeps up'
      : trend < -tolerance
        ? `lag shrinking by ${formatCount(-trend)} records/s: keeps up`
        : 'lag flat: keeps up';
  result.verdict =
    `Steady from minute ${onsetRow.minute} ${rampUpText}: ${formatCount(steady.meanPerSecond)} events/s mean ` +
    `(${formatPercent(steady.meanPercentOfTarget)} of target), ${lagText}.`;
  return result;
}

function steadyStats(rates: number[], targetEventsPerSecond: number): SteadyStateStats {
  const mean = rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
  const variance = rates.reduce((sum, rate) => sum + (rate - mean) ** 2, 0) / rates.length;
  return {
    meanPerSecond: mean,
    minPerSecond: Math.min(...rates),
    maxPerSecond: Math.max(...rates),
    stddevPerSecond: Math.sqrt(variance),
    meanPercentOfTarget: (mean / targetEventsPerSecond) * 100,
  };
}
