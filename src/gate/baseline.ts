/**
 * Compares a run with a baseline report (a previous run, e.g. the pull request's base branch).
 * Each metric knows its direction, so "regression" always means "worse". Pure.
 */
import type { BaselineComparison, BenchmarkReport, MetricComparison, MetricDirection } from '../report/schema.js';

/** The parts of a report a comparison reads (a freshly built report has no gate yet). */
export type ComparableReport = Pick<
  BenchmarkReport,
  'runId' | 'startedAt' | 'provenance' | 'platform' | 'job' | 'tier' | 'rampUp' | 'latencyMs' | 'audit'
>;

interface MetricSpec {
  metric: MetricComparison['metric'];
  label: string;
  unit: string;
  direction: MetricDirection;
  value: (report: ComparableReport) => number | null;
}

export const COMPARED_METRICS: readonly MetricSpec[] = [
  {
    metric: 'steady-throughput',
    label: 'Steady-state output',
    unit: 'events/s',
    direction: 'higher-is-better',
    value: (report) => report.rampUp.steady?.meanPerSecond ?? null,
  },
  {
    metric: 'steady-p99-latency',
    label: 'Steady-state p99 latency',
    unit: 'ms',
    direction: 'lower-is-better',
    value: (report) => report.latencyMs.steady?.processed.p99 ?? null,
  },
  {
    metric: 'ramp-up',
    label: 'Ramp-up',
    unit: 's',
    direction: 'lower-is-better',
    value: (report) => report.rampUp.rampUpSeconds,
  },
  {
    metric: 'lost-events',
    label: 'Lost events',
    unit: 'events',
    direction: 'lower-is-better',
    value: (report) => report.audit?.lost ?? null,
  },
];

export function compareMetric(spec: MetricSpec, baseline: number | null, current: number | null): MetricComparison {
  let changePercent: number | null = null;
  if (baseline !== null && current !== null) {
    if (baseline !== 0) changePercent = ((current - baseline) / baseline) * 100;
    else if (current === 0) changePercent = 0;
  }
  const regressionPercent =
    changePercent === null ? null : spec.direction === 'higher-is-better' ? -changePercent : changePercent;
  return {
    metric: spec.metric,
    label: spec.label,
    unit: spec.unit,
    direction: spec.direction,
    baseline,
    current,
    changePercent,
    regressionPercent,
  };
}

export function compareToBaseline(current: ComparableReport, baseline: ComparableReport): BaselineComparison {
  const differences: string[] = [];
  const describe = (report: ComparableReport) =>
    `tier ${report.tier.name} (${report.tier.eventsPerSecond} events/s, ${report.tier.partitions} partitions, parallelism ${report.tier.parallelism}) ${report.platform}/${report.job}`;
  if (
    current.tier.eventsPerSecond !== baseline.tier.eventsPerSecond ||
    current.tier.partitions !== baseline.tier.partitions ||
    current.tier.parallelism !== baseline.tier.parallelism
  ) {
    differences.push('tier');
  }
  if (current.job !== baseline.job) differences.push('job');
  if (current.platform !== baseline.platform) differences.push('platform');
  const comparable = differences.length === 0;
  return {
    baselineRunId: baseline.runId,
    baselineStartedAt: baseline.startedAt,
    // Carried so the summary can say where the baseline comes from (its commit, age and runner).
    baselineProvenance: baseline.provenance ?? null,
    comparable,
    note: comparable
      ? null
      : `Not comparable (${differences.join(', ')} differ): baseline ${describe(baseline)}, this run ${describe(current)}.`,
    metrics: COMPARED_METRICS.map((spec) => compareMetric(spec, spec.value(baseline), spec.value(current))),
  };
}
