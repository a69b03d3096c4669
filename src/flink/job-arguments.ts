/** The program arguments of the run's Flink job: its job-args with the placeholders filled. Pure. */
import type { Config } from '../config/config.js';
import { fillPlaceholders } from './job-spec.js';

export const INPUT_TOPIC = 'in';
export const OUTPUT_TOPIC = 'out';
/** Consumer group of the job's Kafka source ({groupId}): measure reads its consumption and lag. */
export const FLINK_GROUP_ID = 'streaming-at-scale-flink';

export function jobArguments(
  config: Pick<Config, 'jobSpec' | 'parallelism' | 'syntheticWorkUs'>,
  bootstrapServers: string,
  runId = '',
): string[] {
  return fillPlaceholders(config.jobSpec.args, {
    bootstrap: bootstrapServers,
    inputTopic: INPUT_TOPIC,
    outputTopic: OUTPUT_TOPIC,
    groupId: FLINK_GROUP_ID,
    parallelism: String(config.parallelism),
    syntheticWorkUs: String(config.syntheticWorkUs),
    runId,
  });
}
