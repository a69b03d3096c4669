/**
 * The report's headline figures as action outputs (`core.setOutput`), so later steps can use them
 * without parsing the JSON. Pure: the names with their descriptions (for action.yml and
 * src/config/outputs.ts, whose existing names these keep) and the values of one report. Every name
 * always gets a value: '' when the run has none, so a workflow never reads a stale output.
 */
import type { BenchmarkReport } from './schema.js';

export const REPORT_OUTPUTS = {
  verdict: 'Gate verdict: pass or fail (measure); pass, fail or inconclusive (ab).',
  'failed-checks': 'Comma-separated gate checks that failed; empty when the gate passed (measure).',
  'ramp-up-verdict': 'The one-line ramp-up verdict (measure).',
  'steady-from-minute': 'Minute the steady state began; empty when none was reached (measure).',
  'ramp-up-seconds': 'Time from the start of measuring to steady state (measure).',
  'steady-events-per-second': 'Mean output events/s in steady state; empty without a steady state (measure).',
  'percent-of-target': 'Mean output rate in steady state, in percent of the target (measure).',
  'keeps-up': 'true when consumer lag does not grow over the steady state; empty when unknown (measure).',
  'lag-trend-records-per-second': 'Least-squares lag slope over the steady state, records/s (measure).',
  'p99-latency-ms': 'Steady-state p99 end-to-end latency, processedAt - createdAt (measure).',
  'lost-events': 'Events that entered topic in and never reached out; empty without the audit (measure).',
  'duplicate-events': 'Repeated eventIds on out; empty without the audit (measure).',
} as const;

export type ReportOutputName = keyof typeof REPORT_OUTPUTS;

export function reportOutputs(report: BenchmarkReport): Record<ReportOutputName, string | number | boolean> {
  const { rampUp, gate } = report;
  const oneDecimal = (value: number | null | undefined) =>
    value === null || value === undefined ? '' : value.toFixed(1);
  return {
    verdict: gate.verdict,
    'failed-checks': gate.reasons
      .filter((reason) => !reason.passed)
      .map((reason) => reason.check)
      .join(','),
    'ramp-up-verdict': rampUp.verdict,
    'steady-from-minute': rampUp.steadyFromMinute ?? '',
    'ramp-up-seconds': rampUp.rampUpSeconds ?? '',
    'steady-events-per-second': oneDecimal(rampUp.steady?.meanPerSecond),
    'percent-of-target': oneDecimal(rampUp.steady?.meanPercentOfTarget),
    'keeps-up': rampUp.keepsUp ?? '',
    'lag-trend-records-per-second': oneDecimal(rampUp.lagTrendPerSecond),
    'p99-latency-ms': oneDecimal(report.latencyMs.steady?.processed.p99),
    'lost-events': report.audit?.lost ?? '',
    'duplicate-events': report.audit?.duplicates ?? '',
  };
}
