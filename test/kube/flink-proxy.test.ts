/**
 * FlinkRestClient against a real Flink (the local platform's session cluster) reached only through
 * the fake Kubernetes API server's service proxy, as `measure` and `submit-flink` reach Flink on AKS.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FlinkRestClient, FlinkRestError } from '../../src/flink/rest-client.js';
import { parseKubeconfig } from '../../src/kubernetes/kubeconfig.js';
import { serviceProxy, type ServiceProxy } from '../../src/kubernetes/service-proxy.js';
import { startFlink, stopFlink, type FlinkCluster } from '../../src/platforms/local/flink.js';
import { startFakeKubeApi, type FakeKubeApi } from '../helpers/kube-api-server.js';

const JOB_MANAGER = { namespace: 'flink', name: 'flink-jobmanager', port: 8081 };
let runDir: string;
let kube: FakeKubeApi;
let flink: FlinkCluster | undefined;
let proxy: ServiceProxy;
let client: FlinkRestClient;

beforeAll(async () => {
  runDir = await mkdtemp(path.join(tmpdir(), 'sas-flink-proxy-'));
  kube = await startFakeKubeApi();
  flink = await startFlink({ runDir, taskSlots: 2 });
  kube.write({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: JOB_MANAGER.name, namespace: JOB_MANAGER.namespace },
    spec: { ports: [{ name: 'rest', port: JOB_MANAGER.port }] },
  });
  kube.serviceTargets.set('flink/flink-jobmanager:8081', flink.restUrl);
  proxy = serviceProxy(parseKubeconfig(kube.kubeconfig('both'), 'the test cluster'));
  client = new FlinkRestClient(proxy.url(JOB_MANAGER), { fetch: proxy.fetch });
}, 180_000);

afterAll(async () => {
  proxy?.close();
  if (flink) await stopFlink(flink);
  await kube?.close();
  await rm(runDir, { recursive: true, force: true });
}, 60_000);

test('the cluster overview through the proxy is what Flink itself reports', async () => {
  const overview = await client.overview();
  expect(overview).toMatchObject({ taskmanagers: 1, 'slots-total': 2, 'jobs-running': 0, 'flink-version': '1.20.5' });
  expect(overview).toEqual(await new FlinkRestClient(flink!.restUrl).overview());
  expect(kube.requests.filter((r) => r.path.endsWith('/proxy/overview')).map((r) => r.user)).toEqual(['token']);
});

test('a jar uploaded through the proxy is stored, listed and deleted by Flink; its errors come back as FlinkRestError', async () => {
  const jar = path.join(runDir, 'empty-job.jar');
  // An empty zip archive: Flink stores uploads without opening them.
  await writeFile(jar, Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]));
  const jarId = await client.uploadJar(jar);
  expect(jarId).toMatch(/_empty-job\.jar$/);
  const listed = await proxy.getJson<{ files: Array<{ id: string }> }>(JOB_MANAGER, '/jars');
  expect(listed.files.map((f) => f.id)).toContain(jarId);
  await client.deleteJar(jarId);
  expect((await proxy.getJson<{ files: unknown[] }>(JOB_MANAGER, '/jars')).files).toEqual([]);

  const missing = client.job('0123456789abcdef0123456789abcdef');
  await expect(missing).rejects.toThrow(FlinkRestError);
  await expect(missing).rejects.toMatchObject({ status: 404 });
});
