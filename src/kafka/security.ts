/**
 * How a client reaches a Kafka cluster it did not start (platform `external`): the security
 * protocol, the CA to trust and the SASL credentials, in the names Kafka's own client settings use
 * (security.protocol, sasl.mechanism). One type for the toolkit, the simulator and the Flink job;
 * the password is a secret: masked when read, never on a command line, in a state file or a report.
 */

export type KafkaSecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const KAFKA_SECURITY_PROTOCOLS: readonly KafkaSecurityProtocol[] = [
  'PLAINTEXT',
  'SSL',
  'SASL_PLAINTEXT',
  'SASL_SSL',
];

export type KafkaSaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const KAFKA_SASL_MECHANISMS: readonly KafkaSaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export interface KafkaSasl {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

export interface KafkaSecurity {
  protocol: KafkaSecurityProtocol;
  /** PEM file of the CA(s) that signed the brokers' certificates (SSL, SASL_SSL); absent: the system's. */
  caFile?: string;
  /** Required with SASL_PLAINTEXT and SASL_SSL, absent otherwise. */
  sasl?: KafkaSasl;
}

export const PLAINTEXT: KafkaSecurity = { protocol: 'PLAINTEXT' };

export function usesTls(security: KafkaSecurity): boolean {
  return security.protocol === 'SSL' || security.protocol === 'SASL_SSL';
}

export function usesSasl(security: KafkaSecurity): boolean {
  return security.protocol === 'SASL_PLAINTEXT' || security.protocol === 'SASL_SSL';
}

/** kafkajs's name of a mechanism ('scram-sha-256'). */
export function kafkajsMechanism(mechanism: KafkaSaslMechanism): 'plain' | 'scram-sha-256' | 'scram-sha-512' {
  return mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
}

/** What a log line may say about the connection: never the password. */
export function describeSecurity(security: KafkaSecurity): string {
  const parts: string[] = [security.protocol];
  if (security.sasl) parts.push(`${security.sasl.mechanism} as ${security.sasl.username}`);
  if (security.caFile) parts.push(`CA ${security.caFile}`);
  return parts.join(', ');
}
