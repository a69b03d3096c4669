/**
 * measure: samples the pipeline for `minutes`, prints the table live, audits when asked, then builds
 * the report (ramp-up analysis, gate, baseline comparison) and publishes it. Platform-neutral: a
 * platform supplies a Kafka client that reaches the topics, and Flink figures where it can.
 */
import type { Kafka } from 'kafkajs';
import type { ModeContext } from '../platforms/platform.js';
import { buildReport } from '../report/build.js';
import { consoleHeader, consoleRow } from '../report/render.js';
import type { AuditResult, BenchmarkReport, FlinkFigures, LoadStats } from '../report/schema.js';
import type { RunState } from '../run-state/run-state.js';
import { FLINK_GROUP_ID, INPUT_TOPIC, OUTPUT_TOPIC } from '../flink/job-arguments.js';
import { auditWindow } from './audit.js';
import { latencyRecordsFor, sampleIntervals } from './sampler.js';
import { TOOL_VERSION } from '../version.js';
import { readReport } from '../report/summary.js';

export interface MeasureSources {
  kafka: Kafka;
  flinkFigures?: () => Promise<FlinkFigures>;
  /** The load generator's own figures at the end (null when the platform cannot read them). */
  loadStats: () => Promise<LoadStats | null>;
}

const TOPICS = { input: INPUT_TOPIC, output: OUTPUT_TOPIC, groupId: FLINK_GROUP_ID };

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
  const cpuBefore = process.cpuUsage();
  const latencyRecords = latencyRecordsFor(target);
  const sampled = await sampleIntervals(
    sources.kafka,
    {
      topics: TOPICS,
      intervalSeconds: config.intervalSeconds,
      totalSeconds: config.minutes * 60,
      targetPerSecond: target,
      latencyRecords,
    },
    {
      onRow: (row) => reporter.info(consoleRow(row)),
      onWarning: (message) => reporter.warning(message),
      flinkFigures: sources.flinkFigures,
      signal,
    },
  );
  const cpu = process.cpuUsage(cpuBefore);
  const wallSeconds = (sampled.endedAt - sampled.startedAt) / 1000;
  const measurement = {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds,
    cpuPercentOfOneCore: ((cpu.user + cpu.system) / 1e6 / wallSeconds) * 100,
    latencyRecords,
  };
  reporter.info(
    `Measuring used ${measurement.cpuSeconds.toFixed(1)} CPU s in ${wallSeconds.toFixed(0)} s (${measurement.cpuPercentOfOneCore.toFixed(1)}% of one core).`,
  );
  if (signal.aborted) reporter.warning('Measurement stopped early: the report covers the minutes measured.');

  let audit: AuditResult | null = null;
  if (config.audit && config.job === 'simple-relay' && !signal.aborted) {
    const result = await auditWindow(sources.kafka, TOPICS, sampled, {
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
      `Audit: ${audit.expectedFromIn} events in, ${audit.uniqueEvents} reached out, ${audit.duplicates} duplicates, ${audit.lost} lost, ${audit.reordered} reordered (${audit.costSeconds.toFixed(1)} CPU s).`,
    );
  } else if (config.audit && config.job !== 'simple-relay') {
    reporter.info(`Audit skipped: job ${config.job} emits tags, not one record per event.`);
  }

  return buildReport({
    toolVersion: TOOL_VERSION,
    runId: state.runId,
    platform: state.platform,
    job: config.job,
    tier: {
      name: config.tier.name,
      eventsPerSecond: target,
      partitions: state.partitions,
      parallelism: state.parallelism,
    },
    startedAt: new Date(sampled.startedAt).toISOString(),
    endedAt: new Date(sampled.endedAt).toISOString(),
    intervalSeconds: config.intervalSeconds,
    targetEventsPerSecond: target,
    rows: sampled.rows,
    latencyHistograms: sampled.latencyHistograms,
    load: await sources.loadStats(),
    audit,
    measurement,
    thresholds: config.gate,
    baseline: config.baselineReport ? await readReport(config.baselineReport) : null,
  });
}
