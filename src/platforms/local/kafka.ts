/**
 * The local Kafka broker: one JVM in KRaft mode (combined broker + controller) on loopback ports,
 * data and logs in the run directory, classpath from local-runtime/kafka/pom.xml.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ITopicConfig } from 'kafkajs';
import { kafkaClient } from '../../kafka/client.js';
import { echoed, UserError } from '../../errors.js';
import type { KafkaSasl } from '../../kafka/security.js';
import { checkJava, resolveClasspath, writeClasspathArgFile } from './maven.js';
import { allocatePorts, canConnect, LOOPBACK } from './ports.js';
import {
  isAlive,
  startProcess,
  stopProcess,
  tailFile,
  waitFor,
  type ProcessHandle,
  type ProcessRecorder,
  type RestartOptions,
  type StopOutcome,
} from './processes.js';
import { localRuntimeDir, readRuntimeFile, renderTemplate } from './runtime-files.js';

const run = promisify(execFile);

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Topic-level configs, e.g. message.timestamp.type. */
  config?: Record<string, string>;
}

export interface StartKafkaOptions {
  /** The run directory; Kafka's files go to `<runDir>/kafka/`. */
  runDir: string;
  /** Client listener port (default: a free one). A taken port fails with PortInUseError. */
  brokerPort?: number;
  /** KRaft controller listener port (default: a free one). */
  controllerPort?: number;
  /** Maximum heap (default '1g'). */
  heap?: string;
  /** Topics to create once the broker answers (e.g. `in` and `out` with the tier's partitions). */
  topics?: TopicSpec[];
  /** How long to wait for the broker to answer metadata requests (default 90 s). */
  timeoutMs?: number;
  /** Progress messages for slow steps. */
  log?: (message: string) => void;
  signal?: AbortSignal;
  /** Told of the broker's process as soon as it is spawned (role 'kafka'). */
  onProcess?: ProcessRecorder;
  /** Overrides for tests; default: found next to the code / the repo's .cache/. */
  runtimeDir?: string;
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  /** SSL and SASL_SSL listeners besides the PLAINTEXT one (for tests of secured clients). */
  secureListeners?: SecureListeners;
}

/**
 * An SSL and a SASL_SSL listener (mechanisms PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) on loopback.
 * The PLAINTEXT listener stays: the readiness check, topic creation and the controller use it.
 * Passwords go in server.properties (mode 0600) and, for SCRAM users, into the storage format's
 * argument file (removed after it), never on a command line.
 */
export interface SecureListeners {
  /**
   * The broker's key and certificate chain: a PEM file (an unencrypted PKCS#8 key, then the
   * certificate and the CAs above it) or a PKCS12 keystore and its password.
   */
  keystore: { type: 'PEM'; file: string } | { type: 'PKCS12'; file: string; password: string };
  /** Who may log in on the SASL_SSL listener, each with one mechanism. */
  users: readonly KafkaSasl[];
  /** Listener ports (default: free ones). */
  sslPort?: number;
  saslSslPort?: number;
}

/** A started broker: everything later modes (and restartKafka / stopKafka) need. JSON-serializable. */
export interface KafkaInstance {
  /** `127.0.0.1:<brokerPort>`, for clients. */
  bootstrapServers: string;
  /** `127.0.0.1:<port>` of the SSL and the SASL_SSL listener (only with `secureListeners`). */
  sslBootstrapServers?: string;
  saslSslBootstrapServers?: string;
  brokerPort: number;
  controllerPort: number;
  clusterId: string;
  /** `<runDir>/kafka`: server.properties, data/, logs/. */
  dir: string;
  configFile: string;
  /** The broker's own log (log4j). */
  serverLog: string;
  process: ProcessHandle;
  /** The exact command line, so restartKafka starts the same broker on the same data. */
  java: string;
  jvmArgs: string[];
  /** Milliseconds from spawn until the broker answered metadata requests. */
  startupMs: number;
}

/** A Kafka cluster id (what `kafka-storage random-uuid` prints): 16 random bytes, base64url. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Starts the broker: picks/checks ports, writes server.properties and log4j config, formats the
 * storage, starts `kafka.Kafka`, waits until it answers metadata requests, creates `topics`.
 * On failure the broker (if started) is stopped before the error is thrown.
 */
export async function startKafka(options: StartKafkaOptions): Promise<KafkaInstance> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const runtimeDir = options.runtimeDir ?? localRuntimeDir(env);
  const secure = options.secureListeners;
  secure?.users.forEach(checkUser);
  const requestedPorts: Record<string, number | undefined> = {
    'Kafka broker': options.brokerPort,
    'Kafka controller': options.controllerPort,
  };
  if (secure) {
    requestedPorts['Kafka SSL listener'] = secure.sslPort;
    requestedPorts['Kafka SASL_SSL listener'] = secure.saslSslPort;
  }
  const [{ java }, classpath, ports] = await Promise.all([
    checkJava(env),
    resolveClasspath({ component: 'kafka', runtimeDir, cacheDir: options.cacheDir, log, env }),
    allocatePorts(requestedPorts),
  ]);
  const brokerPort = ports['Kafka broker'];
  const controllerPort = ports['Kafka controller'];
  const securePorts = secure && { ssl: ports['Kafka SSL listener'], saslSsl: ports['Kafka SASL_SSL listener'] };

  const dir = path.join(path.resolve(options.runDir), 'kafka');
  const dataDir = path.join(dir, 'data');
  const logsDir = path.join(dir, 'logs');
  await mkdir(dataDir, { recursive: true });
  await mkdir(logsDir, { recursive: true });
  const configFile = path.join(dir, 'server.properties');
  const log4jFile = path.join(dir, 'log4j.properties');
  const serverLog = path.join(logsDir, 'server.log');
  const argFile = path.join(dir, 'classpath.argfile');
  const config = renderTemplate(await readRuntimeFile('kafka', 'server.properties.template', runtimeDir), {
    BROKER_PORT: brokerPort,
    CONTROLLER_PORT: controllerPort,
    DATA_DIR: dataDir,
    OFFSETS_PARTITIONS: 1,
  });
  // Owner only: with secure listeners it holds passwords.
  await writeFile(
    configFile,
    secure && securePorts
      ? withSecureListeners(config, secure, { brokerPort, controllerPort, ...securePorts })
      : config,
    { mode: 0o600 },
  );
  await chmod(configFile, 0o600);
  await writeFile(
    log4jFile,
    renderTemplate(await readRuntimeFile('kafka', 'log4j.properties.template', runtimeDir), { LOG_FILE: serverLog }),
  );
  await writeClasspathArgFile(argFile, classpath.jars);

  const commonArgs = [
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${logsDir}`,
    `-Dlog4j.configuration=file:${log4jFile}`,
    `@${argFile}`,
  ];
  const clusterId = newClusterId();
  // SCRAM users are created with the storage (KRaft keeps their credentials in the metadata log).
  // Their passwords are arguments of the tool: in an argument file (owner only), not on its command line.
  const formatArgs = ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', configFile];
  for (const user of secure?.users ?? []) {
    if (user.mechanism !== 'PLAIN') {
      formatArgs.push('--add-scram', `${user.mechanism}=[name=${user.username},password=${user.password}]`);
    }
  }
  const formatArgFile = path.join(dir, 'format.argfile');
  await writeFile(formatArgFile, formatArgs.map((arg) => `"${arg}"\n`).join(''), { mode: 0o600 });
  try {
    await run(java, ['-Xmx256m', ...commonArgs, `@${formatArgFile}`], { env });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new UserError(
      `Formatting Kafka storage in ${dataDir} failed: ${(e.stdout ?? '') + (e.stderr ?? '') || e.message}`,
    );
  } finally {
    await rm(formatArgFile, { force: true });
  }

  const heap = options.heap ?? '1g';
  const jvmArgs = [
    `-Xmx${heap}`,
    '-Xms256m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:MaxInlineLevel=15',
    '-XX:+ExitOnOutOfMemoryError',
    `-Dstreaming-at-scale.role=kafka`,
    ...commonArgs,
    'kafka.Kafka',
    configFile,
  ];
  const partial = {
    bootstrapServers: `${LOOPBACK}:${brokerPort}`,
    ...(securePorts && {
      sslBootstrapServers: `${LOOPBACK}:${securePorts.ssl}`,
      saslSslBootstrapServers: `${LOOPBACK}:${securePorts.saslSsl}`,
    }),
    brokerPort,
    controllerPort,
    clusterId,
    dir,
    configFile,
    serverLog,
    java,
    jvmArgs,
  };
  log(`Starting Kafka ${partial.bootstrapServers} (KRaft, logs in ${logsDir})...`);
  const instance = await launchBroker(partial, options, env);
  if (options.topics && options.topics.length > 0) {
    try {
      await createTopics(instance.bootstrapServers, options.topics);
      log(`Created topics ${options.topics.map((t) => `${t.name} (${t.partitions} partitions)`).join(', ')}.`);
    } catch (error) {
      await stopKafka(instance);
      throw error;
    }
  }
  return instance;
}

/**
 * User names and passwords go into the JAAS config and the storage tool's SCRAM arguments as they
 * are: keep them to characters that need no quoting there.
 */
function checkUser(user: KafkaSasl): void {
  if (!/^[A-Za-z0-9_-]+$/.test(user.username)) {
    throw new UserError(`Kafka user name ${echoed(user.username)}: use letters, digits, '_' and '-' only.`);
  }
  if (!/^[\x21-\x7e]+$/.test(user.password) || /[,"'\\]/.test(user.password)) {
    throw new UserError(
      `The password of Kafka user ${user.username}: use printable ASCII characters except space, ',', quotes and '\\'.`,
    );
  }
}

/** A value as a .properties file reads it back (a backslash starts an escape there). */
function propertyValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

/** server.properties with the SSL and SASL_SSL listeners added to the template's PLAINTEXT one. */
function withSecureListeners(
  config: string,
  secure: SecureListeners,
  ports: { brokerPort: number; controllerPort: number; ssl: number; saslSsl: number },
): string {
  const clientListeners = [
    `PLAINTEXT://${LOOPBACK}:${ports.brokerPort}`,
    `SSL://${LOOPBACK}:${ports.ssl}`,
    `SASL_SSL://${LOOPBACK}:${ports.saslSsl}`,
  ].join(',');
  const replaced = Object.entries({
    listeners: `${clientListeners},CONTROLLER://${LOOPBACK}:${ports.controllerPort}`,
    'advertised.listeners': clientListeners,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
  }).reduce((text, [key, value]) => {
    const line = new RegExp(`^${key.replaceAll('.', '\\.')}=.*$`, 'm');
    if (!line.test(text)) throw new Error(`server.properties.template has no line ${key}=`);
    return text.replace(line, `${key}=${value}`);
  }, config);
  const plainUsers = secure.users.filter((user) => user.mechanism === 'PLAIN');
  const keystore = secure.keystore;
  return [
    replaced.trimEnd(),
    '# SSL and SASL_SSL listeners (startKafka secureListeners): the broker proves itself with this key;',
    '# SASL_SSL clients log in with PLAIN (users below) or SCRAM (users in the metadata log).',
    `ssl.keystore.type=${keystore.type}`,
    `ssl.keystore.location=${propertyValue(keystore.file)}`,
    ...(keystore.type === 'PKCS12' ? [`ssl.keystore.password=${propertyValue(keystore.password)}`] : []),
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    'listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required' +
      plainUsers.map((user) => ` user_${user.username}="${user.password}"`).join('') +
      ';',
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    '',
  ].join('\n');
}

async function launchBroker(
  partial: Omit<KafkaInstance, 'process' | 'startupMs'>,
  options: Omit<RestartOptions, 'env'>,
  env: NodeJS.ProcessEnv,
): Promise<KafkaInstance> {
  const started = Date.now();
  const proc = await startProcess({
    command: partial.java,
    args: partial.jvmArgs,
    cwd: partial.dir,
    logFile: path.join(partial.dir, 'logs', 'kafka.out'),
    env,
  });
  try {
    await options.onProcess?.('kafka', proc);
    await waitFor(`Kafka broker ${partial.bootstrapServers}`, () => brokerAnswers(partial.brokerPort), {
      timeoutMs: options.timeoutMs ?? 90_000,
      intervalMs: 300,
      process: { ...proc, logFile: partial.serverLog },
      signal: options.signal,
    });
  } catch (error) {
    const tail = await tailFile(proc.logFile, 10);
    await stopProcess(proc, { graceMs: 5000 });
    if (tail && error instanceof Error) error.message += `\n${proc.logFile}:\n${tail}`;
    throw error;
  }
  const instance: KafkaInstance = { ...partial, process: proc, startupMs: Date.now() - started };
  options.log?.(`Kafka is up (${(instance.startupMs / 1000).toFixed(1)} s, pid ${proc.pid}).`);
  return instance;
}

/** True when the broker on `port` answers a metadata request (undefined otherwise, for waitFor). */
async function brokerAnswers(port: number): Promise<true | undefined> {
  if (!(await canConnect(port))) return undefined;
  const admin = kafkaClient({ bootstrapServers: `${LOOPBACK}:${port}` }, 'streaming-at-scale-probe').admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 ? true : undefined;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Creates topics (replication factor 1) and waits until each partition's leader serves offsets.
 * Existing topics with the same name are left as they are.
 */
export async function createTopics(bootstrapServers: string, topics: TopicSpec[]): Promise<void> {
  const admin = kafkaClient({ bootstrapServers }, 'streaming-at-scale-admin').admin();
  await admin.connect();
  try {
    const specs: ITopicConfig[] = topics.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor: 1,
      configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
    }));
    await admin.createTopics({ topics: specs, waitForLeaders: true, timeout: 30_000 });
    // A leader in the metadata is not yet a leader that serves: right after the broker starts,
    // ListOffsets may still answer NOT_LEADER_OR_FOLLOWER. Wait until every topic answers it.
    for (const topic of topics) {
      await waitFor(`Topic ${topic.name} on ${bootstrapServers}`, () => admin.fetchTopicOffsets(topic.name), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Starts the broker of `instance` again on its ports and data (after stopKafka, or after it
 * crashed), e.g. for the "broker down mid-run" fault test. Returns the instance with the new pid.
 */
export async function restartKafka(instance: KafkaInstance, options: RestartOptions = {}): Promise<KafkaInstance> {
  if (isAlive(instance.process.pid, instance.process.startTime)) return instance;
  options.log?.(`Restarting Kafka ${instance.bootstrapServers}...`);
  const partial: Omit<KafkaInstance, 'process' | 'startupMs'> = {
    bootstrapServers: instance.bootstrapServers,
    sslBootstrapServers: instance.sslBootstrapServers,
    saslSslBootstrapServers: instance.saslSslBootstrapServers,
    brokerPort: instance.brokerPort,
    controllerPort: instance.controllerPort,
    clusterId: instance.clusterId,
    dir: instance.dir,
    configFile: instance.configFile,
    serverLog: instance.serverLog,
    java: instance.java,
    jvmArgs: instance.jvmArgs,
  };
  return launchBroker(partial, options, options.env ?? process.env);
}

/**
 * Stops the broker (SIGTERM: a controlled shutdown; SIGKILL after `graceMs`, default 30 s) and
 * returns once it exited. Stopping a broker that is not running is a no-op ('not-running').
 */
export async function stopKafka(
  instance: Pick<KafkaInstance, 'process'>,
  options: { graceMs?: number } = {},
): Promise<StopOutcome> {
  return stopProcess(instance.process, { graceMs: options.graceMs ?? 30_000 });
}
