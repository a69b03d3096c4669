/**
 * measure: samples the pipeline for `minutes`, prints the table live, audits when asked, then builds
 * the report (ramp-up analysis, gate, baseline comparison) and publishes it. Platform-neutral: a
 * platform supplies where the rows come from (a Kafka client that reaches the topics, or the measure
 * agent's results when only the agent inside the VNet reaches them), and Flink figures where it can.
 */
import type { Kafka } from 'kafkajs';
import type { ModeContext } from '../platforms/platform.js';
import { buildReport } from '../report/build.js';
import { workloadOf } from '../report/workload.js';
import { consoleHeader, consoleRow } from '../report/render.js';
import type {
  AuditResult,
  BenchmarkReport,
  BrokerFigures,
  FlinkFigures,
  LoadStats,
  MeasurementCost,
  ThroughputBasis,
} from '../report/schema.js';
import { runTopics, type RunState } from '../run-state/run-state.js';
import { BUILT_IN_TOPICS, FLINK_GROUP_ID } from '../flink/job-arguments.js';
import { throughputBasisOf, type LatencySource } from '../flink/job-spec.js';
import { auditWindow } from './audit.js';
import {
  latencyRecordsFor,
  sampleIntervals,
  type SamplingHooks,
  type SamplingPlan,
  type SamplingResult,
} from './sampler.js';
import { TOOL_VERSION } from '../version.js';
import { readReport } from '../report/summary.js';
import { estimateRunCost } from '../report/cost.js';
import { readProvenance } from '../report/provenance-io.js';

/** What sampling returned and what it cost the process that sampled (null when that is unknown). */
export interface Sampled {
  result: SamplingResult;
  cost: MeasurementCost | null;
}

/** Where the rows come from: sampleIntervals here (kafkaSampling), or the measure agent's blobs. */
export type SamplingSource = (plan: SamplingPlan, hooks: SamplingHooks) => Promise<Sampled>;

interface CommonSources {
  flinkFigures?: () => Promise<FlinkFigures>;
  brokerFigures?: () => Promise<BrokerFigures>;
  /** The load generator's own figures at the end (null when the platform cannot read them). */
  loadStats: () => Promise<LoadStats | null>;
}

export type MeasureSources = CommonSources &
  (
    | {
        /** Kafka reachable from here: sampled here (kafkaSampling), and audited. */
        kafka: Kafka;
      }
    | {
        /** Rows measured elsewhere (the measure agent inside the VNet); no audit from here. */
        sampling: SamplingSource;
      }
  );

/** The sampling plan of a run: the same here and in the measure agent. */
export function samplingPlan(run: {
  minutes: number;
  intervalSeconds: number;
  eventsPerSecond: number;
  basis: ThroughputBasis;
  latency: LatencySource;
  /** The run's topics; the built-in 'in' and 'out' when absent (the measure agent's runs). */
  topics?: { input: string; output: string };
}): SamplingPlan {
  return {
    basis: run.basis,
    latency: run.latency,
    topics: { ...(run.topics ?? BUILT_IN_TOPICS), groupId: FLINK_GROUP_ID },
    intervalSeconds: run.intervalSeconds,
    totalSeconds: run.minutes * 60,
    targetPerSecond: run.eventsPerSecond,
    latencyRecords: latencyRecordsFor(run.eventsPerSecond),
  };
}

/** sampleIntervals on a Kafka this process reaches, with this process's CPU cost of it. */
export function kafkaSampling(kafka: Kafka): SamplingSource {
  return async (plan, hooks) => {
    const cpuBefore = process.cpuUsage();
    const result = await sampleIntervals(kafka, plan, hooks);
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const wallSeconds = (result.endedAt - result.startedAt) / 1000;
    return {
      result,
      cost: {
        cpuSeconds,
        wallSeconds,
        cpuPercentOfOneCore: (cpuSeconds / wallSeconds) * 100,
        latencyRecords: plan.latencyRecords,
      },
    };
  };
}

export async function measurePipeline(
  ctx: ModeContext,
  state: RunState,
  sources: MeasureSources,
): Promise<BenchmarkReport> {
  const { config, reporter, signal } = ctx;
  const target = state.eventsPerSecond;
  reporter.info(
    `Measuring for ${config.minutes} min, a row every ${config.intervalSeconds} s; target ${target.toLocaleString('en-US')} events/s.`,
  );
  reporter.info(consoleHeader());
  const sample = 'kafka' in sources ? kafkaSampling(sources.kafka) : sources.sampling;
  const { result: sampled, cost: measurement } = await sample(
    samplingPlan({
      minutes: config.minutes,
      intervalSeconds: config.intervalSeconds,
      eventsPerSecond: target,
      basis: throughputBasisOf(config.jobSpec),
      latency: config.jobSpec.latency,
      topics: runTopics(state),
    }),
    {
      onRow: (row) => reporter.info(consoleRow(row)),
      onWarning: (message) => reporter.warning(message),
      flinkFigures: sources.flinkFigures,
      brokerFigures: sources.brokerFigures,
      signal,
    },
  );
  if (measurement)
    reporter.info(
      `Measuring used ${measurement.cpuSeconds.toFixed(1)} CPU s in ${measurement.wallSeconds.toFixed(0)} s (${measurement.cpuPercentOfOneCore.toFixed(1)}% of one core).`,
    );
  if (signal.aborted) reporter.warning('Measurement stopped early: the report covers the minutes measured.');

  let audit: AuditResult | null = null;
  if (config.audit && !('kafka' in sources)) {
    reporter.info('Audit skipped: the brokers are reachable only from inside the VNet, where the measure agent runs.');
  } else if (config.audit && config.jobSpec.oneOutputPerInput && !signal.aborted && 'kafka' in sources) {
    const topics = { ...runTopics(state), groupId: FLINK_GROUP_ID };
    const result = await auditWindow(sources.kafka, topics, sampled, {
      catchUpTimeoutMs: 60_000,
      signal,
      log: (message) => reporter.info(message),
    });
    if (!result.caughtUp)
      reporter.warning(
        'Audit: the job had not processed the whole window after 60 s; events still in flight count as lost.',
      );
    const { caughtUp: _caughtUp, ...figures } = result;
    audit = figures;
    reporter.info(
      `Audit: ${audit.expectedFromIn} events in, ${audit.uniqueEvents} reached out, ${audit.duplicates} duplicates, ${audit.lost} lost, ${audit.reordered} reordered by the pipeline${audit.inputReordered ? ` (${audit.inputReordered} already out of order on in)` : ''} (${audit.costSeconds.toFixed(1)} CPU s).`,
    );
  } else if (config.audit && !config.jobSpec.oneOutputPerInput) {
    reporter.info(`Audit skipped: job ${config.job} does not emit one record per event, as the audit needs.`);
  }

  return buildReport({
    toolVersion: TOOL_VERSION,
    runId: state.runId,
    provenance: await readProvenance(),
    platform: state.platform,
    job: config.job,
    tier: {
      name: config.tier.name,
      eventsPerSecond: target,
      partitions: state.partitions,
      parallelism: state.parallelism,
    },
    workload: {
      ...workloadOf(config),
      eventsPerSecond: target,
      partitions: state.partitions,
      parallelism: state.parallelism,
    },
    startedAt: new Date(sampled.startedAt).toISOString(),
    endedAt: new Date(sampled.endedAt).toISOString(),
    intervalSeconds: config.intervalSeconds,
    targetEventsPerSecond: target,
    throughputBasis: throughputBasisOf(config.jobSpec),
    latencySource: {
      createdField: config.jobSpec.latency.createdField.join('.'),
      end: config.jobSpec.latency.end,
    },
    rows: sampled.rows,
    latencyHistograms: sampled.latencyHistograms,
    load: await sources.loadStats(),
    audit,
    ...(measurement ? { measurement } : {}),
    cost: estimateRunCost(state.platform, config.tier, config.minutes),
    thresholds: config.gate,
    baseline: config.baselineReport ? await readReport(config.baselineReport) : null,
  });
}
