/**
 * deploy, teardown and cleanup on Azure with the real SDK clients (@azure/identity, @azure/arm-*)
 * and @actions/core's getIDToken, against local fakes of GitHub OIDC, Entra ID and ARM over HTTPS.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanupAzure } from '../../src/azure/cleanup.js';
import { fakeArmConnection } from '../helpers/azure-connection.js';
import { SkippedError } from '../../src/azure/errors.js';
import { postTeardown } from '../../src/azure/post.js';
import type { AzureDeps } from '../../src/azure/session.js';
import { teardownAzureMode } from '../../src/azure/teardown.js';
import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { UserError } from '../../src/errors.js';
import { deployAzure } from '../../src/azure/deploy.js';
import { runMode } from '../../src/modes/index.js';
import { azurePlatform } from '../../src/platforms/azure/index.js';
import type { ModeContext } from '../../src/platforms/platform.js';
import { loadRun } from '../../src/run-state/run-state.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';
import { maskingReporter, type MaskingReporter } from '../helpers/masking-reporter.js';

let oidc: GitHubOidcServer;
let arm: FakeArm;
let workDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  oidc = await startGitHubOidcServer();
  arm = await startFakeArm(oidc);
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-azure-'));
});

afterAll(async () => {
  process.env = savedEnv;
  await arm?.close();
  await oidc?.close();
});

beforeEach(() => {
  // core.getIDToken reads these from the process environment, as on a runner.
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
  arm.failResource = undefined;
  arm.pollsToComplete = 2;
  arm.accessTokenSeconds = 3600;
  oidc.lifetimeSeconds = 300;
});

function deps(env: NodeJS.ProcessEnv = {}, now = () => new Date()): AzureDeps {
  return {
    env: { ...process.env, GITHUB_ACTOR: 'octocat', GITHUB_REPOSITORY: 'org/repo', GITHUB_RUN_ID: '42', ...env },
    connection: fakeArmConnection(arm),
    now,
  };
}

function context(inputs: RawInputs): ModeContext & { reporter: MaskingReporter } {
  const config = parseConfig({
    platform: 'aks',
    'solution-name': 'sasbench01',
    'client-id': arm.clientId,
    'tenant-id': arm.tenantId,
    'subscription-id': arm.subscriptionId,
    'work-dir': workDir,
    ...inputs,
  });
  return { config, reporter: maskingReporter(), signal: new AbortController().signal };
}

const requestsTo = (method: string, pattern: RegExp) =>
  arm.requests.filter((request) => request.method === method && pattern.test(request.path));

describe('deploy on aks', () => {
  let ctx: ReturnType<typeof context>;
  let firstRunId: string;

  it('creates the tagged group, validates, deploys once, follows progress and sets outputs', async () => {
    arm.requests.length = 0;
    arm.outputs = {
      kafkaClusterName: 'kafkasasbench01',
      flinkClusterName: 'sasbench01aks',
      storageAccountName: 'sasbench01storage',
    };
    const idTokensBefore = oidc.issued.length;
    ctx = context({ mode: 'deploy', tier: '5', 'expires-in-hours': '6' });
    const started = Date.now();
    const state = await deployAzure(ctx, 'aks', deps());
    firstRunId = state.runId;

    // The resource group: PUT with location and the toolkit's tags.
    const put = requestsTo('PUT', /\/resourcegroups\/sasbench01-rg$/i).at(-1)!;
    const body = put.body as { location: string; tags: Record<string, string> };
    expect(put.query['api-version']).toBe('2024-03-01');
    expect(body.location).toBe('eastus');
    expect(body.tags).toMatchObject({
      'streaming-at-scale': 'true',
      'solution-name': 'sasbench01',
      'run-id': state.runId,
      'started-by': 'octocat (org/repo run 42)',
    });
    const expires = Date.parse(body.tags['expires-at']);
    expect(Math.abs(expires - (started + 6 * 3_600_000))).toBeLessThan(60_000);
    // The run's deadline (max-duration-minutes, default 120, from deploy's start): tagged and in the state.
    const deadline = Date.parse(body.tags.deadline!);
    expect(deadline - started).toBeGreaterThanOrEqual(120 * 60_000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(120 * 60_000);
    expect(state.platformState.azure).toMatchObject({ deadline: body.tags.deadline, maxDurationMinutes: 120 });

    // Validation before the deployment, with the same template and parameters.
    const order = arm.requests.map((request) => `${request.method} ${request.path}`);
    const validateAt = order.findIndex((line) => /\/validate$/.test(line));
    const deployAt = order.findIndex((line) => /^PUT .*\/deployments\/streaming-at-scale-/.test(line));
    expect(validateAt).toBeGreaterThan(
      order.findIndex((line) => /^PUT .*\/resourcegroups\/sasbench01-rg$/i.test(line)),
    );
    expect(deployAt).toBeGreaterThan(validateAt);
    expect(requestsTo('PUT', /\/deployments\//)).toHaveLength(1);
    const deployment = requestsTo('PUT', /\/deployments\//)[0].body as {
      properties: { template: unknown; parameters: Record<string, { value: unknown }>; mode: string };
    };
    expect(deployment.properties.mode).toBe('Incremental');
    expect(deployment.properties.template).toEqual(JSON.parse(await readFile('bicep/main.json', 'utf8')));
    const values = Object.fromEntries(Object.entries(deployment.properties.parameters).map(([k, v]) => [k, v.value]));
    expect(values).toMatchObject({
      solutionName: 'sasbench01',
      location: 'eastus',
      flinkPlatform: 'aks',
      kafkaWorkerCount: 4,
      kafkaWorkerSize: 'Standard_D3_V2',
      aksNodeCount: 5,
      aksNodeSize: 'Standard_D2s_v3',
      tags: body.tags,
    });
    const passwords = [values.clusterLoginPassword, values.sshPassword] as string[];
    for (const password of passwords)
      expect(password).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z\d]).{20,}$/);
    expect(ctx.reporter.secrets).toEqual(expect.arrayContaining(passwords));

    // Long-running operation followed through Azure-AsyncOperation, progress from the operations.
    expect(requestsTo('GET', /\/operationStatuses\//).length).toBeGreaterThanOrEqual(2);
    expect(requestsTo('GET', /\/deployments\/[^/]+\/operations$/).length).toBeGreaterThan(0);
    const printed = ctx.reporter.lines.join('\n');
    expect(printed).toMatch(/Microsoft\.Resources\/deployments kafka: (creating|succeeded)/);
    expect(printed).toMatch(/Microsoft\.HDInsight\/clusters kafkasasbench01: succeeded/);
    expect(printed).toMatch(/Microsoft\.ContainerService\/managedClusters sasbench01aks: succeeded/);

    // Outputs and run state; never a password.
    expect(ctx.reporter.outputs).toMatchObject({
      'resource-group': 'sasbench01-rg',
      'deployment-name': `streaming-at-scale-${state.runId}`,
      'kafka-cluster-name': 'kafkasasbench01',
      'flink-cluster-name': 'sasbench01aks',
      'storage-account': 'sasbench01storage',
    });
    const saved = await loadRun(ctx.config);
    expect(saved.platformState.azure).toMatchObject({
      resourceGroup: 'sasbench01-rg',
      deploymentName: `streaming-at-scale-${state.runId}`,
    });
    const everything = JSON.stringify([
      ctx.reporter.lines,
      ctx.reporter.outputs,
      await readFile(path.join(state.runDir, 'state.json'), 'utf8'),
    ]);
    for (const password of passwords) expect(everything).not.toContain(password);

    // Every ARM request went over HTTPS to the loopback fake with an exchanged token.
    expect(arm.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(
      arm.requests
        .filter((r) => r.path.includes('/subscriptions/'))
        .every((r) => /^Bearer fake-arm-token-/.test(r.authorization ?? '')),
    ).toBe(true);
    expect(oidc.issued.length).toBeGreaterThan(idTokensBefore);
  });

  it('a re-run with the same solution name converges (group updated, new deployment)', async () => {
    arm.requests.length = 0;
    const again = context({ mode: 'deploy', tier: '5' });
    const state = await deployAzure(again, 'aks', deps());
    expect(state.runId).not.toBe(firstRunId);
    expect(again.reporter.lines.join('\n')).toContain('Updated resource group sasbench01-rg');
    expect(arm.groups.get('sasbench01-rg')?.tags['run-id']).toBe(state.runId);
  });

  it('fetches a fresh GitHub ID token for every token exchange (short-lived tokens)', async () => {
    arm.accessTokenSeconds = 1; // every request needs a new Azure token
    oidc.lifetimeSeconds = 2; // an assertion kept and reused would expire mid-run (AADSTS700024)
    arm.pollsToComplete = 6;
    arm.retryAfterSeconds = 1;
    const exchangesBefore = arm.exchanges.length;
    const issuedBefore = oidc.issued.length;
    try {
      const ctx = context({ mode: 'deploy' });
      await deployAzure(ctx, 'aks', deps());
    } finally {
      arm.retryAfterSeconds = 0;
    }
    const exchanges = arm.exchanges.slice(exchangesBefore);
    expect(exchanges.length).toBeGreaterThan(3);
    expect(new Set(exchanges).size).toBe(exchanges.length); // never the same assertion twice
    // Each exchange presented an ID token fetched for it (MSAL may ask for one more than it sends).
    expect(oidc.issued.length - issuedBefore).toBeGreaterThanOrEqual(exchanges.length);
    expect(exchanges.every((jwt) => oidc.issued.includes(jwt))).toBe(true);
  });

  it('retries 429 responses after Retry-After', async () => {
    arm.requests.length = 0;
    arm.throttle(2, 1);
    const ctx = context({ mode: 'deploy' });
    const started = Date.now();
    await deployAzure(ctx, 'aks', deps());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    const first = arm.requests.findIndex((r) => r.path.includes('/subscriptions/'));
    // The same first ARM request was sent three times: two 429s, then through.
    expect(arm.requests.slice(first, first + 3).map((r) => `${r.method} ${r.path}`)).toEqual(
      Array(3).fill(`${arm.requests[first].method} ${arm.requests[first].path}`),
    );
  });

  it('a failed deployment surfaces ARM code, message and the failing resource; teardown still works', async () => {
    arm.failResource = {
      type: 'Microsoft.HDInsight/clusters',
      code: 'InvalidKafkaComponentVersion',
      message: "Kafka component version '3.2' is not supported for cluster version '5.0'.",
    };
    const ctx = context({ mode: 'deploy' });
    const error = await deployAzure(ctx, 'aks', deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).toContain('DeploymentFailed');
    expect(message).toMatch(
      /failed: Microsoft\.HDInsight\/clusters 'kafkasasbench01': InvalidKafkaComponentVersion: Kafka component version/,
    );
    expect(ctx.reporter.lines.join('\n')).toMatch(/Microsoft\.HDInsight\/clusters kafkasasbench01: failed/);

    const down = context({ mode: 'teardown' });
    await teardownAzureMode(down, deps());
    expect(arm.groups.has('sasbench01-rg')).toBe(false);
    expect(down.reporter.lines.join('\n')).toContain('Resource group sasbench01-rg deleted.');
  });
});

describe('deploy: what stops it', () => {
  it('a 409 conflict (group exists elsewhere) gives ARM code and message', async () => {
    arm.groups.set('clash01-rg', { name: 'clash01-rg', location: 'westeurope', tags: {}, state: 'Succeeded' });
    const ctx = context({ mode: 'deploy', 'solution-name': 'clash01' });
    await expect(deployAzure(ctx, 'aks', deps())).rejects.toThrow(
      /HTTP 409.*InvalidResourceGroupLocation: Invalid resource group location 'eastus'\. The Resource group already exists in location 'westeurope'/,
    );
    expect(requestsTo('PUT', /\/deployments\//).some((r) => r.path.includes('clash01'))).toBe(false);
  });

  it("ARM's validation error stops it before anything is created, and the new empty group goes again", async () => {
    arm.requests.length = 0;
    arm.validationError = {
      code: 'InvalidTemplateDeployment',
      message:
        "The template deployment failed with error: 'Operation could not be completed as it results in exceeding approved standardDv2Family Cores quota.'",
    };
    try {
      const ctx = context({ mode: 'deploy', 'solution-name': 'quota01', platform: 'hdinsight' });
      await expect(deployAzure(ctx, 'hdinsight', deps())).rejects.toThrow(
        /ARM rejected the deployment of quota01-rg before creating anything: InvalidTemplateDeployment: The template deployment failed/,
      );
    } finally {
      arm.validationError = undefined;
    }
    expect(requestsTo('PUT', /\/deployments\//)).toHaveLength(0);
    expect(requestsTo('DELETE', /\/resourcegroups\/quota01-rg$/i)).toHaveLength(1);
  });

  it('without ACTIONS_ID_TOKEN_REQUEST_URL: tells the user to add id-token: write', async () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const env = deps().env;
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const ctx = context({ mode: 'deploy' });
    await expect(azurePlatform('aks', { ...deps(), env }).deploy(ctx)).rejects.toThrow(/permissions: id-token: write/);
  });

  it('a pull request from a fork: a clear skip, and the mode succeeds', async () => {
    const event = path.join(workDir, 'event.json');
    await writeFile(
      event,
      JSON.stringify({
        pull_request: {
          head: { repo: { full_name: 'someone/streaming-at-scale' } },
          base: { repo: { full_name: 'org/streaming-at-scale' } },
        },
      }),
    );
    const env: NodeJS.ProcessEnv = { ...deps().env, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event };
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const ctx = context({ mode: 'deploy' });
    await expect(azurePlatform('aks', { ...deps(), env }).deploy(ctx)).rejects.toBeInstanceOf(SkippedError);

    // Through the mode dispatcher: a warning, output skipped=true, no failure.
    const saved = { ...process.env };
    Object.assign(process.env, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event });
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    try {
      const viaMode = context({ mode: 'cleanup', 'solution-name': '' });
      await runMode(viaMode);
      expect(viaMode.reporter.outputs.skipped).toBe('true');
      expect(viaMode.reporter.lines.join('\n')).toMatch(
        /warning: Skipping: this is a pull request from the fork someone\/streaming-at-scale/,
      );
    } finally {
      process.env = saved;
    }
  });
});

describe('teardown and cleanup', () => {
  it('teardown deletes the group through Location polling; repeating it is success', async () => {
    arm.groups.set('gone01-rg', { name: 'gone01-rg', location: 'eastus', tags: {}, state: 'Succeeded' });
    arm.requests.length = 0;
    const ctx = context({ mode: 'teardown', 'solution-name': 'gone01' });
    await teardownAzureMode(ctx, deps());
    expect(requestsTo('DELETE', /\/resourcegroups\/gone01-rg$/i)).toHaveLength(1);
    expect(requestsTo('GET', /\/operationresults\//).length).toBeGreaterThanOrEqual(2);
    expect(arm.groups.has('gone01-rg')).toBe(false);

    const again = context({ mode: 'teardown', 'solution-name': 'gone01' });
    await teardownAzureMode(again, deps());
    expect(again.reporter.lines.join('\n')).toContain('does not exist: nothing to tear down');
  });

  it("a teardown given an older run's id keeps the group a newer deploy of the solution made, and says whose it is", async () => {
    const tags = { 'streaming-at-scale': 'true', 'run-id': '20300101-120000-new1' };
    arm.groups.set('reused01-rg', { name: 'reused01-rg', location: 'eastus', tags, state: 'Succeeded' });
    arm.requests.length = 0;
    const old = context({ mode: 'teardown', 'solution-name': 'reused01', 'run-id': '20300101-100000-old1' });
    await teardownAzureMode(old, deps());
    expect(requestsTo('DELETE', /\/resourcegroups\/reused01-rg$/i)).toHaveLength(0);
    expect(arm.groups.get('reused01-rg')?.state).toBe('Succeeded');
    expect(old.reporter.lines.join('\n')).toContain(
      'warning: Resource group reused01-rg belongs to run 20300101-120000-new1, not to run 20300101-100000-old1 that this teardown was asked for: not deleting it',
    );
    // Its own run id (or none) deletes it.
    const own = context({ mode: 'teardown', 'solution-name': 'reused01', 'run-id': '20300101-120000-new1' });
    await teardownAzureMode(own, deps());
    expect(arm.groups.has('reused01-rg')).toBe(false);
  });

  it('teardown without waiting returns once ARM accepted the deletion', async () => {
    arm.groups.set('nowait01-rg', { name: 'nowait01-rg', location: 'eastus', tags: {}, state: 'Succeeded' });
    const ctx = context({ mode: 'teardown', 'solution-name': 'nowait01', 'wait-for-deletion': 'false' });
    await teardownAzureMode(ctx, deps());
    expect(arm.groups.get('nowait01-rg')?.state).toBe('Deleting');
  });

  it('cleanup deletes only expired toolkit groups and prints a table; dry-run deletes nothing', async () => {
    const now = new Date('2030-01-02T00:00:00Z');
    const tagged = (runId: string, expiresAt: string) => ({
      'streaming-at-scale': 'true',
      'run-id': runId,
      'started-by': 'octocat',
      'expires-at': expiresAt,
    });
    arm.groups.clear();
    arm.groups.set('old01-rg', {
      name: 'old01-rg',
      location: 'eastus',
      tags: tagged('r-old', '2030-01-01T00:00:00.000Z'),
      state: 'Succeeded',
    });
    arm.groups.set('fresh01-rg', {
      name: 'fresh01-rg',
      location: 'eastus',
      tags: tagged('r-new', '2030-01-02T05:00:00.000Z'),
      state: 'Succeeded',
    });
    arm.groups.set('other-rg', {
      name: 'other-rg',
      location: 'eastus',
      tags: { 'expires-at': '2020-01-01T00:00:00Z' },
      state: 'Succeeded',
    });

    const dry = context({ mode: 'cleanup', 'solution-name': '', 'dry-run': 'true' });
    await cleanupAzure(
      dry,
      deps({}, () => now),
    );
    expect(dry.reporter.outputs['deleted-resource-groups']).toBe('old01-rg');
    expect(arm.groups.size).toBe(3);
    const list = requestsTo('GET', /\/resourcegroups$/i).at(-1)!;
    expect(list.query.$filter).toBe("tagName eq 'streaming-at-scale' and tagValue eq 'true'");

    const real = context({ mode: 'cleanup', 'solution-name': '' });
    await cleanupAzure(
      real,
      deps({}, () => now),
    );
    expect([...arm.groups.keys()].sort()).toEqual(['fresh01-rg', 'other-rg']);
    const table = real.reporter.lines[0];
    expect(table).toMatch(/^resource group\s+location\s+run id\s+started by\s+expires at\s+action$/m);
    expect(table).toMatch(
      /^fresh01-rg\s+eastus\s+r-new\s+octocat\s+2030-01-02T05:00:00\.000Z\s+kept: expires in 5\.0 h$/m,
    );
    expect(table).toMatch(/^old01-rg\s+eastus\s+r-old\s+octocat\s+2030-01-01T00:00:00\.000Z\s+deleted$/m);
  });

  it("the post step deletes the group this job's deploy created, and only warns on failure", async () => {
    arm.groups.set('post01-rg', { name: 'post01-rg', location: 'eastus', tags: {}, state: 'Succeeded' });
    const raw: RawInputs = {
      mode: 'deploy',
      platform: 'aks',
      'solution-name': 'post01',
      'client-id': arm.clientId,
      'tenant-id': arm.tenantId,
      'subscription-id': arm.subscriptionId,
    };
    const saved = {
      runId: 'r1',
      platform: 'aks',
      subscriptionId: arm.subscriptionId,
      resourceGroup: 'post01-rg',
      deploymentName: 'd',
    };
    const reporter = maskingReporter();
    await postTeardown(raw, parseConfig, reporter, deps(), saved);
    expect(arm.groups.get('post01-rg')?.state).toBe('Deleting');

    const failing = maskingReporter();
    await postTeardown(
      { ...raw, 'tenant-id': '99999999-9999-9999-9999-999999999999' },
      parseConfig,
      failing,
      deps(),
      saved,
    );
    expect(failing.lines.join('\n')).toMatch(
      /warning: Post step could not delete resource group post01-rg.*AADSTS90002/s,
    );

    const nothing = maskingReporter();
    await postTeardown(raw, parseConfig, nothing, deps(), undefined);
    expect(nothing.lines.join('\n')).toContain('nothing to tear down');
  });
});
