/**
 * kafkajs clients for every part of the toolkit that talks to Kafka (platform set-up, measure,
 * simulator): one place for connection options (TLS, SASL) and quiet logging.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { UserError } from '../errors.js';
import { kafkajsMechanism, PLAINTEXT, usesSasl, usesTls, type KafkaSecurity } from './security.js';

export interface KafkaConnection {
  /** Comma-separated host:port list. */
  bootstrapServers: string;
  /** How to reach and log in to the brokers; absent: PLAINTEXT. */
  security?: KafkaSecurity;
}

export function kafkaClient(
  connection: KafkaConnection,
  clientId: string,
  overrides: Partial<Pick<KafkaConfig, 'connectionTimeout' | 'requestTimeout' | 'retry'>> = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers: connection.bootstrapServers.split(',').map((broker) => broker.trim()),
    ...kafkajsSecurity(connection.security ?? PLAINTEXT),
    // kafkajs logs every retry at ERROR level; callers report failures themselves, once.
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    // The SASL exchange after the TLS handshake: SCRAM takes a few round trips, a far broker more.
    authenticationTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 200 },
    ...overrides,
  });
}

/**
 * kafkajs's `ssl` and `sasl` options for a security setting: TLS trusting the CA file (else the
 * system's CAs), SASL with the mechanism's kafkajs name. A CA file that cannot be read, or holds no
 * certificate, is a UserError naming it.
 */
export function kafkajsSecurity(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (usesTls(security)) options.ssl = security.caFile ? { ca: [readCaFile(security.caFile)] } : true;
  if (usesSasl(security)) {
    if (!security.sasl) {
      throw new UserError(
        `Kafka security protocol ${security.protocol} needs SASL credentials: set the inputs 'kafka-sasl-mechanism', 'kafka-username' and 'kafka-password' (environment variable STREAMING_AT_SCALE_KAFKA_PASSWORD).`,
      );
    }
    const { mechanism, username, password } = security.sasl;
    options.sasl = { mechanism: kafkajsMechanism(mechanism), username, password } as KafkaConfig['sasl'];
  }
  return options;
}

const CA_FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

function readCaFile(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = CA_FILE_ERRORS[code] ?? (error as Error).message;
    throw new UserError(
      `Cannot read the CA file '${file}' (input 'kafka-ca-file'): ${reason}${code ? ` (${code})` : ''}. Give the PEM file of the CA(s) that signed the brokers' certificates.`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UserError(
      `The CA file '${file}' (input 'kafka-ca-file') holds no PEM certificate ('-----BEGIN CERTIFICATE-----'): give the CA certificate(s) that signed the brokers' certificates, in PEM form.`,
    );
  }
  return pem;
}
