/**
 * The sampling loop of `measure`: every interval, exact offsets (and Flink's figures where
 * reachable) become one row, printed as it arrives; sampled output records give each interval's
 * latency histograms. A failed sample is a gap, and the run goes on.
 */
import type { Admin, Kafka } from 'kafkajs';
import { emptyLatencyHistograms, latencySet, recordEventLatency, type LatencyHistograms } from '../analysis/latency.js';
import { timeLagSeconds, type EndSample } from '../analysis/time-lag.js';
import type { LatencySource } from '../flink/job-spec.js';
import { errorMessage } from '../errors.js';
import type { BrokerFigures, FlinkFigures, IntervalRow, ThroughputBasis } from '../report/schema.js';
import { eventTimes, parseRecord } from './event-fields.js';
import { sampleOffsets, type OffsetSample, type SampledTopics } from './offsets.js';
import { intervalRow } from './rows.js';
import { endOffsets, readTopic, type PartitionOffsets } from './topic-reader.js';

export interface SamplingPlan {
  topics: SampledTopics;
  intervalSeconds: number;
  totalSeconds: number;
  targetPerSecond: number;
  latencyRecords: LatencyRecords;
  basis: ThroughputBasis;
  latency: LatencySource;
}

export interface SamplingHooks {
  onRow: (row: IntervalRow) => void;
  onWarning: (message: string) => void;
  flinkFigures?: () => Promise<FlinkFigures>;
  /** Azure platforms: the brokers' figures from Ambari, read from here as each row is measured. */
  brokerFigures?: () => Promise<BrokerFigures>;
  signal: AbortSignal;
  now?: () => number;
}

export interface SamplingResult {
  startedAt: number;
  endedAt: number;
  rows: IntervalRow[];
  latencyHistograms: Map<number, LatencyHistograms>;
  /** Offsets at the start, for the audit window: `out` first, then `in` (see audit.ts). */
  outStart: PartitionOffsets;
  inStart: PartitionOffsets;
  lastSample: OffsetSample | undefined;
}

/**
 * Which output records give the latency: 'all' reads and parses every one (exact, affordable at low
 * rates); 'sampled' reads only the newest records of each partition a few times a second, so
 * measure's own CPU use stays flat whatever the rate.
 */
export type LatencyRecords = 'all' | 'sampled';

/** Up to this rate every output record is read for latency. */
export const READ_ALL_UP_TO_PER_SECOND = 2000;

export function latencyRecordsFor(targetPerSecond: number): LatencyRecords {
  return targetPerSecond <= READ_ALL_UP_TO_PER_SECOND ? 'all' : 'sampled';
}

/** About 40 records per partition and second when sampling. */
const SKIP_AHEAD = { recordsPerFetch: 10, pauseMs: 250 };

const sleepUntil = (at: number, now: () => number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, Math.max(0, at - now()));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export async function sampleIntervals(kafka: Kafka, plan: SamplingPlan, hooks: SamplingHooks): Promise<SamplingResult> {
  const now = hooks.now ?? Date.now;
  const admin = kafka.admin();
  await admin.connect();
  // `out` before `in`: an event appended to `in` after its snapshot reaches `out` after the other.
  const outStart = await endOffsets(kafka, plan.topics.output);
  const inStart = await endOffsets(kafka, plan.topics.input);
  const first = await firstSample(admin, plan.topics, now, hooks.signal);
  const startedAt = first.at;
  const intervalMs = plan.intervalSeconds * 1000;
  const intervals = Math.ceil((plan.totalSeconds * 1000) / intervalMs);
  const histograms = new Map<number, LatencyHistograms>();

  const latencyReader = await readTopic(
    kafka,
    plan.topics.output,
    (message) => {
      const record = parseRecord(message.value);
      const times = record && eventTimes(record, plan.latency, Number(message.timestamp));
      if (!times?.processedAt || times.processedAt < startedAt) return;
      const minute = Math.min(intervals, Math.floor((times.processedAt - startedAt) / intervalMs) + 1);
      let set = histograms.get(minute);
      if (!set) histograms.set(minute, (set = emptyLatencyHistograms()));
      recordEventLatency(set, { ...times, processedAt: times.processedAt });
    },
    { from: outStart, skipAhead: plan.latencyRecords === 'sampled' ? SKIP_AHEAD : undefined },
  );

  const rows: IntervalRow[] = [];
  // The input's end over time, for the lag in seconds (newest last).
  const ends: EndSample[] = [first];
  let lastGood: OffsetSample | undefined = first;
  let plannedStart = startedAt;
  try {
    for (let minute = 1; minute <= intervals && !hooks.signal.aborted; minute++) {
      const plannedEnd = Math.min(startedAt + minute * intervalMs, startedAt + plan.totalSeconds * 1000);
      await sleepUntil(plannedEnd, now, hooks.signal);
      if (hooks.signal.aborted) break;
      let sample: OffsetSample | undefined;
      try {
        sample = await sampleOffsets(admin, plan.topics, now);
      } catch (error) {
        hooks.onWarning(`Sample of minute ${minute} failed (shown as a gap): ${errorMessage(error)}`);
      }
      const { flink, broker } = await rowFigures(hooks);
      if (sample) ends.push(sample);
      const set = histograms.get(minute);
      const row = intervalRow({
        minute,
        start: plannedStart,
        end: plannedEnd,
        intervalSeconds: plan.intervalSeconds,
        targetPerSecond: plan.targetPerSecond,
        from: lastGood,
        to: sample,
        latencyMs: set ? latencySet(set) : null,
        flink,
        basis: plan.basis,
        lagSeconds: sample?.consumed == null ? null : timeLagSeconds(ends, sample.consumed, sample.at),
      });
      if (broker) row.broker = broker;
      rows.push(row);
      hooks.onRow(row);
      if (sample) lastGood = sample;
      plannedStart = plannedEnd;
    }
  } finally {
    await latencyReader.stop().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  // Latency of the last records arrives after their row was printed: refresh rows from the histograms.
  for (const row of rows) {
    const set = histograms.get(row.minute);
    row.latencyMs = set ? latencySet(set) : null;
  }
  return { startedAt, endedAt: now(), rows, latencyHistograms: histograms, outStart, inStart, lastSample: lastGood };
}

/**
 * The baseline sample, retried while Kafka answers with a retriable error: right after the job
 * starts, the group coordinator may still be loading ("The coordinator is loading...").
 */
async function firstSample(
  admin: Admin,
  topics: SampledTopics,
  now: () => number,
  signal: AbortSignal,
): Promise<OffsetSample> {
  const deadline = Date.now() + FIRST_SAMPLE_RETRY_MS;
  for (;;) {
    try {
      return await sampleOffsets(admin, topics, now);
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline || signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

const FIRST_SAMPLE_RETRY_MS = 30_000;

/** The figures read from outside Kafka for a row (Flink's REST API, Ambari); a failed read leaves one out. */
export async function rowFigures(
  hooks: Pick<SamplingHooks, 'flinkFigures' | 'brokerFigures'>,
): Promise<{ flink?: FlinkFigures; broker?: BrokerFigures }> {
  const [flink, broker] = await Promise.all([
    hooks.flinkFigures?.().catch(() => undefined),
    hooks.brokerFigures?.().catch(() => undefined),
  ]);
  return { ...(flink ? { flink } : {}), ...(broker ? { broker } : {}) };
}
