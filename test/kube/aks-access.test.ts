/**
 * Reaching the run's AKS cluster from a hosted runner: its kubeconfig through ARM (the real
 * @azure/arm-containerservice client over OIDC, against the fake ARM), then services inside the
 * cluster through the API server's service proxy (the fake Kubernetes API server forwarding to
 * local HTTP servers), FlinkRestClient included.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ArmClients } from '../../src/azure/clients.js';
import { openArm } from '../../src/azure/session.js';
import { parseConfig } from '../../src/config/config.js';
import type { Reporter } from '../../src/console/reporter.js';
import { UserError } from '../../src/errors.js';
import { FlinkRestClient, FlinkRestError } from '../../src/flink/rest-client.js';
import { kubeconfigFromArm, KUBECONFIG_FILE } from '../../src/kubernetes/aks-credentials.js';
import { parseKubeconfig } from '../../src/kubernetes/kubeconfig.js';
import { serviceProxy, ServiceProxyError, type ServiceProxy } from '../../src/kubernetes/service-proxy.js';
import { CONTAINER_SERVICE_API_VERSION, fakeAks, type FakeAks } from '../helpers/arm/aks.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';
import { fakeArmConnection } from '../helpers/azure-connection.js';
import { startFakeKubeApi, type FakeKubeApi } from '../helpers/kube-api-server.js';

const GROUP = 'sasbench01-rg';
const CLUSTER = 'sasbench01aks';
// GET /overview of a Flink 1.20 session cluster, as Flink answers it.
const FLINK_OVERVIEW = {
  taskmanagers: 2,
  'slots-total': 8,
  'slots-available': 6,
  'jobs-running': 1,
  'jobs-finished': 0,
  'jobs-cancelled': 0,
  'jobs-failed': 0,
  'flink-version': '1.20.1',
  'flink-commit': 'c8b5f4f',
};

interface Upstream {
  url: string;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }>;
  server: Server;
}

/** A plain HTTP server standing in for a service inside the cluster (echo, or Flink's REST API). */
async function startUpstream(
  answer: (method: string, url: string, body: Buffer) => [number, unknown],
): Promise<Upstream> {
  const upstream: Upstream = { url: '', requests: [], server: createServer() };
  upstream.server.on('request', (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      upstream.requests.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      const [status, json] = answer(request.method!, request.url!, body);
      response.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
      response.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
  return upstream;
}

let oidc: GitHubOidcServer;
let arm: FakeArm;
let aks: FakeAks;
let kube: FakeKubeApi;
let clients: ArmClients;
let runDir: string;
let echo: Upstream;
let flink: Upstream;
const secrets: string[] = [];
const printed: string[] = [];
const reporter: Reporter = {
  info: (message) => void printed.push(message),
  warning: (message) => void printed.push(message),
  group: (_title, work) => work(),
  setOutput: () => undefined,
  setSecret: (value) => void secrets.push(value),
  appendSummary: async () => undefined,
};
const savedEnv = { ...process.env };
const proxies: ServiceProxy[] = [];
const open = (kubeconfig: string) => {
  const proxy = serviceProxy(parseKubeconfig(kubeconfig, 'the test cluster'));
  proxies.push(proxy);
  return proxy;
};

beforeAll(async () => {
  oidc = await startGitHubOidcServer();
  arm = await startFakeArm(oidc);
  aks = fakeAks();
  arm.providers.push(aks.route);
  kube = await startFakeKubeApi();
  runDir = await mkdtemp(path.join(tmpdir(), 'sas-aks-'));
  arm.groups.set(GROUP, { name: GROUP, location: 'eastus', tags: {}, state: 'Succeeded' });
  aks.add(GROUP, CLUSTER, kube.kubeconfig('both'));
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
  const config = parseConfig({
    mode: 'submit-flink',
    platform: 'aks',
    'solution-name': 'sasbench01',
    'client-id': arm.clientId,
    'tenant-id': arm.tenantId,
    'subscription-id': arm.subscriptionId,
    'work-dir': runDir,
  });
  clients = openArm(config, { env: { ...process.env }, connection: fakeArmConnection(arm), now: () => new Date() });

  echo = await startUpstream((method, url, body) => [200, { method, url, body: body.toString() }]);
  flink = await startUpstream((method, url, body) => {
    if (method === 'GET' && url === '/overview') return [200, FLINK_OVERVIEW];
    if (method === 'POST' && url === '/jars/upload' && body.includes('name="jarfile"')) {
      return [200, { filename: '/tmp/flink-web-upload/3f1e2a_job.jar', status: 'success' }];
    }
    return [404, { errors: [`Not found: ${url}`] }];
  });
  for (const [namespace, name, port] of [
    ['tools', 'echo', 8080],
    ['flink', 'flink-jobmanager', 8081],
    ['tools', 'idle', 9000],
  ] as const) {
    kube.write({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ port }] } });
  }
  kube.serviceTargets.set('tools/echo:8080', echo.url);
  kube.serviceTargets.set('flink/flink-jobmanager:8081', flink.url);
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  for (const proxy of proxies) proxy.close();
  for (const upstream of [echo, flink]) upstream?.server.close();
  await kube?.close();
  await arm?.close();
  await oidc?.close();
});

describe('kubeconfigFromArm', () => {
  it('reads the user kubeconfig through ARM, masks its credentials and writes it 0600 for helm', async () => {
    arm.requests.length = 0;
    const kubeconfig = await kubeconfigFromArm(clients, GROUP, CLUSTER, { runDir, reporter });

    expect(kubeconfig.text).toBe(kube.kubeconfig('both'));
    expect(kubeconfig.cluster).toEqual({
      server: kube.server,
      ca: kube.ca,
      auth: { token: kube.token, clientCertificate: kube.clientCertificate, clientKey: kube.clientKey },
    });
    expect(kubeconfig.file).toBe(path.join(runDir, KUBECONFIG_FILE));
    expect(await readFile(kubeconfig.file, 'utf8')).toBe(kubeconfig.text);
    expect((await stat(kubeconfig.file)).mode & 0o777).toBe(0o600);

    // Every credential is masked: the token, the key as the file carries it, the key's PEM lines.
    expect(secrets).toContain(kube.token);
    expect(secrets).toContain(Buffer.from(kube.clientKey).toString('base64'));
    for (const line of kube.clientKey.split('\n').filter((l) => l && !l.startsWith('-----')))
      expect(secrets).toContain(line);
    expect(printed.join('\n')).not.toContain(kube.token);

    // The SDK's own calls, at its api-version, with the run's OIDC token.
    const calls = arm.requests.filter((r) => r.path.includes('Microsoft.ContainerService'));
    expect(calls.map((r) => `${r.method} ${r.path.split(`/resourceGroups/${GROUP}`)[1]}`)).toEqual([
      `GET /providers/Microsoft.ContainerService/managedClusters/${CLUSTER}`,
      `POST /providers/Microsoft.ContainerService/managedClusters/${CLUSTER}/listClusterUserCredential`,
    ]);
    expect(calls.every((r) => r.query['api-version'] === CONTAINER_SERVICE_API_VERSION)).toBe(true);
  });

  it('makes a kubeconfig left readable by an earlier run private again', async () => {
    const file = path.join(runDir, KUBECONFIG_FILE);
    await writeFile(file, 'stale', { mode: 0o644 });
    await kubeconfigFromArm(clients, GROUP, CLUSTER, { runDir, reporter });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('says what to do when the cluster is stopped, missing, or only takes Entra ID logins', async () => {
    const cluster = aks.clusters.get(`${GROUP}/${CLUSTER}`)!;
    cluster.powerState = 'Stopped';
    await expect(kubeconfigFromArm(clients, GROUP, CLUSTER, { runDir, reporter })).rejects.toThrow(
      /AKS cluster sasbench01aks is stopped: start it \(az aks start -g sasbench01-rg -n sasbench01aks\)/,
    );
    cluster.powerState = 'Running';

    const missing = kubeconfigFromArm(clients, GROUP, 'nosuchaks', { runDir, reporter });
    await expect(missing).rejects.toThrow(UserError);
    await expect(missing).rejects.toThrow(/Reading AKS cluster nosuchaks .*\(HTTP 404\).*was not found/);

    const entra = aks.add(GROUP, 'entraaks', kube.kubeconfig('token'));
    entra.kubeconfig = entra.kubeconfig.replace(
      / {2}user:\n[\s\S]*$/,
      '  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n      args:\n      - get-token\n',
    );
    await expect(kubeconfigFromArm(clients, GROUP, 'entraaks', { runDir, reporter })).rejects.toThrow(
      /kubeconfig of AKS cluster entraaks authenticates through a plugin \(Entra ID with kubelogin\)/,
    );
  });
});

describe('the service proxy', () => {
  it('forwards GET and POST with path, query and body to the service, and answers with its response', async () => {
    const proxy = open(kube.kubeconfig('both'));
    const service = { namespace: 'tools', name: 'echo', port: 8080 };
    expect(proxy.url(service, '/a')).toBe(`${kube.server}/api/v1/namespaces/tools/services/echo:8080/proxy/a`);

    expect(await proxy.getJson(service, '/stats/now?minute=3&x=a%20b')).toEqual({
      method: 'GET',
      url: '/stats/now?minute=3&x=a%20b',
      body: '',
    });
    expect(await proxy.postJson(service, '/jobs', { name: 'é-job', parallelism: 4 })).toEqual({
      method: 'POST',
      url: '/jobs',
      body: JSON.stringify({ name: 'é-job', parallelism: 4 }),
    });
    expect(echo.requests.at(-1)?.headers['content-type']).toBe('application/json');
  });

  it('authenticates with a token alone or a client certificate alone, as kubeconfigs may carry either', async () => {
    const service = { namespace: 'tools', name: 'echo', port: 8080 };
    for (const auth of ['token', 'certificate'] as const) {
      kube.requests.length = 0;
      await open(kube.kubeconfig(auth)).getJson(service, '/');
      expect(kube.requests.map((r) => r.user)).toEqual([auth]);
    }
  });

  it('refuses requests without the credentials with a 401 Status, as the API server does', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      httpsRequest(`${kube.server}/api/v1/namespaces/tools/services/echo:8080/proxy/`, { ca: kube.ca }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      })
        .on('error', reject)
        .end();
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });

    const wrongToken = open(kube.kubeconfig('token').replace(kube.token, 'f'.repeat(64)));
    const refused = wrongToken.getJson({ namespace: 'tools', name: 'echo', port: 8080 }, '/');
    await expect(refused).rejects.toThrow(ServiceProxyError);
    await expect(refused).rejects.toThrow(/answered 401: Unauthorized \(the cluster credentials were refused/);
    expect(echo.requests.filter((r) => r.headers.authorization)).toEqual([]);
  });

  it("passes on the API server's own failures: no such service, no endpoints", async () => {
    const proxy = open(kube.kubeconfig('both'));
    await expect(proxy.getJson({ namespace: 'tools', name: 'nosuch', port: 80 }, '/')).rejects.toThrow(
      /answered 404: services "nosuch" not found/,
    );
    await expect(proxy.getJson({ namespace: 'tools', name: 'idle', port: 9000 }, '/')).rejects.toThrow(
      /answered 503: no endpoints available for service "idle:9000" \(the service has no ready pod yet/,
    );
  });

  it('sends the cluster credentials to the API server only', async () => {
    const proxy = open(kube.kubeconfig('both'));
    await expect(proxy.fetch(`${echo.url}/steal`)).rejects.toThrow(/only sends requests to https:\/\/127\.0\.0\.1:\d+/);
    expect(echo.requests.filter((r) => r.url === '/steal')).toEqual([]);
  });
});

describe('FlinkRestClient through the service proxy', () => {
  const jobManager = { namespace: 'flink', name: 'flink-jobmanager', port: 8081 };

  it("reads the cluster overview, uploads a jar, and reports Flink's errors", async () => {
    const proxy = open(kube.kubeconfig('both'));
    const client = new FlinkRestClient(proxy.url(jobManager), { fetch: proxy.fetch });
    expect(await client.overview()).toEqual(FLINK_OVERVIEW);

    const jar = path.join(runDir, 'job.jar');
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x80, 0x0d, 0x0a]);
    await writeFile(jar, bytes);
    expect(await client.uploadJar(jar)).toBe('3f1e2a_job.jar');
    const upload = flink.requests.find((r) => r.url === '/jars/upload')!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body.includes(bytes)).toBe(true);

    const missing = client.job('0123456789abcdef0123456789abcdef');
    await expect(missing).rejects.toThrow(FlinkRestError);
    await expect(missing).rejects.toMatchObject({
      status: 404,
      errors: ['Not found: /jobs/0123456789abcdef0123456789abcdef'],
    });
  });
});
