/** The program arguments of the Flink job jar (flink-job/README.md), from the config. Pure. */
import type { Config } from '../config/config.js';

export const INPUT_TOPIC = 'in';
export const OUTPUT_TOPIC = 'out';
/** Consumer group of the job's Kafka source: measure reads its lag. */
export const FLINK_GROUP_ID = 'streaming-at-scale-flink';

export function jobArguments(config: Config, bootstrapServers: string): string[] {
  return [
    '--job',
    config.job,
    '--bootstrap-servers',
    bootstrapServers,
    '--input-topic',
    INPUT_TOPIC,
    '--output-topic',
    OUTPUT_TOPIC,
    '--group-id',
    FLINK_GROUP_ID,
    '--parallelism',
    String(config.parallelism),
    '--synthetic-work-us',
    String(config.syntheticWorkUs),
  ];
}
