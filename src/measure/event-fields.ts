/** Reading the few fields measurement needs from an event or an enriched output record. Pure. */

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

export function eventTimes(record: Record<string, unknown>): EventTimes | undefined {
  const time = (field: string): number | undefined => {
    const text = record[field];
    const parsed = typeof text === 'string' ? parseIsoTimestamp(text) : NaN;
    return Number.isNaN(parsed) ? undefined : parsed;
  };
  const createdAt = time('createdAt');
  if (createdAt === undefined) return undefined;
  return { createdAt, enqueuedAt: time('enqueuedAt'), processedAt: time('processedAt') };
}
