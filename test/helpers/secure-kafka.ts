/**
 * A real local Kafka broker with SSL and SASL_SSL listeners, for tests of secured clients: a test CA
 * and a broker certificate for localhost / 127.0.0.1 made with openssl, a second, unrelated CA (what
 * the broker's certificate does not chain to), and one user per SASL mechanism with a random password.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KafkaSasl } from '../../src/kafka/security.js';
import { startKafka, stopKafka, type KafkaInstance, type TopicSpec } from '../../src/platforms/local/kafka.js';

const run = promisify(execFile);
const OPENSSL = '/usr/bin/openssl';

export interface TestCertificates {
  /** PEM certificate of the CA that signed the broker's certificate. */
  caFile: string;
  /** PEM certificate of a CA that signed nothing the broker shows. */
  otherCaFile: string;
  /** The broker's unencrypted PKCS#8 key, its certificate and the CA's, in one PEM file. */
  brokerPemFile: string;
}

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[broker]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
authorityKeyIdentifier = keyid
`;

/** A self-signed CA (EC P-256 key, valid 2 days): `<name>.pem` and `<name>.key` in `dir`. */
async function makeCa(dir: string, name: string, config: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  await run(OPENSSL, [
    'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=streaming-at-scale ${name}`,
    '-config', config, '-extensions', 'ca',
  ]); // prettier-ignore
  return { cert, key };
}

/** A test CA, a broker certificate for localhost signed by it, and an unrelated CA, in `dir`. */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  await mkdir(dir, { recursive: true });
  const config = path.join(dir, 'openssl.cnf');
  await writeFile(config, OPENSSL_CONFIG);
  const [ca, other] = await Promise.all([makeCa(dir, 'test-ca', config), makeCa(dir, 'other-ca', config)]);
  const key = path.join(dir, 'broker.key');
  const csr = path.join(dir, 'broker.csr');
  const cert = path.join(dir, 'broker.pem');
  await run(OPENSSL, [
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', csr, '-subj', '/CN=localhost', '-config', config,
  ]); // prettier-ignore
  await run(OPENSSL, [
    'x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', '2', '-out', cert, '-extfile', config, '-extensions', 'broker',
  ]); // prettier-ignore
  const brokerPemFile = path.join(dir, 'broker-keystore.pem');
  const parts = await Promise.all([key, cert, ca.cert].map((file) => readFile(file, 'utf8')));
  await writeFile(brokerPemFile, parts.join(''), { mode: 0o600 });
  return { caFile: ca.cert, otherCaFile: other.cert, brokerPemFile };
}

/** A password with characters that need care in properties, JAAS and argument files. */
function randomPassword(): string {
  return `pw#@=$!${randomBytes(12).toString('base64url')}`;
}

export interface SecureKafka {
  kafka: KafkaInstance;
  /** The PLAINTEXT listener (readiness check, topic creation). */
  bootstrapServers: string;
  sslBootstrapServers: string;
  saslSslBootstrapServers: string;
  caFile: string;
  otherCaFile: string;
  users: { plain: KafkaSasl; scram256: KafkaSasl; scram512: KafkaSasl };
  /** Where certificates and the broker's files are (removed by stop). */
  dir: string;
  /** Stops the broker and removes `dir`; safe to call twice. */
  stop: () => Promise<void>;
}

/** Certificates, users and a broker with SSL and SASL_SSL listeners on free loopback ports. */
export async function startSecureKafka(options: { heap?: string; topics?: TopicSpec[] } = {}): Promise<SecureKafka> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sas-secure-kafka-'));
  try {
    const certificates = await makeTestCertificates(path.join(dir, 'tls'));
    const users = {
      plain: { mechanism: 'PLAIN', username: 'plain-user', password: randomPassword() },
      scram256: { mechanism: 'SCRAM-SHA-256', username: 'scram256-user', password: randomPassword() },
      scram512: { mechanism: 'SCRAM-SHA-512', username: 'scram512-user', password: randomPassword() },
    } satisfies Record<string, KafkaSasl>;
    // startKafka stops the broker itself when it fails after starting it.
    const kafka = await startKafka({
      runDir: dir,
      heap: options.heap ?? '512m',
      topics: options.topics,
      secureListeners: { keystore: { type: 'PEM', file: certificates.brokerPemFile }, users: Object.values(users) },
    });
    let stopped: Promise<void> | undefined;
    return {
      kafka,
      bootstrapServers: kafka.bootstrapServers,
      sslBootstrapServers: kafka.sslBootstrapServers!,
      saslSslBootstrapServers: kafka.saslSslBootstrapServers!,
      caFile: certificates.caFile,
      otherCaFile: certificates.otherCaFile,
      users,
      dir,
      stop: () =>
        (stopped ??= (async () => {
          try {
            await stopKafka(kafka);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        })()),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
