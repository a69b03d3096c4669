/**
 * The toolkit's kafkajs client against a real local broker with SSL and SASL_SSL listeners: admin,
 * produce and consume over SSL and over SASL_SSL with each mechanism, and the one line
 * describeKafkaError gives for each way a secured connection fails (never with the password in it).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { kafkaClient, type KafkaConnection } from '../../src/kafka/client.js';
import { describeKafkaError } from '../../src/kafka/connection-errors.js';
import type { KafkaSasl, KafkaSaslMechanism } from '../../src/kafka/security.js';
import { UserError } from '../../src/errors.js';
import { startSecureKafka, type SecureKafka } from '../helpers/secure-kafka.js';

let broker: SecureKafka | undefined;

beforeAll(async () => {
  broker = await startSecureKafka();
}, 180_000);

afterAll(async () => {
  await broker?.stop();
}, 60_000);

function ssl(caFile = broker!.caFile): KafkaConnection {
  return { bootstrapServers: broker!.sslBootstrapServers, security: { protocol: 'SSL', caFile } };
}

function saslSsl(sasl: KafkaSasl, bootstrapServers = broker!.saslSslBootstrapServers): KafkaConnection {
  return { bootstrapServers, security: { protocol: 'SASL_SSL', caFile: broker!.caFile, sasl } };
}

function userFor(mechanism: KafkaSaslMechanism): KafkaSasl {
  const { plain, scram256, scram512 } = broker!.users;
  return { PLAIN: plain, 'SCRAM-SHA-256': scram256, 'SCRAM-SHA-512': scram512 }[mechanism];
}

/** The error of an admin connect + listTopics that must fail. */
async function failure(kafka: Kafka): Promise<unknown> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (error) {
    return error;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  throw new Error('the connection succeeded');
}

/** describeKafkaError of a failing listTopics on `connection`, checked to hold none of the passwords. */
async function failureMessage(connection: KafkaConnection): Promise<string> {
  const message = describeKafkaError(await failure(kafkaClient(connection, 'secure-broker-test')), connection);
  expectNoPasswords(message, connection);
  return message;
}

function expectNoPasswords(text: string, connection?: KafkaConnection): void {
  const passwords = [...Object.values(broker!.users).map((user) => user.password)];
  if (connection?.security?.sasl) passwords.push(connection.security.sasl.password);
  for (const password of passwords) expect(text).not.toContain(password);
  expect(text).not.toContain('\n');
}

/** A topic made over `connection` itself, one record produced to it and read back from the start. */
async function roundTrip(connection: KafkaConnection, topic: string): Promise<string> {
  const kafka = kafkaClient(connection, 'secure-broker-test');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    expect(await admin.listTopics()).toContain(topic);
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: `hello over ${topic}` }] });
  } finally {
    await producer.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `${topic}-reader` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no record on ${topic} within 30 s`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value!.toString());
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

test('the broker has a PLAINTEXT, an SSL and a SASL_SSL listener on loopback', () => {
  expect(broker!.bootstrapServers).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(broker!.sslBootstrapServers).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(broker!.saslSslBootstrapServers).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(new Set([broker!.bootstrapServers, broker!.sslBootstrapServers, broker!.saslSslBootstrapServers]).size).toBe(
    3,
  );
});

test('admin over SSL lists topics and creates one; a record goes through and back', async () => {
  expect(await roundTrip(ssl(), 'over-ssl')).toBe('hello over over-ssl');
}, 60_000);

test.each<KafkaSaslMechanism>(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])(
  'over SASL_SSL with %s: create a topic, produce and consume a record',
  async (mechanism) => {
    const topic = `over-sasl-${mechanism.toLowerCase()}`;
    expect(await roundTrip(saslSsl(userFor(mechanism)), topic)).toBe(`hello over ${topic}`);
  },
  60_000,
);

test('no password is on a command line, in the broker instance, or in a file others can read', async () => {
  const commandLines = execFileSync('ps', ['-ww', '-eo', 'args'], { encoding: 'utf8' });
  const kafka = broker!.kafka;
  expect(commandLines).toContain(kafka.configFile);
  const brokerArgs = readFileSync(`/proc/${kafka.process.pid}/cmdline`, 'utf8');
  expect(brokerArgs).toContain('kafka.Kafka');
  for (const text of [commandLines, brokerArgs, JSON.stringify(kafka)]) {
    for (const user of Object.values(broker!.users)) expect(text).not.toContain(user.password);
  }
  expect(statSync(kafka.configFile).mode & 0o777).toBe(0o600);
  // The SCRAM passwords went to the storage tool in an argument file, removed after it.
  await expect(access(path.join(kafka.dir, 'format.argfile'))).rejects.toThrow();
});

test('a wrong password: the login is rejected, naming user and password inputs, not the password', async () => {
  const wrong = `wrong-${broker!.users.scram256.password}`;
  const connection = saslSsl({ ...broker!.users.scram256, password: wrong });
  expect(await failureMessage(connection)).toBe(
    `Kafka at ${broker!.saslSslBootstrapServers} (SASL_SSL, SCRAM-SHA-256 as scram256-user, CA ${broker!.caFile}) rejected the login of user 'scram256-user' (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256): check 'kafka-username' and 'kafka-password' (environment variable STREAMING_AT_SCALE_KAFKA_PASSWORD), and that the user exists for 'kafka-sasl-mechanism' SCRAM-SHA-256 (PLAIN and SCRAM users are set up separately).`,
  );
  const plain = saslSsl({ ...broker!.users.plain, password: 'not-it' });
  expect(await failureMessage(plain)).toContain(
    "rejected the login of user 'plain-user' (Authentication failed: Invalid username or password): check 'kafka-username' and 'kafka-password'",
  );
});

test('a mechanism the user does not exist for: the login is rejected, naming the mechanism input', async () => {
  // The PLAIN user has no SCRAM credentials; the broker cannot tell this from a wrong password.
  const connection = saslSsl({ ...broker!.users.plain, mechanism: 'SCRAM-SHA-512' });
  expect(await failureMessage(connection)).toBe(
    `Kafka at ${broker!.saslSslBootstrapServers} (SASL_SSL, SCRAM-SHA-512 as plain-user, CA ${broker!.caFile}) rejected the login of user 'plain-user' (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512): check 'kafka-username' and 'kafka-password' (environment variable STREAMING_AT_SCALE_KAFKA_PASSWORD), and that the user exists for 'kafka-sasl-mechanism' SCRAM-SHA-512 (PLAIN and SCRAM users are set up separately).`,
  );
});

test('an untrusted CA: the certificate is not trusted, naming the CA file and its input', async () => {
  const connection = ssl(broker!.otherCaFile);
  expect(await failureMessage(connection)).toBe(
    `The TLS certificate of Kafka at ${broker!.sslBootstrapServers} is not trusted (SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain): the CA file '${broker!.otherCaFile}' ('kafka-ca-file') is not the CA that signed it: give the PEM certificate of the CA that issued the brokers' certificates.`,
  );
  // Without a CA file the system's CAs do not know the test CA either.
  expect(
    await failureMessage({ bootstrapServers: broker!.sslBootstrapServers, security: { protocol: 'SSL' } }),
  ).toContain(
    "(SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain): set 'kafka-ca-file' to the PEM certificate",
  );
});

test('TLS to the plaintext port: the handshake is broken off, naming the protocol input', async () => {
  const connection: KafkaConnection = {
    bootstrapServers: broker!.bootstrapServers,
    security: { protocol: 'SASL_SSL', caFile: broker!.caFile, sasl: broker!.users.plain },
  };
  expect(await failureMessage(connection)).toBe(
    `Kafka at ${broker!.bootstrapServers} broke off the TLS handshake (Client network socket disconnected before secure TLS connection was established): the port may not use TLS — check 'kafka-security-protocol' (SASL_SSL; a port without TLS is PLAINTEXT or SASL_PLAINTEXT) and the port in 'kafka-bootstrap-servers'.`,
  );
});

test('plaintext to a TLS port, and TLS without SASL to the SASL_SSL port: the broker closes the connection', async () => {
  expect(await failureMessage({ bootstrapServers: broker!.sslBootstrapServers })).toBe(
    `Kafka at ${broker!.sslBootstrapServers} closed the connection or did not answer (Closed connection): it may expect TLS (SSL or SASL_SSL) — check 'kafka-security-protocol' (PLAINTEXT) against the listener of the port in 'kafka-bootstrap-servers'.`,
  );
  expect(
    await failureMessage({
      bootstrapServers: broker!.saslSslBootstrapServers,
      security: { protocol: 'SSL', caFile: broker!.caFile },
    }),
  ).toContain("(Closed connection): it may expect a SASL login (SASL_SSL) — check 'kafka-security-protocol' (SSL)");
});

test('SASL to the SSL port: the port takes no SASL login', async () => {
  const connection = saslSsl(broker!.users.scram512, broker!.sslBootstrapServers);
  expect(await failureMessage(connection)).toBe(
    `Kafka at ${broker!.sslBootstrapServers} (SASL_SSL, SCRAM-SHA-512 as scram512-user, CA ${broker!.caFile}): this port takes no SASL login (ILLEGAL_SASL_STATE): set 'kafka-security-protocol' to SSL, or give the port of the cluster's SASL_SSL listener in 'kafka-bootstrap-servers'.`,
  );
});

test('a mechanism the listener does not enable: UNSUPPORTED_SASL_MECHANISM names the mechanism input', async () => {
  // kafkajs also speaks AWS, which the broker does not enable: the broker's real answer to a
  // mechanism it does not offer (the toolkit's own mechanisms are all enabled on this broker).
  const error = await failure(
    new Kafka({
      clientId: 'secure-broker-test',
      brokers: [broker!.saslSslBootstrapServers],
      logLevel: logLevel.NOTHING,
      ssl: { ca: [readFileSync(broker!.caFile, 'utf8')] },
      sasl: { mechanism: 'aws', authorizationIdentity: 'x', accessKeyId: 'x', secretAccessKey: 'x' },
    } as KafkaConfig),
  );
  expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'UNSUPPORTED_SASL_MECHANISM', code: 33 });
  const connection = saslSsl(broker!.users.scram256);
  expect(describeKafkaError(error, connection)).toBe(
    `Kafka at ${broker!.saslSslBootstrapServers} (SASL_SSL, SCRAM-SHA-256 as scram256-user, CA ${broker!.caFile}) does not offer SASL mechanism SCRAM-SHA-256 on this port: set 'kafka-sasl-mechanism' to one the cluster enables (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; Azure Event Hubs: PLAIN).`,
  );
});

test('a host name the certificate does not name: ERR_TLS_CERT_ALTNAME_INVALID names the servers input', async () => {
  // The certificate names localhost and 127.0.0.1; a client that checks another name fails.
  const error = await failure(
    new Kafka({
      clientId: 'secure-broker-test',
      brokers: [broker!.sslBootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      ssl: { ca: [readFileSync(broker!.caFile, 'utf8')], servername: 'kafka.example.com' },
    }),
  );
  expect(describeKafkaError(error, ssl())).toBe(
    `The TLS certificate of Kafka at ${broker!.sslBootstrapServers} is not for that host (Hostname/IP does not match certificate's altnames: Host: kafka.example.com. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1): in 'kafka-bootstrap-servers', use a host name the certificate names.`,
  );
});

test('nothing listening, an unknown host, and a port that never answers: unreachable, naming the servers input', async () => {
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
  expect(await failureMessage({ ...ssl(), bootstrapServers: `127.0.0.1:${port}` })).toBe(
    `Cannot reach Kafka at 127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}): check the hosts and ports in 'kafka-bootstrap-servers', and that the cluster runs and is reachable from here (firewall, network rules).`,
  );
  expect(await failureMessage({ ...ssl(), bootstrapServers: 'no-such-broker.invalid:9093' })).toContain(
    "Cannot reach Kafka at no-such-broker.invalid:9093 (host name not found): check the hosts and ports in 'kafka-bootstrap-servers'",
  );
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  try {
    const connection = { ...ssl(), bootstrapServers: `127.0.0.1:${(silent.address() as net.AddressInfo).port}` };
    const error = await failure(kafkaClient(connection, 'secure-broker-test', { connectionTimeout: 300 }));
    expect(describeKafkaError(error, connection)).toBe(
      `Kafka at ${connection.bootstrapServers} did not answer in time (connection and TLS handshake): check the host and port in 'kafka-bootstrap-servers' and that it is reachable from here, and that the port uses TLS ('kafka-security-protocol': SSL).`,
    );
  } finally {
    silent.close();
  }
}, 60_000);

test('a topic that does not exist: UNKNOWN_TOPIC_OR_PARTITION, naming the topic', async () => {
  const connection = saslSsl(broker!.users.plain);
  const admin = kafkaClient(connection, 'secure-broker-test').admin();
  await admin.connect();
  const error = await admin.fetchTopicOffsets('no-such-topic').catch((e: unknown) => e);
  await admin.disconnect();
  const message = describeKafkaError(error, connection, { topic: 'no-such-topic' });
  expect(message).toBe(
    `Topic 'no-such-topic' does not exist on Kafka at ${broker!.saslSslBootstrapServers} (SASL_SSL, PLAIN as plain-user, CA ${broker!.caFile}) (UNKNOWN_TOPIC_OR_PARTITION): create it first, or let the run create its topics (input 'create-topics': true).`,
  );
  expectNoPasswords(message, connection);
});

test('a CA file that cannot be read, or holds no certificate: a UserError naming the file and its input', () => {
  const missing = path.join(broker!.dir, 'no-such-ca.pem');
  expect(() => kafkaClient(ssl(missing), 'secure-broker-test')).toThrow(
    new UserError(
      `Cannot read the CA file '${missing}' (input 'kafka-ca-file'): no such file (ENOENT). Give the PEM file of the CA(s) that signed the brokers' certificates.`,
    ),
  );
  expect(() => kafkaClient(ssl(broker!.dir), 'secure-broker-test')).toThrow(
    `Cannot read the CA file '${broker!.dir}' (input 'kafka-ca-file'): it is a folder, not a file (EISDIR).`,
  );
  const key = path.join(broker!.dir, 'tls', 'broker.key');
  expect(() => kafkaClient(ssl(key), 'secure-broker-test')).toThrow(
    `The CA file '${key}' (input 'kafka-ca-file') holds no PEM certificate ('-----BEGIN CERTIFICATE-----')`,
  );
  // describeKafkaError passes a UserError's message through.
  let error: unknown;
  try {
    kafkaClient(ssl(missing), 'secure-broker-test');
  } catch (e) {
    error = e;
  }
  expect(describeKafkaError(error, ssl(missing))).toContain(`Cannot read the CA file '${missing}'`);
});

test('a password that happens to appear in an error text is replaced by ***', () => {
  const connection = saslSsl(broker!.users.plain);
  const message = describeKafkaError(new Error(`odd broker text ${broker!.users.plain.password}`), connection);
  expect(message).toContain('odd broker text ***');
  expectNoPasswords(message, connection);
});
