/**
 * The sign-in preflight of the Azure modes, with the real @actions/core getIDToken and
 * @azure/identity against the local fakes of GitHub OIDC, Entra ID (which matches the assertion's
 * subject against the app's federated credentials) and ARM.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { idTokenClaims, MISSING_ID_TOKEN_PERMISSION } from '../../src/azure/credential.js';
import { deployAzure } from '../../src/azure/deploy.js';
import { signInError } from '../../src/azure/errors.js';
import { type AzureDeps, openArm } from '../../src/azure/session.js';
import { parseConfig, type AzureIdentity } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { UserError } from '../../src/errors.js';
import { azurePlatform } from '../../src/platforms/azure/index.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';
import { fakeArmConnection } from '../helpers/azure-connection.js';
import { recordingReporter } from '../fixtures/report/recording-reporter.js';

let oidc: GitHubOidcServer;
let arm: FakeArm;
let workDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  oidc = await startGitHubOidcServer();
  arm = await startFakeArm(oidc);
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-preflight-'));
});

afterAll(async () => {
  process.env = savedEnv;
  await arm?.close();
  await oidc?.close();
});

const SUBJECT = 'repo:acme/bench:environment:azure';

beforeEach(() => {
  // core.getIDToken reads these from the process environment, as on a runner.
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
  // A new app registration per test: the preflight runs once per process and identity.
  arm.clientId = randomUUID();
  arm.federatedSubjects = [SUBJECT];
  oidc.subject = SUBJECT;
  oidc.lifetimeSeconds = 300;
  arm.requests.length = 0;
  arm.exchanges.length = 0;
});

function recorder() {
  const secrets: string[] = [];
  return { ...recordingReporter(), setSecret: (value: string) => void secrets.push(value), secrets };
}

function setup(inputs: RawInputs = {}) {
  const reporter = recorder();
  const config = parseConfig({
    platform: 'aks',
    mode: 'cleanup',
    'client-id': arm.clientId,
    'tenant-id': arm.tenantId,
    'subscription-id': arm.subscriptionId,
    'work-dir': workDir,
    ...inputs,
  });
  const deps: AzureDeps = {
    env: { ...process.env },
    connection: fakeArmConnection(arm),
    now: () => new Date(),
    reporter,
  };
  return { config, reporter, deps };
}

const armRequests = () => arm.requests.filter((request) => request.path.startsWith('/subscriptions/'));
const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sub: string };

/** Opens ARM and makes one call through it: the preflight runs before that call goes out. */
async function firstArmCall(inputs: RawInputs = {}) {
  const { config, reporter, deps } = setup(inputs);
  const error = await openArm(config, deps)
    .resources.resourceGroups.checkExistence('sasbench01-rg')
    .then(() => undefined)
    .catch((caught: unknown) => caught as Error);
  return { reporter, error };
}

describe('the sign-in preflight', () => {
  it('prints the subject of the ID token it exchanges, then signs in, before any ARM call', async () => {
    const { reporter, error } = await firstArmCall();
    expect(error).toBeUndefined();
    const presented = arm.exchanges[0]!;
    expect(claimsOf(presented).sub).toBe(SUBJECT);
    expect(reporter.infos[0]).toBe(
      `Federated credential subject to configure: ${SUBJECT} (issuer https://token.actions.githubusercontent.com, audience api://AzureADTokenExchange)`,
    );
    expect(reporter.infos[1]).toBe(`Signed in to Azure: tenant ${arm.tenantId}, client ${arm.clientId}.`);
    // Entra ID saw the preflight's exchange before ARM saw anything.
    const order = arm.requests.map((request) => request.path);
    expect(order.findIndex((p) => p.endsWith('/oauth2/v2.0/token'))).toBeLessThan(
      order.findIndex((p) => p.startsWith('/subscriptions/')),
    );
  });

  it('masks every ID token it reads and never prints one', async () => {
    const { reporter } = await firstArmCall();
    expect(arm.exchanges.length).toBeGreaterThan(0);
    expect(reporter.secrets).toEqual(expect.arrayContaining(arm.exchanges));
    const printed = JSON.stringify([reporter.infos, reporter.warnings]);
    for (const jwt of oidc.issued) expect(printed).not.toContain(jwt);
  });

  it('AADSTS70021: names the subject the token had and where to add it; ARM is never called', async () => {
    oidc.subject = 'repo:acme/bench:pull_request';
    const { reporter, error } = await firstArmCall();
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe(
      `Azure sign-in failed: AADSTS70021: the app registration (or managed identity) ${arm.clientId} has no federated credential matching this job's ID token (subject 'repo:acme/bench:pull_request', issuer https://token.actions.githubusercontent.com, audience api://AzureADTokenExchange). Add one with exactly that subject under Certificates & secrets > Federated credentials; see docs/azure-setup.md.`,
    );
    expect(reporter.infos).toEqual([
      'Federated credential subject to configure: repo:acme/bench:pull_request (issuer https://token.actions.githubusercontent.com, audience api://AzureADTokenExchange)',
    ]);
    expect(armRequests()).toHaveLength(0);
    for (const jwt of oidc.issued) expect(error!.message).not.toContain(jwt);
  });

  it('AADSTS700016: wrong client-id or tenant-id', async () => {
    const wrongClient = randomUUID();
    const { error } = await firstArmCall({ 'client-id': wrongClient });
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe(
      `Azure sign-in failed: AADSTS700016: no application with client-id ${wrongClient} in tenant ${arm.tenantId}. Check client-id (the Application (client) ID of the app registration or managed identity) and that tenant-id is the tenant it was created in.`,
    );
    expect(armRequests()).toHaveLength(0);
  });

  it('AADSTS700024: an expired assertion points at the clock and reused tokens', async () => {
    oidc.lifetimeSeconds = 0;
    const { error } = await firstArmCall();
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe(
      'Azure sign-in failed: AADSTS700024: the GitHub ID token was expired or not yet valid when Entra ID received it. Check the clock of the runner (it must be within minutes of UTC) and that no ID token is kept and presented again: each exchange needs a fresh one.',
    );
    expect(armRequests()).toHaveLength(0);
  });

  it('AADSTS90002: tenant not found', async () => {
    const wrongTenant = randomUUID();
    const { error } = await firstArmCall({ 'tenant-id': wrongTenant });
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toBe(
      `Azure sign-in failed: AADSTS90002: tenant ${wrongTenant} was not found. Check tenant-id (Entra ID > Overview > Tenant ID) and, outside the public cloud, AZURE_AUTHORITY_HOST.`,
    );
  });

  it('a later exchange that Entra ID refuses gives the same line (the credential maps it too)', async () => {
    expect((await firstArmCall()).error).toBeUndefined();
    arm.federatedSubjects = []; // the federated credential was deleted mid-run
    const { reporter, error } = await firstArmCall();
    expect(reporter.infos).toEqual([]); // the preflight already passed in this process
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toContain(`AADSTS70021: the app registration (or managed identity) ${arm.clientId}`);
    expect(error!.message).toContain(`(subject '${SUBJECT}'`);
  });

  it('without the id-token permission, fails with the permission fix before fetching any token', async () => {
    const issued = oidc.issued.length;
    const { config, deps } = setup();
    delete deps.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    expect(() => openArm(config, deps)).toThrow(MISSING_ID_TOKEN_PERMISSION);
    expect(oidc.issued.length).toBe(issued);
  });

  it('runs once for a mode that opens ARM several times (deploy, then teardown of the same run)', async () => {
    arm.outputs = { kafkaClusterName: 'kafkapfbench01', flinkClusterName: 'pfbench01aks', storageAccountName: 'x' };
    const { config, reporter, deps } = setup({ mode: 'deploy', 'solution-name': 'pfbench01', tier: '5' });
    const ctx = { config, reporter, signal: new AbortController().signal };
    // The ARM deployment and the teardown of its group: separate ARM sessions of one process.
    const state = await deployAzure(ctx, 'aks', deps);
    await azurePlatform('aks', deps).teardown(ctx, state);
    expect(reporter.infos.filter((line) => line.startsWith('Federated credential subject'))).toHaveLength(1);
    expect(reporter.infos.filter((line) => line.startsWith('Signed in to Azure'))).toHaveLength(1);
    expect(
      arm.requests.filter((r) => r.method === 'DELETE' && /resourcegroups\/pfbench01-rg$/i.test(r.path)),
    ).toHaveLength(1);
  });
});

describe('signInError', () => {
  const identity: AzureIdentity = { clientId: 'c', tenantId: 't', subscriptionId: 's' };

  it("keeps Entra's own first line for a code it has no fix for", () => {
    // The shape @azure/identity gives (MSAL's ServerError text), as the fake's errors show above.
    const error = new Error(
      'invalid_client: Error(s): 7000215 - Timestamp: 2026-01-01T00:00:00Z - Description: AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x\r\nCorrelation ID: y',
    );
    const mapped = signInError(error, identity) as Error;
    expect(mapped).toBeInstanceOf(UserError);
    expect(mapped.message).toBe('Azure sign-in failed: AADSTS7000215: Invalid client secret provided.');
  });

  it('returns anything that is not an Entra refusal unchanged, and unwraps a UserError cause', () => {
    const network = new Error('connect ECONNREFUSED 127.0.0.1:443');
    expect(signInError(network, identity)).toBe(network);
    const permission = new UserError('Could not get a GitHub OIDC token: 403.');
    expect(signInError(new Error('wrapped', { cause: permission }), identity)).toBe(permission);
  });
});

describe('idTokenClaims', () => {
  const jwt = (claims: unknown) =>
    `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature-not-checked`;

  it('reads sub, iss and aud (a list of audiences joined)', () => {
    expect(idTokenClaims(jwt({ sub: 'repo:a/b:pull_request', iss: 'https://i', aud: ['x', 'y'] }))).toEqual({
      sub: 'repo:a/b:pull_request',
      iss: 'https://i',
      aud: 'x y',
    });
  });

  it('refuses what is not a JWT with one line', () => {
    expect(() => idTokenClaims('not-a-jwt')).toThrow(
      new UserError("The GitHub OIDC token is not a JWT: the runner's token endpoint answered something else."),
    );
    expect(() => idTokenClaims(jwt(null))).toThrow(UserError);
  });
});
