/**
 * runSimulator: produces the event stream to Kafka at the scheduled rate until the duration, the
 * event count or the abort signal ends it, then flushes and returns the final stats. Each event
 * carries its intended send time (createdAt, in the JSON) and its actual send time (the record's
 * Kafka timestamp), so a generator that falls behind its schedule can be told from the pipeline.
 */
import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { UserError } from '../../src/errors.js';
import { kafkaClient, type KafkaConnection } from '../../src/kafka/client.js';
import type { KafkaSaslMechanism } from '../../src/kafka/security.js';
import { EventFactory, sendTimestamp } from './events.js';
import { TemplateEventFactory, type EventSource } from './template-events.js';
import { MemoizedDefaultPartitioner } from './partitioner.js';
import { resolveOptions, type ResolvedOptions, type SimulatorOptions } from './options.js';
import { RateSchedule } from './schedule.js';

export interface SimulatorStats {
  /** Records handed to the producer (original events plus duplicates). */
  sent: number;
  /** Records the broker acknowledged (with acks=0: handed to the socket). */
  acknowledged: number;
  /** Extra copies sent (included in sent). */
  duplicatesSent: number;
  /** Records whose send failed after the producer's retries. */
  errors: number;
  /** Scheduled events skipped because they were more than burstLimit overdue. */
  shortfall: number;
  /** Seconds since the schedule started. */
  elapsedSeconds: number;
  /** Original events acknowledged per second over the last stats interval. */
  currentRate: number;
  /** Original events acknowledged per second since the start. */
  averageRate: number;
  /** This instance's target rate (original events per second). */
  targetRate: number;
}

export interface SimulatorHooks {
  /** Aborting stops the schedule; what is in flight is flushed and the final stats are returned. */
  signal?: AbortSignal;
  /** Called every statsIntervalSeconds with the stats so far. */
  onStats?: (stats: SimulatorStats) => void;
  /** Called once connected, when the schedule starts. */
  onStart?: () => void;
  /** Clock in epoch milliseconds (fractions allowed). Default: a monotonic clock anchored to the epoch. */
  now?: () => number;
}

/** Failure of a run (unreachable broker, missing topic, a send that failed after retries), with the stats so far. */
export class SimulatorError extends UserError {
  override name = 'SimulatorError';
  constructor(
    message: string,
    readonly stats?: SimulatorStats,
  ) {
    super(message);
  }
}

/** Milliseconds between sends when less than a full batch is due: small batches, evenly spread. */
const TICK_MS = 5;

const monotonicEpochMs = (): number => performance.timeOrigin + performance.now();

/** The simulator's options as the toolkit's Kafka connection: one place builds kafkajs's TLS and SASL settings. */
function connectionOf(options: ResolvedOptions): KafkaConnection {
  const sasl = options.sasl && {
    ...options.sasl,
    mechanism: options.sasl.mechanism.toUpperCase() as KafkaSaslMechanism,
  };
  const protocol = options.ssl ? (sasl ? 'SASL_SSL' : 'SSL') : sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
  return { bootstrapServers: options.brokers.join(','), security: { protocol, caFile: options.caFile, sasl } };
}

function simulatorKafka(options: ResolvedOptions, retries: number): Kafka {
  return kafkaClient(connectionOf(options), options.clientId, {
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: { retries, initialRetryTime: 250, maxRetryTime: 5000 },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${(ms / 1000).toFixed(0)} s (${what})`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  const e = error as Error & { cause?: unknown; originalError?: Error };
  const inner = e.originalError?.message ?? (e.cause instanceof Error ? e.cause.message : undefined);
  const message = e.message ?? String(error);
  return inner && inner !== message ? `${message}: ${inner}` : message;
}

/** Connects the admin (checks the brokers answer and the topic exists) and the producer. */
async function connect(options: ResolvedOptions): Promise<Producer> {
  const where = options.brokers.join(',');
  // The first contact gives up after ~4 s of retries (a refused connection fails fast; the connect
  // timeout bounds brokers that do not answer at all).
  const admin = simulatorKafka(options, 3).admin();
  try {
    await withTimeout(admin.connect(), options.connectTimeoutMs, 'connect');
    const topics = await withTimeout(admin.listTopics(), options.connectTimeoutMs, 'list topics');
    if (!topics.includes(options.topic)) {
      throw new SimulatorError(`Topic '${options.topic}' does not exist on Kafka at ${where}: create it first.`);
    }
  } catch (error) {
    if (error instanceof SimulatorError) throw error;
    throw new SimulatorError(`Cannot reach Kafka at ${where}: ${reason(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  // A send is retried 8 times over ~25 s (a broker restart, a leader change) before it counts as an error.
  const producer = simulatorKafka(options, 8).producer({
    createPartitioner: MemoizedDefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: false,
  });
  try {
    await withTimeout(producer.connect(), options.connectTimeoutMs, 'producer connect');
  } catch (error) {
    await producer.disconnect().catch(() => undefined);
    throw new SimulatorError(`Cannot connect a producer to Kafka at ${where}: ${reason(error)}`);
  }
  try {
    // Loads the topic's metadata now, so the first scheduled events do not wait for it.
    await withTimeout(producer.send({ topic: options.topic, messages: [] }), options.connectTimeoutMs, 'metadata');
  } catch (error) {
    await producer.disconnect().catch(() => undefined);
    throw new SimulatorError(`Cannot load the metadata of topic '${options.topic}' from ${where}: ${reason(error)}`);
  }
  return producer;
}

/**
 * Runs the simulator: resolves with the final stats when the run ends (duration, maxEvents, or the
 * abort signal), rejects with a SimulatorError (carrying the stats so far) when it cannot go on.
 */
export async function runSimulator(options: SimulatorOptions, hooks: SimulatorHooks = {}): Promise<SimulatorStats> {
  const resolved = resolveOptions(options);
  const now = hooks.now ?? monotonicEpochMs;
  const producer = await connect(resolved);

  const factory: EventSource = resolved.workload
    ? new TemplateEventFactory(resolved.workload, {
        instanceIndex: resolved.instanceIndex,
        instanceCount: resolved.instanceCount,
      })
    : new EventFactory({
        deviceStart: resolved.deviceStart,
        deviceCount: resolved.deviceCount,
        moreDataFields: resolved.moreDataFields,
        duplicateEvery: resolved.duplicateEvery,
      });
  const startMs = now();
  hooks.onStart?.();
  const schedule = new RateSchedule({
    ratePerSecond: resolved.eventsPerSecond,
    startMs,
    burstLimit: resolved.burstLimit,
    totalSlots:
      resolved.durationSeconds === undefined
        ? undefined
        : Math.floor(resolved.durationSeconds * resolved.eventsPerSecond),
  });
  const compression = resolved.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const maxOriginals = resolved.maxEvents ?? Infinity;

  let sent = 0;
  let acknowledged = 0;
  let duplicatesSent = 0;
  let errors = 0;
  let originalsSent = 0;
  let originalsAcked = 0;
  let fatal: unknown;
  let windowStartMs = startMs;
  let windowStartAcked = 0;

  const snapshot = (advanceWindow: boolean): SimulatorStats => {
    const t = now();
    const windowSeconds = (t - windowStartMs) / 1000;
    const stats: SimulatorStats = {
      sent,
      acknowledged,
      duplicatesSent,
      errors,
      shortfall: schedule.shortfall,
      elapsedSeconds: (t - startMs) / 1000,
      currentRate: windowSeconds > 0 ? (originalsAcked - windowStartAcked) / windowSeconds : 0,
      averageRate: t > startMs ? (originalsAcked * 1000) / (t - startMs) : 0,
      targetRate: resolved.eventsPerSecond,
    };
    if (advanceWindow) {
      windowStartMs = t;
      windowStartAcked = originalsAcked;
    }
    return stats;
  };

  // The loop sleeps on `wake`: a timer, a finished send or the abort signal ends the sleep.
  let wake: (() => void) | undefined;
  let sleepTimer: NodeJS.Timeout | undefined;
  const wakeUp = () => {
    if (sleepTimer) clearTimeout(sleepTimer);
    sleepTimer = undefined;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      if (Number.isFinite(ms)) sleepTimer = setTimeout(wakeUp, Math.max(0, ms));
    });
  const onAbort = () => wakeUp();
  hooks.signal?.addEventListener('abort', onAbort);
  const statsTimer = hooks.onStats
    ? setInterval(() => hooks.onStats?.(snapshot(true)), resolved.statsIntervalSeconds * 1000)
    : undefined;

  const inFlight = new Set<Promise<void>>();
  let final: SimulatorStats | undefined;
  let lastSendMs = -Infinity;
  try {
    for (;;) {
      if (fatal !== undefined || hooks.signal?.aborted) break;
      if (schedule.done || originalsSent >= maxOriginals) break;
      if (inFlight.size >= resolved.maxInFlight) {
        await sleep(Infinity);
        continue;
      }
      const t = now();
      const fullBatch = Math.min(resolved.maxBatchEvents, maxOriginals - originalsSent);
      const backlog = schedule.backlog(t);
      if (backlog === 0 || (backlog < fullBatch && t - lastSendMs < TICK_MS)) {
        await sleep(Math.max(schedule.msUntilNext(t), lastSendMs + TICK_MS - t));
        continue;
      }
      const run = schedule.take(t, fullBatch);
      const messages: Message[] = [];
      let duplicates = 0;
      for (let slot = run.first; slot < run.first + run.count; slot++) {
        const event = factory.next(Math.round(schedule.slotTimeMs(slot) * 1000));
        // Events are ASCII: latin1 encodes them faster than utf8, to the same bytes.
        const value = Buffer.from(event.value, 'latin1');
        messages.push({ key: event.key, value });
        if (event.copies === 2) {
          messages.push({ key: event.key, value });
          duplicates++;
        }
      }
      // The actual send time, on the same clock as the slots' intended times: the moment the batch is
      // handed to the producer (after building it, as OpenMessaging Benchmark takes its sendTime).
      // Without it kafkajs would stamp Date.now() when it encodes the request: another clock, and
      // later still when the producer waits to retry.
      const timestamp = sendTimestamp(now());
      for (const message of messages) message.timestamp = timestamp;
      lastSendMs = t;
      sent += messages.length;
      duplicatesSent += duplicates;
      originalsSent += run.count;
      const originals = run.count;
      const send: Promise<void> = producer
        .send({ topic: resolved.topic, messages, acks: resolved.acks, compression })
        .then(
          () => {
            acknowledged += messages.length;
            originalsAcked += originals;
          },
          (error: unknown) => {
            errors += messages.length;
            fatal ??= error;
          },
        )
        .finally(() => {
          inFlight.delete(send);
          wakeUp();
        });
      inFlight.add(send);
      // kafkajs encodes concurrent requests interleaved, and one that spans fewer partitions reaches
      // the socket first: a device's later events could then land before its earlier ones. Building
      // the next batch in a later macrotask lets this request be written first.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all(inFlight);
    final = snapshot(false); // before disconnecting, which can take a while on a busy machine
  } finally {
    if (statsTimer) clearInterval(statsTimer);
    if (sleepTimer) clearTimeout(sleepTimer);
    hooks.signal?.removeEventListener('abort', onAbort);
    await producer.disconnect().catch(() => undefined);
  }
  final ??= snapshot(false);
  if (fatal !== undefined) {
    throw new SimulatorError(
      `Sending to topic '${resolved.topic}' on ${resolved.brokers.join(',')} failed after retries: ${reason(fatal)}`,
      final,
    );
  }
  return final;
}
