/**
 * Local fakes of the three services an Azure mode talks to, speaking their real protocols so the
 * real clients (@actions/core's getIDToken, @azure/identity + MSAL, @azure/arm-resources and
 * @azure/arm-resourcesdeployments) are tested without stubs:
 *
 * - a GitHub OIDC ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN), plain HTTP as the
 *   runner's is internal: every request gets a new short-lived JWT, and the count is recorded;
 * - Entra ID over HTTPS: OpenID discovery and /{tenant}/oauth2/v2.0/token (client_credentials with a
 *   client assertion, which must be a live ID token from the fake above, AADSTS700024 otherwise,
 *   whose subject is one of the app's federated credentials, AADSTS70021 otherwise);
 * - Azure Resource Manager over HTTPS (Microsoft.Resources 2024-03-01): resource groups PUT / HEAD /
 *   GET / DELETE / list with a tag $filter, deployments validate / PUT / GET / operations, long-running
 *   operations through Azure-AsyncOperation (deployments) and Location (group deletion), 429 with
 *   Retry-After, 409 conflicts, failed deployments with ARM's error bodies. Bodies follow the example
 *   payloads in test/fixtures/azure-rest-examples/resources/2024-03-01.
 *
 * Everything listens on 127.0.0.1 only; the HTTPS certificate is made for the test with openssl.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

// A byte-for-byte copy of the project's shared azure-rest-examples (MIT, from Azure/azure-rest-api-specs).
export const EXAMPLES = path.resolve(import.meta.dirname, '..', 'fixtures', 'azure-rest-examples');
const API_VERSION = '2024-03-01';

export function example(file: string): {
  parameters: Record<string, unknown>;
  responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
} {
  return JSON.parse(readFileSync(path.join(EXAMPLES, 'resources', API_VERSION, file), 'utf8'));
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
}

// ---------------------------------------------------------------- GitHub OIDC ID tokens

export interface GitHubOidcServer {
  /** Give as ACTIONS_ID_TOKEN_REQUEST_URL (it already carries ?api-version=2.0, as the runner's does). */
  requestUrl: string;
  requestToken: string;
  /** ID tokens issued, in order. */
  issued: string[];
  lifetimeSeconds: number;
  /** The `sub` claim of the tokens issued from now on (a branch, environment or pull request). */
  subject: string;
  /** Whether a JWT is one of ours, unexpired, for this audience. */
  verify(jwt: string, audience: string): { ok: true; jti: string; sub: string } | { ok: false; reason: string };
  close(): Promise<void>;
}

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
export const DEFAULT_OIDC_SUBJECT = 'repo:org/streaming-at-scale:ref:refs/heads/main';

export async function startGitHubOidcServer(lifetimeSeconds = 300): Promise<GitHubOidcServer> {
  const secret = randomUUID();
  const requestToken = `runtime-${randomUUID()}`;
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const sign = (data: string) => createHmac('sha256', secret).update(data).digest('base64url');
  const oidc: GitHubOidcServer = {
    requestUrl: '',
    requestToken,
    issued: [],
    lifetimeSeconds,
    subject: DEFAULT_OIDC_SUBJECT,
    verify(jwt, audience) {
      const [header, payload, signature] = jwt.split('.');
      if (!header || !payload || signature !== sign(`${header}.${payload}`))
        return { ok: false, reason: 'bad signature' };
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
        aud: string;
        exp: number;
        jti: string;
        sub: string;
      };
      if (claims.aud !== audience) return { ok: false, reason: `audience ${claims.aud}` };
      if (claims.exp * 1000 <= Date.now()) return { ok: false, reason: 'expired' };
      return { ok: true, jti: claims.jti, sub: claims.sub };
    },
    close: () => closeServer(server),
  };
  const server = createHttpServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/idtoken' || request.headers.authorization !== `Bearer ${requestToken}`) {
      return json(response, 401, { message: 'Unauthorized' });
    }
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: 'fake' });
    const payload = b64({
      iss: GITHUB_OIDC_ISSUER,
      aud: url.searchParams.get('audience') ?? 'https://github.com/org',
      sub: oidc.subject,
      jti: randomUUID(),
      iat: now,
      nbf: now,
      exp: now + oidc.lifetimeSeconds,
    });
    const jwt = `${header}.${payload}.${sign(`${header}.${payload}`)}`;
    oidc.issued.push(jwt);
    json(response, 200, { count: oidc.issued.length, value: jwt });
  });
  const port = await listen(server);
  oidc.requestUrl = `http://127.0.0.1:${port}/idtoken?api-version=2.0`;
  return oidc;
}

// ---------------------------------------------------------------- Entra ID + ARM

interface Group {
  name: string;
  location: string;
  tags: Record<string, string>;
  state: 'Succeeded' | 'Deleting';
}

interface Operation {
  resourceType: string;
  resourceName: string;
  state: 'Running' | 'Succeeded' | 'Failed';
  error?: { code: string; message: string };
}

interface Deployment {
  group: string;
  name: string;
  body: { properties: { template: Template; parameters: Record<string, { value: unknown }>; mode: string } };
  state: 'Accepted' | 'Running' | 'Succeeded' | 'Failed';
  polls: number;
  operations: Operation[];
  nested: string[];
  error?: unknown;
  timestamp: string;
}

interface Template {
  $schema?: string;
  contentVersion?: string;
  parameters?: Record<string, { type: string; allowedValues?: unknown[]; defaultValue?: unknown }>;
  resources?: Array<Record<string, unknown>> | Record<string, Record<string, unknown>>;
  outputs?: Record<string, { type: string; value: unknown }>;
}

export interface FakeArm {
  /** https://127.0.0.1:<port>: the ARM endpoint and the Entra authority host at once. */
  url: string;
  /** The PEM certificate to trust (tlsOptions.ca, or the file for NODE_EXTRA_CA_CERTS). */
  ca: string;
  caFile: string;
  subscriptionId: string;
  tenantId: string;
  clientId: string;
  requests: RecordedRequest[];
  /** Token exchanges: the client assertion each one presented. */
  exchanges: string[];
  /** The subjects of the app's federated credentials (issuer GitHub, audience api://AzureADTokenExchange). */
  federatedSubjects: string[];
  groups: Map<string, Group>;
  deployments: Map<string, Deployment>;
  /** Lifetime of issued access tokens (expires_in): short makes every request exchange again. */
  accessTokenSeconds: number;
  /** Polls a deployment or deletion stays running before it completes. */
  pollsToComplete: number;
  /** Retry-After (seconds) on long-running operation responses. */
  retryAfterSeconds: number;
  /** The next n ARM requests answer 429 with this Retry-After (seconds). */
  throttle(count: number, retryAfterSeconds: number): void;
  /** Makes the deployment of this resource type fail with ARM's error. */
  failResource?: { type: string; code: string; message: string };
  /** Makes validation fail with this ARM error (as for a quota or policy violation). */
  validationError?: { code: string; message: string };
  /** Values the template outputs report (ARM would evaluate the expressions). */
  outputs: Record<string, unknown>;
  /**
   * Resource providers beyond Microsoft.Resources (AKS, HDInsight, storage, container instances),
   * each in its own module under test/helpers/arm/: asked in order, after authentication and
   * throttling, before Microsoft.Resources' routes; each checks its own api-version.
   */
  providers: ArmProviderRoute[];
  /**
   * Called when a deployment is accepted, with its parameter values: what a test's other fakes
   * need of what the deployment creates (clusters with the login it set, containers, subnets).
   */
  onDeployment?: (resourceGroup: string, parameters: Record<string, unknown>) => void;
  close(): Promise<void>;
}

/** One authenticated ARM call below a subscription, as a provider module sees it. */
export interface ArmCall {
  method: string;
  /** The whole path, e.g. /subscriptions/<id>/resourceGroups/<g>/providers/Microsoft.X/... */
  path: string;
  query: Record<string, string>;
  apiVersion: string | null;
  body: unknown;
  /** The resource group named in the path (case kept) and the rest of the path below it, if any. */
  resourceGroup?: string;
  below?: string;
  arm: FakeArm;
}

/** Answers the call and returns true, or returns false to let the next route try. */
export type ArmProviderRoute = (call: ArmCall, response: ServerResponse) => boolean | Promise<boolean>;

export async function startFakeArm(oidc: GitHubOidcServer): Promise<FakeArm> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sas-arm-'));
  const keyFile = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const tokens = new Map<string, number>(); // access token -> expiry (ms)
  let throttled = { count: 0, retryAfter: 0 };
  const operationResults = new Map<string, { group: string; polls: number }>();

  const arm: FakeArm = {
    url: '',
    ca: readFileSync(caFile, 'utf8'),
    caFile,
    subscriptionId: '00000000-0000-0000-0000-000000000001',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    clientId: '11111111-2222-3333-4444-555555555555',
    requests: [],
    exchanges: [],
    federatedSubjects: [DEFAULT_OIDC_SUBJECT],
    groups: new Map(),
    deployments: new Map(),
    accessTokenSeconds: 3600,
    pollsToComplete: 2,
    retryAfterSeconds: 0,
    throttle: (count, retryAfter) => (throttled = { count, retryAfter }),
    outputs: {},
    providers: [],
    close: () => closeServer(server),
  };

  const server = createHttpsServer({ key: readFileSync(keyFile), cert: arm.ca }, (request, response) => {
    void handle(request, response).catch((error: unknown) =>
      json(response, 500, { error: { code: 'InternalServerError', message: `fake ARM: ${String(error)}` } }),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', arm.url);
    const text = await readBody(request);
    const isForm = (request.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
    const body: unknown = !text ? undefined : isForm ? Object.fromEntries(new URLSearchParams(text)) : JSON.parse(text);
    const method = request.method ?? 'GET';
    arm.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: request.headers.authorization,
    });

    // ---- Entra ID
    const discovery = url.pathname.match(/^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/);
    if (discovery && method === 'GET') {
      const tenant = discovery[1];
      return json(response, 200, {
        token_endpoint: `${arm.url}/${tenant}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${arm.url}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${arm.url}/${tenant}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${arm.url}/oidc/userinfo`,
        authorization_endpoint: `${arm.url}/${tenant}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${arm.url}/${tenant}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${arm.url}/${tenant}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat'],
        tenant_region_scope: 'WW',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      });
    }
    const token = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/);
    if (token && method === 'POST') {
      const form = (body ?? {}) as Record<string, string>;
      const entraError = (code: number, error: string, description: string) => {
        const [timestamp, traceId, correlationId] = [new Date().toISOString(), randomUUID(), randomUUID()];
        return json(response, 400, {
          error,
          // Entra appends the request's identifiers to every description.
          error_description: `${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
          error_codes: [code],
          timestamp,
          trace_id: traceId,
          correlation_id: correlationId,
        });
      };
      if (token[1] !== arm.tenantId)
        return entraError(90002, 'invalid_request', `AADSTS90002: Tenant '${token[1]}' not found.`);
      if (form.client_id !== arm.clientId)
        return entraError(
          700016,
          'unauthorized_client',
          `AADSTS700016: Application with identifier '${form.client_id}' was not found in the directory.`,
        );
      if (
        form.grant_type !== 'client_credentials' ||
        form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
      ) {
        return entraError(
          7000218,
          'invalid_client',
          'AADSTS7000218: The request body must contain the following parameter: client_assertion or client_secret.',
        );
      }
      arm.exchanges.push(form.client_assertion);
      const verdict = oidc.verify(form.client_assertion ?? '', 'api://AzureADTokenExchange');
      if (!verdict.ok) {
        return entraError(
          700024,
          'invalid_client',
          `AADSTS700024: Client assertion is not within its valid time range (${verdict.reason}).`,
        );
      }
      if (!arm.federatedSubjects.includes(verdict.sub)) {
        return entraError(
          70021,
          'invalid_request',
          `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${GITHUB_OIDC_ISSUER}'. Assertion Subject: '${verdict.sub}'. Assertion Audience: 'api://AzureADTokenExchange'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation`,
        );
      }
      const accessToken = `fake-arm-token-${randomUUID()}`;
      tokens.set(accessToken, Date.now() + arm.accessTokenSeconds * 1000);
      return json(response, 200, {
        token_type: 'Bearer',
        expires_in: arm.accessTokenSeconds,
        ext_expires_in: arm.accessTokenSeconds,
        access_token: accessToken,
      });
    }

    // ---- ARM: authentication, throttling
    const bearer = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const expiry = tokens.get(bearer);
    if (expiry === undefined)
      return armError(response, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (expiry <= Date.now())
      return armError(
        response,
        401,
        'ExpiredAuthenticationToken',
        'The access token expiry UTC time is earlier than current UTC time.',
      );
    if (throttled.count > 0) {
      throttled.count--;
      response.setHeader('Retry-After', String(throttled.retryAfter));
      return armError(
        response,
        429,
        'TooManyRequests',
        'The request is being throttled as the limit has been reached for operation type - Write_ObservationWindow_00:05:00.',
      );
    }

    const sub = `/subscriptions/${arm.subscriptionId}`;
    const p = url.pathname;
    const apiVersion = url.searchParams.get('api-version');
    const lroHeaders = () => ({ 'Retry-After': String(arm.retryAfterSeconds) });

    // Long-running operation status of a group deletion (the Location header of DELETE).
    const result = p.match(/^\/subscriptions\/[^/]+\/operationresults\/([^/]+)$/);
    if (result && method === 'GET') {
      const operation = operationResults.get(result[1]);
      if (!operation) return armError(response, 404, 'NotFound', 'Operation not found.');
      if (++operation.polls < arm.pollsToComplete)
        return send(response, 202, undefined, {
          Location: `${arm.url}${p}?api-version=${API_VERSION}`,
          ...lroHeaders(),
        });
      arm.groups.delete(operation.group.toLowerCase());
      for (const [key, deployment] of arm.deployments)
        if (deployment.group.toLowerCase() === operation.group.toLowerCase()) arm.deployments.delete(key);
      return send(response, 200, undefined);
    }

    if (!p.toLowerCase().startsWith(sub.toLowerCase())) {
      return armError(
        response,
        404,
        'SubscriptionNotFound',
        `The subscription '${p.split('/')[2]}' could not be found.`,
      );
    }
    const inGroup = p.slice(sub.length).match(/^\/resourcegroups\/([^/]+)(\/.*)?$/i);
    const call: ArmCall = {
      method,
      path: p,
      query: Object.fromEntries(url.searchParams),
      apiVersion,
      body,
      resourceGroup: inGroup ? decodeURIComponent(inGroup[1]) : undefined,
      below: inGroup ? (inGroup[2] ?? '') : undefined,
      arm,
    };
    for (const provider of arm.providers) if (await provider(call, response)) return;
    if (apiVersion !== API_VERSION && !/operationStatuses/i.test(p)) {
      return armError(
        response,
        400,
        'InvalidApiVersionParameter',
        `The api-version '${apiVersion}' is invalid. The supported versions are '${API_VERSION}' (fake).`,
      );
    }
    const rest = p.slice(sub.length);

    if (/^\/resourcegroups$/i.test(rest) && method === 'GET') {
      const filter = url.searchParams.get('$filter');
      let groups = [...arm.groups.values()];
      if (filter) {
        const match = filter.match(/^tagName eq '([^']+)' and tagValue eq '([^']*)'$/);
        if (!match) return armError(response, 400, 'InvalidFilterInQueryString', `Invalid $filter '${filter}'.`);
        groups = groups.filter((group) => group.tags[match[1]] === match[2]);
      }
      return json(response, 200, { value: groups.map(groupBody) });
    }

    const groupPath = rest.match(/^\/resourcegroups\/([^/]+)(\/.*)?$/i);
    if (!groupPath) return armError(response, 404, 'NotFound', `No route for ${p}`);
    const groupName = decodeURIComponent(groupPath[1]);
    const key = groupName.toLowerCase();
    const group = arm.groups.get(key);
    const below = groupPath[2] ?? '';

    if (below === '') {
      if (method === 'HEAD') return send(response, group ? 204 : 404, undefined);
      if (method === 'GET') return group ? json(response, 200, groupBody(group)) : groupNotFound(response, groupName);
      if (method === 'PUT') {
        const request = body as { location?: string; tags?: Record<string, string> };
        if (!request?.location)
          return armError(response, 400, 'LocationRequired', 'The location property is required for this definition.');
        if (group?.state === 'Deleting') {
          return armError(
            response,
            409,
            'ResourceGroupBeingDeleted',
            `The resource group '${groupName}' is in deprovisioning state and cannot perform this operation.`,
          );
        }
        if (group && group.location !== request.location) {
          return armError(
            response,
            409,
            'InvalidResourceGroupLocation',
            `Invalid resource group location '${request.location}'. The Resource group already exists in location '${group.location}'.`,
          );
        }
        const next: Group = {
          name: group?.name ?? groupName,
          location: request.location,
          tags: request.tags ?? {},
          state: 'Succeeded',
        };
        arm.groups.set(key, next);
        // Bodies as in CreateResourceGroup.json (201 created, 200 updated), with the tags.
        return json(response, group ? 200 : 201, groupBody(next));
      }
      if (method === 'DELETE') {
        if (!group) return groupNotFound(response, groupName);
        group.state = 'Deleting';
        const id = Buffer.from(`RESOURCEGROUPDELETIONJOB-${randomUUID()}`).toString('base64url').toUpperCase();
        operationResults.set(id, { group: groupName, polls: 0 });
        // As in ForceDeleteVMsInResourceGroup.json: 202 with a location header to poll.
        return send(response, 202, undefined, {
          Location: `${arm.url}${sub}/operationresults/${id}?api-version=${API_VERSION}`,
          ...lroHeaders(),
        });
      }
    }

    if (!group) return groupNotFound(response, groupName);
    const deploymentPath = below.match(
      /^(?:\/providers\/Microsoft\.Resources)?\/deployments\/([^/]+)(\/[^/]+)?(\/[^/]+)?$/i,
    );
    if (!deploymentPath) return armError(response, 404, 'NotFound', `No route for ${p}`);
    const name = decodeURIComponent(deploymentPath[1]);
    const deploymentKey = `${key}/${name.toLowerCase()}`;
    const deployment = arm.deployments.get(deploymentKey);
    const action = deploymentPath[2]?.slice(1).toLowerCase();
    const deploymentId = `${sub}/resourceGroups/${group.name}/providers/Microsoft.Resources/deployments/${name}`;

    if (action === 'validate' && method === 'POST') {
      const problem = arm.validationError ?? validateDeployment(body);
      if (problem)
        return armError(response, 400, problem.code, problem.message, (problem as { target?: string }).target);
      return json(response, 200, {
        id: deploymentId,
        name,
        type: 'Microsoft.Resources/deployments',
        properties: {
          provisioningState: 'Succeeded',
          mode: 'Incremental',
          timestamp: new Date().toISOString(),
          correlationId: randomUUID(),
          validatedResources: [],
        },
      });
    }
    if (!action && method === 'PUT') {
      if (group.state === 'Deleting')
        return armError(
          response,
          409,
          'ResourceGroupBeingDeleted',
          `The resource group '${groupName}' is in deprovisioning state and cannot perform this operation.`,
        );
      if (deployment && (deployment.state === 'Running' || deployment.state === 'Accepted')) {
        return armError(
          response,
          409,
          'DeploymentActive',
          `The deployment with resource id '${deploymentId}' cannot be saved, because this would overwrite an existing deployment which is still active.`,
        );
      }
      const problem = validateDeployment(body);
      if (problem) return armError(response, 400, problem.code, problem.message, problem.target);
      const request = body as Deployment['body'];
      const values = parameterValues(request.properties.template, request.properties.parameters);
      const created = newDeployment(group.name, name, request, values);
      arm.deployments.set(deploymentKey, created);
      arm.onDeployment?.(group.name, values);
      for (const nested of created.nested) {
        const module = listResources(created.body.properties.template).find((r) => r.name === nested);
        const moduleProperties = (module?.properties ?? {}) as {
          template?: Template;
          parameters?: Record<string, { value: unknown }>;
        };
        const inner = moduleProperties.template ?? {};
        const innerValues = Object.fromEntries(
          Object.entries(moduleProperties.parameters ?? {}).map(([name, given]) => [
            name,
            evaluate(given.value, values),
          ]),
        );
        arm.deployments.set(
          `${key}/${nested.toLowerCase()}`,
          newDeployment(
            group.name,
            nested,
            { properties: { template: inner, parameters: {}, mode: 'Incremental' } },
            innerValues,
          ),
        );
      }
      const status = `${arm.url}${deploymentId}/operationStatuses/${randomUUID().replace(/-/g, '').toUpperCase()}?api-version=${API_VERSION}`;
      // As PutDeploymentResourceGroup.json's 201: the deployment body, provisioningState Accepted.
      return json(response, deployment ? 200 : 201, deploymentBody(created, deploymentId), {
        'Azure-AsyncOperation': status,
        ...lroHeaders(),
      });
    }
    if (!deployment) return armError(response, 404, 'DeploymentNotFound', `Deployment '${name}' could not be found.`);
    if (action === 'operationstatuses' && method === 'GET') {
      advance(deployment);
      const status = deployment.state === 'Accepted' ? 'Running' : deployment.state;
      return json(
        response,
        200,
        status === 'Failed' ? { status, error: deployment.error } : { status },
        status === 'Running' ? lroHeaders() : {},
      );
    }
    if (!action && method === 'GET') return json(response, 200, deploymentBody(deployment, deploymentId));
    if (action === 'operations' && method === 'GET') {
      return json(response, 200, {
        value: deployment.operations.map((op, index) => ({
          id: `${deploymentId}/operations/${index}`,
          operationId: String(index),
          properties: {
            provisioningOperation: 'Create',
            provisioningState: op.state,
            timestamp: new Date().toISOString(),
            statusCode: op.state === 'Failed' ? 'Conflict' : op.state === 'Succeeded' ? 'OK' : undefined,
            statusMessage: op.error ? { status: 'Failed', error: op.error } : undefined,
            targetResource: {
              id: `${sub}/resourceGroups/${group.name}/providers/${op.resourceType}/${op.resourceName}`,
              resourceType: op.resourceType,
              resourceName: op.resourceName,
            },
          },
        })),
      });
    }
    return armError(response, 405, 'MethodNotAllowed', `${method} ${p}`);
  }

  function newDeployment(
    group: string,
    name: string,
    body: Deployment['body'],
    values: Record<string, unknown>,
  ): Deployment {
    const resources = listResources(body.properties.template).filter(
      (resource) => !resource.existing && evaluate(resource.condition ?? true, values) !== false,
    );
    return {
      group,
      name,
      body,
      state: 'Accepted',
      polls: 0,
      timestamp: new Date().toISOString(),
      operations: resources.map((resource) => ({
        resourceType: String(resource.type),
        resourceName: String(evaluate(resource.name, values)),
        state: 'Running',
      })),
      nested: resources
        .filter(
          (resource) =>
            resource.type === 'Microsoft.Resources/deployments' &&
            typeof resource.name === 'string' &&
            !String(resource.name).startsWith('['),
        )
        .map((resource) => String(resource.name)),
    };
  }

  /** Each status poll moves a deployment on; after pollsToComplete it succeeds or fails. */
  function advance(deployment: Deployment): void {
    if (deployment.state === 'Succeeded' || deployment.state === 'Failed') return;
    deployment.state = 'Running';
    if (++deployment.polls < arm.pollsToComplete) return;
    const failing = arm.failResource;
    const complete = (d: Deployment): boolean => {
      let ok = true;
      for (const op of d.operations) {
        if (op.resourceType === 'Microsoft.Resources/deployments' && d.nested.includes(op.resourceName)) {
          const inner = arm.deployments.get(`${d.group.toLowerCase()}/${op.resourceName.toLowerCase()}`);
          const innerOk = inner ? complete(inner) : true;
          op.state = innerOk ? 'Succeeded' : 'Failed';
          if (!innerOk)
            op.error = { code: 'DeploymentFailed', message: inner?.error ? JSON.stringify(inner.error) : 'failed' };
        } else if (failing && op.resourceType.toLowerCase() === failing.type.toLowerCase()) {
          op.state = 'Failed';
          op.error = { code: failing.code, message: failing.message };
        } else {
          op.state = 'Succeeded';
        }
        ok &&= op.state === 'Succeeded';
      }
      d.state = ok ? 'Succeeded' : 'Failed';
      if (!ok) {
        d.error = {
          code: 'DeploymentFailed',
          target: `/subscriptions/${arm.subscriptionId}/resourceGroups/${d.group}/providers/Microsoft.Resources/deployments/${d.name}`,
          message:
            'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.',
          details: d.operations
            .filter((op) => op.error && op.resourceType !== 'Microsoft.Resources/deployments')
            .map((op) => op.error)
            .concat(
              d.operations
                .filter((op) => op.resourceType === 'Microsoft.Resources/deployments' && op.error)
                .flatMap((op) => {
                  const inner = arm.deployments.get(`${d.group.toLowerCase()}/${op.resourceName.toLowerCase()}`);
                  return (inner?.error as { details?: Operation['error'][] })?.details ?? [];
                }),
            ),
        };
      }
      return ok;
    };
    complete(deployment);
  }

  function deploymentBody(deployment: Deployment, id: string): unknown {
    const template = deployment.body.properties.template;
    const succeeded = deployment.state === 'Succeeded';
    return {
      id,
      name: deployment.name,
      type: 'Microsoft.Resources/deployments',
      properties: {
        templateHash: '0000000000000000000',
        parameters: Object.fromEntries(
          Object.entries(deployment.body.properties.parameters ?? {}).map(([name, value]) => [
            name,
            template.parameters?.[name]?.type?.toLowerCase() === 'securestring'
              ? { type: 'SecureString' }
              : { type: template.parameters?.[name]?.type ?? 'String', value: value.value },
          ]),
        ),
        mode: deployment.body.properties.mode,
        provisioningState: deployment.state,
        timestamp: deployment.timestamp,
        duration: 'PT22.8356799S',
        correlationId: '00000000-0000-0000-0000-000000000000',
        providers: [],
        dependencies: [],
        ...(succeeded
          ? {
              outputs: Object.fromEntries(
                Object.entries(template.outputs ?? {}).map(([name, output]) => [
                  name,
                  { type: output.type, value: arm.outputs[name] ?? `fake-${name}` },
                ]),
              ),
              outputResources: deployment.operations.map((op) => ({
                id: `/subscriptions/${arm.subscriptionId}/resourceGroups/${deployment.group}/providers/${op.resourceType}/${op.resourceName}`,
              })),
            }
          : {}),
        ...(deployment.state === 'Failed' ? { error: deployment.error } : {}),
      },
    };
  }

  const port = await listen(server);
  arm.url = `https://127.0.0.1:${port}`;
  return arm;
}

/** The checks ARM's validation makes that matter here: template shape, parameters against it. */
function validateDeployment(body: unknown): { code: string; message: string; target?: string } | undefined {
  const properties = (
    body as { properties?: { template?: Template; parameters?: Record<string, { value?: unknown }>; mode?: string } }
  )?.properties;
  const template = properties?.template;
  if (!template || typeof template !== 'object')
    return { code: 'InvalidRequestContent', message: 'The request content was invalid: template is required.' };
  if (!template.$schema || !template.contentVersion) {
    return {
      code: 'InvalidTemplate',
      message: "Deployment template validation failed: 'Required property '$schema' or 'contentVersion' not found.'.",
    };
  }
  if (!['Incremental', 'Complete'].includes(properties?.mode ?? ''))
    return { code: 'InvalidDeploymentMode', message: `Invalid deployment mode '${properties?.mode}'.` };
  const declared = template.parameters ?? {};
  const given = properties?.parameters ?? {};
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length > 0) {
    return {
      code: 'InvalidTemplate',
      message: `Deployment template validation failed: 'The template parameters '${unknown.join(', ')}' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. The only supported parameters for this template are '${Object.keys(declared).join(', ')}'.'.`,
    };
  }
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name]?.value;
    if (value === undefined && spec.defaultValue === undefined) {
      return {
        code: 'InvalidTemplate',
        message: `Deployment template validation failed: 'The value for the template parameter '${name}' at line '1' and column '1' is not provided.'.`,
      };
    }
    if (value !== undefined && spec.allowedValues && !spec.allowedValues.includes(value)) {
      return {
        code: 'InvalidTemplate',
        message: `Deployment template validation failed: 'The provided value '${String(value)}' for the template parameter '${name}' is not valid. The parameter value is not part of the allowed value(s): '${spec.allowedValues.join(',')}'.'.`,
      };
    }
    const type = spec.type.toLowerCase();
    const typeOk =
      value === undefined ||
      (type === 'string' || type === 'securestring'
        ? typeof value === 'string'
        : type === 'int'
          ? Number.isInteger(value)
          : type === 'bool'
            ? typeof value === 'boolean'
            : type === 'object' || type === 'secureobject'
              ? typeof value === 'object'
              : type === 'array'
                ? Array.isArray(value)
                : true);
    if (!typeOk) {
      return {
        code: 'InvalidTemplate',
        message: `Deployment template validation failed: 'Template parameter JToken type is not valid. Expected '${spec.type}'. Actual '${typeof value}'.'.`,
        target: name,
      };
    }
  }
  return undefined;
}

function listResources(template: Template): Array<Record<string, unknown>> {
  const resources = template.resources ?? [];
  return Array.isArray(resources) ? resources : Object.values(resources);
}

function parameterValues(template: Template, given: Record<string, { value: unknown }> = {}): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(template.parameters ?? {}).map(([name, spec]) => [name, given[name]?.value ?? spec.defaultValue]),
  );
}

/**
 * The few template expressions the fake needs to name resources and skip conditional modules:
 * parameters('x'), format('...', args), equals(a, b), 'literal'; anything else stays as written.
 */
function evaluate(expression: unknown, values: Record<string, unknown>): unknown {
  if (typeof expression !== 'string' || !/^\[.*\]$/.test(expression)) return expression;
  const expr = (text: string): unknown => {
    text = text.trim();
    let m = text.match(/^'([^']*)'$/);
    if (m) return m[1];
    m = text.match(/^parameters\('([^']+)'\)$/);
    if (m) return values[m[1]];
    m = text.match(/^(format|equals)\((.*)\)$/);
    if (m) {
      const args = splitArgs(m[2]).map(expr);
      if (m[1] === 'equals') return args[0] === args[1];
      return String(args[0]).replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i) + 1]));
    }
    return `[${text}]`;
  };
  return expr(expression.slice(1, -1));
}

function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of text) {
    if (char === "'") quoted = !quoted;
    if (!quoted && char === '(') depth++;
    if (!quoted && char === ')') depth--;
    if (!quoted && depth === 0 && char === ',') {
      args.push(current);
      current = '';
    } else current += char;
  }
  args.push(current);
  return args;
}

function groupBody(group: Group): unknown {
  const base = example('CreateResourceGroup.json').responses['200'].body as Record<string, unknown>;
  return {
    ...base,
    id: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/${group.name}`,
    name: group.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: group.location,
    tags: group.tags,
    properties: { provisioningState: group.state },
  };
}

function groupNotFound(response: ServerResponse, name: string): void {
  armError(response, 404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
}

export function armError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  target?: string,
): void {
  json(
    response,
    status,
    { error: { code, message, ...(target ? { target } : {}) } },
    { 'x-ms-failure-cause': 'gateway' },
  );
}

export function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(response, status, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

export function send(
  response: ServerResponse,
  status: number,
  body: string | undefined,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'x-ms-request-id': randomUUID(),
    'x-ms-correlation-request-id': randomUUID(),
    ...headers,
  });
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
