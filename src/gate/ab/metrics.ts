/**
 * The figures the A/B gate compares, read from one run's report. Each run gives every figure, steady
 * or not: a head that cannot keep up is a measured result (lower throughput, higher latency, a long
 * ramp-up), so a run without a steady state gets the documented substitutes below instead of
 * nothing. Definitions in docs/metrics.md ("A/B gate"). Pure.
 */
import { isFullMinute, throughputOf } from '../../analysis/ramp-up.js';
import type { BenchmarkReport, MetricDirection } from '../../report/schema.js';

export const AB_SIDES = ['base', 'head'] as const;
export type ABSide = (typeof AB_SIDES)[number];

export type ABMetricName = 'sustained-throughput' | 'p99-latency' | 'ramp-up';

/** The parts of a report the figures are read from. */
export type FigureSource = Pick<BenchmarkReport, 'rows' | 'rampUp' | 'latencyMs' | 'intervalSeconds'>;

export interface ABMetric {
  name: ABMetricName;
  label: string;
  unit: string;
  direction: MetricDirection;
  /**
   * 'ratio': compared as head / base (noise is proportional to the level, so it is compared on the
   * log scale). 'difference': compared as head - base in the unit, for a figure that is often 0.
   */
  scale: 'ratio' | 'difference';
  /**
   * The step a figure moves in, given the sampling interval (ramp-up: whole intervals); its
   * rounding error is part of each run's noise even when every run rounds alike.
   */
  step?: (intervalSeconds: number) => number;
  value: (report: FigureSource) => number | null;
}

/** The histograms count whole microseconds: a p99 of 0 (clocks disagreeing) counts as 1 µs. */
const LATENCY_RESOLUTION_MS = 0.001;

export const AB_METRICS: readonly ABMetric[] = [
  {
    name: 'sustained-throughput',
    label: 'Sustained throughput',
    unit: 'events/s',
    direction: 'higher-is-better',
    scale: 'ratio',
    value: (report) => {
      const full = report.rows.filter(isFullMinute);
      if (full.length === 0) return null;
      // Not steady: what the run delivered, the mean over every full minute.
      const rate =
        report.rampUp.steady?.meanPerSecond ?? full.reduce((sum, row) => sum + throughputOf(row)!, 0) / full.length;
      // One record per interval is the finest rate measured; it keeps a run that delivered nothing
      // comparable as a ratio (a regression of nearly 100%) instead of undefined.
      return Math.max(rate, 1 / report.intervalSeconds);
    },
  },
  {
    name: 'p99-latency',
    label: 'p99 latency',
    unit: 'ms',
    direction: 'lower-is-better',
    scale: 'ratio',
    value: (report) => {
      // Not steady: over every measured interval, where a backlog's growing latency shows.
      const p99 = (report.latencyMs.steady ?? report.latencyMs.all)?.processed.p99;
      return p99 === undefined ? null : Math.max(p99, LATENCY_RESOLUTION_MS);
    },
  },
  {
    name: 'ramp-up',
    label: 'Ramp-up',
    unit: 's',
    direction: 'lower-is-better',
    scale: 'difference',
    step: (intervalSeconds) => intervalSeconds,
    value: (report) => {
      if (report.rampUp.rampUpSeconds !== null) return report.rampUp.rampUpSeconds;
      // Not steady: at least the whole measured span (censored at the end of the run).
      const rows = report.rows;
      if (rows.length === 0) return null;
      return (Date.parse(rows[rows.length - 1].end) - Date.parse(rows[0].start)) / 1000;
    },
  },
];

/** One run's figures; `steady` false means the substitutes were used. */
export interface RunFigures {
  steady: boolean;
  values: Record<ABMetricName, number | null>;
}

export function runFigures(report: FigureSource): RunFigures {
  return {
    steady: report.rampUp.steady !== null,
    values: Object.fromEntries(AB_METRICS.map((metric) => [metric.name, metric.value(report)])) as Record<
      ABMetricName,
      number | null
    >,
  };
}

/** One round of the interleaving: a base run and a head run on the same runner, back to back. */
export interface RoundFigures {
  base: RunFigures;
  head: RunFigures;
}
