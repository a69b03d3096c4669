/** The run state rebuilt from Azure (pure: the group's tags and the deployment as ARM returns them). */
import path from 'node:path';
import { RunRecoveryError, runStateFromAzure, type RecoveryInput } from '../../src/azure/recover-state.js';
import { resourceGroupTags } from '../../src/azure/names.js';
import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { activeJob } from '../../src/platforms/azure/flink-job.js';
import type { JobOverview } from '../../src/flink/rest-client.js';

const RUN = '20300101-120000-abcd';
const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
const DEADLINE = new Date('2030-01-01T14:00:00.000Z');

function config(inputs: RawInputs = {}) {
  return parseConfig({
    mode: 'measure',
    platform: 'hdinsight',
    tier: '5',
    'solution-name': 'sasrec01',
    'client-id': '00000000-0000-0000-0000-00000000000c',
    'tenant-id': '00000000-0000-0000-0000-00000000000f',
    'subscription-id': SUBSCRIPTION,
    'work-dir': '/tmp/fresh-runner',
    'simulator-image': 'ghcr.io/org/streaming-at-scale-simulator:0.1.0',
    'run-id': RUN,
    ...inputs,
  });
}

const tags = (runId = RUN) =>
  resourceGroupTags({
    solutionName: 'sasrec01',
    runId,
    startedBy: 'octocat',
    now: new Date('2030-01-01T12:00:00Z'),
    expiresInHours: 24,
    deadline: DEADLINE,
  });

function input(overrides: Partial<RecoveryInput> = {}): RecoveryInput {
  return {
    config: config(),
    runId: RUN,
    subscriptionId: SUBSCRIPTION,
    group: { name: 'sasrec01-rg', location: 'westeurope', tags: tags(), provisioningState: 'Succeeded' },
    deployment: {
      name: `streaming-at-scale-${RUN}`,
      provisioningState: 'Succeeded',
      // As ARM returns them: { name: { type, value } }; a secure parameter comes back without a value.
      outputs: {
        kafkaClusterName: { type: 'String', value: 'kafkasasrec01' },
        storageAccountName: { type: 'String', value: 'sasrec01storage' },
        measurementsContainer: { type: 'String', value: 'measurements' },
      },
      parameters: { flinkPlatform: { value: 'hdinsight' }, clusterLoginPassword: {} },
      timestamp: new Date('2030-01-01T12:25:00Z'),
    },
    now: new Date('2030-01-01T13:00:00Z'),
    ...overrides,
  };
}

describe('runStateFromAzure', () => {
  it('rebuilds what the later stages read: group, deployment outputs, deadline, the sizing of the same inputs', () => {
    const state = runStateFromAzure(input());
    const tier5 = config();
    expect(state).toEqual({
      version: 1,
      runId: RUN,
      platform: 'hdinsight',
      createdAt: '2030-01-01T12:25:00.000Z',
      runDir: path.resolve('/tmp/fresh-runner', RUN),
      eventsPerSecond: 5000,
      partitions: tier5.partitions,
      parallelism: tier5.parallelism,
      tier: '5',
      simulatorInstances: tier5.simulatorInstances,
      platformState: {
        azure: {
          subscriptionId: SUBSCRIPTION,
          resourceGroup: 'sasrec01-rg',
          deploymentName: `streaming-at-scale-${RUN}`,
          location: 'westeurope',
          outputs: {
            kafkaClusterName: 'kafkasasrec01',
            storageAccountName: 'sasrec01storage',
            measurementsContainer: 'measurements',
          },
          deadline: DEADLINE.toISOString(),
        },
      },
    });
    // Found again where they are read, never guessed here.
    expect(state.flinkJobId).toBeUndefined();
    expect(state.kafkaBootstrapServers).toBeUndefined();
    expect(state.load).toBeUndefined();
  });

  it('takes the sizing from the inputs (partitions, parallelism given explicitly)', () => {
    const state = runStateFromAzure(input({ config: config({ partitions: '7', parallelism: '3', tier: '1200' }) }));
    expect([state.eventsPerSecond, state.partitions, state.parallelism]).toEqual([1200, 7, 3]);
  });

  it('a group deployed before deadlines existed: no deadline; no timestamp: createdAt is now', () => {
    const { deadline: _deadline, ...older } = tags();
    const state = runStateFromAzure(
      input({
        group: { name: 'sasrec01-rg', location: 'eastus', tags: older },
        deployment: { ...input().deployment!, timestamp: undefined },
      }),
    );
    expect((state.platformState.azure as { deadline?: string }).deadline).toBeUndefined();
    expect(state.createdAt).toBe('2030-01-01T13:00:00.000Z');
  });

  const refused = (overrides: Partial<RecoveryInput>) => {
    try {
      runStateFromAzure(input(overrides));
    } catch (error) {
      expect(error).toBeInstanceOf(RunRecoveryError);
      return (error as Error).message;
    }
    throw new Error('expected a RunRecoveryError');
  };

  it('refuses a group that does not exist, naming it and saying deploy must run first', () => {
    expect(refused({ group: undefined })).toBe(
      `Run '${RUN}' has no state on this machine, and its resource group sasrec01-rg does not exist in subscription ${SUBSCRIPTION}: run 'deploy' first with the same solution-name ('sasrec01') and pass its run-id to the later stages.`,
    );
  });

  it('refuses a group whose run-id tag names another run, with both run ids', () => {
    expect(refused({ group: { name: 'sasrec01-rg', location: 'eastus', tags: tags('20300101-110000-ffff') } })).toBe(
      `Resource group sasrec01-rg holds run '20300101-110000-ffff' (its 'run-id' tag), not run '${RUN}': a later deploy with solution-name 'sasrec01' replaced it, or the run id is wrong. Run 'deploy' first with the same solution-name ('sasrec01') and pass its run-id to the later stages.`,
    );
  });

  it('refuses a group that is not the toolkit’s, one being deleted, and a deploy that did not finish', () => {
    expect(refused({ group: { name: 'sasrec01-rg', location: 'eastus', tags: { owner: 'someone' } } })).toMatch(
      /^Resource group sasrec01-rg has no 'run-id' tag of streaming-at-scale/,
    );
    expect(
      refused({ group: { name: 'sasrec01-rg', location: 'eastus', tags: tags(), provisioningState: 'Deleting' } }),
    ).toMatch(/^Resource group sasrec01-rg of run '.*' is being deleted/);
    expect(refused({ deployment: undefined })).toMatch(
      new RegExp(`^Resource group sasrec01-rg holds run '${RUN}' but has no ARM deployment streaming-at-scale-${RUN}`),
    );
    expect(refused({ deployment: { ...input().deployment!, provisioningState: 'Failed' } })).toMatch(
      /is 'Failed', not Succeeded: the later stages need a finished deploy/,
    );
  });

  it('refuses a run deployed for the other Azure platform', () => {
    expect(refused({ config: config({ platform: 'aks' }) })).toBe(
      `Run '${RUN}' in sasrec01-rg was deployed for platform 'hdinsight', not 'aks': pass --platform hdinsight.`,
    );
  });
});

describe('activeJob', () => {
  const job = (jid: string, state: JobOverview['state']): JobOverview => ({
    jid,
    name: 'simple-relay',
    state,
    'start-time': 0,
    'end-time': -1,
    duration: 0,
    tasks: {},
  });

  it('is the running job; a restarting one when none runs; never a finished or failed one', () => {
    expect(activeJob([job('a', 'FAILED'), job('b', 'RUNNING')])?.jid).toBe('b');
    expect(activeJob([job('a', 'CANCELED'), job('c', 'RESTARTING')])?.jid).toBe('c');
    expect(activeJob([job('a', 'FINISHED'), job('d', 'FAILED')])).toBeUndefined();
    expect(activeJob([])).toBeUndefined();
  });
});
