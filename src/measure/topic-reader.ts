/**
 * Reads records of a topic with a throw-away consumer group: either everything up to given end
 * offsets (the audit), or everything appended from given offsets on until stopped (latency sampling).
 */
import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export type PartitionOffsets = Map<number, number>;

export async function endOffsets(kafka: Kafka, topic: string): Promise<PartitionOffsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

export interface TopicReader {
  /** Resolves once every partition reached its end offset (bounded reads only). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads only the newest records of each partition, a few at a time, instead of all of them: the
 * consumer skips ahead to the high watermark after each small fetch and rests in between, so the
 * cost stays flat whatever the topic's rate (latency sampling at high rates).
 */
export interface SkipAhead {
  recordsPerFetch: number;
  pauseMs: number;
}

/** Bytes per record fetched when skipping ahead: generous for ~1 KB events and their enrichment. */
const SKIP_AHEAD_BYTES_PER_RECORD = 2048;

/**
 * Starts reading `topic` from `from` (per partition; beginning when absent) and calls `onMessage`
 * for each record. With `until`, the reader finishes by itself once every partition reached it;
 * with `skipAhead`, it samples the newest records instead of reading every one.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  onMessage: (message: KafkaMessage, partition: number) => void,
  options: { from?: PartitionOffsets; until?: PartitionOffsets; skipAhead?: SkipAhead } = {},
): Promise<TopicReader> {
  const { skipAhead } = options;
  const consumer = kafka.consumer({
    groupId: `streaming-at-scale-measure-${randomBytes(4).toString('hex')}`,
    maxBytesPerPartition: skipAhead ? skipAhead.recordsPerFetch * SKIP_AHEAD_BYTES_PER_RECORD : 4 * 1024 * 1024,
    sessionTimeout: 30_000,
  });
  const remaining = new Set(
    [...(options.until ?? new Map<number, number>())]
      .filter(([partition, end]) => end > (options.from?.get(partition) ?? 0))
      .map(([p]) => p),
  );
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  if (options.until && remaining.size === 0) finish();

  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const end = options.until?.get(batch.partition);
      // When sampling, a fetch still returns whole record batches: handle only their newest records.
      const messages = skipAhead ? batch.messages.slice(-skipAhead.recordsPerFetch) : batch.messages;
      for (const message of messages) {
        const offset = Number(message.offset);
        if (end !== undefined && offset >= end) break;
        onMessage(message, batch.partition);
      }
      const last = Number(batch.lastOffset());
      if (end !== undefined && last + 1 >= end && remaining.delete(batch.partition) && remaining.size === 0) finish();
      if (skipAhead) {
        const newest = Number(batch.highWatermark) - skipAhead.recordsPerFetch;
        if (newest > last + 1) consumer.seek({ topic, partition: batch.partition, offset: String(newest) });
        await new Promise((resolve) => setTimeout(resolve, skipAhead.pauseMs));
      }
    },
  });
  for (const [partition, offset] of options.from ?? []) consumer.seek({ topic, partition, offset: String(offset) });
  return { done, stop: () => consumer.disconnect() };
}
