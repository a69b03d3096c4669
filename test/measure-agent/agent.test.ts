/**
 * The measure agent and `measure` reading it back, end to end on real services: a real Kafka broker
 * fed by the simulator (and a relay standing in for Flink that stamps processedAt), Azurite's Blob
 * service as the run's storage account, its key through the fake ARM (listKeys, the real
 * @azure/arm-storage client over OIDC), and a container SAS handed to the agent. The agent runs
 * in-process through the function the CLI calls, while measurePipeline reads its blobs concurrently.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import type { Kafka } from 'kafkajs';
import { runSimulator, type SimulatorStats } from '../../simulator/src/simulator.js';
import { parseSimulatorArgs } from '../../simulator/src/args.js';
import type { ArmClients } from '../../src/azure/clients.js';
import { openRunStorage, type RunStorage } from '../../src/azure/run-storage.js';
import { openArm, type AzureDeps } from '../../src/azure/session.js';
import { azureState } from '../../src/azure/state.js';
import { parseConfig, type Config } from '../../src/config/config.js';
import type { Reporter } from '../../src/console/reporter.js';
import { UserError } from '../../src/errors.js';
import { FLINK_GROUP_ID, INPUT_TOPIC, OUTPUT_TOPIC } from '../../src/flink/job-arguments.js';
import { kafkaClient } from '../../src/kafka/client.js';
import { runMeasureAgent } from '../../src/measure/agent/agent.js';
import {
  CONTAINER_URL_ENV,
  measureAgentArgs,
  newMeasurementId,
  type MeasureAgentOptions,
} from '../../src/measure/agent/args.js';
import { AGENT_BLOB_FORMAT, AGENT_BLOBS, measurementPrefix, rowBlobName } from '../../src/measure/agent/blobs.js';
import { agentSampling, readAgentResults } from '../../src/measure/agent/reader.js';
import { measurePipeline, samplingPlan, type Sampled } from '../../src/measure/measure.js';
import { freePort } from '../../src/platforms/local/ports.js';
import { startKafka, stopKafka, type KafkaInstance } from '../../src/platforms/local/kafka.js';
import type { IntervalRow } from '../../src/report/schema.js';
import type { RunState } from '../../src/run-state/run-state.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';
import { fakeStorage, type FakeStorage } from '../helpers/arm/storage.js';
import { fakeArmConnection } from '../helpers/azure-connection.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';
import { maskingReporter } from '../helpers/masking-reporter.js';

const ACCOUNT = 'sasbench01storage';
const RESOURCE_GROUP = 'sasbench01-rg';
const CONTAINER = 'measurements';
const INTERVAL_SECONDS = 6;
const MINUTES = 0.3; // 18 s: three rows
const RATE = 200;
const EVENTS = 1200; // 6 s at RATE, well inside the window

let runDir: string;
let broker: KafkaInstance | undefined;
let azurite: Azurite | undefined;
let oidc: GitHubOidcServer | undefined;
let arm: FakeArm | undefined;
let storageProvider: FakeStorage;
let config: Config;
let state: RunState;
let clients: ArmClients;
const savedEnv = { ...process.env };

beforeAll(async () => {
  runDir = await mkdtemp(path.join(tmpdir(), 'sas-measure-agent-'));
  [broker, azurite, oidc] = await Promise.all([
    startKafka({
      runDir,
      heap: '512m',
      topics: [
        { name: INPUT_TOPIC, partitions: 2 },
        { name: OUTPUT_TOPIC, partitions: 2 },
      ],
    }),
    startAzurite(ACCOUNT),
    startGitHubOidcServer(),
  ]);
  await topicsReady(kafkaClient({ bootstrapServers: broker.bootstrapServers }, 'agent-test-setup'));
  arm = await startFakeArm(oidc);
  storageProvider = fakeStorage();
  storageProvider.addAccount(RESOURCE_GROUP, ACCOUNT, azurite.accountKey);
  arm.providers.push(storageProvider.route);
  // core.getIDToken reads these from the process environment, as on a runner.
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
  config = parseConfig({
    mode: 'measure',
    platform: 'aks',
    'solution-name': 'sasbench01',
    'client-id': arm.clientId,
    'tenant-id': arm.tenantId,
    'subscription-id': arm.subscriptionId,
    tier: String(RATE),
    minutes: String(MINUTES),
    'interval-seconds': String(INTERVAL_SECONDS),
    'work-dir': runDir,
    'simulator-image': 'ghcr.io/org/streaming-at-scale-simulator:0.1.0',
  });
  const deps: AzureDeps = {
    env: { ...process.env },
    connection: fakeArmConnection(arm, azurite.blobEndpoint),
    now: () => new Date(),
  };
  clients = openArm(config, deps);
  state = {
    version: 1,
    runId: '20260101-120000-ab12',
    platform: 'aks',
    createdAt: new Date().toISOString(),
    runDir,
    eventsPerSecond: RATE,
    partitions: 2,
    parallelism: 2,
    kafkaBootstrapServers: broker.bootstrapServers,
    platformState: {},
  };
  Object.assign(azureState(state), {
    resourceGroup: RESOURCE_GROUP,
    outputs: { storageAccountName: ACCOUNT, measurementsContainer: CONTAINER },
  });
}, 180_000);

afterAll(async () => {
  process.env = savedEnv;
  await Promise.allSettled([broker && stopKafka(broker), azurite?.stop(), arm?.close(), oidc?.close()]);
  await rm(runDir, { recursive: true, force: true });
}, 60_000);

/** The run's storage as `measure` opens it: key through ARM, container created. */
async function runStorage(reporter: Reporter): Promise<{ storage: RunStorage; container: ContainerClient }> {
  const storage = await openRunStorage(clients, state, reporter);
  await storage.ensureContainer(CONTAINER);
  return { storage, container: storage.service.getContainerClient(CONTAINER) };
}

/** The agent's options exactly as a platform launches it: measureAgentArgs, parsed by the CLI's parser. */
function agentOptions(bootstrapServers: string, measurementId: string): MeasureAgentOptions {
  const args = measureAgentArgs(config, { runId: state.runId, measurementId, bootstrapServers, eventsPerSecond: RATE });
  const request = parseSimulatorArgs(args);
  if (request.kind !== 'measure-agent') throw new Error(`not a measure-agent request: ${request.kind}`);
  return request.options;
}

async function endOffsetSum(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Flink's stand-in: copies every `in` record to `out` with processedAt, committing as the job's group. */
async function startRelay(kafka: Kafka): Promise<{ stop: () => Promise<void>; relayed: () => number }> {
  const consumer = kafka.consumer({ groupId: FLINK_GROUP_ID });
  const producer = kafka.producer();
  let relayed = 0;
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: INPUT_TOPIC, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const processedAt = new Date().toISOString();
      await producer.send({
        topic: OUTPUT_TOPIC,
        messages: batch.messages.map((message) => ({
          key: message.key,
          value: JSON.stringify({ ...JSON.parse(message.value!.toString()), processedAt }),
        })),
      });
      relayed += batch.messages.length;
    },
  });
  return {
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
    relayed: () => relayed,
  };
}

/** Resolves once the agent has written the blob. */
async function blobWritten(container: ContainerClient, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await container.getBlobClient(name).exists())) {
    if (Date.now() > deadline) throw new Error(`${name} not written in 30 s`);
    await sleep(100);
  }
}

/** A broker that has just created its topics can answer "not the leader" for a moment. */
async function topicsReady(kafka: Kafka): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await Promise.all([endOffsetSum(kafka, INPUT_TOPIC), endOffsetSum(kafka, OUTPUT_TOPIC)]);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const withoutLatency = ({ latencyMs: _latency, ...row }: IntervalRow) => row;
const withoutFlink = ({ flink: _flink, ...row }: IntervalRow) => row;

test('the rows measure reads back from the agent are exact, live, and the report is built from them', async () => {
  const reporter = maskingReporter();
  const { storage, container } = await runStorage(reporter);
  const containerUrl = storage.containerUrl(CONTAINER, 'cw', 30);
  const measurementId = newMeasurementId();
  const kafka = kafkaClient({ bootstrapServers: broker!.bootstrapServers }, 'agent-ground-truth');
  const relay = await startRelay(kafka);
  const inBefore = await endOffsetSum(kafka, INPUT_TOPIC);
  const outBefore = await endOffsetSum(kafka, OUTPUT_TOPIC);

  const agentLog: string[] = [];
  let agentDoneAt = 0;
  const agent = runMeasureAgent(agentOptions(broker!.bootstrapServers, measurementId), {
    env: { [CONTAINER_URL_ENV]: containerUrl },
    log: (line) => agentLog.push(line),
    signal: new AbortController().signal,
  }).finally(() => (agentDoneAt = Date.now()));

  const liveRows: Array<{ row: IntervalRow; at: number }> = [];
  let readBack: Sampled | undefined;
  const source = agentSampling({
    container,
    runId: state.runId,
    measurementId,
    agent: 'in-process test agent',
    pollMs: 300,
    graceMs: 10_000,
  });
  const pipelineReporter = maskingReporter();
  let flinkReads = 0;
  const report = measurePipeline({ config, reporter: pipelineReporter, signal: new AbortController().signal }, state, {
    sampling: async (plan, hooks) =>
      (readBack = await source(plan, {
        ...hooks,
        onRow: (row) => {
          liveRows.push({ row, at: Date.now() });
          hooks.onRow(row);
        },
      })),
    // Flink's figures are read from here (the runner) as each row arrives.
    flinkFigures: async () => ({
      recordsInPerSecond: ++flinkReads,
      recordsOutPerSecond: null,
      backpressure: 0,
      checkpoints: null,
      restarts: 0,
    }),
    loadStats: async () => null,
  });
  // The same window measured as on the local platform, from here: the Kafka source of measurePipeline.
  const localReporter = maskingReporter();
  const local = measurePipeline({ config, reporter: localReporter, signal: new AbortController().signal }, state, {
    kafka: kafkaClient({ bootstrapServers: broker!.bootstrapServers }, 'local-measure'),
    loadStats: async () => null,
  });

  // The simulator starts once the agent has taken its first sample: it samples right after started.json.
  await blobWritten(container, measurementPrefix({ runId: state.runId, measurementId }) + AGENT_BLOBS.started);
  await sleep(2000);
  const stats: SimulatorStats = await runSimulator({
    brokers: [broker!.bootstrapServers],
    topic: INPUT_TOPIC,
    eventsPerSecond: RATE,
    maxEvents: EVENTS,
  });
  const [agentSampled, built, builtLocally] = await Promise.all([agent, report, local]);
  await relay.stop();
  const inDelta = (await endOffsetSum(kafka, INPUT_TOPIC)) - inBefore;
  const outDelta = (await endOffsetSum(kafka, OUTPUT_TOPIC)) - outBefore;

  // Ground truth: what the simulator had acknowledged, and the end offsets read here independently.
  expect(stats.acknowledged).toBe(EVENTS + Math.floor(EVENTS / 1000)); // the default duplicate every 1000th
  expect(inDelta).toBe(stats.acknowledged);
  expect(outDelta).toBe(relay.relayed());
  const rows = readBack!.result.rows;
  expect(rows.map((row) => row.minute)).toEqual([1, 2, 3]);
  expect(rows.every((row) => !row.gap)).toBe(true);
  expect(rows.reduce((sum, row) => sum + row.inRecords!, 0)).toBe(inDelta);
  expect(rows.reduce((sum, row) => sum + row.outRecords!, 0)).toBe(outDelta);
  // Latency of every relayed record (all are read at this rate), in the rows and the histograms.
  expect(rows.reduce((sum, row) => sum + (row.latencyMs?.processed.count ?? 0), 0)).toBe(outDelta);
  for (const row of rows.filter((r) => r.outRecords! > 0)) {
    expect(row.latencyMs!.processed.p50).toBeGreaterThanOrEqual(0);
    expect(row.latencyMs!.processed.p99).toBeGreaterThanOrEqual(row.latencyMs!.processed.p50);
    expect(readBack!.result.latencyHistograms.get(row.minute)!.processed.percentiles()).toEqual(
      row.latencyMs!.processed,
    );
  }

  // Live: every row was handed over while the agent still ran (bar the last), in order, and equal to the final ones.
  expect(liveRows.map(({ row }) => withoutLatency(row))).toEqual(rows.map(withoutLatency));
  expect(liveRows[0]!.at).toBeLessThan(agentDoneAt);
  // What was read back is what the agent's sampleIntervals returned.
  const agentResult = agentSampled.result;
  expect(rows.map((row) => row.flink?.recordsInPerSecond)).toEqual([1, 2, 3]);
  expect(rows.map(withoutFlink)).toEqual(agentResult.rows);
  expect([readBack!.result.startedAt, readBack!.result.endedAt]).toEqual([agentResult.startedAt, agentResult.endedAt]);
  expect(readBack!.result.inStart).toEqual(agentResult.inStart);
  expect(readBack!.result.outStart).toEqual(agentResult.outStart);
  expect(readBack!.result.lastSample).toEqual(agentResult.lastSample);
  expect([...readBack!.result.latencyHistograms.keys()]).toEqual([...agentResult.latencyHistograms.keys()]);
  expect(readBack!.cost).toEqual(agentSampled.cost);
  expect(readBack!.cost!.latencyRecords).toBe('all');

  // The report is the one a local measure builds from these rows.
  expect(built.rows).toEqual(rows);
  expect(built.measurement).toEqual(agentSampled.cost);
  expect(built.latencyMs.all!.processed.count).toBe(outDelta);
  expect(built.startedAt).toBe(new Date(agentResult.startedAt).toISOString());
  expect(built.audit).toBeNull();
  expect(pipelineReporter.lines.filter((line) => /^\s+[123]\s/.test(line))).toHaveLength(3); // the table, live
  // Measured from here over the same window (samples a few ms apart), the totals are the same.
  const total = (report: typeof built, field: 'inRecords' | 'outRecords') =>
    report.rows.reduce((sum, row) => sum + row[field]!, 0);
  expect(builtLocally.rows).toHaveLength(3);
  expect([total(builtLocally, 'inRecords'), total(builtLocally, 'outRecords')]).toEqual([inDelta, outDelta]);
  expect(builtLocally.latencyMs.all!.processed.count).toBe(built.latencyMs.all!.processed.count);
  expect(builtLocally.measurement!.latencyRecords).toBe(built.measurement!.latencyRecords);

  // Secrets: the key and the SAS were masked, and never printed by the agent or measure.
  const sasQuery = containerUrl.split('?')[1]!;
  expect(reporter.secrets).toEqual(expect.arrayContaining([azurite!.accountKey, sasQuery]));
  const printed = [...agentLog, ...reporter.lines, ...pipelineReporter.lines].join('\n');
  expect(agentLog.length).toBeGreaterThan(4);
  expect(printed).not.toContain(sasQuery);
  expect(printed).not.toContain(new URL(containerUrl).searchParams.get('sig'));
  expect(printed).not.toContain(azurite!.accountKey);
  expect(storageProvider.keyReads).toContain(ACCOUNT);
}, 120_000);

test("an agent that cannot reach Kafka writes error.json, exits with the reason, and measure's error carries it", async () => {
  const reporter = maskingReporter();
  const { storage, container } = await runStorage(reporter);
  const containerUrl = storage.containerUrl(CONTAINER, 'cw', 30);
  const measurementId = newMeasurementId();
  const closed = `127.0.0.1:${await freePort()}`;
  const agentLog: string[] = [];
  const agent = runMeasureAgent(agentOptions(closed, measurementId), {
    env: { [CONTAINER_URL_ENV]: containerUrl },
    log: (line) => agentLog.push(line),
    signal: new AbortController().signal,
  });
  const reading = readAgentResults(
    {
      container,
      runId: state.runId,
      measurementId,
      agent: 'Kubernetes Job sas-measure-1',
      pollMs: 200,
      graceMs: 10_000,
    },
    samplingPlan({
      minutes: MINUTES,
      intervalSeconds: INTERVAL_SECONDS,
      eventsPerSecond: RATE,
      basis: 'output',
      latency: { createdField: ['createdAt'], end: 'processedAt' },
    }),
    { onRow: () => undefined, onWarning: () => undefined, signal: new AbortController().signal },
  );
  const agentError = await agent.catch((error: unknown) => error);
  expect(agentError).toBeInstanceOf(UserError);
  expect((agentError as Error).message).toMatch(new RegExp(`cannot sample Kafka at ${closed}: .*ECONNREFUSED`));
  const readerError = await reading.catch((error: unknown) => error);
  expect(readerError).toBeInstanceOf(UserError);
  expect((readerError as Error).message).toBe(
    `The measure agent (Kubernetes Job sas-measure-1) failed: ${(agentError as Error).message}`,
  );
  expect(agentLog.join('\n')).not.toContain(containerUrl.split('?')[1]!);
}, 60_000);

test('an agent that stops writing makes measure fail after two intervals and the grace, naming the agent', async () => {
  const { container } = await runStorage(maskingReporter());
  const measurementId = newMeasurementId();
  const prefix = measurementPrefix({ runId: state.runId, measurementId });
  const plan = samplingPlan({
    minutes: MINUTES,
    intervalSeconds: 1,
    eventsPerSecond: RATE,
    basis: 'output',
    latency: { createdField: ['createdAt'], end: 'processedAt' },
  });
  const put = (name: string, content: object) => {
    const body = JSON.stringify(content);
    return container.getBlockBlobClient(prefix + name).upload(body, body.length);
  };
  // An agent that started and wrote its first row, then went silent.
  await put(AGENT_BLOBS.started, {
    format: AGENT_BLOB_FORMAT,
    runId: state.runId,
    measurementId,
    at: new Date().toISOString(),
    intervalSeconds: plan.intervalSeconds,
    totalSeconds: plan.totalSeconds,
    targetPerSecond: plan.targetPerSecond,
  });
  const row: IntervalRow = {
    minute: 1,
    start: new Date(Date.now() - 1000).toISOString(),
    end: new Date().toISOString(),
    partial: false,
    gap: false,
    stale: false,
    inRecords: 200,
    outRecords: 200,
    inRatePerSecond: 200,
    outRatePerSecond: 200,
    lagRecords: 0,
    inBytes: null,
    outBytes: null,
    percentOfTarget: 100,
    latencyMs: null,
  };
  await put(rowBlobName(1), { format: AGENT_BLOB_FORMAT, row });
  const rows: IntervalRow[] = [];
  const started = Date.now();
  const error = await readAgentResults(
    {
      container,
      runId: state.runId,
      measurementId,
      agent: 'container instance sas-measure-2',
      pollMs: 200,
      graceMs: 1000,
    },
    plan,
    { onRow: (r) => rows.push(r), onWarning: () => undefined, signal: new AbortController().signal },
  ).catch((e: unknown) => e);
  const waited = Date.now() - started;
  expect(rows).toEqual([row]);
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toBe(
    `The measure agent (container instance sas-measure-2) wrote nothing new to ${CONTAINER}/${prefix} for 3 s: its last row is minute 1 of 18. ` +
      'Read its log for the reason (not scheduled, image not pulled, Kafka or the storage account unreachable).',
  );
  expect(waited).toBeGreaterThanOrEqual(3000);
  expect(waited).toBeLessThan(15_000); // the stall limit, not the 18 minutes planned (room for a loaded machine)
}, 30_000);

test('measure stops reading when aborted and keeps the rows it has', async () => {
  const { container } = await runStorage(maskingReporter());
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 500);
  const result = await readAgentResults(
    { container, runId: state.runId, measurementId: newMeasurementId(), agent: 'nobody', pollMs: 100, graceMs: 60_000 },
    samplingPlan({
      minutes: MINUTES,
      intervalSeconds: INTERVAL_SECONDS,
      eventsPerSecond: RATE,
      basis: 'output',
      latency: { createdField: ['createdAt'], end: 'processedAt' },
    }),
    { onRow: () => undefined, onWarning: () => undefined, signal: controller.signal },
  );
  expect(result.result.rows).toEqual([]);
  expect(result.cost).toBeNull();
}, 10_000);

test('an agent whose SAS does not authorize it says so, and never prints the SAS', async () => {
  const { storage } = await runStorage(maskingReporter());
  const url = new URL(storage.containerUrl(CONTAINER, 'cw', 30));
  const signature = url.searchParams.get('sig')!;
  const forged = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
  url.searchParams.set('sig', forged);
  const log: string[] = [];
  const io = { log: (line: string) => void log.push(line), signal: new AbortController().signal };
  const options = agentOptions(broker!.bootstrapServers, newMeasurementId());

  const error = await runMeasureAgent(options, { ...io, env: { [CONTAINER_URL_ENV]: url.toString() } }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toMatch(
    /^The measure agent cannot write to the container in MEASUREMENTS_CONTAINER_URL \(http:\/\/127\.0\.0\.1:\d+\/sasbench01storage\/measurements\): .+\. The SAS must allow create and write/,
  );
  for (const secret of [forged, encodeURIComponent(forged), url.search.slice(1)])
    expect([(error as Error).message, ...log].join('\n')).not.toContain(secret);

  await expect(runMeasureAgent(options, { ...io, env: {} })).rejects.toThrow(
    'MEASUREMENTS_CONTAINER_URL is not set: give the measurements container',
  );
}, 30_000);
