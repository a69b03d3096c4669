/**
 * The fake Kubernetes API server's protocol beyond what helm's flows touch (other tests and modes
 * rely on it): Status bodies, optimistic concurrency, merge and JSON patches, dryRun, selectors,
 * deletion propagation, watches. Plain HTTPS requests, as any client sends them.
 */
import { request as httpsRequest } from 'node:https';
import { startFakeKubeApi, type FakeKubeApi, type KubeObject } from '../helpers/kube-api-server.js';

let api: FakeKubeApi;

beforeAll(async () => {
  api = await startFakeKubeApi();
});

afterAll(async () => {
  await api?.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const length: Record<string, string> = payload ? { 'content-length': String(payload.length) } : {};
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      `${api.server}${path}`,
      {
        method,
        ca: api.ca,
        headers: {
          authorization: `Bearer ${api.token}`,
          accept: 'application/json',
          'content-type': contentType,
          ...length,
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode!, body: JSON.parse(text) });
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

const configMap = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});
const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

test('create stamps the metadata; a second create, a missing object and a missing namespace get real Status bodies', async () => {
  const created = await call('POST', CONFIGMAPS, configMap('a', { k: 'v' }));
  expect(created.status).toBe(201);
  const meta = (created.body as unknown as KubeObject).metadata;
  expect(meta).toMatchObject({ name: 'a', namespace: 'default' });
  expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
  expect(meta.resourceVersion).toMatch(/^\d+$/);
  expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  expect(await call('POST', CONFIGMAPS, configMap('a', {}))).toEqual({
    status: 409,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "a" already exists',
      reason: 'AlreadyExists',
      details: { name: 'a', group: '', kind: 'configmaps' },
      code: 409,
    },
  });
  expect((await call('GET', `${CONFIGMAPS}/nosuch`)).body).toMatchObject({
    reason: 'NotFound',
    message: 'configmaps "nosuch" not found',
    code: 404,
  });
  expect((await call('GET', '/apis/apps/v1/namespaces/default/deployments/nosuch')).body).toMatchObject({
    message: 'deployments.apps "nosuch" not found',
  });
  expect((await call('POST', '/api/v1/namespaces/nowhere/configmaps', configMap('b', {}))).body).toMatchObject({
    reason: 'NotFound',
    message: 'namespaces "nowhere" not found',
  });
});

test('an update with a stale resourceVersion conflicts; without one it applies', async () => {
  const current = (await call('GET', `${CONFIGMAPS}/a`)).body as unknown as KubeObject;
  const first = await call('PUT', `${CONFIGMAPS}/a`, { ...current, data: { k: 'v2' } });
  expect(first.status).toBe(200);
  expect(Number((first.body as unknown as KubeObject).metadata.resourceVersion)).toBeGreaterThan(
    Number(current.metadata.resourceVersion),
  );
  const stale = await call('PUT', `${CONFIGMAPS}/a`, { ...current, data: { k: 'v3' } });
  expect(stale.status).toBe(409);
  expect(stale.body).toMatchObject({
    reason: 'Conflict',
    message: expect.stringMatching(/the object has been modified/),
  });
  const { resourceVersion: _, ...unconditional } = current.metadata;
  expect(
    (await call('PUT', `${CONFIGMAPS}/a`, { ...current, metadata: unconditional, data: { k: 'v4' } })).status,
  ).toBe(200);
  expect(api.get('ConfigMap', 'default', 'a')?.data).toEqual({ k: 'v4' });
});

test('merge patch, JSON patch and dryRun', async () => {
  await call('POST', CONFIGMAPS, configMap('p', { a: '1', b: '2' }));
  const merged = await call('PATCH', `${CONFIGMAPS}/p`, { data: { a: null, c: '3' } }, 'application/merge-patch+json');
  expect(merged.body.data).toEqual({ b: '2', c: '3' });
  const patched = await call(
    'PATCH',
    `${CONFIGMAPS}/p`,
    [
      { op: 'test', path: '/data/b', value: '2' },
      { op: 'replace', path: '/data/b', value: 'two' },
      { op: 'add', path: '/metadata/labels', value: { tier: 'x' } },
      { op: 'remove', path: '/data/c' },
    ],
    'application/json-patch+json',
  );
  expect(patched.body.data).toEqual({ b: 'two' });
  const failedTest = await call(
    'PATCH',
    `${CONFIGMAPS}/p`,
    [{ op: 'test', path: '/data/b', value: 'nope' }],
    'application/json-patch+json',
  );
  expect(failedTest.status).toBe(422);
  expect((await call('PATCH', `${CONFIGMAPS}/p`, 'x: 1', 'application/apply-patch+yaml')).status).toBe(415);

  const dry = await call('PATCH', `${CONFIGMAPS}/p?dryRun=All`, { data: { b: 'dry' } }, 'application/merge-patch+json');
  expect(dry.body.data).toEqual({ b: 'dry' });
  expect((await call('POST', `${CONFIGMAPS}?dryRun=All`, configMap('dry', {}))).status).toBe(201);
  expect(api.get('ConfigMap', 'default', 'p')?.data).toEqual({ b: 'two' });
  expect(api.get('ConfigMap', 'default', 'dry')).toBeUndefined();
});

test('lists filter by label selector (equality and set based) and field selector', async () => {
  await call('POST', CONFIGMAPS, configMap('l1', {}, { app: 'flink', role: 'jm' }));
  await call('POST', CONFIGMAPS, configMap('l2', {}, { app: 'flink', role: 'tm' }));
  await call('POST', CONFIGMAPS, configMap('l3', {}, { app: 'kafka' }));
  const names = async (query: string) => {
    const list = (await call('GET', `${CONFIGMAPS}?${query}`)).body as { kind: string; items: KubeObject[] };
    expect(list.kind).toBe('ConfigMapList');
    return list.items.map((item) => item.metadata.name).sort();
  };
  expect(await names('labelSelector=app%3Dflink')).toEqual(['l1', 'l2']);
  expect(await names('labelSelector=app%3Dflink%2Crole!%3Djm')).toEqual(['l2']);
  expect(await names('labelSelector=app%20in%20(kafka%2Cnone)')).toEqual(['l3']);
  expect(await names('labelSelector=role%2C!nothing')).toEqual(['l1', 'l2']);
  expect(await names('fieldSelector=metadata.name%3Dl3')).toEqual(['l3']);
});

test('deletion takes owned objects along unless propagationPolicy is Orphan', async () => {
  const owner = api.write({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'default' } });
  const ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! }];
  api.write({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'owned', namespace: 'default', ownerReferences },
  });
  expect((await call('DELETE', `${CONFIGMAPS}/owner`, { propagationPolicy: 'Background' })).status).toBe(200);
  expect(api.get('ConfigMap', 'default', 'owned')).toBeUndefined();

  const second = api.write({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner2', namespace: 'default' } });
  const references = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner2', uid: second.metadata.uid! }];
  api.write({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kept', namespace: 'default', ownerReferences: references },
  });
  await call('DELETE', `${CONFIGMAPS}/owner2?propagationPolicy=Orphan`);
  expect(api.get('ConfigMap', 'default', 'kept')?.metadata.ownerReferences).toEqual([]);
});

test('a watch streams the current objects, then changes as they happen', async () => {
  const events: Array<{ type: string; name: string }> = [];
  const done = new Promise<void>((resolve, reject) => {
    httpsRequest(
      `${api.server}${CONFIGMAPS}?watch=true&fieldSelector=metadata.name%3Dw&timeoutSeconds=1`,
      { ca: api.ca, headers: { authorization: `Bearer ${api.token}` } },
      (response) => {
        response.on('data', (chunk: Buffer) => {
          for (const line of chunk.toString().split('\n').filter(Boolean)) {
            const event = JSON.parse(line) as { type: string; object: KubeObject };
            events.push({ type: event.type, name: event.object.metadata.name });
          }
        });
        response.on('end', resolve);
      },
    )
      .on('error', reject)
      .end();
  });
  await call('POST', CONFIGMAPS, configMap('w', { n: '1' }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await call('PATCH', `${CONFIGMAPS}/w`, { data: { n: '2' } }, 'application/strategic-merge-patch+json');
  await call('DELETE', `${CONFIGMAPS}/w`);
  await call('POST', CONFIGMAPS, configMap('other', {}));
  await done;
  expect(events).toEqual([
    { type: 'ADDED', name: 'w' },
    { type: 'MODIFIED', name: 'w' },
    { type: 'DELETED', name: 'w' },
  ]);
});
