/**
 * kafkajs clients for every part of the toolkit that talks to Kafka (platform set-up, measure,
 * simulator): one place for connection options (TLS, SASL) and quiet logging.
 */
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';

export interface KafkaConnection {
  /** Comma-separated host:port list. */
  bootstrapServers: string;
  ssl?: boolean;
  sasl?: SASLOptions;
}

export function kafkaClient(
  connection: KafkaConnection,
  clientId: string,
  overrides: Partial<Pick<KafkaConfig, 'connectionTimeout' | 'requestTimeout' | 'retry'>> = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers: connection.bootstrapServers.split(',').map((broker) => broker.trim()),
    ssl: connection.ssl,
    sasl: connection.sasl,
    // kafkajs logs every retry at ERROR level; callers report failures themselves, once.
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 2, initialRetryTime: 200 },
    ...overrides,
  });
}
