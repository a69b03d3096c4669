/**
 * The simulators and the measure agent on hdinsight as container instances in the VNet, with the
 * real @azure/arm-containerinstance and @azure/identity clients against the local fakes of GitHub
 * OIDC, Entra ID and ARM (Microsoft.ContainerInstance and Microsoft.Storage's listKeys).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ArmClients } from '../../src/azure/clients.js';
import { deleteContainerGroups, runContainerGroup } from '../../src/azure/container-instances.js';
import { openArm, type AzureDeps } from '../../src/azure/session.js';
import { azureState } from '../../src/azure/state.js';
import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { UserError } from '../../src/errors.js';
import { CONTAINER_URL_ENV, measureAgentArgs } from '../../src/measure/agent/args.js';
import {
  containerInstancesState,
  hdinsightLoadStats,
  startHdinsightLoad,
  stopHdinsightLoad,
} from '../../src/platforms/hdinsight/load.js';
import { startHdinsightMeasureAgent, stopHdinsightMeasureAgent } from '../../src/platforms/hdinsight/measure-agent.js';
import type { ModeContext } from '../../src/platforms/platform.js';
import { createRun, loadRun, type RunState } from '../../src/run-state/run-state.js';
import { parseSimulatorArgs } from '../../simulator/src/args.js';
import { statsLine } from '../../simulator/src/stats-file.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';
import { fakeArmConnection } from '../helpers/azure-connection.js';
import {
  CONTAINER_INSTANCE_API_VERSION,
  fakeContainerInstances,
  type ContainerGroupRequest,
  type FakeContainerGroup,
  type FakeContainerInstances,
} from '../helpers/arm/containerinstance.js';
import { fakeStorage, type FakeStorage } from '../helpers/arm/storage.js';
import { maskingReporter, type MaskingReporter } from '../helpers/masking-reporter.js';

const IMAGE = 'ghcr.io/org/streaming-at-scale-simulator:0.1.0';
const BROKERS = '10.0.1.11:9092,10.0.1.12:9092,10.0.1.13:9092';
const RESOURCE_GROUP = 'sasbench01-rg';
const STORAGE_ACCOUNT = 'sasbench01storage';
const ENTRYPOINT = ['node', '/app/dist/simulator/index.js'];

let oidc: GitHubOidcServer;
let arm: FakeArm;
let aci: FakeContainerInstances;
let storage: FakeStorage;
let workDir: string;
let subnetId: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  oidc = await startGitHubOidcServer();
  arm = await startFakeArm(oidc);
  aci = fakeContainerInstances();
  storage = fakeStorage();
  arm.providers.push(aci.route, storage.route);
  arm.groups.set(RESOURCE_GROUP, { name: RESOURCE_GROUP, location: 'eastus', tags: {}, state: 'Succeeded' });
  storage.addAccount(RESOURCE_GROUP, STORAGE_ACCOUNT, randomBytes(64).toString('base64'));
  subnetId = `/subscriptions/${arm.subscriptionId}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Network/virtualNetworks/sasbench01-vnet/subnets/simulators`;
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-aci-'));
  // core.getIDToken reads these from the process environment, as on a runner.
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
});

afterAll(async () => {
  process.env = savedEnv;
  await arm?.close();
  await oidc?.close();
});

beforeEach(() => {
  aci.groups.clear();
  aci.created.length = 0;
  aci.subnets.clear();
  aci.subnets.set(subnetId, { delegated: true });
  aci.pollsToProvision = 2;
  aci.pollsToStart = 2;
  aci.exits = () => undefined;
  aci.provisioningError = () => undefined;
  aci.logs = simulatorLogs;
});

/** What a running simulator prints: its banner, then stats lines in the CLI's own format. */
function simulatorLogs(group: FakeContainerGroup): string {
  const command = group.request.properties.containers[0].properties.command ?? [];
  const index = Number(command[command.indexOf('--instance-index') + 1]);
  const stats = (elapsedSeconds: number, sent: number) =>
    statsLine({
      sent,
      acknowledged: sent - 10,
      duplicatesSent: 0,
      errors: index,
      shortfall: 7 * index,
      elapsedSeconds,
      currentRate: 1666.7,
      averageRate: 1666.7,
      targetRate: 1666.7,
    });
  return (
    [
      `Simulator ${index + 1}/3: 1666.7 events/s to topic 'in' on ${BROKERS}.`,
      stats(10, 16_000 + index),
      stats(20, 33_000 + index),
    ].join('\n') + '\n'
  );
}

interface Setup {
  ctx: ModeContext & { reporter: MaskingReporter };
  clients: ArmClients;
  state: RunState;
}

async function setup(inputs: RawInputs = {}): Promise<Setup> {
  const config = parseConfig(
    {
      mode: 'load',
      platform: 'hdinsight',
      tier: '5',
      minutes: '5',
      'solution-name': 'sasbench01',
      'client-id': arm.clientId,
      'tenant-id': arm.tenantId,
      'subscription-id': arm.subscriptionId,
      'simulator-image': IMAGE,
      'work-dir': workDir,
      ...inputs,
    },
    {},
  );
  const deps: AzureDeps = { env: { ...process.env }, connection: fakeArmConnection(arm), now: () => new Date() };
  const state = await createRun(config);
  Object.assign(azureState(state), {
    subscriptionId: arm.subscriptionId,
    resourceGroup: RESOURCE_GROUP,
    location: 'eastus',
    outputs: {
      simulatorsSubnetId: subnetId,
      storageAccountName: STORAGE_ACCOUNT,
      measurementsContainer: 'measurements',
    },
  });
  const ctx = {
    config: { ...config, runId: state.runId },
    reporter: maskingReporter(),
    signal: new AbortController().signal,
  };
  return { ctx, clients: openArm(config, deps), state };
}

const containerRequests = (method: string) =>
  arm.requests.filter((r) => r.method === method && /Microsoft\.ContainerInstance/i.test(r.path));

describe('load on hdinsight', () => {
  it('tier 5: three groups in the simulators subnet running the simulator CLI, sharing 5,000 events/s', async () => {
    const { ctx, clients, state } = await setup();
    await startHdinsightLoad(ctx, state, clients, BROKERS, 600);

    expect(aci.created).toHaveLength(3);
    const byIndex = [...aci.created].sort((a, b) => instanceIndex(a) - instanceIndex(b));
    for (const [index, request] of byIndex.entries()) {
      expect(request).toMatchObject({
        location: 'eastus',
        tags: { 'streaming-at-scale': 'true', 'run-id': state.runId, role: 'simulator' },
        properties: { osType: 'Linux', restartPolicy: 'Never', subnetIds: [{ id: subnetId }] },
      });
      const [container] = request.properties.containers;
      expect(container.name).toBe(`sim-${index}-${state.runId}`);
      expect(container.properties.image).toBe(IMAGE);
      expect(container.properties.resources.requests).toEqual({ cpu: 1, memoryInGB: 1.5 });
      expect(container.properties.environmentVariables).toEqual([]);
      const command = container.properties.command!;
      expect(command.slice(0, 2)).toEqual(ENTRYPOINT);
      expect(command.slice(2)).toEqual([
        ...['--bootstrap-servers', BROKERS, '--topic', 'in', '--events-per-second', '5000'],
        ...['--instance-index', String(index), '--instance-count', '3', '--duration-seconds', '600'],
        ...['--stats-interval-seconds', '10'],
      ]);
      // The simulator's own parser reads it back as this instance's part of the whole rate.
      const parsed = parseSimulatorArgs(command.slice(2));
      expect(parsed).toMatchObject({
        kind: 'run',
        options: {
          brokers: BROKERS.split(','),
          topic: 'in',
          eventsPerSecond: 5000,
          instanceIndex: index,
          instanceCount: 3,
          durationSeconds: 600,
        },
      });
    }
    // The SDK's own api-version, its long-running operation followed to the end.
    for (const request of arm.requests.filter((r) => /Microsoft\.ContainerInstance/i.test(r.path)))
      expect(request.query['api-version']).toBe(CONTAINER_INSTANCE_API_VERSION);
    expect(containerRequests('GET').filter((r) => /\/operations\//.test(r.path)).length).toBeGreaterThanOrEqual(6);

    const lines = ctx.reporter.lines.join('\n');
    expect(lines).toContain('Starting 3 simulator container instance(s) in the VNet: 5,000 events/s in total');
    expect(lines).toMatch(new RegExp(`sim-0-${state.runId}: Waiting \\(Pulling image\\)`));
    expect(lines).toMatch(new RegExp(`sim-2-${state.runId}: Running`));
    expect(lines).toContain('Events are flowing into topic in.');

    // A later job finds the groups in the saved state; the load figures come from the last stats lines.
    const later = await loadRun(ctx.config);
    expect(containerInstancesState(later).load).toEqual([0, 1, 2].map((i) => `sim-${i}-${state.runId}`));
    expect(await hdinsightLoadStats(ctx, later, clients)).toEqual({
      sent: 99_003,
      acknowledged: 98_973,
      errors: 3,
      shortfall: 21,
    });
  });

  it('stopLoad deletes the groups, those recorded and those only tagged; twice is fine', async () => {
    const { ctx, clients, state } = await setup();
    await startHdinsightLoad(ctx, state, clients, BROKERS, 60);
    const names = [...aci.groups.values()].map((group) => group.name).sort();

    const later = await loadRun(ctx.config);
    containerInstancesState(later).load = names.slice(0, 1); // the tags find the other two
    await stopHdinsightLoad(ctx, later, clients);
    expect(aci.groups.size).toBe(0);
    expect(
      containerRequests('DELETE')
        .map((r) => path.basename(r.path))
        .sort(),
    ).toEqual(expect.arrayContaining(names));
    for (const name of names) expect(ctx.reporter.lines).toContain(`Container group ${name}: deleted.`);
    expect((await loadRun(ctx.config)).load).toBeUndefined();

    await stopHdinsightLoad(ctx, await loadRun(ctx.config), clients);
    expect(ctx.reporter.lines.at(-1)).toBe('No simulators running.');
    await deleteContainerGroups(clients, ctx.reporter, RESOURCE_GROUP, names);
    expect(ctx.reporter.lines.slice(-3).sort()).toEqual(names.map((name) => `Container group ${name}: already gone.`));
  });

  it('with wait: blocks until every simulator finished and prints their final stats', async () => {
    const { ctx, clients, state } = await setup({ tier: '1', wait: 'true' });
    const final = statsLine({
      sent: 60_000,
      acknowledged: 60_000,
      duplicatesSent: 60,
      errors: 0,
      shortfall: 0,
      elapsedSeconds: 60,
      currentRate: 1000,
      averageRate: 1000,
      targetRate: 1000,
    });
    aci.exits = (group) => ({ exitCode: 0, logs: `${simulatorLogs(group)}Finished: ${final}\n` });
    await startHdinsightLoad(ctx, state, clients, BROKERS, 60);
    expect(ctx.reporter.lines).toContain(`  sim-0-${state.runId}: Terminated (Completed)`);
    expect(ctx.reporter.lines.at(-1)).toBe('load instance 0: sent 60000, acknowledged 60000, errors 0, shortfall 0');
    await stopHdinsightLoad(ctx, state, clients);
  });

  it('a simulator that exits with code 1: one UserError with its events and last log lines', async () => {
    const { ctx, clients, state } = await setup({ tier: '1' });
    aci.exits = () => ({
      exitCode: 1,
      logs: `Simulator 1/1: 1000.0 events/s to topic 'in' on ${BROKERS}.\nerror: KafkaJSNumberOfRetriesExceeded: Connection timeout (10.0.1.11:9092)\n`,
    });
    const failure = await startHdinsightLoad(ctx, state, clients, BROKERS, 60).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UserError);
    const message = (failure as Error).message;
    expect(message).toMatch(
      new RegExp(`^Container sim-0-${state.runId} stopped with exit code 1 \\(Terminated \\(Error\\)\\)\\.`),
    );
    expect(message).toMatch(
      /Events:\n.* Normal Pulling: pulling image "ghcr\.io\/org\/streaming-at-scale-simulator:0\.1\.0"/,
    );
    expect(message).toContain('Normal Started: Started container');
    expect(message).toContain(`Last log lines of sim-0-${state.runId}:\n  Simulator 1/1`);
    expect(message).toContain('  error: KafkaJSNumberOfRetriesExceeded: Connection timeout (10.0.1.11:9092)');
    // The name was recorded before the failure: stopLoad (or teardown) still cleans up.
    await stopHdinsightLoad(ctx, await loadRun(ctx.config), clients);
    expect(aci.groups.size).toBe(0);
  });

  it('a group that fails to provision: the operation error with the pull events', async () => {
    const { ctx, clients, state } = await setup({ tier: '1' });
    aci.provisioningError = (group) => ({
      code: 'InaccessibleImage',
      message: `The image '${IMAGE}' in container group '${group.name}' is not accessible. Please check the image and registry credential.`,
    });
    const failure = await startHdinsightLoad(ctx, state, clients, BROKERS, 60).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UserError);
    const message = (failure as Error).message;
    expect(message).toMatch(
      new RegExp(`^Creating container group sim-0-${state.runId} in ${RESOURCE_GROUP}: .*InaccessibleImage`),
    );
    expect(message).toContain(`Warning Failed: Failed to pull image "${IMAGE}": manifest unknown`);
    expect(message).toContain(`Container sim-0-${state.runId} wrote no log lines.`);
    await stopHdinsightLoad(ctx, state, clients);
  });

  it('ARM refuses a missing subnet, an undelegated one and a malformed image before creating anything', async () => {
    const { ctx, clients, state } = await setup({ tier: '1' });
    const missing = subnetId.replace(/simulators$/, 'nosuchsubnet');
    azureState(state).outputs!.simulatorsSubnetId = missing;
    await expect(startHdinsightLoad(ctx, state, clients, BROKERS, 60)).rejects.toThrow(
      new RegExp(
        `^Creating container group sim-0-${state.runId} in ${RESOURCE_GROUP} \\(HTTP 400\\): InvalidResourceReference: Resource ${missing} referenced by resource .* was not found`,
      ),
    );

    aci.subnets.set(subnetId, { delegated: false });
    azureState(state).outputs!.simulatorsSubnetId = subnetId;
    await expect(startHdinsightLoad(ctx, state, clients, BROKERS, 60)).rejects.toThrow(
      /\(HTTP 400\): SubnetMissingRequiredDelegation: Subnet missing required delegation 'Microsoft.ContainerInstance'/,
    );

    aci.subnets.set(subnetId, { delegated: true });
    const place = { resourceGroup: RESOURCE_GROUP, location: 'eastus', subnetId };
    const spec = { name: 'bad-image', image: 'Org/Simulator:1', command: ['true'], cpu: 1, memoryInGB: 1, tags: {} };
    await expect(runContainerGroup(clients, ctx.reporter, place, spec, ctx.signal)).rejects.toThrow(
      /^Creating container group bad-image in sasbench01-rg \(HTTP 400\): InvalidImageName: The image 'Org\/Simulator:1'/,
    );
    expect(aci.groups.size).toBe(0);
  });
});

describe('measure agent on hdinsight', () => {
  it('runs measure-agent with its arguments and gets the SAS only as a secure value; deleted afterwards', async () => {
    const { ctx, clients, state } = await setup({ mode: 'measure' });
    aci.logs = () => 'measure agent: sampling every 60 s for 5 min\n';
    const name = await startHdinsightMeasureAgent(ctx, state, clients, BROKERS, 'm0001');

    expect(name).toBe(`measure-agent-${state.runId}`);
    expect(aci.created).toHaveLength(1);
    const request = aci.created[0];
    expect(request.tags).toEqual({ 'streaming-at-scale': 'true', 'run-id': state.runId, role: 'measure-agent' });
    expect(request.properties.subnetIds).toEqual([{ id: subnetId }]);
    const [container] = request.properties.containers;
    expect(container.properties.command).toEqual([
      ...ENTRYPOINT,
      ...measureAgentArgs(ctx.config, {
        bootstrapServers: BROKERS,
        runId: state.runId,
        measurementId: 'm0001',
        eventsPerSecond: 5000,
      }),
    ]);
    expect(container.properties.command!.slice(2, 5)).toEqual(['measure-agent', '--bootstrap-servers', BROKERS]);

    const variables = container.properties.environmentVariables ?? [];
    expect(variables.map((v) => v.name)).toEqual([CONTAINER_URL_ENV]);
    const [sas] = variables;
    expect(sas.value).toBeUndefined();
    expect(sas.secureValue).toMatch(
      new RegExp(`^https://${STORAGE_ACCOUNT}\\.blob\\.core\\.windows\\.net/measurements\\?.*sig=`),
    );
    const query = sas.secureValue!.split('?')[1];
    expect(new URLSearchParams(query).get('sp')).toBe('racwl');
    // Masked before anything could print it, never printed, never on the command line, never read back.
    expect(ctx.reporter.secrets.some((secret) => sas.secureValue!.includes(secret) && secret.includes('sig='))).toBe(
      true,
    );
    for (const line of ctx.reporter.lines) expect(line).not.toContain(query);
    expect(JSON.stringify(container.properties.command)).not.toContain('sig=');
    const readBack = await clients.containerInstances.containerGroups.get(RESOURCE_GROUP, name);
    expect(JSON.stringify(readBack)).not.toContain('sig=');
    expect(readBack.containers[0].environmentVariables).toEqual([{ name: CONTAINER_URL_ENV }]);

    expect(containerInstancesState(await loadRun(ctx.config)).measureAgent).toBe(name);
    const deletesBefore = containerRequests('DELETE').length;
    await stopHdinsightMeasureAgent(ctx, await loadRun(ctx.config), clients);
    expect(aci.groups.size).toBe(0);
    expect(ctx.reporter.lines.at(-1)).toBe(`Container group ${name}: deleted.`);
    await stopHdinsightMeasureAgent(ctx, await loadRun(ctx.config), clients);
    expect(containerRequests('DELETE')).toHaveLength(deletesBefore + 1);
  });
});

function instanceIndex(request: ContainerGroupRequest): number {
  const command = request.properties.containers[0].properties.command ?? [];
  return Number(command[command.indexOf('--instance-index') + 1]);
}
