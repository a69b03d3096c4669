/**
 * Ground truth for measure's numbers on a real broker: records written on a known schedule (no
 * Flink: the test writes `out` itself, with known timestamps), then each interval's counts must be
 * exact and the latency percentiles within the histogram's stated precision of the exact ones.
 */
import { builtInJobSpec } from '../../src/flink/job-spec.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Producer } from 'kafkajs';
import { LATENCY_RELATIVE_PRECISION } from '../../src/analysis/latency.js';
import { formatMicros } from '../../simulator/src/events.js';
import { kafkaClient } from '../../src/kafka/client.js';
import { AuditLedger } from '../../src/measure/audit-ledger.js';
import { auditWindow } from '../../src/measure/audit.js';
import { sampleIntervals } from '../../src/measure/sampler.js';
import { startKafka, stopKafka, type KafkaInstance } from '../../src/platforms/local/kafka.js';
import type { IntervalRow } from '../../src/report/schema.js';

const BUILT_IN_LATENCY = builtInJobSpec('simple-relay', '.').latency;

const TOPICS = { input: 'in', output: 'out', groupId: 'ground-truth-flink' };
let runDir: string;
let broker: KafkaInstance | undefined;

beforeAll(async () => {
  runDir = await mkdtemp(path.join(tmpdir(), 'sas-measure-test-'));
  broker = await startKafka({
    runDir,
    // Every test's topics, created here with their leaders elected: a topic created in a test
    // may not be served yet when the sampler's first request comes (a loaded machine).
    topics: [
      { name: 'in', partitions: 2 },
      { name: 'out', partitions: 2 },
      { name: 'sampled-in', partitions: 2 },
      { name: 'sampled-out', partitions: 2 },
      { name: 'delay-in', partitions: 1 },
      { name: 'delay-out', partitions: 1 },
      { name: 'audit-in', partitions: 1 },
      { name: 'audit-out', partitions: 1 },
    ],
  });
}, 180_000);

afterAll(async () => {
  if (broker) await stopKafka(broker);
  await rm(runDir, { recursive: true, force: true });
}, 60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const iso = (ms: number) => new Date(ms).toISOString();

/** An enriched output record whose latencies are exactly known. */
function outRecord(seq: number, processedAt: number, latencyMs: number, enqueuedMs: number) {
  return {
    key: 'contoso://device-id-1',
    value: JSON.stringify({
      deviceId: 'contoso://device-id-1',
      deviceSequenceNumber: seq,
      createdAt: iso(processedAt - latencyMs),
      enqueuedAt: iso(processedAt - latencyMs + enqueuedMs),
      processedAt: iso(processedAt),
    }),
  };
}

function inRecord(seq: number) {
  return {
    key: 'contoso://device-id-1',
    value: JSON.stringify({ deviceId: 'contoso://device-id-1', deviceSequenceNumber: seq }),
  };
}

test('each interval counts exactly the records appended in it; latency percentiles match the exact ones', async () => {
  const kafka = kafkaClient({ bootstrapServers: broker!.bootstrapServers }, 'ground-truth');
  const producer: Producer = kafka.producer();
  await producer.connect();
  const intervalSeconds = 4;
  // Interval 1 is empty; each later interval's records are written the moment the row before it is
  // out (its end offsets taken), so they land inside it with the whole interval to spare, however
  // late sampling starts on a loaded machine.
  const schedule = [
    { in: 0, out: 0 },
    { in: 500, out: 300 },
    { in: 0, out: 0 },
    { in: 1234, out: 1234 },
  ];
  const exactLatencies: number[][] = schedule.map(() => []);
  const rows: IntervalRow[] = [];
  let seq = 0;
  const writes: Promise<void>[] = [];
  const writeInterval = async (index: number) => {
    const planned = schedule[index]!;
    const now = Date.now();
    const outs = Array.from({ length: planned.out }, (_, i) => {
      const latency = 5 + ((i * 37) % 400); // whole ms (what ISO timestamps carry), spread over 5..404
      exactLatencies[index]!.push(latency);
      return outRecord(seq + i, now, latency, latency / 2);
    });
    const ins = Array.from({ length: planned.in }, (_, i) => inRecord(seq + i));
    seq += Math.max(planned.in, planned.out);
    if (ins.length) await producer.send({ topic: 'in', messages: ins });
    if (outs.length) await producer.send({ topic: 'out', messages: outs });
  };
  const result = await sampleIntervals(
    kafka,
    {
      topics: TOPICS,
      basis: 'output',
      latency: BUILT_IN_LATENCY,
      intervalSeconds,
      totalSeconds: intervalSeconds * schedule.length,
      targetPerSecond: 250,
      latencyRecords: 'all',
    },
    {
      onRow: (row) => {
        rows.push(row);
        if (row.minute < schedule.length) writes.push(writeInterval(row.minute));
      },
      onWarning: () => undefined,
      signal: new AbortController().signal,
    },
  );
  await Promise.all(writes);
  await producer.disconnect();

  expect(result.rows.map((row) => [row.minute, row.inRecords, row.outRecords, row.gap])).toEqual([
    [1, 0, 0, false],
    [2, 500, 300, false],
    [3, 0, 0, false],
    [4, 1234, 1234, false],
  ]);
  for (const row of result.rows) {
    const seconds = (Date.parse(row.end) - Date.parse(row.start)) / 1000;
    expect(seconds).toBeGreaterThan(intervalSeconds - 0.5);
    expect(row.outRatePerSecond).toBeCloseTo(row.outRecords! / seconds, 9);
    expect(row.percentOfTarget).toBeCloseTo((row.outRecords! / seconds / 250) * 100, 9);
  }
  expect(rows).toHaveLength(4); // printed live, one per interval

  // Latency: the histogram's percentiles within its stated relative precision of the exact ones.
  for (const [index, values] of exactLatencies.entries()) {
    const latency = result.rows[index]!.latencyMs;
    if (values.length === 0) {
      expect(latency).toBeNull();
      continue;
    }
    const sorted = [...values].sort((a, b) => a - b);
    const exact = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
    expect(latency!.processed.count).toBe(values.length);
    for (const p of [50, 95, 99] as const) {
      const measured = latency!.processed[`p${p}`];
      expect(Math.abs(measured - exact(p))).toBeLessThanOrEqual(exact(p) * LATENCY_RELATIVE_PRECISION);
    }
    expect(latency!.processed.max).toBe(sorted.at(-1));
    expect(latency!.enqueued!.max).toBe(sorted.at(-1)! / 2);
  }
}, 60_000);

test('sampled latency reads a bounded number of the newest records, not all of them', async () => {
  const kafka = kafkaClient({ bootstrapServers: broker!.bootstrapServers }, 'sampled-latency');
  const producer = kafka.producer();
  await producer.connect();
  // 30,000 output records with a 50 ms latency each, in bursts over about 3 s: written the moment
  // the first (empty) row is out, so all of them fall in the second, however late sampling starts.
  const writeBursts = async () => {
    for (let burst = 0; burst < 6; burst++) {
      const now = Date.now();
      const messages = Array.from({ length: 5000 }, (_, i) => ({
        ...outRecord(burst * 5000 + i, now, 50, 25),
        partition: i % 2,
      }));
      await producer.send({ topic: 'sampled-out', messages });
      await sleep(500);
    }
  };
  const writes: Promise<void>[] = [];
  const result = await sampleIntervals(
    kafka,
    {
      topics: { input: 'sampled-in', output: 'sampled-out', groupId: 'sampled-flink' },
      basis: 'output',
      latency: BUILT_IN_LATENCY,
      intervalSeconds: 10,
      totalSeconds: 20,
      targetPerSecond: 5000,
      latencyRecords: 'sampled',
    },
    {
      onRow: (row) => {
        if (row.minute === 1) writes.push(writeBursts());
      },
      onWarning: () => undefined,
      signal: new AbortController().signal,
    },
  );
  await Promise.all(writes);
  await producer.disconnect();
  expect(result.rows.map((row) => row.outRecords)).toEqual([0, 30_000]); // counts stay exact: they come from offsets
  const latency = result.rows[1]!.latencyMs!;
  expect(latency.processed.count).toBeGreaterThan(0);
  expect(latency.processed.count).toBeLessThan(2_000); // a sample, not 30,000 parses
  expect(latency.processed.p50).toBe(50);
  expect(latency.processed.max).toBe(50);
}, 60_000);

test('latency from the intended send time = from the actual send time + how late the generator sent', async () => {
  const kafka = kafkaClient({ bootstrapServers: broker!.bootstrapServers }, 'send-delay');
  const producer = kafka.producer();
  await producer.connect();
  // Every event sent 250.375 ms after its intended time (a slot time keeps microseconds, a Kafka
  // timestamp whole ms), then spending 5..404 ms in the pipeline: fields as the simulator and the
  // relay write them. Written the moment the first (empty) row is out: all in the second.
  const delayMs = 250.375;
  const pipeline = Array.from({ length: 700 }, (_, i) => 5 + ((i * 37) % 400));
  const write = async () => {
    const processedAt = Date.now();
    const messages = pipeline.map((latency, seq) => {
      const sentAt = processedAt - latency;
      return {
        key: 'contoso://device-id-1',
        value: JSON.stringify({
          deviceId: 'contoso://device-id-1',
          deviceSequenceNumber: seq,
          createdAt: formatMicros(Math.round((sentAt - delayMs) * 1000)),
          enqueuedAt: iso(sentAt),
          processedAt: iso(processedAt),
        }),
      };
    });
    await producer.send({ topic: 'delay-out', messages });
  };
  const writes: Promise<void>[] = [];
  const result = await sampleIntervals(
    kafka,
    {
      topics: { input: 'delay-in', output: 'delay-out', groupId: 'delay-flink' },
      basis: 'output',
      latency: BUILT_IN_LATENCY,
      intervalSeconds: 3,
      totalSeconds: 6,
      targetPerSecond: 250,
      latencyRecords: 'all',
    },
    {
      onRow: (row) => {
        if (row.minute === 1) writes.push(write());
      },
      onWarning: () => undefined,
      signal: new AbortController().signal,
    },
  );
  await Promise.all(writes);
  await producer.disconnect();

  expect(result.rows[0]!.latencyMs).toBeNull();
  const latency = result.rows[1]!.latencyMs!;
  const sorted = [...pipeline].sort((a, b) => a - b);
  const exact = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
  const within = (measured: number, truth: number) =>
    expect(Math.abs(measured - truth)).toBeLessThanOrEqual(truth * LATENCY_RELATIVE_PRECISION);
  for (const set of [latency.processed, latency.processedFromSent!, latency.enqueued!]) expect(set.count).toBe(700);
  for (const p of [50, 95, 99] as const) {
    within(latency.processedFromSent![`p${p}`], exact(p));
    within(latency.processed[`p${p}`], exact(p) + delayMs);
  }
  expect(latency.processedFromSent!.max).toBe(404);
  expect(latency.processed.max).toBe(404 + delayMs);
  expect(latency.enqueued).toEqual({ p50: delayMs, p95: delayMs, p99: delayMs, max: delayMs, count: 700 });
}, 60_000);

test('the audit counts what the ledger counts from the topics', async () => {
  const kafka = kafkaClient({ bootstrapServers: broker!.bootstrapServers }, 'audit-truth');
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const event = (device: number, seq: number) => ({
    key: `d${device}`,
    value: JSON.stringify({ deviceId: `d${device}`, deviceSequenceNumber: seq }),
  });
  const input = [
    ...Array.from({ length: 50 }, (_, s) => event(1, s)),
    ...Array.from({ length: 50 }, (_, s) => event(2, s)),
  ];
  // Output: device 1 complete with seq 7 twice; device 2 misses 10..14 and has 20 before 19.
  const output = [
    ...Array.from({ length: 50 }, (_, s) => event(1, s)),
    event(1, 7),
    ...Array.from({ length: 50 }, (_, s) => s)
      .filter((s) => s < 10 || s > 14)
      .map((s) => (s === 19 ? 20 : s === 20 ? 19 : s))
      .map((s) => event(2, s)),
  ];
  await producer.send({ topic: 'audit-in', messages: input });
  await producer.send({ topic: 'audit-out', messages: output });
  // The job's group has processed everything: commit the input's end offset for it.
  await admin.setOffsets({ groupId: 'audit-flink', topic: 'audit-in', partitions: [{ partition: 0, offset: '100' }] });
  await producer.disconnect();
  await admin.disconnect();

  const audit = await auditWindow(
    kafka,
    { input: 'audit-in', output: 'audit-out', groupId: 'audit-flink' },
    { inStart: new Map([[0, 0]]), outStart: new Map([[0, 0]]) },
    { catchUpTimeoutMs: 10_000, signal: new AbortController().signal, log: () => undefined },
  );
  const ledger = new AuditLedger();
  for (const m of input) ledger.recordInput(JSON.parse(m.value).deviceId, JSON.parse(m.value).deviceSequenceNumber);
  expect(audit).toMatchObject({
    caughtUp: true,
    outRecords: 96,
    expectedFromIn: 100,
    uniqueEvents: 95,
    duplicates: 1,
    lost: 5,
    reordered: 1,
  });
  expect(audit.costSeconds).toBeGreaterThan(0);
}, 60_000);
