/**
 * Platform hdinsight end to end, mode by mode as the reusable workflow's jobs call them (deploy,
 * submit-flink, load, measure, teardown, each on a fresh work-dir with only the run id passed on, so
 * each later stage rebuilds the run from Azure as on a fresh runner), with only Azure faked: GitHub OIDC,
 * Entra ID and ARM (resources, HDInsight, storage keys, container instances) are local fakes, the
 * storage account is Azurite, the clusters' HTTPS gateways are fake Ambari / YARN servers. What
 * Azure would run, the test runs for real with the command and environment our code asked for:
 * the job jar (fetched through the SAS URL of the script action) on a real local Flink, the
 * simulators and the measure agent (dist/simulator) as local processes, against a real local Kafka.
 * The report's figures are checked against Kafka's own end offsets and the simulators' own counts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { Admin } from 'kafkajs';
import { teardownAzureMode } from '../../src/azure/teardown.js';
import type { AzureDeps } from '../../src/azure/session.js';
import { parseConfig } from '../../src/config/config.js';
import type { Mode, RawInputs } from '../../src/config/inputs.js';
import type { Reporter } from '../../src/console/reporter.js';
import { INPUT_TOPIC, OUTPUT_TOPIC } from '../../src/flink/job-arguments.js';
import { FlinkRestClient } from '../../src/flink/rest-client.js';
import { kafkaClient } from '../../src/kafka/client.js';
import { CONTAINER_URL_ENV } from '../../src/measure/agent/args.js';
import { setRunOutputs } from '../../src/modes/run-outputs.js';
import { existingRun } from '../../src/modes/stages.js';
import { azurePlatform } from '../../src/platforms/azure/index.js';
import { submitScriptPath } from '../../src/platforms/hdinsight/submit.js';
import { startFlink, stopFlink, type FlinkCluster } from '../../src/platforms/local/flink.js';
import { startKafka, stopKafka, type KafkaInstance } from '../../src/platforms/local/kafka.js';
import type { ModeContext } from '../../src/platforms/platform.js';
import { publishReport } from '../../src/report/publish.js';
import type { BenchmarkReport, IntervalRow, LoadStats } from '../../src/report/schema.js';
import type { RunState } from '../../src/run-state/run-state.js';
import { parseStatsLine } from '../../simulator/src/stats-file.js';
import { maskingReporter, type MaskingReporter } from '../helpers/masking-reporter.js';
import { fakeContainerInstances, type FakeContainerInstances } from '../helpers/arm/containerinstance.js';
import { fakeHdinsight, type FakeHdinsight } from '../helpers/arm/hdinsight.js';
import { fakeStorage } from '../helpers/arm/storage.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';
import { fakeArmConnection } from '../helpers/azure-connection.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';
import { startFakeGateway, type FakeGateway } from '../helpers/hdinsight-gateway-server.js';
import { kafkaTopicsTool, runOnHeadNodes } from '../helpers/head-node-script.js';
import { runContainersLocally, type LocalContainer, type LocalContainers } from '../helpers/local-containers.js';

const SOLUTION = 'sasbench01';
const GROUP = `${SOLUTION}-rg`;
const KAFKA = `kafka${SOLUTION}`;
const HADOOP = `flink${SOLUTION}`;
const STORAGE = `${SOLUTION}storage`;
const MEASUREMENTS = 'measurements';
const IMAGE = 'ghcr.io/org/streaming-at-scale-simulator:0.1.0';
const APPLICATION_ID = 'application_1764146400000_0001';
/** Tier 1 (1,000 events/s) shared by two simulator instances; one minute, a row every 15 s. */
const INPUTS: RawInputs = {
  platform: 'hdinsight',
  'solution-name': SOLUTION,
  tier: '1',
  'simulator-instances': '2',
  minutes: '1',
  'interval-seconds': '15',
  'simulator-image': IMAGE,
};
/** The brokers' private VNet addresses, as the fake Ambari lists them. */
const PRIVATE_BROKERS = '10.0.0.12:9092,10.0.0.13:9092';
/** How late after a row's planned end the agent's sample may be taken (timer and request latency). */
const SAMPLE_SLACK_MS = 3_000;

let oidc: GitHubOidcServer | undefined;
let arm: FakeArm | undefined;
let azurite: Azurite | undefined;
let kafkaGateway: FakeGateway | undefined;
let hadoopGateway: FakeGateway | undefined;
let flinkCluster: FlinkCluster | undefined;
let broker: KafkaInstance | undefined;
let truthAdmin: Admin | undefined;
let hdinsight: FakeHdinsight;
let aci: FakeContainerInstances;
let containers: LocalContainers | undefined;
/** The measure agent's container, and the local Kafka's offsets read while it runs. */
let agent: LocalContainer | undefined;
let tape: ReturnType<typeof offsetTape> | undefined;
let workDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-e2e-hdinsight-'));
  // allSettled: whatever started is recorded (and stopped in afterAll) even when something else fails.
  const light = await Promise.allSettled([
    startGitHubOidcServer().then(async (server) => {
      oidc = server;
      arm = await startFakeArm(server);
    }),
    startAzurite(STORAGE).then((a) => void (azurite = a)),
    // The gateway logins are set once deploy has chosen them.
    startFakeGateway({ clusterName: KAFKA, userName: 'admin', password: 'not-deployed' }).then(
      (g) => void (kafkaGateway = g),
    ),
    startFakeGateway({ clusterName: HADOOP, userName: 'admin', password: 'not-deployed' }).then(
      (g) => void (hadoopGateway = g),
    ),
  ]);
  for (const result of light) if (result.status === 'rejected') throw result.reason;
  const local = await Promise.allSettled([
    startFlink({ runDir: path.join(workDir, 'local') }).then((f) => void (flinkCluster = f)),
    // Topics: none, as on a new HDInsight Kafka cluster (auto-creation off): deploy creates them.
    startKafka({
      runDir: path.join(workDir, 'local'),
    }).then((k) => void (broker = k)),
  ]);
  for (const result of local) if (result.status === 'rejected') throw result.reason;
  truthAdmin = kafkaClient({ bootstrapServers: broker!.bootstrapServers }, 'e2e-ground-truth').admin();
  await truthAdmin.connect();

  hdinsight = fakeHdinsight();
  aci = fakeContainerInstances();
  arm!.providers.push(hdinsight.route, fakeStorageWithAzurite().route, aci.route);
  kafkaGateway!.brokers = [
    { hostName: 'wn1-sasben.internal.cloudapp.net', ip: '10.0.0.13' },
    { hostName: 'wn0-sasben.internal.cloudapp.net', ip: '10.0.0.12' },
  ];
  // The one substitution: the brokers' private addresses exist only in Azure's VNet, so what runs
  // "inside" it (Flink, the simulators, the measure agent) is given the local broker instead.
  containers = runContainersLocally(aci, withLocalBrokers, (container) => {
    if (container.group.request.tags?.role !== 'measure-agent') return;
    agent = container;
    tape = offsetTape();
  });

  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc!.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc!.requestToken;
}, 240_000);

afterAll(async () => {
  process.env = savedEnv;
  await containers?.stopAll();
  await tape?.stopAfter(0);
  await truthAdmin?.disconnect().catch(() => undefined);
  await Promise.allSettled([
    flinkCluster && stopFlink(flinkCluster),
    broker && stopKafka(broker),
    azurite?.stop(),
    kafkaGateway?.close(),
    hadoopGateway?.close(),
    arm?.close(),
  ]);
  await oidc?.close();
  await rm(workDir, { recursive: true, force: true });
}, 120_000);

function fakeStorageWithAzurite() {
  const storage = fakeStorage();
  storage.addAccount(GROUP, STORAGE, azurite!.accountKey);
  return storage;
}

/** The command with the brokers' private addresses replaced by the local broker's (checked first). */
function withLocalBrokers(command: string[]): string[] {
  return command.map((word, index) => {
    if (command[index - 1] !== '--bootstrap-servers') return word;
    expect(word).toBe(PRIVATE_BROKERS);
    return broker!.bootstrapServers;
  });
}

/** The mode's reporter also gets the sign-in preflight's lines (and masks the ID token). */
function deps(reporter: Reporter): AzureDeps {
  return {
    reporter,
    env: { ...process.env, GITHUB_ACTOR: 'octocat', GITHUB_REPOSITORY: 'org/repo', GITHUB_RUN_ID: '42' },
    // Polls every half second: the machine also runs Kafka, Flink, the simulators and the agent.
    connection: { ...fakeArmConnection(arm!, azurite!.blobEndpoint), pollIntervalMs: 500 },
    now: () => new Date(),
  };
}

const reporters: MaskingReporter[] = [];

let jobs = 0;

/**
 * One mode's context, as a job of the reusable workflow gets it: the run id from deploy's output
 * and, after deploy, a work-dir of its own (a fresh runner: no run state from the jobs before).
 */
function context(mode: Mode, runId?: string): ModeContext & { reporter: MaskingReporter } {
  const config = parseConfig(
    {
      mode,
      ...INPUTS,
      'client-id': arm!.clientId,
      'tenant-id': arm!.tenantId,
      'subscription-id': arm!.subscriptionId,
      'work-dir': mode === 'deploy' ? workDir : path.join(workDir, `job-${++jobs}-${mode}`),
      'report-file': path.join(workDir, 'report.json'),
      ...(runId ? { 'run-id': runId } : {}),
    },
    {},
  );
  const reporter = maskingReporter();
  reporters.push(reporter);
  return { config, reporter, signal: new AbortController().signal };
}

/** What src/modes/stages.ts does for a mode after deploy, on this platform with the fakes' deps. */
async function onRun(mode: Mode, runId: string, stage: (ctx: ModeContext, run: RunState) => Promise<void>) {
  const ctx = context(mode, runId);
  const run = await existingRun(ctx, platform(ctx));
  // Rebuilt from Azure: this job's work-dir held no state of the run.
  expect(ctx.reporter.lines).toContain(`Run ${runId} rebuilt from Azure; saved to ${run.runDir}.`);
  await stage(ctx, run);
  setRunOutputs(ctx.reporter, run);
  return { ctx, run };
}

const platform = (ctx: ModeContext) => azurePlatform('hdinsight', deps(ctx.reporter));

async function endOffsets(): Promise<{ in: number; out: number }> {
  const sum = async (topic: string) =>
    (await truthAdmin!.fetchTopicOffsets(topic)).reduce((total, p) => total + Number(p.high), 0);
  return { in: await sum(INPUT_TOPIC), out: await sum(OUTPUT_TOPIC) };
}

/** The local Kafka's end offsets, read every 250 ms, each with when its request went out and came back. */
function offsetTape() {
  const entries: Array<{ sent: number; received: number; in: number; out: number }> = [];
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      const sent = Date.now();
      const offsets = await endOffsets();
      entries.push({ sent, received: Date.now(), ...offsets });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    entries,
    /** Keeps reading until an entry was sent at or after `at`, then stops. */
    stopAfter: async (at: number) => {
      while (!entries.some((entry) => entry.sent >= at)) await new Promise((resolve) => setTimeout(resolve, 250));
      stopped = true;
      await running;
    },
    /** The topic's end offset surely reached by time `at` (read back before it). */
    atLeast: (at: number, topic: 'in' | 'out') => entries.filter((e) => e.received <= at).at(-1)?.[topic] ?? 0,
    /** The end offset surely not exceeded by time `at` (a read sent after it). */
    atMost: (at: number, topic: 'in' | 'out') => entries.find((e) => e.sent >= at)![topic],
  };
}

function finalStats(container: LocalContainer): LoadStats {
  const line = container.log.split('\n').find((l) => l.startsWith('Finished: '));
  expect(line).toBeDefined();
  const { sent, acknowledged, errors, shortfall } = parseStatsLine(line!)!;
  return { sent, acknowledged, errors, shortfall };
}

test('deploy, submit-flink, load, measure and teardown on hdinsight, as separate modes', async () => {
  const secrets: string[] = [azurite!.accountKey];

  // ---- deploy: the ARM deployment's outputs point at the fakes, as Azure's would at the real services.
  const subnetId = `/subscriptions/${arm!.subscriptionId}/resourceGroups/${GROUP}/providers/Microsoft.Network/virtualNetworks/${SOLUTION}-vnet/subnets/simulators`;
  arm!.outputs = {
    kafkaClusterName: KAFKA,
    kafkaGatewayUrl: kafkaGateway!.url,
    flinkClusterName: HADOOP,
    hadoopGatewayUrl: hadoopGateway!.url,
    clusterLoginUserName: 'admin',
    storageAccountName: STORAGE,
    measurementsContainer: MEASUREMENTS,
    simulatorsSubnetId: subnetId,
  };
  // What the deployment creates in Azure: both clusters with the login deploy chose, the
  // measurements container, the delegated simulators subnet.
  arm!.onDeployment = (_group, parameters) => {
    const login = String(parameters.clusterLoginPassword);
    for (const [name, kind, gateway] of [
      [KAFKA, 'kafka', kafkaGateway!],
      [HADOOP, 'hadoop', hadoopGateway!],
    ] as const) {
      hdinsight.addCluster({ name, resourceGroup: GROUP, kind, gatewayUserName: 'admin', gatewayPassword: login });
      gateway.password = login;
    }
  };
  await new BlobServiceClient(
    azurite!.blobEndpoint.replace('{account}', STORAGE),
    new StorageSharedKeyCredential(STORAGE, azurite!.accountKey),
  )
    .getContainerClient(MEASUREMENTS)
    .create();
  aci.subnets.set(subnetId, { delegated: true });
  // The Kafka cluster's head nodes run deploy's topic script for real against the local broker
  // (the replication factor too is the cluster's: 3 of 4 workers; 1 for the lone local broker).
  const kafkaTopics = await kafkaTopicsTool(broker!, workDir);
  hdinsight.runScript = async (cluster, action) => {
    expect(cluster.name).toBe(KAFKA);
    const [brokers, partitions, , ...topics] = action.parameters!.split(' ');
    expect(brokers).toBe(PRIVATE_BROKERS);
    secrets.push(new URL(action.uri).searchParams.get('sig')!);
    return runOnHeadNodes(action.uri, [broker!.bootstrapServers, partitions!, '1', ...topics], cluster.headNodes, {
      STREAMING_AT_SCALE_KAFKA_TOPICS: kafkaTopics,
    });
  };

  const deployCtx = context('deploy');
  const deployed = await platform(deployCtx).deploy(deployCtx);
  setRunOutputs(deployCtx.reporter, deployed);
  const runId = deployCtx.reporter.lines.find((l) => l.startsWith('output run-id='))!.slice('output run-id='.length);
  expect(runId).toBe(deployed.runId);
  const deployment = arm!.requests.find((r) => r.method === 'PUT' && /\/deployments\/streaming-at-scale-/.test(r.path))!
    .body as { properties: { parameters: Record<string, { value: string }> } };
  const { clusterLoginPassword, sshPassword, flinkPlatform } = Object.fromEntries(
    Object.entries(deployment.properties.parameters).map(([name, p]) => [name, p.value]),
  );
  expect(flinkPlatform).toBe('hdinsight');
  secrets.push(clusterLoginPassword!, sshPassword!);
  secrets.push(`Basic ${Buffer.from(`admin:${clusterLoginPassword}`).toString('base64')}`);
  const { topics } = await truthAdmin!.fetchTopicMetadata({ topics: [INPUT_TOPIC, OUTPUT_TOPIC] });
  expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
    [INPUT_TOPIC, deployCtx.config.partitions],
    [OUTPUT_TOPIC, deployCtx.config.partitions],
  ]);

  // ---- submit-flink: the test plays the Hadoop cluster's head nodes and YARN.
  const flink = new FlinkRestClient(flinkCluster!.restUrl);
  let jobId: string | undefined;
  hdinsight.runScript = async (cluster, action) => {
    expect(cluster.name).toBe(HADOOP);
    const [jarUrl64, entryClass, parallelism, applicationName, ...jobArgs] = action.parameters!.split(' ');
    const jarUrl = Buffer.from(jarUrl64!, 'base64').toString();
    secrets.push(jarUrl64!, new URL(jarUrl).searchParams.get('sig')!, new URL(action.uri).searchParams.get('sig')!);
    expect(await (await fetch(action.uri)).text()).toBe(await readFile(submitScriptPath(), 'utf8'));
    const jar = path.join(workDir, 'fetched-job.jar');
    await writeFile(jar, Buffer.from(await (await fetch(jarUrl)).arrayBuffer()));
    // YARN starting the application: the same jar, entry class, parallelism and job arguments on
    // the local Flink, with the local broker for the VNet's.
    jobId = await flink.runJar(await flink.uploadJar(jar), {
      entryClass,
      programArgs: withLocalBrokers(jobArgs),
      parallelism: Number(parallelism),
    });
    const app = { id: APPLICATION_ID, name: applicationName!, state: 'ACCEPTED' as const };
    hadoopGateway!.applications.set(APPLICATION_ID, { ...app, finalStatus: 'UNDEFINED', diagnostics: '' });
    // The application master's web server (Flink's REST API) comes up a moment later.
    setTimeout(
      () =>
        Object.assign(hadoopGateway!.applications.get(APPLICATION_ID)!, {
          state: 'RUNNING',
          webUrl: flinkCluster!.restUrl,
        }),
      1_000,
    );
    return cluster.headNodes.map((host, index) => ({
      host,
      exitCode: 0,
      stdout: index === 0 ? `YARN application: ${APPLICATION_ID}\n` : 'nothing to do (hn0 submits)\n',
      stderr: '',
    }));
  };
  const { run: submitted } = await onRun('submit-flink', runId, (ctx, run) => platform(ctx).submitFlink(ctx, run));
  expect(jobId).toBeDefined();
  expect(submitted.flinkJobId).toBe(jobId);
  expect(submitted.flinkRestUrl).toBe(`${hadoopGateway!.url}/yarnui/hn/proxy/${APPLICATION_ID}`);
  expect((await flink.job(jobId!)).state).toBe('RUNNING');

  // ---- load: two container instances run the simulator CLI; load returns once events flow.
  const before = await endOffsets();
  expect(before).toEqual({ in: 0, out: 0 });
  const { ctx: loadCtx } = await onRun('load', runId, (ctx, run) =>
    platform(ctx).load(ctx, run, ctx.config.minutes * 60),
  );
  const simulators = [...containers!.started];
  expect(simulators).toHaveLength(2);
  for (const [index, simulator] of simulators.entries()) {
    expect(simulator.requested.slice(0, 2)).toEqual(['node', '/app/dist/simulator/index.js']);
    expect(simulator.requested.join(' ')).toContain(
      `--events-per-second 1000 --instance-index ${index} --instance-count 2 --duration-seconds 60`,
    );
  }
  expect(loadCtx.reporter.lines).toContain(`Events are flowing into topic ${INPUT_TOPIC}.`);
  // Returned while the load runs (it lasts a minute), with events already in Kafka.
  expect(simulators.every((c) => c.exitCode === undefined)).toBe(true);
  expect((await endOffsets()).in).toBeGreaterThan(0);

  // ---- measure: the agent is a third container; the test reads Kafka's offsets alongside it.
  const hadoopRequestsBefore = hadoopGateway!.requests.length;
  const { ctx: measureCtx } = await onRun('measure', runId, async (ctx, run) => {
    const report = await platform(ctx).measure(ctx, run);
    await publishReport(ctx, run, report).catch((error: unknown) => {
      // A one-minute load on a busy 2-core machine may miss the gate: the report stands regardless.
      if (!/^Performance gate failed/.test((error as Error).message)) throw error;
    });
  });
  const report = JSON.parse(await readFile(path.join(workDir, 'report.json'), 'utf8')) as BenchmarkReport;

  expect(agent).toBeDefined();
  expect(agent!.requested.slice(0, 3)).toEqual(['node', '/app/dist/simulator/index.js', 'measure-agent']);
  const containerUrl = agent!.env[CONTAINER_URL_ENV]!;
  expect(containerUrl.startsWith(`${azurite!.blobEndpoint.replace('{account}', STORAGE)}/${MEASUREMENTS}?`)).toBe(true);
  secrets.push(new URL(containerUrl).search.slice(1), new URL(containerUrl).searchParams.get('sig')!);
  await agent!.exited;
  expect({ exitCode: agent!.exitCode, log: agent!.log }).toEqual({ exitCode: 0, log: expect.any(String) });

  // Per-row counts against Kafka's own end offsets around each row's bounds.
  const rows: IntervalRow[] = report.rows;
  expect(rows).toHaveLength(4);
  const windowStart = Date.parse(report.startedAt);
  expect(rows[0]!.start).toBe(report.startedAt);
  const lastEnd = Date.parse(rows.at(-1)!.end);
  await tape!.stopAfter(lastEnd + SAMPLE_SLACK_MS);
  const truth = tape!;
  for (const topic of ['in', 'out'] as const) {
    const count = (row: IntervalRow) => (topic === 'in' ? row.inRecords : row.outRecords)!;
    for (const row of rows) {
      const [start, end] = [Date.parse(row.start), Date.parse(row.end)];
      // The agent samples at (or just after) each bound: its count lies between these.
      expect(count(row)).toBeGreaterThanOrEqual(
        truth.atLeast(end, topic) - truth.atMost(start + SAMPLE_SLACK_MS, topic),
      );
      expect(count(row)).toBeLessThanOrEqual(truth.atMost(end + SAMPLE_SLACK_MS, topic) - truth.atLeast(start, topic));
    }
    const sum = rows.reduce((total, row) => total + count(row), 0);
    expect(sum).toBeGreaterThanOrEqual(
      truth.atLeast(lastEnd, topic) - truth.atMost(windowStart + SAMPLE_SLACK_MS, topic),
    );
    expect(sum).toBeLessThanOrEqual(truth.atMost(lastEnd + SAMPLE_SLACK_MS, topic) - truth.atLeast(windowStart, topic));
    expect(sum).toBeGreaterThan(10_000); // most of a minute at 1,000 events/s flowed through the window
  }
  expect(rows.filter((row) => row.latencyMs !== null).length).toBeGreaterThanOrEqual(2);
  expect(rows.find((row) => row.latencyMs)!.latencyMs!.processed.p99).toBeGreaterThan(0);
  // Flink's figures came through the Hadoop gateway's YARN proxy, with the gateway login.
  expect(rows.some((row) => (row.flink?.recordsInPerSecond ?? 0) > 0)).toBe(true);
  const proxied = hadoopGateway!.requests.slice(hadoopRequestsBefore);
  expect(proxied.some((r) => r.path.startsWith(`/yarnui/hn/proxy/${APPLICATION_ID}/jobs/${jobId}`))).toBe(true);
  expect(hadoopGateway!.requests.every((r) => r.authorized)).toBe(true);
  // The origin's broker table came from Ambari on the Kafka cluster's gateway.
  expect(kafkaGateway!.requests.some((r) => r.path.includes('BrokerTopicMetrics'))).toBe(true);

  // The load's figures are the simulators' own final counts, which Kafka confirms.
  expect(simulators.every((c) => c.exitCode === 0)).toBe(true);
  const finals = simulators.map(finalStats);
  const total = finals.reduce(
    (sum, s) => ({
      sent: sum.sent + s.sent,
      acknowledged: sum.acknowledged + s.acknowledged,
      errors: sum.errors + s.errors,
      shortfall: sum.shortfall + s.shortfall,
    }),
    { sent: 0, acknowledged: 0, errors: 0, shortfall: 0 },
  );
  expect(report.load).toEqual(total);
  expect(total.acknowledged).toBe((await endOffsets()).in);
  expect(total.errors).toBe(0);

  // The agent's group is gone; nothing it or the simulators ran is left.
  expect([...aci.groups.values()].filter((g) => g.name.startsWith('measure-agent-'))).toEqual([]);
  expect(measureCtx.reporter.lines.some((l) => l.includes('Container group measure-agent-'))).toBe(true);
  expect(containers!.running()).toEqual([]);

  // ---- teardown: the resource group goes, and with it (as on Azure) the Hadoop cluster's job.
  const teardownCtx = context('teardown', runId);
  await teardownAzureMode(teardownCtx, deps(teardownCtx.reporter));
  expect(arm!.groups.has(GROUP)).toBe(false);
  expect(teardownCtx.reporter.lines).toContain(`Resource group ${GROUP} deleted.`);
  await flink.cancelJob(jobId!);

  // ---- a later stage of a run whose group is gone, or holds another run (a later deploy of the same
  // solution-name replaced it): refused before anything runs, saying what was found.
  const gone = context('measure', runId);
  await expect(existingRun(gone, platform(gone))).rejects.toThrow(
    `Run '${runId}' has no state on this machine, and its resource group ${GROUP} does not exist in subscription ${arm!.subscriptionId}: run 'deploy' first with the same solution-name ('${SOLUTION}') and pass its run-id to the later stages.`,
  );
  const other = '20300101-000000-beef';
  arm!.groups.set(GROUP, {
    name: GROUP,
    location: 'eastus',
    tags: { 'streaming-at-scale': 'true', 'solution-name': SOLUTION, 'run-id': other },
    state: 'Succeeded',
  });
  const replaced = context('load', runId);
  await expect(existingRun(replaced, platform(replaced))).rejects.toThrow(
    `Resource group ${GROUP} holds run '${other}' (its 'run-id' tag), not run '${runId}'`,
  );
  arm!.groups.delete(GROUP);

  // No secret in any mode's log, nor in what the containers printed.
  const everything = [...reporters.flatMap((r) => r.lines), ...containers!.started.map((c) => c.log)].join('\n');
  for (const secret of secrets) expect(everything.includes(secret) ? secret : 'absent').toBe('absent');
  for (const reporter of reporters) expect(reporter.leaks()).toEqual([]);
}, 600_000);
