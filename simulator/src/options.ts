/**
 * The simulator's options: what a caller may give (SimulatorOptions), the defaults, and the checked,
 * per-instance form the runner uses (ResolvedOptions). Pure.
 */
import { UserError } from '../../src/errors.js';
import type { Workload } from './workload.js';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];
export type Compression = 'none' | 'gzip';
export const COMPRESSIONS: readonly Compression[] = ['none', 'gzip'];

export interface SimulatorOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Topic to produce to (default `in`). It must exist: the simulator does not create topics. */
  topic?: string;
  /** Target original events per second, in total across all instances (duplicates come on top). */
  eventsPerSecond: number;
  /** This instance (0-based) of `instanceCount` (default 0 of 1): splits the rate, the devices and maxEvents. */
  instanceIndex?: number;
  instanceCount?: number;
  /** Simulated devices in total (default 1000): `contoso://device-id-0` ... `-<devices-1>`. */
  devices?: number;
  /** Fields `moreData0` ... in `complexData` (default 23, ~1 KB events). */
  moreDataFields?: number;
  /** Every Nth original event is sent a second time, identical (default 1000, i.e. 0.1%); 0 = never. */
  duplicateEvery?: number;
  /** Stop after this many seconds of schedule (rate x duration original events, minus shortfall). */
  durationSeconds?: number;
  /** Stop after this many original events in total across instances (this instance sends its share). */
  maxEvents?: number;
  /**
   * The most overdue events sent at once after a stall (default: one second's worth of this instance's
   * rate). Older overdue events are not sent; they are counted as shortfall.
   */
  burstLimit?: number;
  /** Seconds between onStats calls (default 5). */
  statsIntervalSeconds?: number;
  /** -1 (all in-sync replicas, default), 1 (leader) or 0 (none). */
  acks?: -1 | 0 | 1;
  compression?: Compression;
  /** TLS to the brokers. `caFile`: PEM file of the CA(s) to trust instead of the system's. */
  ssl?: boolean;
  caFile?: string;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  clientId?: string;
  /** Upper bound on events in one producer.send (default 500: stays under the broker's 1 MB batch limit). */
  maxBatchEvents?: number;
  /** Producer sends in flight at once (default 16). */
  maxInFlight?: number;
  /** How long to wait for the brokers when connecting (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Events from this workload's template (workload.ts) instead of the built-in IoT event: its
   * key, ids and duplicates then replace devices, moreDataFields and duplicateEvery.
   */
  workload?: Workload;
}

export interface ResolvedOptions {
  brokers: string[];
  topic: string;
  totalEventsPerSecond: number;
  /** This instance's share of the rate. */
  eventsPerSecond: number;
  instanceIndex: number;
  instanceCount: number;
  devices: number;
  /** This instance's devices: [deviceStart, deviceStart + deviceCount). */
  deviceStart: number;
  deviceCount: number;
  moreDataFields: number;
  duplicateEvery: number;
  durationSeconds?: number;
  /** This instance's share of maxEvents. */
  maxEvents?: number;
  burstLimit: number;
  statsIntervalSeconds: number;
  acks: -1 | 0 | 1;
  compression: Compression;
  ssl: boolean;
  caFile?: string;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  clientId: string;
  maxBatchEvents: number;
  workload?: Workload;
  maxInFlight: number;
  connectTimeoutMs: number;
}

export const DEFAULTS = {
  topic: 'in',
  devices: 1000,
  moreDataFields: 23,
  duplicateEvery: 1000,
  statsIntervalSeconds: 5,
  acks: -1,
  compression: 'none',
  maxBatchEvents: 500,
  maxInFlight: 16,
  connectTimeoutMs: 10_000,
} as const;

/** The bad option, the value given and what is allowed, in one line. */
export class SimulatorOptionError extends UserError {
  override name = 'SimulatorOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`Invalid simulator option '${option}': ${JSON.stringify(value)}. ${allowed}`);
  }
}

/** [start, end) of part `index` of `total` split into `count` near-equal integer parts. */
export function share(total: number, index: number, count: number): [number, number] {
  return [Math.floor((index * total) / count), Math.floor(((index + 1) * total) / count)];
}

function int(name: string, value: unknown, min: number, what = `An integer >= ${min}.`): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new SimulatorOptionError(name, value, what);
  return value;
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new SimulatorOptionError(name, value, 'A number > 0.');
  }
  return value;
}

/** Checks the options and works out this instance's share. Throws SimulatorOptionError. */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  if (
    !Array.isArray(options.brokers) ||
    options.brokers.length === 0 ||
    options.brokers.some((b) => !/^\S+:\d+$/.test(b))
  ) {
    throw new SimulatorOptionError('brokers', options.brokers, 'One or more host:port, e.g. 127.0.0.1:9092.');
  }
  const topic = options.topic ?? DEFAULTS.topic;
  if (typeof topic !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(topic)) {
    throw new SimulatorOptionError('topic', topic, 'A Kafka topic name: letters, digits, ".", "_", "-".');
  }
  const totalEventsPerSecond = positive('eventsPerSecond', options.eventsPerSecond);
  const instanceCount = int('instanceCount', options.instanceCount ?? 1, 1);
  const instanceIndex = int('instanceIndex', options.instanceIndex ?? 0, 0);
  if (instanceIndex >= instanceCount) {
    throw new SimulatorOptionError(
      'instanceIndex',
      instanceIndex,
      `Between 0 and instanceCount - 1 (${instanceCount - 1}).`,
    );
  }
  const devices = int('devices', options.devices ?? DEFAULTS.devices, 1);
  if (devices < instanceCount) {
    throw new SimulatorOptionError(
      'devices',
      devices,
      `At least one device per instance (instanceCount ${instanceCount}).`,
    );
  }
  const [deviceStart, deviceEnd] = share(devices, instanceIndex, instanceCount);
  const eventsPerSecond = totalEventsPerSecond / instanceCount;
  const moreDataFields = int('moreDataFields', options.moreDataFields ?? DEFAULTS.moreDataFields, 0);
  const duplicateEvery = int(
    'duplicateEvery',
    options.duplicateEvery ?? DEFAULTS.duplicateEvery,
    0,
    'An integer >= 2 (every Nth event sent twice), or 0 for no duplicates.',
  );
  if (duplicateEvery === 1) {
    throw new SimulatorOptionError(
      'duplicateEvery',
      1,
      'An integer >= 2 (every Nth event sent twice), or 0 for no duplicates.',
    );
  }
  const durationSeconds =
    options.durationSeconds === undefined ? undefined : positive('durationSeconds', options.durationSeconds);
  let maxEvents: number | undefined;
  if (options.maxEvents !== undefined) {
    const total = int('maxEvents', options.maxEvents, instanceCount, `An integer >= instanceCount (${instanceCount}).`);
    const [from, to] = share(total, instanceIndex, instanceCount);
    maxEvents = to - from;
  }
  const burstLimit =
    options.burstLimit === undefined
      ? Math.max(1, Math.ceil(eventsPerSecond))
      : int('burstLimit', options.burstLimit, 1, 'An integer >= 1 (events).');
  const statsIntervalSeconds = positive(
    'statsIntervalSeconds',
    options.statsIntervalSeconds ?? DEFAULTS.statsIntervalSeconds,
  );
  const acks = options.acks ?? DEFAULTS.acks;
  if (acks !== -1 && acks !== 0 && acks !== 1) throw new SimulatorOptionError('acks', acks, 'One of -1 (all), 1, 0.');
  const compression = options.compression ?? DEFAULTS.compression;
  if (!COMPRESSIONS.includes(compression)) {
    throw new SimulatorOptionError('compression', compression, `One of ${COMPRESSIONS.join(', ')}.`);
  }
  if (options.sasl) {
    const { mechanism, username, password } = options.sasl;
    if (!SASL_MECHANISMS.includes(mechanism)) {
      throw new SimulatorOptionError('sasl.mechanism', mechanism, `One of ${SASL_MECHANISMS.join(', ')}.`);
    }
    if (!username) throw new SimulatorOptionError('sasl.username', username, 'A user name is required with SASL.');
    if (!password) {
      throw new UserError(`SASL ${mechanism} needs a password (the CLI reads it from SIMULATOR_SASL_PASSWORD).`);
    }
  }
  return {
    brokers: options.brokers,
    topic,
    totalEventsPerSecond,
    eventsPerSecond,
    instanceIndex,
    instanceCount,
    devices,
    deviceStart,
    deviceCount: deviceEnd - deviceStart,
    moreDataFields,
    duplicateEvery,
    durationSeconds,
    maxEvents,
    burstLimit,
    statsIntervalSeconds,
    acks,
    compression,
    ssl: options.ssl === true || options.caFile !== undefined,
    caFile: options.caFile,
    sasl: options.sasl,
    clientId: options.clientId ?? `streaming-at-scale-simulator-${instanceIndex}`,
    maxBatchEvents: int('maxBatchEvents', options.maxBatchEvents ?? DEFAULTS.maxBatchEvents, 1),
    maxInFlight: int('maxInFlight', options.maxInFlight ?? DEFAULTS.maxInFlight, 1),
    connectTimeoutMs: int('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs, 1),
    workload: options.workload,
  };
}
