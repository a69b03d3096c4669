/**
 * The run's topics on a Kafka cluster of the user's (platform external). With create-topics the
 * run creates them (with the cluster's default replication) and teardown deletes exactly those; a
 * topic that exists already is the user's and is refused, never reused or deleted. Without it the
 * topics must exist with the partitions asked for, and are never deleted.
 */
import type { Admin, ITopicConfig } from 'kafkajs';
import { UserError } from '../../errors.js';
import { kafkaClient, type KafkaConnection } from '../../kafka/client.js';
import { waitFor } from '../local/processes.js';

export interface RunTopic {
  name: string;
  partitions: number;
  /** Topic-level configs, e.g. message.timestamp.type. */
  config?: Record<string, string>;
}

/** Runs `work` with a connected admin client of `connection`, and disconnects it. */
export async function withAdmin<T>(connection: KafkaConnection, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaClient(connection, 'streaming-at-scale-admin', { requestTimeout: 30_000 }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Creates the topics, one at a time, telling `onCreated` of each as soon as it exists (so a run
 * stopped half-way still deletes what it made). A topic that exists already stops it, naming it.
 */
export async function createRunTopics(
  connection: KafkaConnection,
  topics: RunTopic[],
  onCreated: (name: string) => Promise<void>,
): Promise<void> {
  await withAdmin(connection, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const taken = topics.filter((topic) => existing.has(topic.name)).map((topic) => topic.name);
    if (taken.length > 0) {
      throw new UserError(
        `Topic${taken.length > 1 ? 's' : ''} ${taken.join(', ')} exist${taken.length > 1 ? '' : 's'} on ${connection.bootstrapServers} already: with create-topics true a run makes (and later deletes) topics of its own, and never touches yours. ` +
          'Name other topics in a workload file (topics.input, topics.output), delete them, or set create-topics to false to benchmark on them as they are.',
      );
    }
    for (const topic of topics) {
      const spec: ITopicConfig = {
        topic: topic.name,
        numPartitions: topic.partitions,
        // -1: the cluster's default replication factor (managed clusters often require 3).
        replicationFactor: -1,
        configEntries: Object.entries(topic.config ?? {}).map(([name, value]) => ({ name, value })),
      };
      await admin.createTopics({ topics: [spec], waitForLeaders: true, timeout: 30_000 });
      await onCreated(topic.name);
    }
  });
}

/** Checks that each topic exists with the partitions asked for (create-topics false). */
export async function checkRunTopics(connection: KafkaConnection, topics: RunTopic[]): Promise<void> {
  await withAdmin(connection, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name)).map((topic) => topic.name);
    if (missing.length > 0) {
      throw new UserError(
        `Topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist on ${connection.bootstrapServers}: with create-topics false the run uses topics that exist. Create ${missing.length > 1 ? 'them' : 'it'}, name others in a workload file, or set create-topics to true.`,
      );
    }
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: topics.map((topic) => topic.name) });
    for (const topic of topics) {
      const partitions = metadata.find((entry) => entry.name === topic.name)?.partitions.length ?? 0;
      if (partitions !== topic.partitions) {
        throw new UserError(
          `Topic ${topic.name} on ${connection.bootstrapServers} has ${partitions} partition${partitions === 1 ? '' : 's'}, and the run asks for ${topic.partitions}: set 'partitions' to ${partitions}, or use a topic with ${topic.partitions}.`,
        );
      }
    }
  });
}

/**
 * Deletes the topics the run created (only those) and returns once the cluster no longer lists
 * them, so that a next run (mode ab on one cluster) can create them again; a topic already gone is
 * no error.
 */
export async function deleteRunTopics(connection: KafkaConnection, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await withAdmin(connection, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((name) => existing.has(name));
    if (present.length === 0) return;
    await admin.deleteTopics({ topics: present, timeout: 30_000 });
    await waitFor(
      `Deleting topics ${present.join(', ')} on ${connection.bootstrapServers}`,
      async () => {
        const listed = new Set(await admin.listTopics());
        return present.every((name) => !listed.has(name)) || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });
}
