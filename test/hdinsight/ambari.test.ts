/**
 * Ambari through the HDInsight gateway: the login read through the real ARM SDK
 * (getGatewaySettings against the fake ARM), then the real fetch against a fake gateway serving
 * Ambari's paths and bodies: the brokers' private addresses, the broker figures from known
 * one-minute rates (summed over brokers, x 60, stale when unchanged) and one clear error per way
 * Ambari or the gateway can refuse.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brokerFiguresSampler, kafkaBrokerAddresses, readBrokerFigures } from '../../src/azure/ambari.js';
import type { ArmClients } from '../../src/azure/clients.js';
import { GatewayError, openHdinsightGateway } from '../../src/azure/hdinsight-gateway.js';
import { openArm } from '../../src/azure/session.js';
import { parseConfig } from '../../src/config/config.js';
import { UserError } from '../../src/errors.js';
import type { RunState } from '../../src/run-state/run-state.js';
import { maskingReporter, type MaskingReporter } from '../helpers/masking-reporter.js';
import { fakeHdinsight, type FakeHdinsight } from '../helpers/arm/hdinsight.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';
import { fakeArmConnection } from '../helpers/azure-connection.js';
import { startFakeGateway, type FakeGateway } from '../helpers/hdinsight-gateway-server.js';

const GROUP = 'sasbench01-rg';
const KAFKA = 'kafkasasbench01';
const PASSWORD = 'Gw!9f3kQ-random-per-run';

let oidc: GitHubOidcServer;
let arm: FakeArm;
let hdinsight: FakeHdinsight;
let gateway: FakeGateway;
let clients: ArmClients;
let workDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  oidc = await startGitHubOidcServer();
  arm = await startFakeArm(oidc);
  hdinsight = fakeHdinsight();
  arm.providers.push(hdinsight.route);
  hdinsight.addCluster({
    name: KAFKA,
    resourceGroup: GROUP,
    kind: 'kafka',
    gatewayUserName: 'admin',
    gatewayPassword: PASSWORD,
  });
  gateway = await startFakeGateway({ clusterName: KAFKA, userName: 'admin', password: PASSWORD });
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-ambari-'));
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
  const config = parseConfig({
    mode: 'submit-flink',
    platform: 'hdinsight',
    'solution-name': 'sasbench01',
    'client-id': arm.clientId,
    'tenant-id': arm.tenantId,
    'subscription-id': arm.subscriptionId,
    'work-dir': workDir,
  });
  clients = openArm(config, { env: process.env, connection: fakeArmConnection(arm), now: () => new Date() });
});

afterAll(async () => {
  process.env = savedEnv;
  await gateway?.close();
  await arm?.close();
  await oidc?.close();
});

beforeEach(() => {
  gateway.failWith = undefined;
  gateway.password = PASSWORD;
  gateway.requests.length = 0;
  gateway.brokers = [
    { hostName: 'wn2-sasben.xkmmnbclxnbuzh0fvbmuckhghd.bx.internal.cloudapp.net', ip: '10.0.0.14' },
    { hostName: 'wn0-sasben.xkmmnbclxnbuzh0fvbmuckhghd.bx.internal.cloudapp.net', ip: '10.0.0.12' },
    { hostName: 'wn1-sasben.xkmmnbclxnbuzh0fvbmuckhghd.bx.internal.cloudapp.net', ip: '10.0.0.13' },
  ];
});

function runState(outputs: Record<string, string> = {}): RunState {
  return {
    version: 1,
    runId: '20261126-101500-ab12',
    platform: 'hdinsight',
    createdAt: new Date().toISOString(),
    runDir: path.join(workDir, 'run'),
    eventsPerSecond: 1000,
    partitions: 2,
    parallelism: 2,
    platformState: {
      azure: {
        resourceGroup: GROUP,
        outputs: { kafkaClusterName: KAFKA, kafkaGatewayUrl: gateway.url, ...outputs },
      },
    },
  };
}

async function open(reporter: MaskingReporter = maskingReporter(), outputs?: Record<string, string>) {
  return openHdinsightGateway(clients, runState(outputs), reporter, 'kafka');
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('the login comes from ARM and is masked before use; every gateway request carries it', async () => {
  const reporter = maskingReporter();
  const reads = hdinsight.gatewayReads.length;
  const kafka = await open(reporter);
  expect(hdinsight.gatewayReads.slice(reads)).toEqual([KAFKA]);
  const getGatewaySettings = arm.requests.filter((r) => r.path.endsWith('/getGatewaySettings')).at(-1)!;
  expect(getGatewaySettings).toMatchObject({ method: 'POST', query: { 'api-version': '2021-06-01' } });
  expect(reporter.secrets).toEqual(expect.arrayContaining([PASSWORD, basic('admin', PASSWORD)]));
  expect(kafka.url).toBe(gateway.url);
  expect(kafka.url).not.toContain(PASSWORD);

  expect(await kafkaBrokerAddresses(kafka)).toEqual(['10.0.0.12:9092', '10.0.0.13:9092', '10.0.0.14:9092']);
  expect(gateway.requests.map((r) => r.path)).toEqual([
    `/api/v1/clusters/${KAFKA}/services/KAFKA/components/KAFKA_BROKER`,
    ...gateway.brokers.map((b) => `/api/v1/clusters/${KAFKA}/hosts/${b.hostName}`),
  ]);
  expect(gateway.requests.every((r) => r.authorized)).toBe(true);
});

test('broker figures are 1MinuteRate summed over brokers x 60, stale when Ambari has not refreshed', async () => {
  const kafka = await open();
  const rates = [
    { messagesIn: 700.25, bytesIn: 650_000.5, bytesOut: 320_000 },
    { messagesIn: 699.75, bytesIn: 649_999.5, bytesOut: 330_000 },
    { messagesIn: 600, bytesIn: 560_000, bytesOut: 0 },
  ];
  gateway.brokers.forEach((broker, i) => (broker.rates = rates[i]));
  const sample = brokerFiguresSampler(kafka);

  const first = await sample();
  expect(gateway.requests.at(-1)!.path).toBe(
    `/api/v1/clusters/${KAFKA}/services/KAFKA/components/KAFKA_BROKER?fields=metrics/kafka/server/BrokerTopicMetrics`,
  );
  expect(first).toMatchObject({
    messagesInPerMinute: 2000 * 60,
    bytesInPerMinute: 1_860_000 * 60,
    bytesOutPerMinute: 650_000 * 60,
    stale: false,
  });
  expect(first.at).toBeInstanceOf(Date);

  // Ambari Metrics has not aggregated again: the same figures are stale, not a fresh minute.
  expect((await sample()).stale).toBe(true);

  gateway.brokers[2]!.rates = { messagesIn: 601, bytesIn: 560_000, bytesOut: 0 };
  const third = await sample();
  expect(third).toMatchObject({ messagesInPerMinute: 2001 * 60, stale: false });
});

test('an idle cluster (rates zero) is fresh, and no value yet is null, never zero', async () => {
  const kafka = await open();
  const sample = brokerFiguresSampler(kafka);
  expect(await sample()).toMatchObject({
    messagesInPerMinute: null,
    bytesInPerMinute: null,
    bytesOutPerMinute: null,
    stale: false,
  });
  expect((await sample()).stale).toBe(false);
  gateway.brokers.forEach((broker) => (broker.rates = { messagesIn: 0, bytesIn: 0, bytesOut: 0 }));
  expect(await sample()).toMatchObject({ messagesInPerMinute: 0, stale: false });
  expect(await sample()).toMatchObject({ messagesInPerMinute: 0, stale: false });
});

describe('one clear error per way Ambari or the gateway refuses', () => {
  async function failure(work: () => Promise<unknown>): Promise<GatewayError> {
    const error = await work().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as Error).message).not.toContain(PASSWORD);
    return error as GatewayError;
  }

  test('401: the login ARM gave does not work', async () => {
    const kafka = await open();
    gateway.password = 'changed-outside-the-run';
    const error = await failure(() => kafkaBrokerAddresses(kafka));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/gateway of cluster kafkasasbench01 rejected the cluster login \(401/);
    expect(error.message).toMatch(/getGatewaySettings/);
  });

  test('403: the login may not use Ambari', async () => {
    const kafka = await open();
    gateway.failWith = 403;
    const error = await failure(() => readBrokerFigures(kafka));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(
      /refused \/api\/v1\/clusters\/kafkasasbench01\/services\/KAFKA\/components\/KAFKA_BROKER \(403 Forbidden\)/,
    );
  });

  test('404: Ambari has no such cluster', async () => {
    hdinsight.addCluster({
      name: 'flinksasbench01',
      resourceGroup: GROUP,
      kind: 'hadoop',
      gatewayUserName: 'admin',
      gatewayPassword: PASSWORD,
    });
    const kafka = await open(maskingReporter(), { kafkaClusterName: 'flinksasbench01' });
    const error = await failure(() => kafkaBrokerAddresses(kafka));
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/Ambari has no cluster 'flinksasbench01' with a KAFKA service/);
  });

  test('5xx: the gateway or Ambari is down', async () => {
    const kafka = await open();
    gateway.failWith = 502;
    const error = await failure(() => readBrokerFigures(kafka));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/answered 502 .*not healthy/);
  });

  test('nothing listening: the gateway cannot be reached', async () => {
    const closed = await startFakeGateway({ clusterName: KAFKA, userName: 'admin', password: PASSWORD });
    const url = closed.url;
    await closed.close();
    const kafka = await open(maskingReporter(), { kafkaGatewayUrl: url });
    const error = await failure(() => kafkaBrokerAddresses(kafka));
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(
      /Cannot reach the HDInsight gateway of cluster kafkasasbench01 at http:\/\/127\.0\.0\.1/,
    );
  });

  test('ARM knows no such cluster: the login cannot be read', async () => {
    const error = await open(maskingReporter(), { kafkaClusterName: 'nosuchkafka' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /Reading the gateway login of HDInsight cluster nosuchkafka through ARM \(HTTP 404\): ResourceNotFound/,
    );
  });

  test('a run without a Kafka cluster recorded says to deploy', async () => {
    const state = runState();
    (state.platformState.azure as { outputs: Record<string, string> }).outputs = {};
    await expect(openHdinsightGateway(clients, state, maskingReporter(), 'kafka')).rejects.toThrow(
      /has no HDInsight Kafka cluster recorded: run 'deploy'/,
    );
  });
});
