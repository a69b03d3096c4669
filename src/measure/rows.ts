/** Per-interval rows of the report from two offset samples. Pure. */
import type { FlinkFigures, IntervalRow, LatencySet, ThroughputBasis } from '../report/schema.js';
import type { OffsetSample } from './offsets.js';

export interface RowInput {
  minute: number;
  /** Planned bounds of the interval (ms since epoch). */
  start: number;
  end: number;
  intervalSeconds: number;
  targetPerSecond: number;
  /** The last good sample before this interval and the sample ending it; `to` absent: a gap. */
  from: OffsetSample | undefined;
  to: OffsetSample | undefined;
  latencyMs: LatencySet | null;
  flink?: FlinkFigures;
  /** What the job's throughput is: its output (one record per input), or what it consumed of `in`. */
  basis: ThroughputBasis;
  /** The group's lag in seconds at the end of the interval (timeLagSeconds); null when unknown. */
  lagSeconds: number | null;
}

export function intervalRow(input: RowInput): IntervalRow {
  const { from, to } = input;
  const partial = input.end - input.start < input.intervalSeconds * 1000 - 1;
  const base = {
    minute: input.minute,
    partial,
    stale: false, // Kafka end offsets are read live: never stale
    inBytes: null,
    outBytes: null,
    latencyMs: input.latencyMs,
    ...(input.flink ? { flink: input.flink } : {}),
  };
  if (!from || !to) {
    return {
      ...base,
      start: new Date(input.start).toISOString(),
      end: new Date(input.end).toISOString(),
      gap: true,
      inRecords: null,
      outRecords: null,
      inRatePerSecond: null,
      outRatePerSecond: null,
      lagRecords: null,
      lagSeconds: null,
      consumedRecords: null,
      consumedRatePerSecond: null,
      throughputPerSecond: null,
      percentOfTarget: null,
    };
  }
  // After a gap the counts cover everything since the last good sample: the row's bounds say so.
  const seconds = (to.at - from.at) / 1000;
  const inRecords = to.inEnd - from.inEnd;
  const outRecords = to.outEnd - from.outEnd;
  const outRatePerSecond = outRecords / seconds;
  const consumedRecords = to.consumed !== null && from.consumed !== null ? to.consumed - from.consumed : null;
  const consumedRatePerSecond = consumedRecords === null ? null : consumedRecords / seconds;
  const throughputPerSecond = input.basis === 'output' ? outRatePerSecond : consumedRatePerSecond;
  return {
    ...base,
    start: new Date(from.at).toISOString(),
    end: new Date(to.at).toISOString(),
    gap: false,
    inRecords,
    outRecords,
    inRatePerSecond: inRecords / seconds,
    outRatePerSecond,
    lagRecords: to.lagRecords,
    lagSeconds: input.lagSeconds,
    consumedRecords,
    consumedRatePerSecond,
    throughputPerSecond,
    percentOfTarget: throughputPerSecond === null ? null : (throughputPerSecond / input.targetPerSecond) * 100,
  };
}
