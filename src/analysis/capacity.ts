/**
 * The max-throughput search (a capacity test): the load steps up by a fixed percentage, one
 * measurement per step, until a step is not sustained; the answer is the highest sustained rate.
 * Pure: the steps' reports come from measure.
 */
import type { BenchmarkReport } from '../report/schema.js';

export interface CapacityStep {
  eventsPerSecond: number;
  sustained: boolean;
  meanPerSecond: number | null;
  meanPercentOfTarget: number | null;
  keepsUp: boolean | null;
  /** The step's ramp-up verdict, or why it was not sustained. */
  verdict: string;
}

export interface CapacityResult {
  steps: CapacityStep[];
  /** Highest rate whose step was sustained; null when not even the first was. */
  highestSustainedPerSecond: number | null;
  /** True when the search stopped at its step limit while still sustained: capacity is higher. */
  stoppedAtLimit: boolean;
  verdict: string;
}

/** The next rate: `stepPercent` more, rounded to a whole 100 events/s (at least +1). */
export function nextRate(rate: number, stepPercent: number): number {
  return Math.max(rate + 1, Math.round((rate * (1 + stepPercent / 100)) / 100) * 100);
}

/**
 * A step is sustained when it reached steady state at or above the threshold percent of its own
 * target and the job kept up (lag not growing).
 */
export function capacityStep(report: BenchmarkReport, minPercentOfTarget: number): CapacityStep {
  const { rampUp } = report;
  const meanPercent = rampUp.steady?.meanPercentOfTarget ?? null;
  const sustained =
    rampUp.outcome === 'steady' &&
    rampUp.keepsUp !== false &&
    meanPercent !== null &&
    meanPercent >= minPercentOfTarget;
  return {
    eventsPerSecond: report.targetEventsPerSecond,
    sustained,
    meanPerSecond: rampUp.steady?.meanPerSecond ?? null,
    meanPercentOfTarget: meanPercent,
    keepsUp: rampUp.keepsUp,
    verdict: rampUp.verdict,
  };
}

export function capacityResult(steps: CapacityStep[], maxSteps: number): CapacityResult {
  const sustained = steps.filter((step) => step.sustained);
  const highest = sustained.length ? Math.max(...sustained.map((step) => step.eventsPerSecond)) : null;
  const stoppedAtLimit = steps.length >= maxSteps && steps.every((step) => step.sustained);
  const fmt = (n: number) => n.toLocaleString('en-US');
  const failed = steps.find((step) => !step.sustained);
  let verdict: string;
  if (highest === null)
    verdict = `Not even the first step (${fmt(steps[0]?.eventsPerSecond ?? 0)} events/s) was sustained.`;
  else if (stoppedAtLimit)
    verdict = `Sustained every step up to ${fmt(highest)} events/s; the limit of ${maxSteps} steps was reached, so capacity is higher.`;
  else
    verdict = `Highest sustained rate: ${fmt(highest)} events/s; ${fmt(failed!.eventsPerSecond)} events/s was not sustained (${failed!.verdict})`;
  return { steps, highestSustainedPerSecond: highest, stoppedAtLimit, verdict };
}

/** The search's summary section: one row per step. */
export function renderCapacityMarkdown(result: CapacityResult): string {
  const rows = result.steps.map(
    (step) =>
      `| ${step.eventsPerSecond.toLocaleString('en-US')} | ${step.meanPerSecond === null ? '-' : Math.round(step.meanPerSecond).toLocaleString('en-US')} | ${step.meanPercentOfTarget === null ? '-' : `${step.meanPercentOfTarget.toFixed(1)}%`} | ${step.keepsUp === null ? '-' : step.keepsUp ? 'yes' : 'no'} | ${step.sustained ? 'yes' : '**no**'} |`,
  );
  return [
    '## Max-throughput search',
    '',
    result.verdict,
    '',
    '| target events/s | steady events/s | % of target | keeps up | sustained |',
    '|---:|---:|---:|:---:|:---:|',
    ...rows,
    '',
  ].join('\n');
}
