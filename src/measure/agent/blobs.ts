/**
 * What the measure agent writes to the run's measurements container, and how it is read back. All
 * blobs of one measurement sit under `<run-id>/<measurement-id>/` (a run is measured more than once,
 * e.g. each step of the max-throughput search), as JSON:
 *
 * - `started.json`   written first: what the agent measures (AgentStarted);
 * - `rows/NNNNNN.json` one per interval as it is measured (AgentRow: the row as the agent printed it;
 *                    the minute zero-padded to six digits so names sort in order), for `measure` to
 *                    print live;
 * - `result.json`    written last: everything sampleIntervals returned, its CPU cost and warnings
 *                    (AgentResult; latency histograms as compressed base64 HdrHistograms);
 * - `error.json`     instead of result.json when the agent failed (AgentFailure).
 */
import { LatencyHistogram, type LatencyHistograms } from '../../analysis/latency.js';
import { UserError } from '../../errors.js';
import type { IntervalRow, MeasurementCost } from '../../report/schema.js';
import type { Sampled } from '../measure.js';
import type { OffsetSample } from '../offsets.js';

/** Bumped when a blob's shape changes: the reader refuses what it cannot read instead of guessing. */
export const AGENT_BLOB_FORMAT = 1;

export const AGENT_BLOBS = {
  started: 'started.json',
  rowsFolder: 'rows/',
  result: 'result.json',
  error: 'error.json',
} as const;

export interface AgentMeasurement {
  runId: string;
  measurementId: string;
}

/** The folder (with its trailing slash) of one measurement's blobs. */
export function measurementPrefix(measurement: AgentMeasurement): string {
  return `${measurement.runId}/${measurement.measurementId}/`;
}

export function rowBlobName(minute: number): string {
  return `${AGENT_BLOBS.rowsFolder}${String(minute).padStart(6, '0')}.json`;
}

/** The interval of a row blob's name (relative to the prefix); undefined for any other blob. */
export function rowMinute(name: string): number | undefined {
  const match = /^rows\/(\d{6})\.json$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

export interface AgentStarted extends AgentMeasurement {
  format: typeof AGENT_BLOB_FORMAT;
  /** ISO 8601, the agent's clock. */
  at: string;
  intervalSeconds: number;
  totalSeconds: number;
  targetPerSecond: number;
}

export interface AgentRow {
  format: typeof AGENT_BLOB_FORMAT;
  row: IntervalRow;
}

type EncodedHistogram = ReturnType<LatencyHistogram['toBase64']>;

export interface AgentResult extends AgentMeasurement {
  format: typeof AGENT_BLOB_FORMAT;
  /** ISO 8601 bounds of the measurement (SamplingResult's startedAt / endedAt). */
  startedAt: string;
  endedAt: string;
  /** Stopped by a signal before the planned end: the rows cover the intervals measured. */
  stoppedEarly: boolean;
  rows: IntervalRow[];
  /** processedFromSent is absent in the result of an agent image older than that histogram. */
  latencyHistograms: Array<{
    minute: number;
    processed: EncodedHistogram;
    enqueued: EncodedHistogram;
    processedFromSent?: EncodedHistogram;
  }>;
  /** Partition -> end offset at the start (for an audit window). */
  outStart: Array<[number, number]>;
  inStart: Array<[number, number]>;
  lastSample: OffsetSample | null;
  warnings: string[];
  /** The agent's own CPU cost of sampling. */
  cost: MeasurementCost | null;
}

export interface AgentFailure extends AgentMeasurement {
  format: typeof AGENT_BLOB_FORMAT;
  at: string;
  message: string;
}

export function encodeResult(
  measurement: AgentMeasurement,
  sampled: Sampled,
  extra: { warnings: string[]; stoppedEarly: boolean },
): AgentResult {
  const { result } = sampled;
  return {
    format: AGENT_BLOB_FORMAT,
    ...measurement,
    startedAt: new Date(result.startedAt).toISOString(),
    endedAt: new Date(result.endedAt).toISOString(),
    stoppedEarly: extra.stoppedEarly,
    rows: result.rows,
    latencyHistograms: [...result.latencyHistograms].map(([minute, set]) => ({
      minute,
      processed: set.processed.toBase64(),
      enqueued: set.enqueued.toBase64(),
      processedFromSent: set.processedFromSent.toBase64(),
    })),
    outStart: [...result.outStart],
    inStart: [...result.inStart],
    lastSample: result.lastSample ?? null,
    warnings: extra.warnings,
    cost: sampled.cost,
  };
}

export function decodeResult(result: AgentResult): Sampled {
  return {
    result: {
      startedAt: Date.parse(result.startedAt),
      endedAt: Date.parse(result.endedAt),
      rows: result.rows,
      latencyHistograms: new Map(
        result.latencyHistograms.map(
          ({ minute, processed, enqueued, processedFromSent }): [number, LatencyHistograms] => [
            minute,
            {
              processed: LatencyHistogram.fromBase64(processed),
              enqueued: LatencyHistogram.fromBase64(enqueued),
              // An older agent image did not measure it: empty, so the report says null, not 0.
              processedFromSent: processedFromSent
                ? LatencyHistogram.fromBase64(processedFromSent)
                : LatencyHistogram.empty(),
            },
          ],
        ),
      ),
      outStart: new Map(result.outStart),
      inStart: new Map(result.inStart),
      lastSample: result.lastSample ?? undefined,
    },
    cost: result.cost,
  };
}

/** Parses one of the agent's blobs, refusing another format version with a clear message. */
export function parseAgentBlob<T extends { format: number }>(name: string, text: string): T {
  let parsed: T;
  try {
    parsed = JSON.parse(text) as T;
  } catch {
    throw new UserError(`The measure agent's blob ${name} is not JSON: was it written by this toolkit's agent?`);
  }
  if (parsed.format !== AGENT_BLOB_FORMAT)
    throw new UserError(
      `The measure agent's blob ${name} has format ${String(parsed.format)}, this toolkit reads format ${AGENT_BLOB_FORMAT}: run the agent image of the same toolkit version.`,
    );
  return parsed;
}
