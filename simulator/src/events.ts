/**
 * The event factory: the origin sample's IoT telemetry events, built as JSON text. Pure and
 * deterministic given `random` and `uuid` (both injectable for tests).
 *
 * - Devices are visited round-robin over this instance's range, so each device's
 *   `deviceSequenceNumber` counts 0, 1, 2, ... without gaps and every device sends at the same rate.
 * - Every `duplicateEvery`-th original event (the 1000th, 2000th, ...) is reported with `copies: 2`:
 *   the caller sends the same key and value twice (same eventId, payload and sequence number).
 * - `createdAt` is whatever time the caller passes: the runner passes the event's intended send time
 *   from the rate schedule, not the time it was built. Its actual send time goes in the record's
 *   Kafka timestamp (sendTimestamp), not in the event: the event keeps the origin's shape.
 * - `value` and `type` are fresh uniform draws for every event (value in [0, 100), so TEMP readings in
 *   the 70s and high CO2 readings occur, as the complex job's tags expect). The `complexData` numbers
 *   are drawn from a pool of pre-formatted uniform doubles in [0, 100), one pool entry replaced by a
 *   fresh draw per event: formatting a double to text is the costliest step of building an event
 *   (23 of them per event cut the events/s per core by more than half; see docs/benchmarks.md).
 */
import { randomUUID } from 'node:crypto';

export const DEVICE_ID_PREFIX = 'contoso://device-id-';
export const EVENT_TYPES = ['TEMP', 'CO2'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventFactoryOptions {
  /** First device number of this instance (default 0). */
  deviceStart?: number;
  /** Devices of this instance (default 1000). */
  deviceCount?: number;
  /** `moreData0` ... `moreData<N-1>` (default 23). */
  moreDataFields?: number;
  /** Every Nth original event is sent twice; 0 = never (default 1000). */
  duplicateEvery?: number;
  /** Uniform [0, 1) source (default Math.random). */
  random?: () => number;
  /** UUID v4 source (default crypto.randomUUID). */
  uuid?: () => string;
  /** Size of the pool of pre-formatted complexData numbers, a power of two (default 65536). */
  poolSize?: number;
}

export interface SimulatedEvent {
  /** Kafka key: the deviceId. */
  key: string;
  /** Kafka value: the event as JSON. */
  value: string;
  /** 2 for an event to be sent twice, else 1. */
  copies: 1 | 2;
}

/** The parsed form of an event, for tests and consumers. */
export interface TelemetryEvent {
  eventId: string;
  complexData: Record<string, number>;
  value: number;
  deviceId: string;
  deviceSequenceNumber: number;
  type: EventType;
  createdAt: string;
}

export function deviceId(n: number): string {
  return `${DEVICE_ID_PREFIX}${n}`;
}

let cachedMillis = NaN;
let cachedPrefix = '';

/**
 * ISO-8601 UTC with microseconds, e.g. `2026-11-26T12:00:00.000123Z`, from microseconds since the
 * epoch (a non-negative integer).
 */
export function formatMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  if (millis !== cachedMillis) {
    cachedMillis = millis;
    cachedPrefix = new Date(millis).toISOString().slice(0, 23);
  }
  const rest = micros - millis * 1000;
  return cachedPrefix + (rest < 10 ? '00' : rest < 100 ? '0' : '') + rest + 'Z';
}

/**
 * The Kafka timestamp (CreateTime) of a record sent at `epochMs` on the simulator's clock: the
 * event's actual send time, beside its intended one in createdAt. Kafka timestamps are whole
 * milliseconds; rounding up keeps a record from being stamped before its slot was due (a slot is
 * only sent once due), so actual minus intended is never negative and at most 1 ms too high.
 */
export function sendTimestamp(epochMs: number): string {
  return String(Math.ceil(epochMs));
}

export class EventFactory {
  readonly deviceStart: number;
  readonly deviceCount: number;
  readonly moreDataFields: number;
  readonly duplicateEvery: number;
  /** Original events made so far. */
  produced = 0;
  private readonly random: () => number;
  private readonly uuid: () => string;
  private readonly sequence: number[];
  private readonly keys: string[];
  private readonly fieldPrefixes: string[];
  private readonly pool: string[];
  private readonly poolMask: number;
  private poolRefresh = 0;
  private nextDevice = 0;

  constructor(options: EventFactoryOptions = {}) {
    this.deviceStart = options.deviceStart ?? 0;
    this.deviceCount = options.deviceCount ?? 1000;
    this.moreDataFields = options.moreDataFields ?? 23;
    this.duplicateEvery = options.duplicateEvery ?? 1000;
    this.random = options.random ?? Math.random;
    this.uuid = options.uuid ?? randomUUID;
    if (!Number.isInteger(this.deviceCount) || this.deviceCount < 1) throw new RangeError('deviceCount must be >= 1');
    this.sequence = new Array<number>(this.deviceCount).fill(0);
    this.keys = Array.from({ length: this.deviceCount }, (_, i) => deviceId(this.deviceStart + i));
    this.fieldPrefixes = Array.from({ length: this.moreDataFields }, (_, i) => `${i === 0 ? '' : ','}"moreData${i}":`);
    const poolSize = options.poolSize ?? 65536;
    if (!Number.isInteger(Math.log2(poolSize))) throw new RangeError('poolSize must be a power of two');
    this.poolMask = poolSize - 1;
    this.pool = Array.from({ length: poolSize }, () => String(this.random() * 100));
  }

  /** The next original event, created at `createdAtMicros` (microseconds since the epoch). */
  next(createdAtMicros: number): SimulatedEvent {
    const device = this.nextDevice;
    this.nextDevice = device + 1 === this.deviceCount ? 0 : device + 1;
    const sequenceNumber = this.sequence[device]!;
    this.sequence[device] = sequenceNumber + 1;
    const key = this.keys[device]!;
    const random = this.random;

    const pool = this.pool;
    const size = this.poolMask + 1;
    let complex = '';
    for (let i = 0; i < this.fieldPrefixes.length; i++) complex += this.fieldPrefixes[i]! + pool[(random() * size) | 0];
    pool[this.poolRefresh] = String(random() * 100);
    this.poolRefresh = (this.poolRefresh + 1) & this.poolMask;
    const value =
      '{"eventId":"' +
      this.uuid() +
      '","complexData":{' +
      complex +
      '},"value":' +
      random() * 100 +
      ',"deviceId":"' +
      key +
      '","deviceSequenceNumber":' +
      sequenceNumber +
      ',"type":"' +
      (random() < 0.5 ? 'TEMP' : 'CO2') +
      '","createdAt":"' +
      formatMicros(createdAtMicros) +
      '"}';
    this.produced++;
    const copies = this.duplicateEvery > 0 && this.produced % this.duplicateEvery === 0 ? 2 : 1;
    return { key, value, copies };
  }
}
