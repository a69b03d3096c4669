/** The memoized partitioner picks exactly the partitions of kafkajs's Java-compatible DefaultPartitioner. */
import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { deviceId } from '../../simulator/src/events.js';
import { MemoizedDefaultPartitioner } from '../../simulator/src/partitioner.js';

function metadata(partitions: number): PartitionMetadata[] {
  return Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    partitionErrorCode: 0,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));
}

test.each([1, 2, 4, 8, 12])('same partition per device key as DefaultPartitioner, %i partitions', (partitions) => {
  const reference = Partitioners.DefaultPartitioner();
  const memoized = MemoizedDefaultPartitioner();
  const partitionMetadata = metadata(partitions);
  const seen = new Set<number>();
  for (let round = 0; round < 2; round++) {
    for (let n = 0; n < 1000; n++) {
      const args: PartitionerArgs = { topic: 'in', partitionMetadata, message: { key: deviceId(n), value: 'x' } };
      const partition = memoized(args);
      expect(partition).toBe(reference(args));
      seen.add(partition);
    }
  }
  expect(seen.size).toBe(partitions); // 1000 devices spread over every partition
});

test('a change of partition count recomputes; explicit partitions and other keys pass through', () => {
  const memoized = MemoizedDefaultPartitioner();
  const reference = Partitioners.DefaultPartitioner();
  const key = deviceId(154);
  const at = (partitions: number): PartitionerArgs => ({
    topic: 'in',
    partitionMetadata: metadata(partitions),
    message: { key, value: 'x' },
  });
  expect(memoized(at(4))).toBe(reference(at(4)));
  expect(memoized(at(8))).toBe(reference(at(8)));
  expect(memoized({ ...at(8), message: { key, value: 'x', partition: 7 } })).toBe(7);
  const buffer: PartitionerArgs = { ...at(8), message: { key: Buffer.from(key), value: 'x' } };
  expect(memoized(buffer)).toBe(reference(buffer));
});
