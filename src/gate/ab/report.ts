/**
 * The A/B gate's JSON report (mode ab): the verdict with its reasons, each metric's comparison with
 * its noise floor, and every run's figures next to the file of that run's own benchmark report.
 * Documented in docs/report-schema.md ("A/B report"). Pure: the mode runs, this assembles.
 */
import type { PlatformName } from '../../config/inputs.js';
import type { MeasuredRun } from '../../report/provenance.js';
import { REPORT_SCHEMA_VERSION, TOOL_NAME, type BenchmarkReport } from '../../report/schema.js';
import { runFigures, type ABMetricName, type ABSide, type RoundFigures, type RunFigures } from './metrics.js';
import type { ABComparison } from './statistics.js';
import { runProblems, type ABRun, type ABVerdict } from './validity.js';

export const AB_REPORT_KIND = 'ab';

/** Which of the two report kinds a report is: a benchmark report has no `kind`. */
export function isABReport(report: BenchmarkReport | ABReport): report is ABReport {
  return (report as Partial<ABReport>).kind === AB_REPORT_KIND;
}

/** One side of the comparison: which code ran, with which change under test. */
export interface ABCheckout {
  folder: string;
  /** The checkout's commit (git rev-parse HEAD); null outside a git work tree. */
  commit: string | null;
  syntheticWorkUs: number;
  /** The side's first run: its commit, time and runner as its own report recorded them; null before one ran. */
  firstRun: MeasuredRun | null;
}

export interface ABRunRecord {
  round: number;
  side: ABSide;
  /** 1: ran first in its round, 2: second. */
  position: 1 | 2;
  reportFile: string;
  runId: string;
  startedAt: string;
  endedAt: string;
  workloadHash: string;
  figures: RunFigures;
  /** Why this run is not a valid measurement; empty when it is. */
  problems: string[];
}

export interface ABReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: typeof TOOL_NAME; version: string };
  kind: typeof AB_REPORT_KIND;
  verdict: ABVerdict;
  /** Inconclusive: what made the measurement invalid; otherwise one sentence per metric. */
  reasons: string[];
  /** The input inconclusive-fails: whether an inconclusive verdict failed the step. */
  inconclusiveFails: boolean;
  startedAt: string;
  endedAt: string;
  platform: PlatformName;
  job: string;
  tier: { name: string; eventsPerSecond: number };
  minutes: number;
  intervalSeconds: number;
  plannedRounds: number;
  /** A suspected regression after the planned rounds runs one more pair; the metrics suspected. */
  confirmation: { ran: boolean; suspected: ABMetricName[] };
  /** Why the runs stopped before the plan was complete (an invalid run); null when they did not. */
  stoppedEarly: string | null;
  minimumEffectPercent: number;
  confidence: number;
  base: ABCheckout;
  head: ABCheckout;
  /** Each metric over the complete rounds, with its confidence interval and noise floor. */
  comparisons: ABComparison[];
  runs: ABRunRecord[];
}

/** A run as the mode keeps it: the validity input plus where its report is. */
export interface ABRunResult extends ABRun {
  position: 1 | 2;
  reportFile: string;
  report: BenchmarkReport;
}

export function runRecord(run: ABRunResult): ABRunRecord {
  return {
    round: run.round,
    side: run.side,
    position: run.position,
    reportFile: run.reportFile,
    runId: run.report.runId,
    startedAt: run.report.startedAt,
    endedAt: run.report.endedAt,
    workloadHash: run.workloadHash,
    figures: runFigures(run.report),
    problems: runProblems(run),
  };
}

/** The first run of a side, as baselineLine reads it. */
export function firstRunOf(runs: readonly ABRunResult[], side: ABSide): MeasuredRun | null {
  const report = runs.find((run) => run.side === side)?.report;
  return report ? { runId: report.runId, startedAt: report.startedAt, provenance: report.provenance ?? null } : null;
}

/** The rounds that have both a base and a head run, in round order. */
export function completeRounds(runs: readonly ABRunResult[]): RoundFigures[] {
  const rounds = [...new Set(runs.map((run) => run.round))].sort((a, b) => a - b);
  return rounds.flatMap((round) => {
    const base = runs.find((run) => run.round === round && run.side === 'base');
    const head = runs.find((run) => run.round === round && run.side === 'head');
    return base && head ? [{ base: runFigures(base.report), head: runFigures(head.report) }] : [];
  });
}

export type ABReportInput = Omit<ABReport, 'schemaVersion' | 'tool' | 'kind' | 'runs'> & {
  toolVersion: string;
  runs: readonly ABRunResult[];
};

export function buildABReport(input: ABReportInput): ABReport {
  const { toolVersion, runs, ...rest } = input;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: toolVersion },
    kind: AB_REPORT_KIND,
    ...rest,
    runs: runs.map(runRecord),
  };
}
