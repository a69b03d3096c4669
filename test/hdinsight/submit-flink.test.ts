/**
 * submit-flink on hdinsight with the real ARM SDK clients (fake ARM: HDInsight, storage keys), the
 * real Blob client (Azurite), the real fetch against fake HDInsight gateways (Ambari on the Kafka
 * cluster; YARN's ResourceManager and web proxy on the Hadoop cluster) and a REAL local Flink and
 * Kafka behind that proxy: the job submitted is the project's own job jar, and it must be seen
 * RUNNING through the gateway path with the login read through ARM. Also the topics, created by
 * the real script action script run against the local Kafka.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ArmClients } from '../../src/azure/clients.js';
import { openArm } from '../../src/azure/session.js';
import { azureState } from '../../src/azure/state.js';
import { parseConfig } from '../../src/config/config.js';
import type { Config } from '../../src/config/config.js';
import { UserError } from '../../src/errors.js';
import { jobArguments } from '../../src/flink/job-arguments.js';
import { JOB_MAIN_CLASS } from '../../src/flink/job-spec.js';
import { FlinkRestClient } from '../../src/flink/rest-client.js';
import { hdinsightState } from '../../src/platforms/hdinsight/state.js';
import { submitFlinkHdinsight, submitScriptPath } from '../../src/platforms/hdinsight/submit.js';
import { startFlink, stopFlink, type FlinkCluster } from '../../src/platforms/local/flink.js';
import { startKafka, stopKafka, type KafkaInstance } from '../../src/platforms/local/kafka.js';
import { createRun, STATE_FILE, type RunState } from '../../src/run-state/run-state.js';
import { fakeHdinsight, type FakeHdinsight, type NodeRun } from '../helpers/arm/hdinsight.js';
import { fakeStorage } from '../helpers/arm/storage.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';
import { fakeArmConnection } from '../helpers/azure-connection.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';
import { startFakeGateway, type FakeGateway } from '../helpers/hdinsight-gateway-server.js';
import { maskingReporter, type MaskingReporter } from '../helpers/masking-reporter.js';
import { kafkaTopicsTool, runOnHeadNodes } from '../helpers/head-node-script.js';
import { kafkaClient } from '../../src/kafka/client.js';
import { createHdinsightTopics } from '../../src/platforms/azure/topics.js';

const GROUP = 'sasbench01-rg';
const KAFKA = 'kafkasasbench01';
const HADOOP = 'flinksasbench01';
const STORAGE = 'sasbench01storage';
const KAFKA_PASSWORD = 'Kf!7-random-gateway-password';
const HADOOP_PASSWORD = 'Hd!3-random-gateway-password';
const HEAD_NODES = ['hn0-sasben.internal.cloudapp.net', 'hn1-sasben.internal.cloudapp.net'];

let oidc: GitHubOidcServer | undefined;
let arm: FakeArm | undefined;
let azurite: Azurite | undefined;
let kafkaGateway: FakeGateway | undefined;
let hadoopGateway: FakeGateway | undefined;
let flinkCluster: FlinkCluster | undefined;
let kafkaBroker: KafkaInstance | undefined;
let hdinsight: FakeHdinsight;
let clients: ArmClients;
let config: Config;
let workDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-hdi-submit-'));
  // allSettled: whatever started is recorded (and stopped in afterAll) even when something else fails.
  // The light servers first, so the JVMs' start does not starve Azurite's.
  const light = await Promise.allSettled([
    startGitHubOidcServer().then(async (server) => {
      oidc = server;
      arm = await startFakeArm(server);
    }),
    startAzurite(STORAGE).then((a) => void (azurite = a)),
    startFakeGateway({ clusterName: KAFKA, userName: 'admin', password: KAFKA_PASSWORD }).then(
      (g) => void (kafkaGateway = g),
    ),
    startFakeGateway({ clusterName: HADOOP, userName: 'admin', password: HADOOP_PASSWORD }).then(
      (g) => void (hadoopGateway = g),
    ),
  ]);
  for (const result of light) if (result.status === 'rejected') throw result.reason;
  const local = await Promise.allSettled([
    startFlink({ runDir: path.join(workDir, 'local') }).then((f) => void (flinkCluster = f)),
    startKafka({
      runDir: path.join(workDir, 'local'),
      topics: [
        { name: 'in', partitions: 2 },
        { name: 'out', partitions: 2 },
      ],
    }).then((k) => void (kafkaBroker = k)),
  ]);
  for (const result of local) if (result.status === 'rejected') throw result.reason;

  hdinsight = fakeHdinsight();
  const storage = fakeStorage();
  storage.addAccount(GROUP, STORAGE, azurite!.accountKey);
  arm!.providers.push(hdinsight.route, storage.route);
  for (const [name, kind, password] of [
    [KAFKA, 'kafka', KAFKA_PASSWORD],
    [HADOOP, 'hadoop', HADOOP_PASSWORD],
  ] as const) {
    hdinsight.addCluster({
      name,
      resourceGroup: GROUP,
      kind,
      gatewayUserName: 'admin',
      gatewayPassword: password,
      headNodes: HEAD_NODES,
    });
  }
  kafkaGateway!.brokers = [
    { hostName: 'wn1-sasben.internal.cloudapp.net', ip: '10.0.0.13' },
    { hostName: 'wn0-sasben.internal.cloudapp.net', ip: '10.0.0.12' },
  ];

  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc!.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc!.requestToken;
  config = parseConfig({
    mode: 'submit-flink',
    platform: 'hdinsight',
    tier: '1',
    'solution-name': 'sasbench01',
    'client-id': arm!.clientId,
    'tenant-id': arm!.tenantId,
    'subscription-id': arm!.subscriptionId,
    'work-dir': workDir,
  });
  clients = openArm(config, {
    env: process.env,
    connection: fakeArmConnection(arm!, azurite!.blobEndpoint),
    now: () => new Date(),
  });
}, 240_000);

afterAll(async () => {
  process.env = savedEnv;
  await Promise.allSettled([
    flinkCluster && stopFlink(flinkCluster),
    kafkaBroker && stopKafka(kafkaBroker),
    azurite?.stop(),
    kafkaGateway?.close(),
    hadoopGateway?.close(),
    arm?.close(),
  ]);
  await oidc?.close();
  await rm(workDir, { recursive: true, force: true });
}, 60_000);

async function deployedRun(): Promise<RunState> {
  const state = await createRun({ ...config, runId: undefined });
  Object.assign(azureState(state), {
    subscriptionId: arm!.subscriptionId,
    resourceGroup: GROUP,
    outputs: {
      kafkaClusterName: KAFKA,
      kafkaGatewayUrl: kafkaGateway!.url,
      flinkClusterName: HADOOP,
      hadoopGatewayUrl: hadoopGateway!.url,
      clusterLoginUserName: 'admin',
      storageAccountName: STORAGE,
    },
  });
  return state;
}

function context(): { config: Config; reporter: MaskingReporter; signal: AbortSignal } {
  return { config, reporter: maskingReporter(), signal: new AbortController().signal };
}

const WAIT = { pollIntervalMs: 100, timeoutMs: 120_000 };

/** hn1's output: the script submits from hn0 only. */
const idleHeadNode: NodeRun = {
  host: HEAD_NODES[1]!,
  exitCode: 0,
  stdout: `Head node hn1-sasben: nothing to do (the job is submitted from hn0 only).\n`,
  stderr: '',
};

const scriptActionRequests = () =>
  arm!.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/clusters/${HADOOP}/executeScriptActions`));

test('the script action gets the jar, script and job arguments; the job is seen RUNNING through the YARN proxy', async () => {
  const ctx = context();
  const state = await deployedRun();
  const flink = new FlinkRestClient(flinkCluster!.restUrl);
  const applicationId = 'application_1764146400000_0001';
  let submittedJobId: string | undefined;
  let fetchedScript = '';

  hdinsight.runScript = async (cluster, action) => {
    expect(cluster.name).toBe(HADOOP);
    const [jarUrl64, entryClass, parallelism, applicationName, ...jobArgs] = action.parameters!.split(' ');
    // The cluster reads both files through their SAS URLs.
    fetchedScript = await (await fetch(action.uri)).text();
    const jarResponse = await fetch(Buffer.from(jarUrl64!, 'base64').toString());
    expect(jarResponse.status).toBe(200);
    const jar = path.join(workDir, 'fetched-job.jar');
    await writeFile(jar, Buffer.from(await jarResponse.arrayBuffer()));
    // What only Azure can do: YARN starting the job. The test submits the same jar, entry class,
    // parallelism and arguments to the local Flink; the brokers' private addresses exist only in
    // the VNet, so the job reads the local Kafka instead.
    const args = jobArgs.map((arg, i) =>
      jobArgs[i - 1] === '--bootstrap-servers' ? kafkaBroker!.bootstrapServers : arg,
    );
    submittedJobId = await flink.runJar(await flink.uploadJar(jar), {
      entryClass,
      programArgs: args,
      parallelism: Number(parallelism),
    });
    const app = {
      id: applicationId,
      name: applicationName!,
      state: 'ACCEPTED' as const,
      finalStatus: 'UNDEFINED' as const,
      diagnostics: '',
    };
    hadoopGateway!.applications.set(applicationId, app);
    // YARN runs the application master a little later; its web server is Flink's REST API.
    setTimeout(() => Object.assign(app, { state: 'RUNNING', webUrl: flinkCluster!.restUrl }), 1_000);
    return [
      {
        host: HEAD_NODES[0]!,
        exitCode: 0,
        stdout: `Submitting ${applicationName} (parallelism ${parallelism}) to YARN\nYARN application: ${applicationId}\n`,
        stderr: '',
      },
      idleHeadNode,
    ];
  };

  await submitFlinkHdinsight(ctx, state, clients, WAIT);

  // ARM received one script action on the head nodes, not persisted, with the uploaded script.
  const requests = scriptActionRequests();
  expect(requests).toHaveLength(1);
  expect(requests[0]!.query['api-version']).toBe('2021-06-01');
  const body = requests[0]!.body as {
    scriptActions: Array<{ name: string; uri: string; roles: string[]; parameters: string }>;
    persistOnSuccess: boolean;
  };
  expect(body.persistOnSuccess).toBe(false);
  expect(body.scriptActions).toHaveLength(1);
  const action = body.scriptActions[0]!;
  expect(action.roles).toEqual(['headnode']);
  expect(action.name).toMatch(/^submit-flink-[a-z0-9]+$/);
  const blobBase = azurite!.blobEndpoint.replace('{account}', STORAGE);
  expect(action.uri).toMatch(
    new RegExp(`^${blobBase}/submit-flink/${state.runId}/submit-flink-job\\.sh\\?.*sp=r.*&sig=`),
  );
  expect(fetchedScript).toBe(await readFile(submitScriptPath(), 'utf8'));
  const [jarUrl64, ...rest] = action.parameters.split(' ');
  const jarUrl = Buffer.from(jarUrl64!, 'base64').toString();
  expect(jarUrl).toMatch(
    new RegExp(`^${blobBase}/submit-flink/${state.runId}/streaming-at-scale-flink-job\\.jar\\?.*sp=r.*&sig=`),
  );
  expect(rest).toEqual([
    JOB_MAIN_CLASS,
    String(config.parallelism),
    `streaming-at-scale-${state.runId}`,
    ...jobArguments(config, '10.0.0.12:9092,10.0.0.13:9092'),
  ]);

  // The job, as Flink runs it, seen through the gateway with the Hadoop cluster's login.
  expect(submittedJobId).toBeDefined();
  expect(state.flinkJobId).toBe(submittedJobId);
  expect(state.flinkRestUrl).toBe(`${hadoopGateway!.url}/yarnui/hn/proxy/${applicationId}`);
  expect(hdinsightState(state).yarnApplicationId).toBe(applicationId);
  expect(state.kafkaBootstrapServers).toBe('10.0.0.12:9092,10.0.0.13:9092');
  const job = await flink.job(submittedJobId!);
  expect(job.state).toBe('RUNNING');
  const hadoopPaths = hadoopGateway!.requests.map((r) => r.path);
  expect(hadoopPaths).toContain(`/yarnui/ws/v1/cluster/apps/${applicationId}`);
  expect(hadoopPaths).toContain(`/yarnui/hn/proxy/${applicationId}/jobs/overview`);
  expect(hadoopPaths).toContain(`/yarnui/hn/proxy/${applicationId}/jobs/${submittedJobId}`);
  expect(hadoopGateway!.requests.every((r) => r.authorized)).toBe(true);
  expect(kafkaGateway!.requests.every((r) => r.authorized)).toBe(true);

  // Secrets: masked before any line could show them, and none in the saved state.
  const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
  expect(ctx.reporter.secrets).toEqual(
    expect.arrayContaining([
      KAFKA_PASSWORD,
      HADOOP_PASSWORD,
      basic(HADOOP_PASSWORD),
      azurite!.accountKey,
      jarUrl64,
      new URL(action.uri).search.slice(1),
    ]),
  );
  expect(ctx.reporter.leaks()).toEqual([]);
  const saved = await readFile(path.join(state.runDir, STATE_FILE), 'utf8');
  for (const secret of [KAFKA_PASSWORD, HADOOP_PASSWORD, azurite!.accountKey, 'sig=', jarUrl64!])
    expect(saved).not.toContain(secret);
  expect(JSON.parse(saved)).toMatchObject({ flinkJobId: submittedJobId, flinkRestUrl: state.flinkRestUrl });

  await flink.cancelJob(submittedJobId!);
}, 240_000);

test("a failed script action is a UserError with ARM's error and the script's stderr, also logged", async () => {
  const ctx = context();
  const state = await deployedRun();
  const stderr = [
    'flink run-application failed:',
    'org.apache.flink.client.deployment.ClusterDeploymentException: Could not deploy Yarn job cluster.',
    'Caused by: org.apache.flink.configuration.IllegalConfigurationException: The number of requested virtual cores per node 8 exceeds the maximum number of virtual cores 4 available in the Yarn Cluster.',
  ].join('\n');
  hdinsight.runScript = async () => [
    { host: HEAD_NODES[0]!, exitCode: 1, stdout: 'Submitting streaming-at-scale to YARN\n', stderr },
    idleHeadNode,
  ];

  const error = await submitFlinkHdinsight(ctx, state, clients, WAIT).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(UserError);
  const message = (error as Error).message;
  expect(message).toMatch(
    new RegExp(`^Script action submit-flink-[a-z0-9]+ on HDInsight cluster ${HADOOP} failed: ScriptExecutionFailed`),
  );
  expect(message).toContain(`${HEAD_NODES[0]} (FAILED, exit code 1)`);
  expect(message).toContain('Could not deploy Yarn job cluster.');
  expect(message).toContain('exceeds the maximum number of virtual cores 4');
  expect(ctx.reporter.lines.some((line) => line.includes('Could not deploy Yarn job cluster.'))).toBe(true);
  expect(ctx.reporter.leaks()).toEqual([]);
  expect(state.flinkJobId).toBeUndefined();
}, 120_000);

test("a YARN application that fails is a UserError with YARN's diagnostics", async () => {
  const ctx = context();
  const state = await deployedRun();
  const applicationId = 'application_1764146400000_0002';
  const diagnostics = `Application ${applicationId} failed 1 times due to AM Container for appattempt_1764146400000_0002_000001 exited with exitCode: 1`;
  hdinsight.runScript = async (_cluster, action) => {
    hadoopGateway!.applications.set(applicationId, {
      id: applicationId,
      name: action.parameters!.split(' ')[3]!,
      state: 'FAILED',
      finalStatus: 'FAILED',
      diagnostics,
    });
    return [
      { host: HEAD_NODES[0]!, exitCode: 0, stdout: `YARN application: ${applicationId}\n`, stderr: '' },
      idleHeadNode,
    ];
  };

  await expect(submitFlinkHdinsight(ctx, state, clients, WAIT)).rejects.toThrow(
    new UserError(
      `YARN application ${applicationId} (streaming-at-scale-${state.runId}) is FAILED (FAILED): ${diagnostics}. Its logs: yarn logs -applicationId ${applicationId} on a head node.`,
    ),
  );
  expect(hdinsightState(state).yarnApplicationId).toBe(applicationId);
}, 120_000);

describe('the topics, created by a script action on the Kafka cluster', () => {
  /**
   * HDInsight runs the script on each head node (test/helpers/head-node-script.ts runs it for real,
   * with kafka-topics.sh of the local Kafka). Two substitutions, the VNet and the cluster's size being
   * what only Azure has: the brokers' private addresses become the local broker, and the replication
   * factor (3 of 4 HDInsight workers) becomes 1, the local broker being alone.
   */
  beforeEach(async () => {
    const kafkaTopics = await kafkaTopicsTool(kafkaBroker!, workDir);
    hdinsight.runScript = async (cluster, action) => {
      expect(cluster.name).toBe(KAFKA);
      const [brokers, partitions, replication, ...topics] = action.parameters!.split(' ');
      expect(brokers).toBe('10.0.0.12:9092,10.0.0.13:9092');
      expect(replication).toBe('3');
      return runOnHeadNodes(action.uri, [kafkaBroker!.bootstrapServers, partitions!, '1', ...topics], HEAD_NODES, {
        STREAMING_AT_SCALE_KAFKA_TOPICS: kafkaTopics,
      });
    };
  });

  const partitionsOf = async () => {
    const admin = kafkaClient({ bootstrapServers: kafkaBroker!.bootstrapServers }, 'topics-test').admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['in', 'out'] });
      return Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
    } finally {
      await admin.disconnect();
    }
  };

  test("the tier's partitions on in and out (more added to existing topics), from hn0 only, idempotent", async () => {
    const ctx = { ...context(), config: { ...config, partitions: 4 } };
    const state = await deployedRun();
    await createHdinsightTopics(ctx, state, clients);
    expect(await partitionsOf()).toEqual({ in: 4, out: 4 });
    const request = arm!.requests.filter((r) => r.path.endsWith(`/clusters/${KAFKA}/executeScriptActions`)).at(-1)!;
    const body = request.body as { scriptActions: Array<{ roles: string[]; parameters: string }> };
    expect(body.scriptActions[0]!.roles).toEqual(['headnode']);
    expect(body.scriptActions[0]!.parameters).toBe('10.0.0.12:9092,10.0.0.13:9092 4 3 in out');
    expect(ctx.reporter.lines.join('\n')).toContain('Topic in: 4 partitions');
    expect(ctx.reporter.lines.join('\n')).toContain('hn1-sasben: nothing to do');
    // Again: nothing changes, nothing fails.
    await createHdinsightTopics(ctx, state, clients);
    expect(await partitionsOf()).toEqual({ in: 4, out: 4 });
    expect(ctx.reporter.leaks()).toEqual([]);
  }, 180_000);

  test('a topic with more partitions than the tier is an error naming the way out', async () => {
    const ctx = { ...context(), config: { ...config, partitions: 1 } };
    const state = await deployedRun();
    await expect(createHdinsightTopics(ctx, state, clients)).rejects.toThrow(
      /Topic in has 4 partitions, not 1: Kafka cannot remove partitions; delete the topic or use a new solution name/,
    );
  }, 180_000);
});
