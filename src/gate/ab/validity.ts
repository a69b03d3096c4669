/**
 * Whether an A/B measurement can be judged at all, and the gate's three verdicts: pass, fail, or
 * inconclusive when a run is not a valid measurement of the workload (never a pass). A pipeline
 * that cannot keep up is not invalid: that is a measured result, and the statistics judge it
 * through its throughput, latency and ramp-up. Each problem is one sentence saying what to do.
 * Pure (hashing is computation, not I/O).
 */
import { createHash } from 'node:crypto';
import { MIN_AB_ROUNDS } from '../../config/config.js';
import { formatCount, formatDuration, formatPercent, plural } from '../../report/format.js';
import type { BenchmarkReport, ReportWorkload } from '../../report/schema.js';
import type { ConfirmationDecision } from './confirmation.js';
import type { ABSide } from './metrics.js';
import { describeComparison } from './statistics.js';

/**
 * A hash of the effective workload: what both sides must share for their figures to be comparable.
 * In: the platform, the rate, the sizing that spreads it (partitions, parallelism, simulator
 * instances, after overrides), the job, the run's length and sampling interval, and the audit (it
 * reads every record on the same machine, competing with the pipeline for CPU). Out: the job
 * options that are the change under test (synthetic-work-us), the tier's name (a preset and the
 * same custom rate are one workload), its VM sizes (they follow from the rate), and what only
 * judges or reports (gate thresholds, files, comments).
 */
export function workloadHash(workload: ReportWorkload): string {
  const { syntheticWorkUs: _changeUnderTest, ...compared } = workload;
  const ordered = Object.entries(compared).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex').slice(0, 16);
}

/** The parts of a report the validity rules read. */
export type ValiditySource = Pick<BenchmarkReport, 'rows' | 'load' | 'rampUp' | 'targetEventsPerSecond'>;

export interface ABRun {
  /** 1-based round of the interleaving (the confirmation pair is the last round). */
  round: number;
  side: ABSide;
  report: ValiditySource;
  workloadHash: string;
}

/** The load generator may miss this fraction of its schedule (a short stall) and the run still counts. */
export const LOAD_SHORTFALL_TOLERANCE = 0.01;
/** Samples may be missing for this long at a stretch. */
export const MAX_UNMEASURED_SECONDS = 60;

function unmeasuredStretches(report: ValiditySource): Array<{ first: number; last: number; seconds: number }> {
  const stretches: Array<{ first: number; last: number; seconds: number }> = [];
  let start: ValiditySource['rows'][number] | null = null;
  report.rows.forEach((row, index) => {
    if (!row.gap) return;
    start ??= row;
    const next = report.rows[index + 1];
    if (next?.gap) return;
    stretches.push({
      first: start.minute,
      last: row.minute,
      seconds: (Date.parse(row.end) - Date.parse(start.start)) / 1000,
    });
    start = null;
  });
  return stretches;
}

/** What makes one run an invalid measurement; empty when it is valid. */
export function runProblems(run: ABRun): string[] {
  const who = `Round ${run.round}, ${run.side}`;
  const { load, rampUp, targetEventsPerSecond } = run.report;
  const problems: string[] = [];
  if (load === null) {
    problems.push(
      `${who}: the load generator's counts are missing, so whether it held its rate cannot be checked; re-run and check that the simulator wrote its stats in the run directory.`,
    );
  } else {
    if (load.errors > 0) {
      problems.push(
        `${who}: the load generator had ${plural(load.errors, 'failed send')} (producer errors), so the pipeline did not get the intended load; find the Kafka error in the simulator log in the run directory, fix it and re-run.`,
      );
    }
    const scheduled = load.acknowledged + load.shortfall;
    const shortFraction = scheduled === 0 ? 1 : load.shortfall / scheduled;
    if (shortFraction > LOAD_SHORTFALL_TOLERANCE) {
      problems.push(
        `${who}: the load generator itself fell ${formatPercent(shortFraction * 100)} short of its schedule (${formatCount(load.shortfall)} of ${formatCount(scheduled)} events not sent; at most ${formatPercent(LOAD_SHORTFALL_TOLERANCE * 100)} allowed), so this machine cannot generate ${formatCount(targetEventsPerSecond)} events/s beside the pipeline; lower the rate (tier) or use a larger runner.`,
      );
    }
  }
  for (const stretch of unmeasuredStretches(run.report)) {
    if (stretch.seconds <= MAX_UNMEASURED_SECONDS) continue;
    const minutes =
      stretch.first === stretch.last ? `minute ${stretch.first}` : `minutes ${stretch.first}-${stretch.last}`;
    problems.push(
      `${who}: samples are missing for ${formatDuration(stretch.seconds)} (${minutes}; at most ${formatDuration(MAX_UNMEASURED_SECONDS)} allowed); find in the run's logs why measure could not read Kafka then, and re-run.`,
    );
  }
  if (rampUp.fullMinutes < rampUp.requiredFullMinutes) {
    problems.push(
      `${who}: ${plural(rampUp.fullMinutes, 'full interval')} measured, ${rampUp.requiredFullMinutes} needed to judge; measure longer (minutes) or sample more often (interval-seconds).`,
    );
  }
  return problems;
}

function roundList(rounds: readonly number[]): string {
  return rounds.length === 1 ? `round ${rounds[0]}` : `rounds ${rounds.join(', ')}`;
}

/** Base and head (and every round) must have run one workload. */
function workloadProblems(runs: readonly ABRun[]): string[] {
  const byHash = new Map<string, ABRun[]>();
  for (const run of runs) byHash.set(run.workloadHash, [...(byHash.get(run.workloadHash) ?? []), run]);
  if (byHash.size <= 1) return [];
  const groups = [...byHash].map(([hash, group]) => {
    const sides = (['base', 'head'] as const)
      .map((side) => ({ side, rounds: group.filter((run) => run.side === side).map((run) => run.round) }))
      .filter(({ rounds }) => rounds.length > 0)
      .map(({ side, rounds }) => `${side} ${roundList(rounds)}`);
    // Six characters tell the workloads apart; seven or more GitHub would link as a commit hash
    // (and the fork-safe comment refuses a text that has one: report/untrusted.ts).
    return `${hash.slice(0, 6)} in ${sides.join(' and ')}`;
  });
  return [
    `The runs did not all run the same workload (workload ${groups.join('; ')}): give base and head the same platform, tier (rate), partitions, parallelism, simulator instances, job, minutes, interval-seconds and audit; only the change under test (the checkout, synthetic-work-us) may differ.`,
  ];
}

/** Everything that makes the measurement as a whole invalid; empty when it can be judged. */
export function measurementProblems(runs: readonly ABRun[]): string[] {
  const rounds = new Set(runs.map((run) => run.round));
  const complete = [...rounds].filter((round) =>
    (['base', 'head'] as const).every((side) => runs.some((run) => run.round === round && run.side === side)),
  );
  const problems =
    complete.length < MIN_AB_ROUNDS
      ? [
          `Only ${plural(complete.length, 'complete round')} (a base and a head run each), ${MIN_AB_ROUNDS} needed to measure the noise between runs; set rounds to ${MIN_AB_ROUNDS} or more and re-run.`,
        ]
      : [];
  return [...problems, ...runsProblems(runs)];
}

/** What makes the runs so far invalid, however many rounds are complete: an A/B run stops at the first. */
export function runsProblems(runs: readonly ABRun[]): string[] {
  return [...workloadProblems(runs), ...runs.flatMap(runProblems)];
}

export const AB_VERDICTS = ['pass', 'fail', 'inconclusive'] as const;
export type ABVerdict = (typeof AB_VERDICTS)[number];

export interface ABGateResult {
  verdict: ABVerdict;
  /** Inconclusive: what made the measurement invalid; otherwise each metric's comparison. */
  reasons: string[];
}

/** The gate's verdict: inconclusive when any run is invalid (whatever the statistics say), else theirs. */
export function abGateVerdict(
  runs: readonly ABRun[],
  decision: Extract<ConfirmationDecision, { needsConfirmationPair: false }>,
): ABGateResult {
  const problems = measurementProblems(runs);
  if (problems.length > 0) return { verdict: 'inconclusive', reasons: problems };
  return { verdict: decision.verdict, reasons: decision.comparisons.map(describeComparison) };
}
