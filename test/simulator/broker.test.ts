/**
 * The simulator against a real single-node Kafka (the local platform's launcher): counts, duplicates,
 * per-device sequences, rates, instances, stop by signal, and the errors for a missing broker or topic.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import {
  createTopics,
  restartKafka,
  startKafka,
  stopKafka,
  type KafkaInstance,
} from '../../src/platforms/local/kafka.js';
import { freePort } from '../../src/platforms/local/ports.js';
import { runSimulator, SimulatorError, type SimulatorStats } from '../../simulator/src/simulator.js';
import { writeStatsFile, type StatsFile } from '../../simulator/src/stats-file.js';
import type { TelemetryEvent } from '../../simulator/src/events.js';
import { parseIsoTimestamp } from '../../src/measure/event-fields.js';
import { emptyLatencyHistograms, latencySet, recordEventLatency } from '../../src/analysis/latency.js';
import { validate } from './schema.js';

let runDir: string;
let kafka: KafkaInstance | undefined;
/** A broker restart in progress (the restart test): afterAll waits for it, so it never leaks a broker. */
let restarting: Promise<void> | undefined;

beforeAll(async () => {
  runDir = await mkdtemp(path.join(tmpdir(), 'sas-simulator-test-'));
  kafka = await startKafka({ runDir, heap: '512m' });
}, 180_000);

afterAll(async () => {
  await restarting?.catch(() => undefined);
  if (kafka) await stopKafka(kafka);
  await rm(runDir, { recursive: true, force: true });
}, 60_000);

function client(): Kafka {
  return new Kafka({ clientId: 'simulator-test', brokers: [kafka!.bootstrapServers], logLevel: logLevel.NOTHING });
}

async function topic(name: string, partitions: number): Promise<string> {
  await createTopics(kafka!.bootstrapServers, [{ name, partitions }]);
  return name;
}

/** Records in the topic: the sum of the partitions' end offsets. */
async function recordsIn(name: string): Promise<number> {
  const admin = client().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(name);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Reads all `count` records of a topic from the beginning. */
async function consumeAll(name: string, count: number): Promise<KafkaMessage[]> {
  const consumer = client().consumer({ groupId: `check-${name}-${Date.now()}`, maxBytes: 16 * 1024 * 1024 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: name, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${messages.length} of ${count} records`)), 60_000);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          messages.push(...batch.messages);
          if (messages.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

describe('counts, duplicates and sequences', () => {
  let stats: SimulatorStats;
  let name: string;
  const periodic: SimulatorStats[] = [];

  beforeAll(async () => {
    name = await topic('sim-counts', 4);
    stats = await runSimulator(
      {
        brokers: [kafka!.bootstrapServers],
        topic: name,
        eventsPerSecond: 10_000,
        maxEvents: 25_000,
        devices: 97,
        statsIntervalSeconds: 0.5,
      },
      { onStats: (s) => periodic.push(s) },
    );
  }, 60_000);

  test('sent = acknowledged = records in the topic; 0.1% duplicates; no errors, no shortfall', async () => {
    // At 10,000/s on a busy 2-core machine the run may fall behind (shortfall): maxEvents still holds.
    expect(stats).toMatchObject({ sent: 25_025, acknowledged: 25_025, duplicatesSent: 25, errors: 0 });
    expect(stats.targetRate).toBe(10_000);
    expect(await recordsIn(name)).toBe(25_025);
    expect(periodic.length).toBeGreaterThanOrEqual(3);
    expect(periodic.every((s, i) => i === 0 || s.acknowledged >= periodic[i - 1]!.acknowledged)).toBe(true);
  });

  test('every record is a valid event keyed by deviceId; duplicates are identical; sequences gap-free and in order', async () => {
    const messages = await consumeAll(name, 25_025);
    expect(messages).toHaveLength(25_025);
    const byEventId = new Map<string, string[]>();
    const sequences = new Map<string, number[]>();
    for (const message of messages) {
      const text = message.value!.toString();
      const event = JSON.parse(text) as TelemetryEvent;
      expect(validate(event)).toEqual([]);
      expect(message.key!.toString()).toBe(event.deviceId);
      byEventId.set(event.eventId, [...(byEventId.get(event.eventId) ?? []), text]);
      const seq = sequences.get(event.deviceId) ?? [];
      seq.push(event.deviceSequenceNumber);
      sequences.set(event.deviceId, seq);
    }
    const duplicated = [...byEventId.values()].filter((copies) => copies.length > 1);
    expect(byEventId.size).toBe(25_000);
    expect(duplicated).toHaveLength(25);
    for (const copies of duplicated) expect(copies).toEqual([copies[0], copies[0]]);
    expect(sequences.size).toBe(97);
    for (const [, seq] of sequences) {
      const inTopicOrder = [...new Set(seq)];
      const distinct = [...inTopicOrder].sort((a, b) => a - b);
      expect(distinct).toEqual(Array.from({ length: distinct.length }, (_, i) => i));
      // A device's events lie in one partition, and each device's order there is its sending order.
      expect(inTopicOrder).toEqual(distinct);
    }
  }, 90_000);
});

/** Counts per whole second from the first timestamp (ms), over `seconds` seconds. */
function perSecond(sortedMs: number[], seconds: number): number[] {
  const counts = new Array<number>(seconds).fill(0);
  for (const t of sortedMs) counts[Math.min(seconds - 1, Math.floor((t - sortedMs[0]!) / 1000))]!++;
  return counts;
}

// Both rates at once (each into its own topic). What is checked is the schedule's bookkeeping, which
// holds however busy the machine is; how close the achieved rate comes to the target is a figure of
// simulator/bench/rate-accuracy.sh (docs/benchmarks.md), not a test's.
describe('the rate schedule against a real broker', () => {
  test.concurrent.each([
    [1000, 20],
    [5000, 20],
  ])(
    '%i events/s for %i s: every due event sent or counted as shortfall, createdAt on the schedule, never after the send',
    async (rate, seconds) => {
      const name = await topic(`sim-rate-${rate}`, 2);
      const stats = await runSimulator({
        brokers: [kafka!.bootstrapServers],
        topic: name,
        eventsPerSecond: rate,
        durationSeconds: seconds,
        duplicateEvery: 0,
      });
      // A loaded machine may fall behind (shortfall), but every slot is accounted for, once.
      expect(stats.sent + stats.shortfall).toBe(rate * seconds);
      expect(stats).toMatchObject({ acknowledged: stats.sent, errors: 0 });
      expect(stats.sent).toBeGreaterThan(0);
      expect(await recordsIn(name)).toBe(stats.sent);

      // The events' createdAt (their intended send times, with their microseconds: Date.parse would
      // cut them) are distinct slots of the schedule: 1000 / rate ms apart from one another.
      const messages = await consumeAll(name, stats.sent);
      const events = messages.map((m) => JSON.parse(m.value!.toString()) as TelemetryEvent);
      const intended = events.map((e) => parseIsoTimestamp(e.createdAt)).sort((a, b) => a - b);
      const slots = intended.map((t) => ((t - intended[0]!) * rate) / 1000);
      for (const slot of slots) expect(Math.abs(slot - Math.round(slot))).toBeLessThan(0.01);
      expect(new Set(slots.map(Math.round)).size).toBe(stats.sent);
      expect(Math.max(...slots)).toBeLessThan(rate * seconds);
      // No second of the schedule holds more than the rate; with no shortfall each holds exactly it.
      for (const count of perSecond(intended, seconds)) {
        expect(count).toBeLessThanOrEqual(rate + 1);
        if (stats.shortfall === 0) expect(Math.abs(count - rate)).toBeLessThanOrEqual(1);
      }
      // Each record's Kafka timestamp (its actual send time) is never before it was due (ms precision).
      for (const [index, message] of messages.entries()) {
        expect(Number(message.timestamp)).toBeGreaterThanOrEqual(
          Math.floor(parseIsoTimestamp(events[index]!.createdAt)),
        );
      }
    },
    120_000,
  );
});

test('a stall: the events due during it are sent after it, and their record timestamps (actual send times) say so', async () => {
  const name = await topic('sim-stall', 1);
  const stallMs = 500;
  // The simulator's clock, 60 s behind the wall clock: record timestamps on it show that the
  // simulator set them (kafkajs would stamp Date.now()), on the clock of createdAt.
  const skewMs = -60_000;
  const clock = () => performance.timeOrigin + performance.now() + skewMs;
  let stall = { from: 0, to: 0 };
  const stats = await runSimulator(
    { brokers: [kafka!.bootstrapServers], topic: name, eventsPerSecond: 1000, durationSeconds: 3, duplicateEvery: 0 },
    {
      now: clock,
      // A real stall: this process (simulator, producer and all) does nothing else for stallMs.
      onStart: () =>
        setTimeout(() => {
          const from = clock();
          while (clock() < from + stallMs);
          stall = { from, to: clock() };
        }, 1000),
    },
  );
  // The default burst limit (1 s of events) sends the 500 overdue events: late, none skipped.
  expect(stats).toMatchObject({ sent: 3000, acknowledged: 3000, errors: 0, shortfall: 0 });
  const records = (await consumeAll(name, 3000)).map((m) => ({
    intended: parseIsoTimestamp((JSON.parse(m.value!.toString()) as TelemetryEvent).createdAt),
    actual: Number(m.timestamp),
  }));
  const wallNow = Date.now();
  for (const { intended, actual } of records) {
    expect(actual).toBeGreaterThanOrEqual(intended); // never stamped as sent before it was due
    expect(actual).toBeLessThan(wallNow + skewMs + 1000); // the simulator's clock, not kafkajs's
  }
  // Due during the stall: sent after it. The first of them waited the whole stall.
  const stalled = records.filter(({ intended }) => intended >= stall.from && intended < stall.to);
  expect(stalled.length).toBeGreaterThanOrEqual(stallMs - 1);
  for (const { actual } of stalled) expect(actual).toBeGreaterThanOrEqual(stall.to);
  // The report's figures from these times (the relay copies the timestamp into enqueuedAt): the
  // generator's delay shows the stall, and for a stalled event the latency from its intended send
  // time exceeds the latency from its actual one by that delay, whenever it is processed.
  const set = emptyLatencyHistograms();
  const processedAt = clock();
  for (const { intended, actual } of records) {
    recordEventLatency(set, { createdAt: intended, enqueuedAt: actual, processedAt });
  }
  const figures = latencySet(set)!;
  expect(figures.enqueued!.max).toBeGreaterThanOrEqual(stallMs - 1);
  expect(figures.enqueued!.p50).toBeLessThan(stallMs); // before and after the stall, not held by it
  // The one due first (batches sent after a stall may arrive out of order, so not the first consumed).
  const first = stalled.reduce((earliest, record) => (record.intended < earliest.intended ? record : earliest));
  const late = emptyLatencyHistograms();
  recordEventLatency(late, { createdAt: first.intended, enqueuedAt: first.actual, processedAt });
  expect(late.processed.maxMs - late.processedFromSent.maxMs).toBeGreaterThanOrEqual(stallMs - 1);
}, 60_000);

test('instances share the rate and maxEvents, with disjoint devices', async () => {
  const name = await topic('sim-instances', 3);
  const common = {
    brokers: [kafka!.bootstrapServers],
    topic: name,
    eventsPerSecond: 6000,
    devices: 10,
    maxEvents: 6001,
  };
  const results = await Promise.all(
    [0, 1, 2].map((instanceIndex) => runSimulator({ ...common, instanceIndex, instanceCount: 3, duplicateEvery: 0 })),
  );
  expect(results.map((s) => s.sent)).toEqual([2000, 2000, 2001]);
  expect(results.map((s) => s.targetRate)).toEqual([2000, 2000, 2000]);
  const messages = await consumeAll(name, 6001);
  const devices = new Set(messages.map((m) => m.key!.toString()));
  expect(devices.size).toBe(10);
  const sequences = new Map<string, number[]>();
  for (const m of messages) {
    const event = JSON.parse(m.value!.toString()) as TelemetryEvent;
    sequences.set(event.deviceId, [...(sequences.get(event.deviceId) ?? []), event.deviceSequenceNumber]);
  }
  // One sender per device: each device's sequence is 0..n-1 exactly once.
  for (const seq of sequences.values()) expect(seq.sort((a, b) => a - b)).toEqual(seq.map((_, i) => i));
}, 60_000);

test('an abort signal stops the run: what was sent is flushed and acknowledged', async () => {
  const name = await topic('sim-abort', 1);
  const controller = new AbortController();
  const stats = await runSimulator(
    { brokers: [kafka!.bootstrapServers], topic: name, eventsPerSecond: 3000 },
    { signal: controller.signal, onStart: () => setTimeout(() => controller.abort(), 2500) },
  );
  expect(stats.elapsedSeconds).toBeGreaterThan(2.4);
  // 2.5 s, plus flushing what is in flight (with room for a loaded machine): it stopped, not ran on.
  expect(stats.elapsedSeconds).toBeLessThan(15);
  expect(stats.sent).toBeGreaterThan(0);
  // Originals only: a duplicate (one per 1,000 by default) takes no slot of the schedule.
  expect(stats.sent - stats.duplicatesSent + stats.shortfall).toBeLessThanOrEqual(
    Math.ceil(3000 * stats.elapsedSeconds) + 1,
  );
  expect(stats.acknowledged).toBe(stats.sent);
  expect(await recordsIn(name)).toBe(stats.sent);

  // The stats file the CLI writes: atomically replaced JSON.
  const file = path.join(runDir, 'stats.json');
  const content: StatsFile = {
    ...stats,
    state: 'finished',
    updatedAt: new Date().toISOString(),
    pid: process.pid,
    topic: name,
    brokers: [kafka!.bootstrapServers],
    instanceIndex: 0,
    instanceCount: 1,
  };
  await writeStatsFile(file, content);
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(content);
}, 30_000);

test('a broker restart mid-run: sends are retried, counted once, nothing lost', async () => {
  const name = await topic('sim-restart', 2);
  const run = runSimulator(
    {
      brokers: [kafka!.bootstrapServers],
      topic: name,
      eventsPerSecond: 1000,
      durationSeconds: 12,
      burstLimit: 30_000, // catch up after the outage instead of reporting shortfall
    },
    {
      onStart: () =>
        setTimeout(() => {
          restarting = (async () => {
            await stopKafka(kafka!, { graceMs: 10_000 });
            kafka = await restartKafka(kafka!);
          })();
        }, 2000),
    },
  );
  const stats = await run;
  await restarting;
  expect(stats).toMatchObject({ sent: 12_012, acknowledged: 12_012, duplicatesSent: 12, errors: 0, shortfall: 0 });
  // At least once: a batch the broker appended before going down may have been appended again.
  const records = await recordsIn(name);
  expect(records).toBeGreaterThanOrEqual(12_012);
  const seen = new Set((await consumeAll(name, records)).map((m) => m.value!.toString()));
  expect(seen.size).toBe(12_000); // every original event is there
}, 90_000);

describe('errors', () => {
  test('an unreachable broker (closed loopback port): a clear error within seconds', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await runSimulator({ brokers: [`127.0.0.1:${port}`], eventsPerSecond: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatorError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot reach Kafka at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
    // Seconds, not kafkajs's default minutes of retries (with room for a loaded machine).
    expect(Date.now() - started).toBeLessThan(25_000);
  }, 40_000);

  test('a missing topic is named (the simulator does not create topics)', async () => {
    await expect(
      runSimulator({ brokers: [kafka!.bootstrapServers], topic: 'no-such-topic', eventsPerSecond: 100 }),
    ).rejects.toThrow(`Topic 'no-such-topic' does not exist on Kafka at ${kafka!.bootstrapServers}: create it first.`);
  });

  test('bad options fail before connecting', async () => {
    await expect(runSimulator({ brokers: ['127.0.0.1:1'], eventsPerSecond: -5 })).rejects.toThrow(
      "Invalid simulator option 'eventsPerSecond': -5. A number > 0.",
    );
  });
});
