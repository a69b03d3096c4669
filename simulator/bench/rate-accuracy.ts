/**
 * Benchmark: how close the simulator comes to its target rate, at 1,000 and 5,000 events/s (both at
 * once, each into its own topic of a local broker), for `seconds` each. Prints, per rate: events
 * sent and skipped (shortfall), the achieved rate (slope of a least-squares line through the
 * records' Kafka timestamps, their actual send times: first-to-last would hang on the two ends
 * alone), the median per-second count, and the median lateness of a send after its createdAt.
 * These were test assertions once; a loaded machine moves them, so they are figures: see
 * docs/benchmarks.md. Run by simulator/bench/rate-accuracy.sh.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { leastSquaresSlope } from '../../src/analysis/ramp-up.js';
import { errorMessage } from '../../src/errors.js';
import { parseIsoTimestamp } from '../../src/measure/event-fields.js';
import { startKafka, stopKafka } from '../../src/platforms/local/kafka.js';
import { runSimulator } from '../src/simulator.js';

const RATES = [1000, 5000];

async function consumeAll(kafka: Kafka, topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxBytes: 16 * 1024 * 1024 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          messages.push(...batch.messages);
          if (messages.length >= count) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 30);
  const runDir = await mkdtemp(path.join(tmpdir(), 'sas-rate-bench-'));
  const broker = await startKafka({
    runDir,
    heap: '512m',
    topics: RATES.map((rate) => ({ name: `rate-${rate}`, partitions: 2 })),
    log: (m) => console.error(m),
  });
  try {
    const kafka = new Kafka({ clientId: 'rate-bench', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    console.error(`Running the simulator at ${RATES.join(' and ')} events/s for ${seconds} s...`);
    const runs = await Promise.all(
      RATES.map((rate) =>
        runSimulator({
          brokers: [broker.bootstrapServers],
          topic: `rate-${rate}`,
          eventsPerSecond: rate,
          durationSeconds: seconds,
          duplicateEvery: 0,
        }),
      ),
    );
    console.log(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log('target/s   sent      shortfall  achieved/s  error     median per second  median lateness ms');
    for (const [index, rate] of RATES.entries()) {
      const stats = runs[index]!;
      const messages = await consumeAll(kafka, `rate-${rate}`, stats.sent);
      const sent = messages.map((m) => Number(m.timestamp)).sort((a, b) => a - b);
      const achieved = leastSquaresSlope(sent.map((t, i) => [t, i] as const))! * 1000;
      const perSecond = new Array<number>(seconds).fill(0);
      for (const t of sent) perSecond[Math.min(seconds - 1, Math.floor((t - sent[0]!) / 1000))]!++;
      const lateness = messages.map((m) => {
        const createdAt = (JSON.parse(m.value!.toString()) as { createdAt: string }).createdAt;
        return Number(m.timestamp) - parseIsoTimestamp(createdAt);
      });
      console.log(
        [
          String(rate).padEnd(10),
          String(stats.sent).padEnd(9),
          String(stats.shortfall).padEnd(10),
          achieved.toFixed(1).padEnd(11),
          `${((100 * (achieved - rate)) / rate).toFixed(2)}%`.padEnd(9),
          String(median(perSecond.slice(0, -1))).padEnd(18),
          median(lateness).toFixed(1),
        ].join(' '),
      );
    }
  } finally {
    await stopKafka(broker);
    await rm(runDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${errorMessage(error)}`);
  process.exit(1);
});
