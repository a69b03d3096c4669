/**
 * The JSON report `measure` writes: the one source for the job summary, the PR comment, the gate
 * and later baselines. Versioned: a reader refuses a schemaVersion it does not know (see
 * readReport in summary.ts). docs/report-schema.md documents every field; docs/metrics.md defines
 * every figure. Types only: no I/O, no logic.
 */
import type { GateThresholds } from '../config/config.js';
import type { PlatformName } from '../config/inputs.js';

export const REPORT_SCHEMA_VERSION = 1;
export const TOOL_NAME = 'streaming-at-scale';

/** Percentiles of one latency distribution, in milliseconds. */
export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
  /** Exact (not bucketed) largest value. */
  max: number;
  /** Events the percentiles are computed from (sampled output records). */
  count: number;
}

/**
 * End-to-end latencies of events that reached `out` in a window. enqueuedAt is the `in` record's
 * Kafka timestamp, which the simulator sets to the moment it hands the batch to its producer (the
 * event's actual send time) and the relay copies.
 */
export interface LatencySet {
  /** processedAt - createdAt: from the simulator's intended send time to Flink handling it. The headline. */
  processed: LatencyPercentiles;
  /** enqueuedAt - createdAt: from the intended to the actual send time (the generator's delay); null when the job does not add enqueuedAt. */
  enqueued: LatencyPercentiles | null;
  /**
   * processedAt - enqueuedAt: from the actual send time to Flink handling it (what the pipeline alone
   * adds); null when the job does not add enqueuedAt. Optional: absent in reports written before it
   * existed (an added field, so the schema version stays).
   */
  processedFromSent?: LatencyPercentiles | null;
}

/** Flink job figures from its REST API, at the end of the interval. Each is null when not reachable. */
export interface FlinkFigures {
  recordsInPerSecond: number | null;
  recordsOutPerSecond: number | null;
  /** Highest back-pressured ratio (0..1) over the job's vertices; Flink calls > 0.1 'low', > 0.5 'high'. */
  backpressure: number | null;
  checkpoints: { completed: number; failed: number; lastDurationMs: number | null } | null;
  /**
   * Job restarts since submission (Flink's numRestarts); on the local platform a JobManager restart,
   * which resubmits the job under a new id from its checkpoint, counts one more.
   */
  restarts: number | null;
}

/**
 * Broker-level figures of an interval from Ambari (HDInsight Kafka), the origin sample's report:
 * Kafka's BrokerTopicMetrics `1MinuteRate x 60`, summed over brokers and all topics; null where
 * Ambari has no value yet.
 */
export interface BrokerFigures {
  /** IncomingMessages: records appended to any topic (every event counts twice: `in`, then `out`). */
  messagesInPerMinute: number | null;
  /** IncomingBytes: bytes producers wrote to the brokers. */
  bytesInPerMinute: number | null;
  /** OutgoingBytes: bytes the brokers served to consumers (replication excluded). */
  bytesOutPerMinute: number | null;
  /**
   * Every figure equals the previous sample's: Ambari Metrics has not refreshed its cluster
   * aggregate since (about every 2 minutes), so this is not a fresh minute. All-zero figures are
   * not stale: an idle broker's rate is zero.
   */
  stale: boolean;
}

/**
 * How a job's throughput is measured: 'output', the records it writes to `out` (a job with one
 * output per input, as the built-in jobs); 'consumption', what its consumer group consumed of `in`
 * (any job: one that filters, aggregates or fans out is judged by the input it kept up with).
 */
export type ThroughputBasis = 'output' | 'consumption';

/** One sampling interval (a minute with the default interval-seconds). */
export interface IntervalRow {
  /** 1-based index of the interval. */
  minute: number;
  /** ISO 8601 wall-clock bounds of the interval. */
  start: string;
  end: string;
  /** The last interval, shorter than intervalSeconds: shown and labelled, never dropped or extrapolated. */
  partial: boolean;
  /** The sample failed (e.g. broker unreachable): counts are null and the row is shown as a gap. */
  gap: boolean;
  /** A figure did not refresh since the previous sample (Azure/Ambari sources): shown, not counted as a fresh minute. */
  stale: boolean;
  /** Records appended to `in` / `out` during the interval: exact end-offset deltas summed over partitions. */
  inRecords: number | null;
  outRecords: number | null;
  /** inRecords / outRecords divided by the interval's actual length in seconds. */
  inRatePerSecond: number | null;
  outRatePerSecond: number | null;
  /** The Flink consumer group's lag on `in` (end offset - committed offset, summed) at the end of the interval. */
  lagRecords: number | null;
  /**
   * The same lag in seconds: how long ago `in` ended where the group's committed position is
   * (kafka-lag-exporter's time lag, interpolated between samples). Optional fields of a row are
   * absent in reports written before they existed (added fields: the schema version stays).
   */
  lagSeconds?: number | null;
  /** Records of `in` the job's consumer group committed during the interval, and per second. */
  consumedRecords?: number | null;
  consumedRatePerSecond?: number | null;
  /**
   * The job's throughput (report.throughputBasis): outRatePerSecond for a job with one output per
   * input, consumedRatePerSecond otherwise. Absent: outRatePerSecond (reports before it existed).
   */
  throughputPerSecond?: number | null;
  /** Bytes appended to `in` / `out`, where the platform exposes them. */
  inBytes: number | null;
  outBytes: number | null;
  /** throughputPerSecond / target events/s * 100. */
  percentOfTarget: number | null;
  /** Latency of sampled events that reached `out` in this interval; null when none was sampled. */
  latencyMs: LatencySet | null;
  flink?: FlinkFigures;
  /** Azure platforms: the brokers' own figures, from Ambari. */
  broker?: BrokerFigures;
}

export interface LoadStats {
  /** Events the simulator handed to its Kafka producer. */
  sent: number;
  /** Events the broker acknowledged. */
  acknowledged: number;
  /** Sends that failed for good. */
  errors: number;
  /** Events the schedule called for but the simulator did not get acknowledged (target x duration - acknowledged, >= 0). */
  shortfall: number;
}

export interface AuditResult {
  /** Records read from `out`. */
  outRecords: number;
  /** Distinct eventIds among them. */
  uniqueEvents: number;
  /** outRecords - uniqueEvents (the simulator repeats about 0.1% on purpose). */
  duplicates: number;
  /** (deviceId, deviceSequenceNumber) pairs present in `in` and missing from `out`. */
  lost: number;
  /**
   * Events delivered to `out` after an event of the same device that came after them on `in`: the
   * pipeline's own reordering, judged against the input's order.
   */
  reordered: number;
  /**
   * Events appended to `in` after a later event (higher deviceSequenceNumber) of the same device:
   * out of order before the pipeline (the load generator's concurrent sends). Absent in reports
   * written before it was counted.
   */
  inputReordered?: number;
  /** Distinct events appended to `in` during the audited window: the count `out` should reach. */
  expectedFromIn: number;
  /** CPU seconds the audit itself used (it reads every record). */
  costSeconds: number;
}

/** What measuring cost the measuring process itself (the audit reports its own cost apart). */
export interface MeasurementCost {
  /** CPU seconds (user + system) of the sampling loop and the latency reader, audit excluded. */
  cpuSeconds: number;
  wallSeconds: number;
  /** cpuSeconds / wallSeconds * 100. */
  cpuPercentOfOneCore: number;
  /** 'all': every output record was read for latency; 'sampled': the newest few per partition, 4 times a second. */
  latencyRecords: 'all' | 'sampled';
}

/** The estimated Azure cost of the run, by docs/cost.md's formula (src/report/cost.ts). */
export interface RunCost {
  /** billedHours x usdPerHour, in USD, rounded to cents. */
  estimatedUsd: number;
  /** Deploy (0.5 h) + (minutes + 1) / 60 + teardown (0.25 h). */
  billedHours: number;
  /** Sum over the node pools of count x usdPerNodeHour. */
  usdPerHour: number;
  /** The measurement the estimate is for (the run's `minutes`). */
  minutes: number;
  /** When the prices were read (YYYY-MM-DD). */
  pricesDate: string;
  nodePools: Array<{
    cluster: 'kafka' | 'aks' | 'hadoop';
    role: 'head' | 'worker' | 'zookeeper' | 'node';
    count: number;
    size: string;
    usdPerNodeHour: number;
  }>;
}

/** Why a run ended before its plan: its maximum duration was reached. */
export interface StoppedBy {
  reason: 'max-duration';
  /** The run's deadline (deploy's start + max-duration-minutes), ISO 8601. */
  deadline: string;
  /** What happened, in one sentence (plain text). */
  detail: string;
}

export type RampUpOutcome = 'steady' | 'never-reached' | 'not-sustained' | 'degrading' | 'too-short';

export interface SteadyStateStats {
  meanPerSecond: number;
  minPerSecond: number;
  maxPerSecond: number;
  /** Population standard deviation of the full minutes' output rates in the steady window. */
  stddevPerSecond: number;
  meanPercentOfTarget: number;
}

/** The ramp-up analysis (src/analysis/ramp-up.ts; definitions in docs/metrics.md). */
export interface RampUpAnalysis {
  outcome: RampUpOutcome;
  /** The output-rate threshold, percent of target (the gate's minPercentOfTarget). */
  thresholdPercent: number;
  /** The largest lag slope (records/s) that still counts as "lag stops growing". */
  lagToleranceRecordsPerSecond: number;
  /** Full, fresh, measured minutes (not partial, gap or stale): the only ones the statistics use. */
  fullMinutes: number;
  /** Full minutes needed before anything can be told (two points make a lag trend). */
  requiredFullMinutes: number;
  /** Minute index of the steady-state onset; null unless outcome is 'steady'. */
  steadyFromMinute: number | null;
  /** Minute indexes of the full minutes in the steady window. */
  steadyMinutes: number[];
  /** From the start of minute 1 to the start of the onset minute. */
  rampUpSeconds: number | null;
  rampUpMinutes: number | null;
  steady: SteadyStateStats | null;
  /** Lag does not grow over the steady window; null when lag was not measured or there is no window. */
  keepsUp: boolean | null;
  /** Least-squares slope of lag over time (records/s) over the steady window (or, when degrading, the window where output held). */
  lagTrendPerSecond: number | null;
  /** The full minute with the highest output rate. */
  bestMinute: { minute: number; percentOfTarget: number } | null;
  verdict: string;
}

export type GateCheckName = 'sustained-throughput' | 'keeps-up' | 'ramp-up' | 'p99-latency' | 'loss' | 'regression';

export interface GateReason {
  check: GateCheckName;
  passed: boolean;
  /** The check could not apply (e.g. loss with the audit off); it does not fail the gate. */
  skipped?: boolean;
  detail: string;
}

export interface GateResult {
  verdict: 'pass' | 'fail';
  thresholds: GateThresholds;
  reasons: GateReason[];
}

export type MetricDirection = 'higher-is-better' | 'lower-is-better';

export interface MetricComparison {
  metric: 'steady-throughput' | 'steady-p99-latency' | 'ramp-up' | 'lost-events';
  label: string;
  unit: string;
  direction: MetricDirection;
  baseline: number | null;
  current: number | null;
  /** (current - baseline) / baseline * 100; null when either is missing or the baseline is 0. */
  changePercent: number | null;
  /** How much worse, in percent of the baseline (the change with the direction applied); negative is better. */
  regressionPercent: number | null;
}

/**
 * The machine a run measured on. Figures from two machines are not comparable (CPU model and count
 * decide the throughput a local pipeline reaches), so the summary flags a baseline from another one.
 */
export interface RunnerInfo {
  /** RUNNER_NAME in GitHub Actions, else the host name; null when neither is known. */
  name: string | null;
  /** `Linux`, `macOS` or `Windows` (RUNNER_OS, or the same spelling derived from the platform outside Actions). */
  os: string;
  /** `X64`, `ARM64`, ... (RUNNER_ARCH, or the same spelling derived from the process outside Actions). */
  arch: string;
  /** The CPU model (distinct models joined by ' + '); null when the system does not say. */
  cpuModel: string | null;
  /** Logical CPUs this process may run on. */
  cpuCount: number;
}

/** Where a report's figures come from: the code measured and the machine it ran on. */
export interface Provenance {
  /** The commit of the code measured (this project's checkout, else GITHUB_SHA); null when unknown. */
  commit: string | null;
  /** The full ref of that commit (`refs/heads/main`, `refs/pull/12/merge`); null when unknown or detached. */
  ref: string | null;
  /** Tracked files differed from the commit (uncommitted changes); null when unknown. */
  dirty: boolean | null;
  runner: RunnerInfo;
}

export interface BaselineComparison {
  baselineRunId: string;
  baselineStartedAt: string;
  /** The baseline report's provenance; null when that report has none (written by an older version), absent in older reports. */
  baselineProvenance?: Provenance | null;
  /** False when tier, job or platform differ: the figures are shown but not gated. */
  comparable: boolean;
  note: string | null;
  metrics: MetricComparison[];
}

/**
 * What was run, as configured: what two runs must share for their figures to be compared (the A/B
 * gate hashes it, src/gate/ab/validity.ts).
 */
export interface ReportWorkload {
  platform: PlatformName;
  job: string;
  eventsPerSecond: number;
  partitions: number;
  parallelism: number;
  simulatorInstances: number;
  minutes: number;
  intervalSeconds: number;
  audit: boolean;
  /** The job option a change under test may vary: shown, not hashed. */
  syntheticWorkUs: number;
  /** A workload file's name and content hash (`readings.yaml#0123456789ab`); absent: the built-in IoT event. */
  workload?: string;
}

export interface BenchmarkReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: typeof TOOL_NAME; version: string };
  runId: string;
  /** The code and the machine measured; absent in reports of older versions. */
  provenance?: Provenance;
  platform: PlatformName;
  job: string;
  tier: { name: string; eventsPerSecond: number; partitions: number; parallelism: number };
  /** Absent in reports of versions before the A/B gate. */
  workload?: ReportWorkload;
  startedAt: string;
  endedAt: string;
  intervalSeconds: number;
  targetEventsPerSecond: number;
  /** How the rows' throughputPerSecond was measured; absent (reports before it): 'output'. */
  throughputBasis?: ThroughputBasis;
  /**
   * Where latency is read (src/flink/job-spec.ts, LatencySource): from the output record's field
   * `createdField` (a dotted path) to its `processedAt` field or its append time on `out`; absent
   * (reports before it): createdAt to processedAt.
   */
  latencySource?: { createdField: string; end: 'processedAt' | 'append-time' };
  rows: IntervalRow[];
  /** Merged histograms: over the steady window (null without one) and over every measured interval. */
  latencyMs: { steady: LatencySet | null; all: LatencySet | null };
  load: LoadStats | null;
  audit: AuditResult | null;
  /** Absent in reports of tools that did not measure it. */
  measurement?: MeasurementCost;
  rampUp: RampUpAnalysis;
  gate: GateResult;
  baseline: BaselineComparison | null;
  /** Estimated Azure cost; null on platform local; absent in reports of tools that did not estimate it. */
  cost?: RunCost | null;
  /** Present only when the run was stopped before its plan (its maximum duration reached). */
  stoppedBy?: StoppedBy;
}
