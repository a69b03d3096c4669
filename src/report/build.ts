/**
 * Assembles the JSON report from what measure sampled: runs the ramp-up analysis, merges the
 * per-minute latency histograms for the steady window, compares with the baseline and applies the
 * gate. Pure: measure does the sampling and the writing.
 */
import type { GateThresholds } from '../config/config.js';
import { latencySet, mergeLatencyHistograms, type LatencyHistograms } from '../analysis/latency.js';
import { analyseRampUp } from '../analysis/ramp-up.js';
import { compareToBaseline, type ComparableReport } from '../gate/baseline.js';
import { evaluateGate } from '../gate/gate.js';
import {
  REPORT_SCHEMA_VERSION,
  TOOL_NAME,
  type AuditResult,
  type BenchmarkReport,
  type IntervalRow,
  type LoadStats,
  type MeasurementCost,
  type Provenance,
  type ReportWorkload,
  type RunCost,
  type ThroughputBasis,
} from './schema.js';

export interface ReportInput {
  toolVersion: string;
  runId: string;
  /** The code and machine measured (provenance-io.ts reads it). */
  provenance: Provenance;
  platform: BenchmarkReport['platform'];
  job: BenchmarkReport['job'];
  tier: BenchmarkReport['tier'];
  workload?: ReportWorkload;
  startedAt: string;
  endedAt: string;
  intervalSeconds: number;
  targetEventsPerSecond: number;
  throughputBasis?: ThroughputBasis;
  latencySource?: BenchmarkReport['latencySource'];
  rows: IntervalRow[];
  /** Each interval's histograms, by row minute: merged for the steady window and for the whole run. */
  latencyHistograms?: ReadonlyMap<number, LatencyHistograms>;
  load: LoadStats | null;
  audit: AuditResult | null;
  measurement?: MeasurementCost;
  /** The estimate of src/report/cost.ts (null on local). */
  cost?: RunCost | null;
  thresholds: GateThresholds;
  baseline?: ComparableReport | null;
}

export function buildReport(input: ReportInput): BenchmarkReport {
  const rampUp = analyseRampUp(input.rows, input.targetEventsPerSecond, input.thresholds);
  const histograms = input.latencyHistograms ?? new Map<number, LatencyHistograms>();
  const mergedOver = (minutes: readonly number[]) =>
    minutes.length === 0
      ? null
      : latencySet(mergeLatencyHistograms(minutes.flatMap((minute) => histograms.get(minute) ?? [])));
  const report: Omit<BenchmarkReport, 'gate'> = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: input.toolVersion },
    runId: input.runId,
    provenance: input.provenance,
    platform: input.platform,
    job: input.job,
    tier: input.tier,
    ...(input.workload ? { workload: input.workload } : {}),
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    intervalSeconds: input.intervalSeconds,
    targetEventsPerSecond: input.targetEventsPerSecond,
    ...(input.throughputBasis ? { throughputBasis: input.throughputBasis } : {}),
    ...(input.latencySource ? { latencySource: input.latencySource } : {}),
    rows: input.rows,
    latencyMs: {
      steady: mergedOver(rampUp.steadyMinutes),
      all: mergedOver(input.rows.filter((row) => !row.gap).map((row) => row.minute)),
    },
    load: input.load,
    audit: input.audit,
    ...(input.measurement ? { measurement: input.measurement } : {}),
    rampUp,
    baseline: null,
    ...(input.cost !== undefined ? { cost: input.cost } : {}),
  };
  if (input.baseline) report.baseline = compareToBaseline(report, input.baseline);
  return { ...report, gate: evaluateGate(input.thresholds, report, input.baseline) };
}
