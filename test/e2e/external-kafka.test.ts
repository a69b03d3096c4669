/**
 * Platform external against a secured broker the toolkit did not start: a real Kafka broker with
 * TLS and SASL (test/helpers/secure-kafka.ts: certificates made by openssl, SCRAM and PLAIN users),
 * benchmarked by the bundled CLI with a Flink cluster started here. The simulator, the
 * measurement, the audit and the Flink job all authenticate; the password appears on no command
 * line (read from `ps` during the run) and in no file the run leaves; teardown deletes the topics
 * the run created and nothing else. Each bad setting fails before anything starts, in one line
 * naming the input to fix.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Admin } from 'kafkajs';
import { kafkaClient } from '../../src/kafka/client.js';
import type { KafkaSasl } from '../../src/kafka/security.js';
import type { BenchmarkReport } from '../../src/report/schema.js';
import { expectExitCode, processesOf, REPO_ROOT, runCommand } from '../helpers/processes.js';
import { startSecureKafka, type SecureKafka } from '../helpers/secure-kafka.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');
const USERS_TOPIC = 'users-own-topic';
let broker: SecureKafka;
let workDir: string;
let admin: Admin;

beforeAll(async () => {
  broker = await startSecureKafka({ topics: [{ name: USERS_TOPIC, partitions: 1 }] });
  admin = kafkaClient({ bootstrapServers: broker.bootstrapServers }, 'external-test').admin();
  await admin.connect();
}, 180_000);

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
}, 60_000);

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-external-'));
});

afterEach(async () => {
  expect(processesOf(workDir)).toEqual([]);
  await rm(workDir, { recursive: true, force: true });
}, 60_000);

/** The inputs of a SASL_SSL connection as `user`; its password goes in the environment. */
function secured(user: KafkaSasl, caFile = broker.caFile): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    args: [
      ...['--platform', 'external', '--kafka-bootstrap-servers', broker.saslSslBootstrapServers],
      ...['--kafka-security-protocol', 'SASL_SSL', '--kafka-sasl-mechanism', user.mechanism],
      ...['--kafka-username', user.username, '--kafka-ca-file', caFile],
    ],
    env: { STREAMING_AT_SCALE_KAFKA_PASSWORD: user.password },
  };
}

const cli = (args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 400_000) =>
  runCommand(process.execPath, [BIN, ...args, '--work-dir', workDir], {
    cwd: workDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeoutMs,
  });

/** Every file under `dir`, with its text. */
async function filesUnder(dir: string): Promise<Array<[string, string]>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  return Promise.all(files.map(async (file) => [file, await readFile(file, 'latin1')] as [string, string]));
}

test('run with SASL_SSL and SCRAM-SHA-256: every client authenticates, no secret on a command line or in a file, only its own topics deleted', async () => {
  const user = broker.users.scram256;
  const { args, env } = secured(user);
  const reportFile = path.join(workDir, 'report.json');
  // Every command line on this machine, read while the run goes on.
  const commandLines = new Set<string>();
  const watcher = setInterval(() => {
    for (const line of execFileSync('ps', ['-ww', '-eo', 'args'], { encoding: 'utf8' }).split('\n')) {
      if (line.includes(workDir) || line.includes('streaming-at-scale')) commandLines.add(line);
    }
  }, 500);
  let result;
  try {
    result = await cli(
      [
        'run',
        ...args,
        ...['--tier', '1000', '--partitions', '2', '--parallelism', '1', '--simulator-instances', '1'],
        ...['--minutes', '0.5', '--interval-seconds', '5', '--keep-run-dir', 'true', '--report-file', reportFile],
        // This test is about authentication, not throughput: on a loaded machine the TLS job start can lag
        // the first rows of so short a run below the default 90% gate, so the gate only asks for output.
        ...['--min-percent-of-target', '10'],
      ],
      env,
    );
  } finally {
    clearInterval(watcher);
  }
  expectExitCode(result, 0);
  const output = result.stdout + result.stderr;
  expect(output).toContain(`SASL_SSL, SCRAM-SHA-256 as ${user.username}`);
  expect(output).toContain('Created topic in');

  const report = JSON.parse(await readFile(reportFile, 'utf8')) as BenchmarkReport;
  // The relay's output read back over SASL_SSL: every acknowledged event relayed, none lost.
  expect(report.audit!.lost).toBe(0);
  expect(report.audit!.expectedFromIn).toBeGreaterThan(0);
  expect(report.load!.acknowledged).toBeGreaterThan(10_000);
  expect(report.rows.some((row) => (row.outRecords ?? 0) > 0)).toBe(true);

  // The simulator ran with the run's folder on its command line, and the job with its properties file.
  const lines = [...commandLines];
  expect(lines.some((line) => line.includes('--sasl-username'))).toBe(true);
  for (const line of lines) expect(line).not.toContain(user.password);
  expect(output).not.toContain(user.password);
  // Not in the state, the report, the logs or the job's properties file (deleted at teardown).
  const files = await filesUnder(workDir);
  expect(files.length).toBeGreaterThan(5);
  for (const [file, text] of files)
    expect({ file, leaks: text.includes(user.password) }).toEqual({ file, leaks: false });
  expect(files.some(([file]) => file.endsWith('kafka-client.properties'))).toBe(false);

  // Teardown deleted the run's topics and left the user's.
  const topics = await admin.listTopics();
  expect(topics).toContain(USERS_TOPIC);
  expect(topics).not.toContain('in');
  expect(topics).not.toContain('out');
}, 600_000);

describe('a bad setting fails before anything starts, naming the input', () => {
  // [what, inputs and environment, the error's text]
  const cases: Array<[string, () => { args: string[]; env: NodeJS.ProcessEnv }, RegExp]> = [
    [
      'a wrong password',
      () => {
        const { args } = secured(broker.users.scram512);
        return { args, env: { STREAMING_AT_SCALE_KAFKA_PASSWORD: 'not-the-password' } };
      },
      /rejected the login of user 'scram512-user'.*check 'kafka-username' and 'kafka-password'/,
    ],
    [
      'a CA that did not sign the broker certificate',
      () => secured(broker.users.plain, broker.otherCaFile),
      /kafka-ca-file/,
    ],
    [
      'TLS against the plaintext listener',
      () => ({
        args: [
          ...['--platform', 'external', '--kafka-bootstrap-servers', broker.bootstrapServers],
          ...['--kafka-security-protocol', 'SSL', '--kafka-ca-file', broker.caFile],
        ],
        env: {},
      }),
      /kafka-security-protocol/,
    ],
    [
      'a broker that is not there',
      () => ({ args: ['--platform', 'external', '--kafka-bootstrap-servers', '127.0.0.1:1'], env: {} }),
      /Cannot reach Kafka at 127\.0\.0\.1:1 .*check the hosts and ports in 'kafka-bootstrap-servers'/,
    ],
    [
      'topics that do not exist, with create-topics false',
      () => {
        const { args, env } = secured(broker.users.plain);
        return { args: [...args, '--create-topics', 'false'], env };
      },
      /Topics in, out do not exist on .*create-topics false/,
    ],
  ];
  it.each(cases)(
    '%s',
    async (_what, setting, message) => {
      const { args, env } = setting();
      const result = await cli(['deploy', ...args], env, 120_000);
      const output = result.stdout + result.stderr;
      expect(result.code).not.toBe(0);
      expect(output).toMatch(message);
      expect(output).not.toMatch(/^\s+at /m); // one line, no stack trace
      for (const secret of Object.values(broker.users).map((user) => user.password))
        expect(output).not.toContain(secret);
      // Nothing was started or created: no Flink, no topic.
      expect(output).not.toContain('Starting Flink');
      expect(await admin.listTopics()).not.toContain('in');
    },
    120_000,
  );

  it('a topic of the user with the run topic name, with create-topics true: refused, never deleted', async () => {
    await admin.createTopics({ topics: [{ topic: 'in', numPartitions: 1 }], waitForLeaders: true });
    try {
      const { args, env } = secured(broker.users.plain);
      const deployed = await cli(['deploy', ...args], env, 120_000);
      expect(deployed.code).not.toBe(0);
      expect(deployed.stderr).toMatch(/Topic in exists on .* already: .*never touches yours/);
      // Teardown of the failed run leaves the user's topic.
      const torn = await cli(['teardown', ...args], env, 120_000);
      expectExitCode(torn, 0);
      expect(await admin.listTopics()).toContain('in');
    } finally {
      await admin.deleteTopics({ topics: ['in'] });
    }
  }, 180_000);
});
