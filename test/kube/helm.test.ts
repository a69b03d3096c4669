/**
 * The real helm (v3.22, scripts/tools/install-helm.sh) run by src/kubernetes/helm.ts against the
 * fake Kubernetes API server: install with --wait (the test plays the Deployment controller and
 * the kubelet), upgrade to revision 2 with changed values, status, uninstall; and the failures a
 * user sees (helm's stderr in the error, helm missing).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../src/errors.js';
import { HELM_ENV, helmBinary, helmUninstall, helmUpgradeInstall } from '../../src/kubernetes/helm.js';
import { runCommand, REPO_ROOT } from '../helpers/processes.js';
import { startFakeKubeApi, type FakeKubeApi, type KubeObject, type WriteEvent } from '../helpers/kube-api-server.js';

const CHART = path.join(REPO_ROOT, 'test', 'fixtures', 'charts', 'demo');
let api: FakeKubeApi;
let dir: string;
let kubeconfigFile: string;
let env: NodeJS.ProcessEnv;
let kubeletOn = true;

/**
 * The Deployment controller and the kubelet, as far as helm --wait looks: a ReplicaSet owned by the
 * Deployment with its pod template, all replicas ready; a Job completes at once.
 */
function playControllers(event: WriteEvent, cluster: FakeKubeApi): void {
  if (!kubeletOn) return;
  const object = event.object as KubeObject & {
    spec: { replicas: number; selector: unknown; template: { metadata: { labels: Record<string, string> } } };
  };
  if (object.kind === 'Deployment') {
    const template = object.spec.template;
    const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
    const replicas = object.spec.replicas;
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: object.metadata.name,
      uid: object.metadata.uid!,
      controller: true,
    };
    for (const old of cluster.objects('ReplicaSet')) {
      if (old.metadata.ownerReferences?.[0]?.uid === owner.uid && !old.metadata.name.endsWith(hash)) {
        cluster.write({ ...old, spec: { ...(old.spec as object), replicas: 0 }, status: { replicas: 0 } });
      }
    }
    const ready = { replicas, readyReplicas: replicas, availableReplicas: replicas };
    const replicaSet = cluster.write({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${object.metadata.name}-${hash}`,
        namespace: object.metadata.namespace,
        labels: { ...template.metadata.labels, 'pod-template-hash': hash },
        ownerReferences: [owner],
      },
      spec: { replicas, selector: object.spec.selector, template },
    });
    const observed = { ...ready, fullyLabeledReplicas: replicas, observedGeneration: replicaSet.metadata.generation };
    cluster.write({ ...replicaSet, status: observed });
    cluster.write({
      ...object,
      status: { ...ready, updatedReplicas: replicas, observedGeneration: object.metadata.generation },
    });
  }
  if (object.kind === 'Job' && event.type === 'ADDED') {
    cluster.write({
      ...object,
      status: {
        succeeded: 1,
        completionTime: new Date().toISOString(),
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    });
  }
}

/** helm's release record: the Secret's data.release is base64 of a gzipped JSON release. */
function release(
  name: string,
  revision: number,
): { info: { status: string }; config: Record<string, unknown>; manifest: string } {
  const secret = api.get('Secret', 'apps', `sh.helm.release.v1.${name}.v${revision}`);
  if (!secret) throw new Error(`no release secret for ${name} v${revision}`);
  const encoded = Buffer.from((secret.data as { release: string }).release, 'base64').toString();
  return JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString());
}

beforeAll(async () => {
  const helm = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'tools', 'install-helm.sh')], {
    encoding: 'utf8',
  }).trim();
  api = await startFakeKubeApi();
  api.onWrite.push(playControllers);
  dir = await mkdtemp(path.join(tmpdir(), 'sas-helm-'));
  kubeconfigFile = path.join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, api.kubeconfig('both'), { mode: 0o600 });
  env = {
    ...process.env,
    [HELM_ENV]: helm,
    HELM_CACHE_HOME: path.join(dir, 'cache'),
    HELM_CONFIG_HOME: path.join(dir, 'config'),
    HELM_DATA_HOME: path.join(dir, 'data'),
  };
}, 600_000);

afterAll(async () => {
  await api?.close();
});

const release1 = { release: 'demo', namespace: 'apps' };

describe('helm upgrade --install against the API server', () => {
  it('installs the chart, waits for the kubelet, and records revision 1', async () => {
    const valuesFile = path.join(dir, 'values-1.yaml');
    await writeFile(valuesFile, 'greeting: hello\nreplicas: 2\npassword: s3cret-1\n');
    const stdout = await helmUpgradeInstall(
      { ...release1, kubeconfigFile, chart: CHART, valuesFile, wait: true, waitForJobs: true, timeoutSeconds: 30 },
      env,
    );
    expect(stdout).toMatch(/STATUS: deployed/);
    expect(stdout).toMatch(/REVISION: 1/);

    // --create-namespace made the namespace; the chart's objects are there as the server stores them.
    expect(api.get('Namespace', undefined, 'apps')).toBeDefined();
    expect(api.get('ConfigMap', 'apps', 'demo-config')?.data).toEqual({ greeting: 'hello' });
    expect(api.get('Secret', 'apps', 'demo-secret')?.data).toEqual({
      password: Buffer.from('s3cret-1').toString('base64'),
    });
    const service = api.get('Service', 'apps', 'demo-web') as KubeObject & { spec: { clusterIP: string } };
    expect(service.spec.clusterIP).toMatch(/^10\.0\.\d+\.\d+$/);
    const deployment = api.get('Deployment', 'apps', 'demo-web') as KubeObject & {
      spec: { replicas: number };
      status: { readyReplicas: number };
    };
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.status.readyReplicas).toBe(2);
    expect(api.get('Job', 'apps', 'demo-init')?.status).toMatchObject({ succeeded: 1 });
    for (const object of [service, deployment]) {
      expect(object.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm' });
      expect(object.metadata.annotations).toMatchObject({
        'meta.helm.sh/release-name': 'demo',
        'meta.helm.sh/release-namespace': 'apps',
      });
    }

    // The post-install hook: created after the objects, watched (client-go's watch list) until
    // complete, then deleted (hook-succeeded).
    const hook = api.requests.filter(
      (r) => r.path.endsWith('/jobs/demo-smoke-1') || r.query.fieldSelector === 'metadata.name=demo-smoke-1',
    );
    expect(hook.map((r) => `${r.method} ${r.query.watch ?? ''}`)).toEqual(
      expect.arrayContaining(['GET true', 'DELETE ']),
    );
    expect(api.get('Job', 'apps', 'demo-smoke-1')).toBeUndefined();

    // --wait looked at the Deployment's ReplicaSets and the Job before declaring success.
    const waited = api.requests.filter((r) => r.method === 'GET' && /\/replicasets$|\/jobs\/demo-init$/.test(r.path));
    expect(waited.length).toBeGreaterThanOrEqual(2);
    expect(release('demo', 1).info.status).toBe('deployed');
    expect(api.get('Secret', 'apps', 'sh.helm.release.v1.demo.v1')?.metadata.labels).toMatchObject({
      owner: 'helm',
      name: 'demo',
      status: 'deployed',
      version: '1',
    });
  });

  it('upgrades with changed values to revision 2, patching the objects in place', async () => {
    const before = api.get('Deployment', 'apps', 'demo-web')!;
    const valuesFile = path.join(dir, 'values-2.yaml');
    await writeFile(
      valuesFile,
      'greeting: bonjour\nreplicas: 3\npassword: s3cret-2\nimage: registry.example/echo:1.1.0\n',
    );
    const stdout = await helmUpgradeInstall(
      { ...release1, kubeconfigFile, chart: CHART, valuesFile, wait: true, waitForJobs: true, timeoutSeconds: 30 },
      env,
    );
    expect(stdout).toMatch(/REVISION: 2/);

    const patches = api.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.contentType)).toContain('application/strategic-merge-patch+json');
    expect(api.get('ConfigMap', 'apps', 'demo-config')?.data).toEqual({ greeting: 'bonjour' });
    expect(api.get('Secret', 'apps', 'demo-secret')?.data).toEqual({
      password: Buffer.from('s3cret-2').toString('base64'),
    });
    const deployment = api.get('Deployment', 'apps', 'demo-web') as KubeObject & {
      spec: { replicas: number; template: { metadata: { annotations: Record<string, string> } } };
    };
    expect(deployment.metadata.uid).toBe(before.metadata.uid);
    expect(deployment.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    expect(deployment.spec.replicas).toBe(3);
    // The config checksum in the pod template changed with the ConfigMap: a new ReplicaSet rolled out.
    expect(api.objects('ReplicaSet').filter((rs) => (rs.spec as { replicas: number }).replicas > 0)).toHaveLength(1);

    expect(release('demo', 1).info.status).toBe('superseded');
    expect(release('demo', 2).info.status).toBe('deployed');
    expect(release('demo', 2).config).toMatchObject({ greeting: 'bonjour', replicas: 3 });

    // helm's three-way strategic merge patches, applied by the server, give exactly the rendered manifests.
    for (const document of parseAllDocuments(release('demo', 2).manifest)) {
      const { stringData, ...manifest } = document.toJSON() as KubeObject & { stringData?: unknown };
      expect(stringData === undefined || manifest.kind === 'Secret').toBe(true);
      expect(api.get(manifest.kind, 'apps', manifest.metadata.name)).toMatchObject(manifest);
    }

    const status = await runCommand(helmBinary(env), ['status', 'demo', '-n', 'apps', '--kubeconfig', kubeconfigFile], {
      env,
    });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/STATUS: deployed/);
    expect(status.stdout).toMatch(/REVISION: 2/);
  });

  it('uninstalls: the objects, their ReplicaSets and the release records are gone; again is fine', async () => {
    await helmUninstall({ ...release1, kubeconfigFile, wait: true, timeoutSeconds: 30 }, env);
    const left = api.objects().filter((o) => o.metadata.namespace === 'apps');
    expect(left.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    await expect(helmUninstall({ ...release1, kubeconfigFile }, env)).resolves.toBeUndefined();
  });

  it("fails with helm's own message when --wait times out (nothing becomes ready)", async () => {
    kubeletOn = false;
    try {
      const failure = helmUpgradeInstall(
        { release: 'stuck', namespace: 'stuck', kubeconfigFile, chart: CHART, wait: true, timeoutSeconds: 2 },
        env,
      );
      await expect(failure).rejects.toThrow(UserError);
      await expect(failure).rejects.toThrow(
        /helm upgrade --install of release stuck in namespace stuck failed \(exit 1\): .*(context deadline exceeded|timed out)/s,
      );
    } finally {
      kubeletOn = true;
    }
  });

  it("fails with the API server's answer when the credentials are refused", async () => {
    const refused = path.join(dir, 'refused-kubeconfig');
    await writeFile(refused, api.kubeconfig('token').replace(api.token, 'not-the-token'), { mode: 0o600 });
    await expect(helmUpgradeInstall({ ...release1, kubeconfigFile: refused, chart: CHART }, env)).rejects.toThrow(
      // client-go's words for the API server's 401 Status.
      /failed \(exit 1\): .*the server has asked for the client to provide credentials/s,
    );
  });
});

describe('locating helm', () => {
  it('says how to install helm when it is neither configured nor on PATH', () => {
    expect(() => helmBinary({ PATH: dir })).toThrow(/helm was not found on PATH: .*scripts\/tools\/install-helm\.sh/);
    expect(() => helmBinary({ [HELM_ENV]: path.join(dir, 'no-helm') })).toThrow(/not an executable file/);
  });

  it('takes the configured binary, else the first on PATH', () => {
    expect(helmBinary(env)).toBe(env[HELM_ENV]);
    expect(helmBinary({ PATH: `${dir}${path.delimiter}${path.dirname(env[HELM_ENV]!)}` })).toBe(env[HELM_ENV]);
  });
});
