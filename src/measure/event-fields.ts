/** Reading the few fields measurement needs from an event or an enriched output record. Pure. */
import type { LatencySource } from '../flink/job-spec.js';

export interface EventIdentity {
  deviceId: string;
  seq: number;
}

export interface EventTimes {
  /** ms since epoch, with microseconds as the fraction. */
  createdAt: number;
  enqueuedAt?: number;
  processedAt?: number;
}

/**
 * Parses an ISO-8601 UTC timestamp keeping sub-millisecond digits (Date.parse drops them):
 * '2026-11-26T12:00:00.000123Z' -> ms since epoch + 0.123.
 */
export function parseIsoTimestamp(text: string): number {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(text);
  if (!match) return NaN;
  const fraction = match[2] ?? '';
  return Date.parse(`${match[1]}Z`) + Number(`0.${fraction || '0'}`) * 1000;
}

export function parseRecord(value: Buffer | null): Record<string, unknown> | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function eventIdentity(record: Record<string, unknown>): EventIdentity | undefined {
  const { deviceId, deviceSequenceNumber } = record;
  if (typeof deviceId !== 'string' || !Number.isSafeInteger(deviceSequenceNumber)) return undefined;
  return { deviceId, seq: deviceSequenceNumber as number };
}

/** Epoch milliseconds below this (September 2001) are not a time stamp of an event of today. */
const EARLIEST_EPOCH_MS = 1e12;

/** An ISO-8601 UTC text or epoch milliseconds, as ms since epoch; undefined for anything else. */
function timeValue(value: unknown): number | undefined {
  const parsed =
    typeof value === 'string'
      ? parseIsoTimestamp(value)
      : typeof value === 'number' && value >= EARLIEST_EPOCH_MS
        ? value
        : NaN;
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** The value at a path of keys in nested objects; undefined where the path does not lead. */
function at(record: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The times an output record's latency is measured between (LatencySource): its createdAt (at
 * the source's field), and processedAt, the record's own field or its append time on the output
 * topic (`appendTimeMs`, its Kafka timestamp). Undefined when the record lacks them.
 */
export function eventTimes(
  record: Record<string, unknown>,
  source: LatencySource = { createdField: ['createdAt'], end: 'processedAt' },
  appendTimeMs?: number,
): EventTimes | undefined {
  const createdAt = timeValue(at(record, source.createdField));
  if (createdAt === undefined) return undefined;
  if (source.end === 'append-time') return { createdAt, processedAt: appendTimeMs };
  return { createdAt, enqueuedAt: timeValue(record.enqueuedAt), processedAt: timeValue(record.processedAt) };
}
