/** The program arguments of the run's Flink job: its job-args with the placeholders filled. Pure. */
import type { Config } from '../config/config.js';
import { fillPlaceholders } from './job-spec.js';

/** The built-in workload's topics: the Azure platforms always use them. */
export const INPUT_TOPIC = 'in';
export const OUTPUT_TOPIC = 'out';
export const BUILT_IN_TOPICS = { input: INPUT_TOPIC, output: OUTPUT_TOPIC } as const;
/** Consumer group of the job's Kafka source ({groupId}): measure reads its consumption and lag. */
export const FLINK_GROUP_ID = 'streaming-at-scale-flink';

/**
 * `run.kafkaProperties`: the run's client properties file (src/kafka/client-properties.ts), where
 * the platform writes one; the built-in jobs get it with --kafka-properties when the connection is
 * secured (`run.secured`), a user's job wherever its args name {kafkaProperties}.
 */
export function jobArguments(
  config: Pick<Config, 'jobSpec' | 'parallelism' | 'syntheticWorkUs'>,
  bootstrapServers: string,
  run: { runId?: string; topics?: { input: string; output: string }; kafkaProperties?: string; secured?: boolean } = {},
): string[] {
  const topics = run.topics ?? BUILT_IN_TOPICS;
  const builtInSecurity =
    config.jobSpec.builtIn && run.secured && run.kafkaProperties ? ['--kafka-properties', run.kafkaProperties] : [];
  const args = fillPlaceholders(config.jobSpec.args, {
    bootstrap: bootstrapServers,
    inputTopic: topics.input,
    outputTopic: topics.output,
    groupId: FLINK_GROUP_ID,
    parallelism: String(config.parallelism),
    syntheticWorkUs: String(config.syntheticWorkUs),
    runId: run.runId ?? '',
    kafkaProperties: run.kafkaProperties ?? '',
  });
  return [...args, ...builtInSecurity];
}
