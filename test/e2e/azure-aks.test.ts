/**
 * Platform aks end to end, the modes as separate calls with the run id (as the reusable workflow's
 * jobs call them): deploy, submit-flink, load, measure, teardown, each later one on a fresh work-dir
 * (a fresh runner: it rebuilds the run from Azure, as only the run id passes between the jobs). Only Azure and Kubernetes are
 * faked (ARM + Entra ID + OIDC, AKS and storage providers, the Kafka cluster's Ambari gateway, a
 * helm-capable Kubernetes API server); Azurite is the storage account, and everything our code
 * launches really runs: the real helm, and where the cluster would start a pod, this test plays
 * the kubelet and runs that pod's real command locally with the args and environment read from the
 * object our code created (the job jar fetched from the release's Secret and run on a real local
 * Flink; `node dist/simulator/index.js` for the load's and the measure agent's pods).
 *
 * The modes run through azurePlatform('aks', deps) as src/modes/stages.ts runs them (runMode's
 * default deps would need the fakes' CA trusted from the process's start).
 *
 * What only Azure has is substituted, and nothing else: the brokers' private VNet addresses (from
 * the fake Ambari) become the local broker's address in what the pods and head nodes run; deploy's
 * topic replication factor (the cluster's size) becomes 1; Azurite's test certificate is trusted
 * as Azure's public one would be.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { Admin } from 'kafkajs';
import type { AzureDeps } from '../../src/azure/session.js';
import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { INPUT_TOPIC, OUTPUT_TOPIC } from '../../src/flink/job-arguments.js';
import { FlinkRestClient } from '../../src/flink/rest-client.js';
import { kafkaClient } from '../../src/kafka/client.js';
import { HELM_ENV } from '../../src/kubernetes/helm.js';
import { readFile } from 'node:fs/promises';
import { MaxDurationReachedError } from '../../src/modes/max-duration.js';
import { setRunOutputs } from '../../src/modes/run-outputs.js';
import { existingRun, loadOn, measureOn, submitFlinkOn } from '../../src/modes/stages.js';
import { AKS_NAMESPACE, aksReleases } from '../../src/platforms/aks/cluster.js';
import { azurePlatform } from '../../src/platforms/azure/index.js';
import { startFlink, stopFlink, type FlinkCluster } from '../../src/platforms/local/flink.js';
import { startKafka, stopKafka, type KafkaInstance } from '../../src/platforms/local/kafka.js';
import type { ModeContext } from '../../src/platforms/platform.js';
import { publishReport } from '../../src/report/publish.js';
import type { BenchmarkReport } from '../../src/report/schema.js';
import { loadRun, saveRun, type RunState } from '../../src/run-state/run-state.js';
import { parseStatsLine } from '../../simulator/src/stats-file.js';
import { maskingReporter, type MaskingReporter } from '../helpers/masking-reporter.js';
import { fakeAks } from '../helpers/arm/aks.js';
import { fakeHdinsight } from '../helpers/arm/hdinsight.js';
import { fakeStorage } from '../helpers/arm/storage.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';
import { fakeArmConnection } from '../helpers/azure-connection.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';
import { startFakeGateway, type FakeGateway } from '../helpers/hdinsight-gateway-server.js';
import { startFakeKubeApi, type FakeKubeApi, type KubeObject, type WriteEvent } from '../helpers/kube-api-server.js';
import { kafkaTopicsTool, runOnHeadNodes } from '../helpers/head-node-script.js';
import { containerEnv, markDeploymentReady, podContainer, type Workload } from '../helpers/kubelet.js';
import { REPO_ROOT } from '../helpers/processes.js';

const SOLUTION = 'sasaks01';
const GROUP = `${SOLUTION}-rg`;
const KAFKA = `kafka${SOLUTION}`;
const AKS = `${SOLUTION}aks`;
const STORAGE = `${SOLUTION}storage`;
const MEASUREMENTS = 'measurements';
const GATEWAY_PASSWORD = 'Gw!9-random-kafka-gateway-password';
const PRIVATE_BROKERS = '10.0.0.12:9092,10.0.0.13:9092';
const RATE = 500; // events/s: a custom tier (one partition, parallelism 1), light on a 2-core machine
const SIMULATOR = path.join(REPO_ROOT, 'dist', 'simulator', 'index.js');
const SIMULATOR_IMAGE = 'ghcr.io/org/streaming-at-scale-simulator:0.1.0';

let oidc: GitHubOidcServer | undefined;
let arm: FakeArm | undefined;
let azurite: Azurite | undefined;
let gateway: FakeGateway | undefined;
let kube: FakeKubeApi | undefined;
let flink: FlinkCluster | undefined;
let kafka: KafkaInstance | undefined;
let admin: Admin | undefined;
let workDir: string;
let deps: AzureDeps;
let runId: string;
const savedEnv = { ...process.env };
const defaultCas = tls.getCACertificates('default');

/** Pods the test runs as the kubelet: by Job name, with everything they printed. */
const pods: Array<{
  job: string;
  index: number;
  env: Record<string, string>;
  child: ChildProcess;
  log: string[];
  exit: Promise<number | null>;
}> = [];
/** Failures inside the kubelet's callbacks (they run outside any test's await). */
const kubeletErrors: unknown[] = [];
const kubeletWork: Array<Promise<void>> = [];
let submittedJobId: string | undefined;
let fetchedJar: Buffer | undefined;
let jobManagerArgs: string[] | undefined;
/** The SAS URLs our code handed out (script, jar, measurements container): secrets, checked against every log. */
const sasUrls: Record<string, string> = {};
/** Every line the modes printed. */
const everyLine: string[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-e2e-aks-'));
  const helm = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'tools', 'install-helm.sh')], {
    encoding: 'utf8',
  }).trim();
  Object.assign(process.env, {
    [HELM_ENV]: helm,
    HELM_CACHE_HOME: path.join(workDir, 'helm', 'cache'),
    HELM_CONFIG_HOME: path.join(workDir, 'helm', 'config'),
    HELM_DATA_HOME: path.join(workDir, 'helm', 'data'),
  });
  // allSettled: whatever started is recorded (and stopped in afterAll) even when something else fails.
  const light = await Promise.allSettled([
    startGitHubOidcServer().then(async (server) => {
      oidc = server;
      arm = await startFakeArm(server);
    }),
    // Over HTTPS, as Azure's Blob endpoints: the charts accept only https SAS URLs.
    startAzurite(STORAGE, { https: true }).then((a) => void (azurite = a)),
    startFakeGateway({ clusterName: KAFKA, userName: 'admin', password: GATEWAY_PASSWORD }).then(
      (g) => void (gateway = g),
    ),
    startFakeKubeApi().then((k) => void (kube = k)),
  ]);
  for (const result of light) if (result.status === 'rejected') throw result.reason;
  // Azure's certificates are publicly trusted; Azurite's is this test's own: trusted by this process
  // (and by the pods, through NODE_EXTRA_CA_CERTS) as the public roots are.
  tls.setDefaultCACertificates([...defaultCas, azurite!.ca!.pem]);
  // What the deployment creates in the storage account (bicep/modules/storage.bicep), ARM's part.
  await new BlobServiceClient(
    azurite!.blobEndpoint.replace('{account}', STORAGE),
    new StorageSharedKeyCredential(STORAGE, azurite!.accountKey),
  )
    .getContainerClient(MEASUREMENTS)
    .create();
  const local = await Promise.allSettled([
    startFlink({ runDir: path.join(workDir, 'local'), taskSlots: 2 }).then((f) => void (flink = f)),
    // No topics: HDInsight Kafka has auto-creation off, and deploy creates them (a script action).
    startKafka({
      runDir: path.join(workDir, 'local'),
      heap: '512m',
    }).then((k) => void (kafka = k)),
  ]);
  for (const result of local) if (result.status === 'rejected') throw result.reason;
  admin = kafkaClient({ bootstrapServers: kafka!.bootstrapServers }, 'e2e-aks-ground-truth').admin();
  await admin.connect();

  const aks = fakeAks();
  aks.add(GROUP, AKS, kube!.kubeconfig('both'));
  const storage = fakeStorage();
  storage.addAccount(GROUP, STORAGE, azurite!.accountKey);
  const hdinsight = fakeHdinsight();
  hdinsight.addCluster({
    name: KAFKA,
    resourceGroup: GROUP,
    kind: 'kafka',
    gatewayUserName: 'admin',
    gatewayPassword: GATEWAY_PASSWORD,
  });
  // The Kafka cluster's head nodes run deploy's script action for real (create-topics.sh with the
  // local Kafka's kafka-topics.sh). Besides the VNet, the cluster's size is Azure's alone: the
  // replication factor (3 of 4 workers) becomes 1, the local broker being alone.
  const kafkaTopics = await kafkaTopicsTool(kafka!, workDir);
  hdinsight.runScript = async (cluster, action) => {
    expect(cluster.name).toBe(KAFKA);
    const [brokers, partitions, replication, ...topics] = action.parameters!.split(' ');
    expect([brokers, replication]).toEqual([PRIVATE_BROKERS, '3']);
    sasUrls.topicsScript = action.uri;
    const args = [kafka!.bootstrapServers, partitions!, '1', ...topics];
    return runOnHeadNodes(action.uri, args, cluster.headNodes, { STREAMING_AT_SCALE_KAFKA_TOPICS: kafkaTopics });
  };
  arm!.providers.push(aks.route, storage.route, hdinsight.route);
  arm!.outputs = {
    kafkaClusterName: KAFKA,
    kafkaGatewayUrl: gateway!.url,
    clusterLoginUserName: 'admin',
    flinkClusterName: AKS,
    storageAccountName: STORAGE,
    measurementsContainer: MEASUREMENTS,
  };
  gateway!.brokers = PRIVATE_BROKERS.split(',').map((address, n) => ({
    hostName: `wn${n}-${SOLUTION}.internal.cloudapp.net`,
    ip: address.split(':')[0]!,
    rates: { messagesIn: 2 * RATE, bytesIn: 2 * RATE * 700, bytesOut: RATE * 700 },
  }));
  kube!.onWrite.push(kubelet);
  kube!.onDelete.push(stopPods);

  // core.getIDToken reads these from the process environment, as on a runner.
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc!.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc!.requestToken;
  deps = {
    env: { ...process.env, GITHUB_ACTOR: 'octocat', GITHUB_REPOSITORY: 'org/repo', GITHUB_RUN_ID: '42' },
    connection: fakeArmConnection(arm!, azurite!.blobEndpoint),
    now: () => new Date(),
  };
}, 240_000);

afterAll(async () => {
  for (const pod of pods) pod.child.kill('SIGKILL');
  await Promise.allSettled(pods.map((pod) => pod.exit));
  await admin?.disconnect().catch(() => undefined);
  await Promise.allSettled([
    flink && stopFlink(flink),
    kafka && stopKafka(kafka),
    azurite?.stop(),
    gateway?.close(),
    kube?.close(),
    arm?.close(),
  ]);
  await oidc?.close();
  process.env = savedEnv;
  tls.setDefaultCACertificates(defaultCas);
  await rm(workDir, { recursive: true, force: true });
}, 60_000);

// ---------------------------------------------------------------- the kubelet

/** The one substitution: the brokers' VNet addresses exist only in Azure; the pods use the local broker. */
function inVnet(args: string[]): string[] {
  return args.map((arg, i) => {
    if (args[i - 1] !== '--bootstrap-servers') return arg;
    expect(arg).toBe(PRIVATE_BROKERS); // what our code read from Ambari
    return kafka!.bootstrapServers;
  });
}

function kubelet(event: WriteEvent, cluster: FakeKubeApi): void {
  const object = event.object as Workload;
  const namespace = object.metadata.namespace!;
  const releases = aksReleases(runId);
  if (object.kind === 'Deployment') {
    markDeploymentReady(object, cluster);
    if (event.type === 'ADDED' && object.metadata.name === `${releases.flink}-jobmanager`)
      track(startJobManager(object, cluster));
  }
  if (object.kind === 'Job' && event.type === 'ADDED') {
    const container = object.spec.template.spec.containers[0]!;
    const env = containerEnv(container, namespace, cluster);
    for (let index = 0; index < (object.spec.completions ?? 1); index++) {
      const args = (container.args ?? []).map((arg) => arg.replace('$(JOB_COMPLETION_INDEX)', String(index)));
      runPod(object.metadata.name, index, inVnet(args), env);
    }
  }
}

function track(work: Promise<void>): void {
  kubeletWork.push(work.catch((error: unknown) => void kubeletErrors.push(error)));
}

/**
 * The JobManager pod of the flink-job release in Application mode: its init container fetches the
 * jar through the SAS URL in the release's Secret, then the job runs with the container's args.
 * Here the same jar, entry class and arguments go to the local Flink, and the release's Service
 * port `rest` proxies to it.
 */
async function startJobManager(deployment: Workload, cluster: FakeKubeApi): Promise<void> {
  const namespace = deployment.metadata.namespace!;
  const { JOB_JAR_URL: jarUrl } = containerEnv(podContainer(deployment, 'fetch-job-jar'), namespace, cluster);
  const response = await fetch(jarUrl!);
  expect(response.status).toBe(200);
  fetchedJar = Buffer.from(await response.arrayBuffer());
  const jar = path.join(workDir, 'fetched-job.jar');
  await writeFile(jar, fetchedJar);

  const args = podContainer(deployment, 'jobmanager').args!;
  jobManagerArgs = args;
  const entryClass = args[args.indexOf('--job-classname') + 1]!;
  const config = String(
    (cluster.get('ConfigMap', namespace, `${aksReleases(runId).flink}-config`)?.data as Record<string, string>)[
      'config.yaml'
    ],
  );
  const parallelism = Number(/parallelism\.default: (\d+)/.exec(config)?.[1]);
  const rest = new FlinkRestClient(flink!.restUrl);
  submittedJobId = await rest.runJar(await rest.uploadJar(jar), {
    entryClass,
    programArgs: inVnet(args.slice(args.indexOf('--') + 1)),
    parallelism,
  });
  cluster.serviceTargets.set(`${namespace}/${deployment.metadata.name}:rest`, flink!.restUrl);
}

/** One pod of a Job: the image's entrypoint (node dist/simulator/index.js) with the container's args and env. */
function runPod(job: string, index: number, args: string[], env: Record<string, string>): void {
  const child = spawn(process.execPath, [SIMULATOR, ...args], {
    env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: azurite!.ca!.file, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  pods.push({ job, index, env, child, log, exit });
}

/** A deleted Job's pods get SIGTERM, as the garbage collector and the kubelet do. */
function stopPods(object: KubeObject): void {
  if (object.kind !== 'Job') return;
  for (const pod of pods)
    if (pod.job === object.metadata.name && pod.child.exitCode === null) pod.child.kill('SIGTERM');
}

const running = () => pods.filter((pod) => pod.child.exitCode === null && pod.child.signalCode === null);

// ---------------------------------------------------------------- the modes

function context(mode: string, inputs: RawInputs = {}): ModeContext & { reporter: MaskingReporter } {
  const config = parseConfig({
    mode,
    platform: 'aks',
    tier: String(RATE),
    minutes: '1',
    'interval-seconds': '15',
    'solution-name': SOLUTION,
    'client-id': arm!.clientId,
    'tenant-id': arm!.tenantId,
    'subscription-id': arm!.subscriptionId,
    'work-dir': workDir,
    'simulator-image': SIMULATOR_IMAGE,
    ...(runId ? { 'run-id': runId } : {}),
    ...inputs,
  });
  return { config, reporter: maskingReporter(), signal: new AbortController().signal };
}

/** The platform as a mode uses it; the mode's reporter also gets the sign-in preflight's lines (and masks the ID token). */
const platform = (ctx: ModeContext) => azurePlatform('aks', { ...deps, reporter: ctx.reporter });

let jobs = 0;

/** The work-dir of a workflow job after deploy: a fresh runner's, with no run state in it. */
const freshWorkDir = (mode: string) => path.join(workDir, `job-${++jobs}-${mode}`);

/**
 * A mode after deploy, as src/modes/stages.ts runs it in a job of its own: on a fresh work-dir, the
 * run rebuilt from Azure by its id, outputs set after.
 */
async function onRun(
  ctx: ModeContext & { reporter: MaskingReporter },
  stage: (state: RunState) => Promise<void>,
): Promise<RunState> {
  expect(ctx.config.workDir).not.toBe(workDir);
  const state = await existingRun(ctx, platform(ctx));
  expect(ctx.reporter.lines).toContain(`Run ${runId} rebuilt from Azure; saved to ${state.runDir}.`);
  await stage(state);
  setRunOutputs(ctx.reporter, state);
  return state;
}

/** helm's release records left in the namespace, by release name. */
function helmReleases(): string[] {
  return kube!
    .objects('Secret')
    .filter((s) => s.metadata.namespace === AKS_NAMESPACE && s.metadata.labels?.owner === 'helm')
    .map((s) => s.metadata.labels!.name!);
}

/** The sum of a topic's end offsets: the records ever appended to it. */
async function endOffset(topic: string): Promise<number> {
  const offsets = await admin!.fetchTopicOffsets(topic);
  return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
}

const secrets = () => {
  const values = [azurite!.accountKey, GATEWAY_PASSWORD, kube!.token];
  for (const value of Object.values(sasUrls)) {
    const sas = new URL(value).search.slice(1);
    values.push(sas, new URL(value).searchParams.get('sig')!);
  }
  return values;
};

test('deploy, submit-flink, load, measure, teardown on aks, each mode on its own with the run id', async () => {
  // ---- deploy: the fake ARM deployment, outputs recorded in the run's state.
  const deploy = context('deploy');
  const deployed = await platform(deploy).deploy(deploy);
  runId = deployed.runId;
  setRunOutputs(deploy.reporter, deployed);
  everyLine.push(...deploy.reporter.lines);
  const { topics } = await admin!.fetchTopicMetadata({ topics: [INPUT_TOPIC, OUTPUT_TOPIC] });
  expect(topics.map((topic) => topic.partitions.length)).toEqual([deployed.partitions, deployed.partitions]);
  expect(deployed.platformState.azure).toMatchObject({
    resourceGroup: GROUP,
    outputs: expect.objectContaining({ flinkClusterName: AKS, storageAccountName: STORAGE }),
  });

  // ---- submit-flink: the jar to Azurite, the kubeconfig through ARM, the real helm, the job RUNNING.
  const submit = context('submit-flink', { 'work-dir': freshWorkDir('submit-flink') });
  const submitted = await onRun(submit, (state) => platform(submit).submitFlink(submit, state));
  everyLine.push(...submit.reporter.lines);
  await Promise.all(kubeletWork);
  expect(kubeletErrors).toEqual([]);
  const releases = aksReleases(runId);
  const flinkSecret = kube!.get('Secret', AKS_NAMESPACE, `${releases.flink}-secrets`)!.data as Record<string, string>;
  sasUrls.jar = Buffer.from(flinkSecret.jobJarUrl!, 'base64').toString();
  expect(sasUrls.jar).toMatch(
    new RegExp(
      `^https://127\\.0\\.0\\.1:\\d+/${STORAGE}/submit-flink/${runId}/streaming-at-scale-flink-job\\.jar\\?.*sp=r.*&sig=`,
    ),
  );
  expect(Buffer.from(flinkSecret.storageAccountKey!, 'base64').toString()).toBe(azurite!.accountKey);
  expect(fetchedJar!.subarray(0, 2).toString()).toBe('PK'); // the jar, fetched through its SAS
  expect(jobManagerArgs).toEqual(expect.arrayContaining(['standalone-job', '--job-classname', '--']));
  expect(submittedJobId).toMatch(/^[0-9a-f]{32}$/);
  expect(submitted.flinkJobId).toBe(submittedJobId);
  expect(submitted.kafkaBootstrapServers).toBe(PRIVATE_BROKERS);
  expect(await new FlinkRestClient(flink!.restUrl).job(submittedJobId!)).toMatchObject({ state: 'RUNNING' });
  expect(submit.reporter.lines).toContain(`output flink-job-id=${submittedJobId}`);
  const proxied = kube!.requests.filter((r) => r.path.includes(`/services/${releases.flink}-jobmanager:rest/proxy/`));
  expect(proxied.some((r) => r.path.endsWith(`/jobs/${submittedJobId}`) && r.status === 200)).toBe(true);

  // ---- load (0.75 min, so the measure window below ends after the load drained: exact end offsets).
  const load = context('load', { minutes: '0.75', 'work-dir': freshWorkDir('load') });
  await onRun(load, (state) => platform(load).load(load, state, load.config.minutes * 60));
  everyLine.push(...load.reporter.lines);
  // The load job found the Flink job through the release's REST API (nothing recorded it there).
  expect(load.reporter.lines).toContain(
    `Flink job ${submittedJobId} (RUNNING) found through Flink's REST API: recorded in the run state.`,
  );
  expect(load.reporter.lines).toContain('Events are flowing: the Flink job reads from topic in.');
  const loadPods = pods.filter((pod) => pod.job === `${releases.load}-load`);
  expect(loadPods).toHaveLength(load.config.simulatorInstances);
  expect(loadPods.map((pod) => pod.child.spawnargs.slice(2))).toEqual(
    loadPods.map((pod) => [
      '--bootstrap-servers',
      kafka!.bootstrapServers,
      '--topic',
      INPUT_TOPIC,
      '--events-per-second',
      String(RATE),
      '--instance-index',
      String(pod.index),
      '--instance-count',
      String(load.config.simulatorInstances),
      '--duration-seconds',
      '45',
    ]),
  );
  expect(await endOffset(INPUT_TOPIC)).toBeGreaterThan(0);

  // ---- measure: the agent Job runs in the "VNet"; the test reads the local Kafka's end offsets all along.
  const polls: Array<{ before: number; after: number; in: number; out: number }> = [];
  // Polled until 3 s past the window's end (set once measure returns), so both ends have a bracket.
  let pollUntil = Infinity;
  const poller = (async () => {
    for (;;) {
      const before = Date.now();
      const [inEnd, outEnd] = await Promise.all([endOffset(INPUT_TOPIC), endOffset(OUTPUT_TOPIC)]);
      polls.push({ before, after: Date.now(), in: inEnd, out: outEnd });
      if (before >= pollUntil) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const measure = context('measure', { 'work-dir': freshWorkDir('measure') });
  let report: BenchmarkReport | undefined;
  let published: unknown;
  try {
    await onRun(measure, async (state) => {
      report = await platform(measure).measure(measure, state);
      published = await publishReport(measure, state, report).catch((error: unknown) => error);
    });
  } finally {
    const lastRow = report?.rows.at(-1);
    pollUntil = lastRow ? Date.parse(lastRow.end) + 3500 : 0;
    await poller;
  }
  everyLine.push(...measure.reporter.lines);
  const agentPods = pods.filter((pod) => pod.job === `${releases.agent}-measure-agent`);
  expect(agentPods).toHaveLength(1);
  const agent = agentPods[0]!;
  expect(await agent.exit).toBe(0);
  const agentSecret = kube!.objects('Secret').find((s) => s.metadata.name === `${releases.agent}-measure-agent`);
  expect(agentSecret).toBeUndefined(); // the agent release was uninstalled when measure ended
  sasUrls.measurements = agent.env.MEASUREMENTS_CONTAINER_URL!;
  expect(sasUrls.measurements).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:\\d+/${STORAGE}/${MEASUREMENTS}\\?.*sig=`));
  expect(agent.child.spawnargs.slice(2)).toEqual([
    'measure-agent',
    '--bootstrap-servers',
    kafka!.bootstrapServers,
    '--run-id',
    runId,
    '--measurement-id',
    expect.stringMatching(/^\d{8}-\d{6}-[0-9a-f]{4}$/),
    '--minutes',
    '1',
    '--interval-seconds',
    '15',
    '--events-per-second',
    String(RATE),
    '--throughput-basis',
    'output',
    '--latency-field',
    'createdAt',
    '--latency-end',
    'processedAt',
  ]);

  // The report: four rows, in/out counted apart, summing to the end-offset deltas of the agent's window.
  expect(report).toBeDefined();
  const rows = report!.rows;
  expect(rows).toHaveLength(4);
  expect(rows.every((row) => !row.gap)).toBe(true);
  const bracket = (at: number, field: 'in' | 'out') => {
    const low = polls.filter((p) => p.after <= at).at(-1);
    // The agent reads the offsets after its clock reading; 3 s covers that read on a loaded machine.
    const high = polls.find((p) => p.before >= at + 3000);
    expect(low && high).toBeTruthy();
    return { low: low![field], high: high![field] };
  };
  const windowStart = Date.parse(rows[0]!.start);
  const windowEnd = Date.parse(rows.at(-1)!.end);
  for (const field of ['in', 'out'] as const) {
    const start = bracket(windowStart, field);
    const end = bracket(windowEnd, field);
    expect(end.low).toBe(end.high); // the load had ended and Flink had drained: the end is exact
    const counted = rows.reduce((sum, row) => sum + (field === 'in' ? row.inRecords! : row.outRecords!), 0);
    expect(counted).toBeGreaterThanOrEqual(end.low - start.high);
    expect(counted).toBeLessThanOrEqual(end.low - start.low);
    expect(counted).toBeGreaterThan(RATE * 15); // real load was measured
  }
  expect(rows[0]!.inRecords! / 15).toBeGreaterThan(RATE * 0.8);
  expect(rows.at(-1)!.inRecords).toBe(0); // the load ended within the window
  // Latency from the agent's reading of `out`; Flink's figures through the API server's proxy.
  expect(report!.latencyMs.all?.processed.count ?? 0).toBeGreaterThan(0);
  const flinkRows = rows.filter((row) => row.flink?.recordsInPerSecond != null);
  expect(flinkRows.length).toBeGreaterThan(0);
  expect(Math.max(...flinkRows.map((row) => row.flink!.recordsInPerSecond!))).toBeGreaterThan(0);
  // The gate's verdict, computed and published as the measure mode does (it fails the step on 'fail').
  expect(['pass', 'fail']).toContain(report!.gate.verdict);
  if (report!.gate.verdict === 'pass') expect(published).toBeUndefined();
  else expect(String(published)).toMatch(/Performance gate failed/);
  expect(measure.reporter.lines.some((line) => line.startsWith('Report: '))).toBe(true);

  // The simulators ran their 45 s and stopped by themselves; what they say the broker acknowledged is
  // exactly what topic `in` holds (nothing else writes to it).
  expect(await Promise.all(loadPods.map((pod) => pod.exit))).toEqual(loadPods.map(() => 0));
  const finals = loadPods.map((pod) => parseStatsLine(pod.log.join('').trim().split('\n').at(-1)!));
  expect(finals.every((stats) => stats && stats.errors === 0)).toBe(true);
  expect(finals.reduce((sum, stats) => sum + stats!.acknowledged, 0)).toBe(await endOffset(INPUT_TOPIC));

  // ---- the load's release goes (stopLoad), its pods are stopped; nothing of ours keeps running.
  const stop = context('load', { 'work-dir': freshWorkDir('stop-load') });
  await onRun(stop, (state) => platform(stop).stopLoad(stop, state));
  expect(helmReleases()).toEqual([releases.flink]);
  await Promise.all(pods.map((pod) => pod.exit));
  expect(running()).toEqual([]);

  // ---- teardown through the fake ARM.
  const teardown = context('teardown', { 'work-dir': freshWorkDir('teardown') });
  await onRun(teardown, (state) => platform(teardown).teardown(teardown, state));
  everyLine.push(...teardown.reporter.lines);
  expect(arm!.groups.has(GROUP.toLowerCase()) || arm!.groups.has(GROUP)).toBe(false);
  expect(teardown.reporter.lines.join('\n')).toContain(`Resource group ${GROUP} deleted.`);

  // Secrets: never in our log, in the pods' logs, or shown before they were masked.
  const printed = [...everyLine, ...pods.flatMap((pod) => pod.log)].join('\n');
  for (const secret of secrets()) expect(printed).not.toContain(secret);
  for (const ctx of [deploy, submit, load, measure, teardown]) expect(ctx.reporter.leaks()).toEqual([]);
}, 600_000);

test('max-duration-minutes reached during measure: sampling stops, the load is stopped, the group deleted, the step fails saying why', async () => {
  // ---- the first run's group is gone: a later stage of it is refused, saying so.
  const firstRunId = runId;
  const gone = context('measure', { 'work-dir': freshWorkDir('measure') });
  await expect(existingRun(gone, platform(gone))).rejects.toThrow(
    `Run '${firstRunId}' has no state on this machine, and its resource group ${GROUP} does not exist in subscription ${arm!.subscriptionId}: run 'deploy' first with the same solution-name ('${SOLUTION}') and pass its run-id to the later stages.`,
  );

  // ---- deploy a second run with a 60-minute limit: the deadline goes to the run state and the group's tag.
  const deploy = context('deploy', { 'run-id': '', 'max-duration-minutes': '60' });
  const before = Date.now();
  const deployed = await platform(deploy).deploy(deploy);
  runId = deployed.runId;
  const deadline = Date.parse((deployed.platformState.azure as { deadline: string }).deadline);
  expect(deadline - before).toBeGreaterThanOrEqual(60 * 60_000);
  expect(deadline - Date.now()).toBeLessThanOrEqual(60 * 60_000);
  expect(arm!.groups.get(GROUP.toLowerCase())!.tags.deadline).toBe(new Date(deadline).toISOString());
  expect(deploy.reporter.lines).toContain(
    `Maximum duration 60 min (max-duration-minutes): the run must end by ${new Date(deadline).toISOString()}, or it is stopped and torn down.`,
  );
  // The same solution's group now holds the second run: a stage of the first one is refused.
  const stale = context('submit-flink', { 'run-id': firstRunId, 'work-dir': freshWorkDir('submit-flink') });
  await expect(existingRun(stale, platform(stale))).rejects.toThrow(
    `Resource group ${GROUP} holds run '${runId}' (its 'run-id' tag), not run '${firstRunId}'`,
  );

  // ---- submit-flink and a load of 2 minutes, well within the limit.
  const submit = context('submit-flink');
  await submitFlinkOn(submit, platform(submit), await loadRun(submit.config));
  await Promise.all(kubeletWork);
  expect(kubeletErrors).toEqual([]);
  const load = context('load');
  const loadStarted = Date.now();
  await loadOn(load, platform(load), await loadRun(load.config), 120);
  const releases = aksReleases(runId);
  const loadPods = pods.filter((pod) => pod.job === `${releases.load}-load`);
  expect(loadPods.length).toBeGreaterThan(0);
  // (The first test's Flink release stays: its cluster went with the group, which the fake does not model.)
  expect(helmReleases()).toEqual(expect.arrayContaining([releases.flink, releases.load]));

  // ---- measure in a later job on another machine: no deadline in its state, so it reads the tag
  // through ARM; its clock is 59 min 35 s after deploy, so the deadline comes 25 s into measuring.
  const state = await loadRun(load.config);
  delete (state.platformState.azure as Record<string, unknown>).deadline;
  delete (state.platformState.azure as Record<string, unknown>).maxDurationMinutes;
  await saveRun(state);
  const skew = deadline - 25_000 - Date.now();
  const later = { ...deps, now: () => new Date(Date.now() + skew) };
  const measure = context('measure', { 'report-file': path.join(workDir, 'deadline-report.json') });
  const measuring = Date.now();
  const outcome = await measureOn(measure, azurePlatform('aks', { ...later, reporter: measure.reporter }), state).catch(
    (error: unknown) => error,
  );
  const took = Date.now() - measuring;
  expect(outcome).toBeInstanceOf(MaxDurationReachedError);
  expect(String((outcome as Error).message)).toBe(
    `Maximum duration reached: the run's maximum duration (max-duration-minutes from deploy's start, deadline ${new Date(deadline).toISOString()}) passed during measure; the load was stopped and the run torn down (its resource group deleted). To run longer, raise max-duration-minutes (at least minutes + 40) and the workflow's job timeout with it; docs/cost.md shows what a longer run costs.`,
  );
  // Sampling stopped at the deadline, not after the planned minute (plus the agent's start).
  expect(took).toBeLessThan(60_000);

  // The load's release is gone and its pods stopped before their 2 minutes; the group is deleted.
  expect(helmReleases()).not.toContain(releases.load);
  const exits = await Promise.all(loadPods.map((pod) => pod.exit));
  expect(exits).toHaveLength(loadPods.length);
  // Stopped (SIGTERM from the release's deletion) before the 120 s they were started for.
  expect(Date.now() - loadStarted).toBeLessThan(120_000);
  expect(arm!.groups.has(GROUP.toLowerCase())).toBe(false);
  expect(measure.reporter.lines).toContain(`Resource group ${GROUP} deleted.`);

  // The report and the summary say why; the cost estimate is there too.
  const report = JSON.parse(await readFile(path.join(workDir, 'deadline-report.json'), 'utf8')) as BenchmarkReport;
  expect(report.stoppedBy).toEqual({
    reason: 'max-duration',
    deadline: new Date(deadline).toISOString(),
    detail: `Measuring stopped at the run's deadline ${new Date(deadline).toISOString()} (max-duration-minutes): ${report.rows.length} of 4 intervals measured; the load was then stopped and the run torn down.`,
  });
  expect(report.rows.length).toBeLessThan(4);
  expect(report.cost).toMatchObject({ minutes: 1, billedHours: (30 + 1 + 1 + 15) / 60 });
  const summary = measure.reporter.lines.filter((line) => line.startsWith('## ') || line.startsWith('### ⏱️'));
  expect(summary.some((line) => line.includes(`**⏱️ Stopped early: Measuring stopped at the run's deadline`))).toBe(
    true,
  );
  expect(summary.some((line) => line.includes('**Estimated Azure cost: '))).toBe(true);
  expect(summary.at(-1)).toBe(`### ⏱️ Maximum duration reached\n\n${(outcome as Error).message}\n`);
  for (const ctx of [deploy, submit, load, measure]) expect(ctx.reporter.leaks()).toEqual([]);
}, 360_000);
