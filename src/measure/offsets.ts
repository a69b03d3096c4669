/**
 * Exact record counts from Kafka: the sum of a topic's end offsets (with at-least-once delivery
 * every offset is one record, so deltas between two samples are the records appended), and the
 * Flink consumer group's position and lag on the input topic.
 */
import type { Admin } from 'kafkajs';

export interface OffsetSample {
  /** When the sample was taken (ms since epoch, taken before the requests). */
  at: number;
  inEnd: number;
  outEnd: number;
  /** Records of the input topic not yet committed by the Flink group; null before its first commit. */
  lagRecords: number | null;
  /**
   * Records of the input topic the group has consumed, as it committed them: committed offsets
   * summed (a partition without a commit counts from its first offset); null before the first commit.
   */
  consumed: number | null;
}

export interface SampledTopics {
  input: string;
  output: string;
  /** Consumer group of the Flink job's Kafka source. */
  groupId: string;
}

export async function sampleOffsets(admin: Admin, topics: SampledTopics, now = Date.now): Promise<OffsetSample> {
  const at = now();
  const [inOffsets, outOffsets, committed] = await Promise.all([
    admin.fetchTopicOffsets(topics.input),
    admin.fetchTopicOffsets(topics.output),
    admin.fetchOffsets({ groupId: topics.groupId, topics: [topics.input] }),
  ]);
  const sumHigh = (offsets: Array<{ high: string }>) => offsets.reduce((sum, p) => sum + Number(p.high), 0);
  const committedByPartition = new Map(
    (committed.find((t) => t.topic === topics.input)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
  );
  // The source commits on checkpoints; until the first one there is nothing to measure lag from.
  const hasCommitted = [...committedByPartition.values()].some((offset) => offset >= 0);
  const position = (p: { partition: number; low: string }) => {
    const done = committedByPartition.get(p.partition) ?? -1;
    return done >= 0 ? done : Number(p.low);
  };
  const inEnd = sumHigh(inOffsets);
  const consumed = hasCommitted ? inOffsets.reduce((sum, p) => sum + position(p), 0) : null;
  const lagRecords = hasCommitted
    ? inOffsets.reduce((lag, p) => lag + Math.max(0, Number(p.high) - position(p)), 0)
    : null;
  return { at, inEnd, outEnd: sumHigh(outOffsets), lagRecords, consumed };
}
