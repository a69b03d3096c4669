/**
 * The performance gate: thresholds + report (+ baseline) -> pass or fail, with every check's reason.
 * Pure. "Sustained" means consecutive full minutes inside the steady window: the origin passed a
 * run when any single minute reached 90% of the target, which lets a run that then collapses pass.
 */
import type { GateThresholds } from '../config/config.js';
import { isFullMinute } from '../analysis/ramp-up.js';
import { formatChange, formatCount, formatDuration, formatMs, formatPercent, plural } from '../report/format.js';
import type { BaselineComparison, GateReason, GateResult, IntervalRow } from '../report/schema.js';
import { compareToBaseline, type ComparableReport } from './baseline.js';

export type GateInput = ComparableReport & { rows: IntervalRow[]; targetEventsPerSecond: number };

export function evaluateGate(
  thresholds: GateThresholds,
  report: GateInput,
  baseline?: ComparableReport | null,
): GateResult {
  const reasons: GateReason[] = [sustainedThroughput(thresholds, report), keepsUp(report)];
  if (thresholds.maxRampUpMinutes !== undefined) reasons.push(rampUp(thresholds.maxRampUpMinutes, report));
  if (thresholds.maxP99LatencyMs !== undefined) reasons.push(p99Latency(thresholds.maxP99LatencyMs, report));
  reasons.push(loss(thresholds.maxLoss, report));
  if (thresholds.maxRegressionPercent !== undefined) {
    reasons.push(regression(thresholds.maxRegressionPercent, baseline ? compareToBaseline(report, baseline) : null));
  }
  return {
    verdict: reasons.every((reason) => reason.passed) ? 'pass' : 'fail',
    thresholds,
    reasons,
  };
}

/** The longest run of consecutive full minutes at or above the threshold, from the steady onset on. */
export function longestSustainedRun(
  rows: readonly IntervalRow[],
  fromMinute: number,
  minPercentOfTarget: number,
): { length: number; firstMinute: number | null; lastMinute: number | null } {
  let best = { length: 0, firstMinute: null as number | null, lastMinute: null as number | null };
  let length = 0;
  let first = 0;
  for (const row of rows) {
    if (row.minute < fromMinute) continue;
    // A gap or stale minute was not measured: it cannot count as sustained, so it ends the run.
    const counts = isFullMinute(row) && (row.percentOfTarget ?? 0) >= minPercentOfTarget;
    if (!counts) {
      length = 0;
      continue;
    }
    if (length === 0) first = row.minute;
    length++;
    if (length > best.length) best = { length, firstMinute: first, lastMinute: row.minute };
  }
  return best;
}

function sustainedThroughput(thresholds: GateThresholds, report: GateInput): GateReason {
  const check = 'sustained-throughput';
  const threshold = formatPercent(thresholds.minPercentOfTarget);
  const needed = plural(thresholds.minSteadyMinutes, 'consecutive full minute');
  if (report.rampUp.steadyFromMinute === null) {
    return {
      check,
      passed: false,
      detail: `No steady state at >= ${threshold} of target (${needed} needed): ${report.rampUp.verdict}`,
    };
  }
  const run = longestSustainedRun(report.rows, report.rampUp.steadyFromMinute, thresholds.minPercentOfTarget);
  const span = run.length > 0 ? ` (minutes ${run.firstMinute}-${run.lastMinute})` : '';
  return {
    check,
    passed: run.length >= thresholds.minSteadyMinutes,
    detail: `${plural(run.length, 'consecutive full minute')} at >= ${threshold} of target${span}; ${thresholds.minSteadyMinutes} needed.`,
  };
}

function keepsUp(report: GateInput): GateReason {
  const check = 'keeps-up';
  const { keepsUp: keeps, lagTrendPerSecond: trend, lagToleranceRecordsPerSecond: tolerance } = report.rampUp;
  if (keeps === null) {
    return {
      check,
      passed: true,
      skipped: true,
      detail:
        report.rampUp.outcome === 'steady'
          ? 'Lag was not measured: cannot tell.'
          : 'Not assessed: no window where output held the threshold.',
    };
  }
  const rounded = Math.round(trend!);
  const sign = rounded > 0 ? '+' : rounded < 0 ? '-' : '';
  const trendText = `lag trend ${sign}${formatCount(Math.abs(rounded))} records/s (at most +${formatCount(tolerance)} allowed)`;
  return keeps
    ? { check, passed: true, detail: `Keeps up: ${trendText}.` }
    : { check, passed: false, detail: `Falls behind: ${trendText}.` };
}

function rampUp(maxMinutes: number, report: GateInput): GateReason {
  const check = 'ramp-up';
  const seconds = report.rampUp.rampUpSeconds;
  if (seconds === null)
    return { check, passed: false, detail: `Never reached steady state (at most ${maxMinutes} min allowed).` };
  return {
    check,
    passed: seconds <= maxMinutes * 60,
    detail: `Ramp-up ${formatDuration(seconds)} (at most ${formatDuration(maxMinutes * 60)} allowed).`,
  };
}

function p99Latency(maxMs: number, report: GateInput): GateReason {
  const check = 'p99-latency';
  const p99 = report.latencyMs.steady?.processed.p99;
  if (p99 === undefined) {
    return {
      check,
      passed: false,
      detail: `No steady-state latency measured (at most ${formatMs(maxMs)} ms allowed).`,
    };
  }
  return {
    check,
    passed: p99 <= maxMs,
    detail: `Steady-state p99 ${formatMs(p99)} ms (at most ${formatMs(maxMs)} ms allowed).`,
  };
}

function loss(maxLoss: number, report: GateInput): GateReason {
  const check = 'loss';
  if (report.audit === null) return { check, passed: true, skipped: true, detail: 'Not audited (audit off).' };
  return {
    check,
    passed: report.audit.lost <= maxLoss,
    detail: `${plural(report.audit.lost, 'event')} lost of ${formatCount(report.audit.expectedFromIn)} (at most ${formatCount(maxLoss)} allowed).`,
  };
}

function regression(maxPercent: number, comparison: BaselineComparison | null): GateReason {
  const check = 'regression';
  if (comparison === null) {
    return { check, passed: true, skipped: true, detail: 'No baseline report to compare with.' };
  }
  if (!comparison.comparable) return { check, passed: false, detail: comparison.note! };
  const worse = comparison.metrics.filter(
    (metric) => metric.regressionPercent !== null && metric.regressionPercent > maxPercent,
  );
  if (worse.length === 0) {
    return {
      check,
      passed: true,
      detail: `No metric more than ${formatPercent(maxPercent)} worse than baseline ${comparison.baselineRunId}.`,
    };
  }
  const listed = worse.map((metric) => `${metric.label} ${formatChange(metric.changePercent!)}`).join(', ');
  return {
    check,
    passed: false,
    detail: `Worse than baseline ${comparison.baselineRunId} by more than ${formatPercent(maxPercent)}: ${listed}.`,
  };
}
