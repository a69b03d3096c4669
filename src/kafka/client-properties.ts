/**
 * The Kafka client settings of a run as a Java properties file, for the Flink job: the built-in
 * jobs read it with --kafka-properties, a user's job through {kafkaProperties}. It holds the SASL
 * password, so it is written readable by this user only and deleted at teardown; the job's command
 * line (which Flink shows in its REST API and UI) carries only its path.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KafkaConnection } from './client.js';
import { usesTls, type KafkaSasl } from './security.js';

export const CLIENT_PROPERTIES_FILE = 'kafka-client.properties';

const LOGIN_MODULES: Record<KafkaSasl['mechanism'], string> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
};

/** Kafka's own names for the connection's settings (ProducerConfig / ConsumerConfig). Pure. */
export function kafkaClientProperties(connection: KafkaConnection): Record<string, string> {
  const security = connection.security ?? { protocol: 'PLAINTEXT' };
  const properties: Record<string, string> = {
    'bootstrap.servers': connection.bootstrapServers,
    'security.protocol': security.protocol,
  };
  if (usesTls(security) && security.caFile) {
    properties['ssl.truststore.type'] = 'PEM';
    properties['ssl.truststore.location'] = path.resolve(security.caFile);
  }
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    properties['sasl.mechanism'] = mechanism;
    properties['sasl.jaas.config'] =
      `${LOGIN_MODULES[mechanism]} required username=${jaasQuoted(username)} password=${jaasQuoted(password)};`;
  }
  return properties;
}

/** A JAAS option value: double-quoted, with `\` and `"` escaped. */
function jaasQuoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/**
 * The properties in java.util.Properties' text format (ISO 8859-1 with \u escapes, so any
 * character survives Properties.load). Pure.
 */
export function propertiesText(properties: Record<string, string>): string {
  const escape = (text: string, key: boolean) =>
    text.replace(/[\\\n\r\t\f=:#! ]|[^\x20-\x7e]/g, (char) => {
      if (char === ' ') return key ? '\\ ' : ' ';
      const named: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f' };
      if (named[char]) return named[char];
      if ('=:#!'.includes(char)) return `\\${char}`;
      return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
  return Object.entries(properties)
    .map(([key, value]) => `${escape(key, true)}=${escape(value, false).replace(/^ /, '\\ ')}`)
    .join('\n')
    .concat('\n');
}

/** Writes the run's client properties (mode 0600) into its folder; returns the file's path. */
export async function writeClientProperties(runDir: string, connection: KafkaConnection): Promise<string> {
  const file = path.join(runDir, CLIENT_PROPERTIES_FILE);
  // Removed first: writeFile keeps the mode of a file that exists.
  await rm(file, { force: true });
  await writeFile(file, propertiesText(kafkaClientProperties(connection)), { mode: 0o600 });
  return file;
}

/** Deletes the run's client properties (teardown): the password must not outlive the run. */
export async function deleteClientProperties(runDir: string): Promise<void> {
  await rm(path.join(runDir, CLIENT_PROPERTIES_FILE), { force: true });
}
