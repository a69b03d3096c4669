/** The local Kafka broker for real: started on free loopback ports, used by kafkajs, stopped. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { restartKafka, startKafka, stopKafka, type KafkaInstance } from '../../../src/platforms/local/kafka.js';
import { PortInUseError } from '../../../src/platforms/local/ports.js';
import { isAlive } from '../../../src/platforms/local/processes.js';

let runDir: string;
let kafka: KafkaInstance | undefined;
const progress: string[] = [];

beforeAll(async () => {
  runDir = await mkdtemp(path.join(tmpdir(), 'sas-kafka-test-'));
  kafka = await startKafka({
    runDir,
    topics: [
      { name: 'in', partitions: 4 },
      { name: 'out', partitions: 4 },
    ],
    log: (message) => progress.push(message),
  });
}, 180_000);

afterAll(async () => {
  if (kafka) await stopKafka(kafka);
  await rm(runDir, { recursive: true, force: true });
}, 60_000);

function client(): Kafka {
  return new Kafka({ clientId: 'kafka-test', brokers: [kafka!.bootstrapServers], logLevel: logLevel.NOTHING });
}

test('the broker listens on loopback and reports progress', () => {
  expect(kafka!.bootstrapServers).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(isAlive(kafka!.process.pid, kafka!.process.startTime)).toBe(true);
  expect(progress.some((m) => m.startsWith('Starting Kafka'))).toBe(true);
  expect(progress.some((m) => m.startsWith('Kafka is up'))).toBe(true);
});

test('topics exist with the requested partitions, and nothing is auto-created', async () => {
  const admin = client().admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: ['in', 'out'] });
    expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      ['in', 4],
      ['out', 4],
    ]);
    const [broker] = await admin
      .describeConfigs({
        resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['auto.create.topics.enable'] }],
        includeSynonyms: false,
      })
      .then((r) => r.resources);
    expect(broker!.configEntries.find((e) => e.configName === 'auto.create.topics.enable')?.configValue).toBe('false');
  } finally {
    await admin.disconnect();
  }
});

test('a produce/consume round trip through kafkajs', async () => {
  const messages = Array.from({ length: 100 }, (_, i) => ({ key: `device-${i % 10}`, value: JSON.stringify({ i }) }));
  const producer = client().producer();
  await producer.connect();
  await producer.send({ topic: 'in', messages, acks: -1 });
  await producer.disconnect();

  const consumer = client().consumer({ groupId: 'kafka-test' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'in', fromBeginning: true });
  const received: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received.length} of 100 received`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        received.push((JSON.parse(message.value!.toString()) as { i: number }).i);
        if (received.length === 100) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  expect(received.sort((a, b) => a - b)).toEqual(messages.map((_, i) => i));
}, 60_000);

test('a second broker on the same port fails with an error naming the port', async () => {
  const error = await startKafka({ runDir: path.join(runDir, 'second'), brokerPort: kafka!.brokerPort }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortInUseError);
  expect((error as Error).message).toContain(`Port ${kafka!.brokerPort} on 127.0.0.1 (Kafka broker) is already in use`);
});

test('stopped, then restarted on the same ports and data, the broker keeps its records', async () => {
  const old = kafka!;
  expect(await stopKafka(old)).toBe('terminated');
  expect(isAlive(old.process.pid, old.process.startTime)).toBe(false);
  kafka = await restartKafka(old);
  expect(kafka.process.pid).not.toBe(old.process.pid);
  expect(kafka.bootstrapServers).toBe(old.bootstrapServers);
  const admin = client().admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets('in');
  await admin.disconnect();
  expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(100);
}, 120_000);

test('after stop no broker process is alive, and a second stop is a no-op', async () => {
  const instance = kafka!;
  expect(await stopKafka(instance)).toBe('terminated');
  expect(isAlive(instance.process.pid)).toBe(false);
  expect(await stopKafka(instance)).toBe('not-running');
}, 60_000);
