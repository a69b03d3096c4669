/**
 * The report's headline figures as action outputs (`core.setOutput`), so later steps can use them
 * without parsing the JSON. Pure: the names with their descriptions (for action.yml and
 * src/config/outputs.ts) and the values of one report.
 */
import type { BenchmarkReport } from './schema.js';

export const REPORT_OUTPUTS = {
  'gate-verdict': "The performance gate's verdict: pass or fail (measure).",
  'gate-failed-checks': 'Comma-separated gate checks that failed; empty when the gate passed (measure).',
  'ramp-up-verdict': 'The one-line ramp-up verdict (measure).',
  'steady-from-minute': 'Minute the steady state began; empty when none was reached (measure).',
  'ramp-up-seconds': 'Seconds from the start of measuring to the steady state (measure).',
  'steady-events-per-second': 'Mean output events/s over the steady state (measure).',
  'steady-percent-of-target': 'That mean in percent of the target rate (measure).',
  'keeps-up': 'true when consumer lag does not grow over the steady state (measure).',
  'lag-trend-records-per-second': 'Least-squares lag slope over the steady state, records/s (measure).',
  'steady-p99-latency-ms': 'Steady-state p99 end-to-end latency, processedAt - createdAt, in ms (measure).',
  'lost-events': 'Events on in missing from out (audit; measure).',
  'duplicate-events': 'Repeated eventIds on out (audit; measure).',
} as const;

export type ReportOutputName = keyof typeof REPORT_OUTPUTS;

/** Every output the report can answer; figures it has no value for are left out. */
export function reportOutputs(report: BenchmarkReport): Partial<Record<ReportOutputName, string | number | boolean>> {
  const { rampUp, gate } = report;
  const outputs: Partial<Record<ReportOutputName, string | number | boolean | null | undefined>> = {
    'gate-verdict': gate.verdict,
    'gate-failed-checks': gate.reasons
      .filter((reason) => !reason.passed)
      .map((reason) => reason.check)
      .join(','),
    'ramp-up-verdict': rampUp.verdict,
    'steady-from-minute': rampUp.steadyFromMinute,
    'ramp-up-seconds': rampUp.rampUpSeconds,
    'steady-events-per-second': rampUp.steady && round(rampUp.steady.meanPerSecond, 1),
    'steady-percent-of-target': rampUp.steady && round(rampUp.steady.meanPercentOfTarget, 1),
    'keeps-up': rampUp.keepsUp,
    'lag-trend-records-per-second': rampUp.lagTrendPerSecond === null ? null : round(rampUp.lagTrendPerSecond, 1),
    'steady-p99-latency-ms': report.latencyMs.steady?.processed.p99,
    'lost-events': report.audit?.lost,
    'duplicate-events': report.audit?.duplicates,
  };
  return Object.fromEntries(
    Object.entries(outputs).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<Record<ReportOutputName, string | number | boolean>>;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
