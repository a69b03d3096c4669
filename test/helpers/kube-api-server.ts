/**
 * A local fake of the Kubernetes API server, speaking the real protocol over HTTPS on 127.0.0.1
 * so the real helm binary and the toolkit's own clients are tested without a cluster:
 *
 * - discovery as client-go reads it: /version, /api, /apis, /api/v1 and /apis/<group>/<version>
 *   resource lists (plain APIVersions / APIGroupList / APIResourceList JSON: an aggregated-discovery
 *   Accept header gets the legacy answer, which client-go accepts and then asks per group);
 * - the kinds the charts use (Namespace, ServiceAccount, Secret, ConfigMap, Service, Deployment,
 *   ReplicaSet, StatefulSet, Job, Role, RoleBinding; Pod and Event for lookups): create, get, list
 *   and watch with labelSelector / fieldSelector, update (PUT, optimistic concurrency on
 *   resourceVersion), patch (strategic merge, JSON merge, JSON patch), delete with
 *   propagationPolicy (dependents found through ownerReferences, as the garbage collector would),
 *   dryRun=All; uid, resourceVersion, generation, creationTimestamp, the server's defaults that
 *   clients rely on (Service clusterIP, Deployment replicas and strategy, Secret stringData);
 *   failures as real Status bodies (401, 404, 409, 415, 422);
 * - the service proxy: /api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path> forwards the
 *   method, path, query and body to a local URL the test maps the service to;
 * - authentication by the kubeconfig's credentials: a bearer token or a client certificate signed
 *   by the cluster CA (AKS's clusterUser kubeconfig carries both).
 *
 * Tests see the stored objects, and `onWrite` callbacks run after every create / update so a test
 * can play the controllers and the kubelet (a Deployment's ReplicaSet and ready status, a Job's
 * completion).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
  finalizers?: string[];
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** One kind the fake serves, as its discovery document names it. */
interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** The plural resource name of the URL path. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Kinds whose spec changes bump metadata.generation (the rest have none). */
  generation?: boolean;
}

const RESOURCE_TYPES: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    resource: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    shortNames: ['sa'],
  },
  { group: '', version: 'v1', kind: 'Secret', resource: 'secrets', singular: 'secret', namespaced: true },
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    resource: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    resource: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
  },
  { group: '', version: 'v1', kind: 'Pod', resource: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'] },
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    resource: 'events',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    resource: 'deployments',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    generation: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    resource: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    generation: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    resource: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    shortNames: ['sts'],
    generation: true,
  },
  { group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs', singular: 'job', namespaced: true, generation: true },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'Role',
    resource: 'roles',
    singular: 'role',
    namespaced: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'RoleBinding',
    resource: 'rolebindings',
    singular: 'rolebinding',
    namespaced: true,
  },
];

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const KUBERNETES_VERSION = { major: '1', minor: '31', gitVersion: 'v1.31.2' };

export interface KubeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  accept?: string;
  /** Which credential authenticated it, if any. */
  user?: 'token' | 'certificate';
  status: number;
}

export interface WriteEvent {
  type: 'ADDED' | 'MODIFIED';
  object: KubeObject;
}

export interface FakeKubeApi {
  /** https://127.0.0.1:<port> */
  server: string;
  /** The cluster CA (PEM) that signed the serving and client certificates. */
  ca: string;
  /** The credentials a kubeconfig of this cluster carries, as AKS's clusterUser one does. */
  token: string;
  clientCertificate: string;
  clientKey: string;
  requests: KubeRequest[];
  /** Stored objects (never mutate them in place: use `write`). */
  objects(kind?: string): KubeObject[];
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /**
   * Stores an object as a controller would (status included), with new metadata bookkeeping, and
   * without calling `onWrite` (so a callback can write without looping).
   */
  write(object: KubeObject): KubeObject;
  /** Called after every create or update through the API (helm's, the toolkit's). */
  onWrite: Array<(event: WriteEvent, api: FakeKubeApi) => void>;
  /** Called for every object deleted through the API, its dependents included (the kubelet stops a Job's pods). */
  onDelete: Array<(object: KubeObject, api: FakeKubeApi) => void>;
  /** Service proxy targets: "<namespace>/<service>:<port>" -> a local base URL (http://127.0.0.1:<port>). */
  serviceTargets: Map<string, string>;
  /** A kubeconfig (YAML, as AKS writes it) for this server; `auth` picks the credentials it carries. */
  kubeconfig(auth?: 'token' | 'certificate' | 'both'): string;
  close(): Promise<void>;
}

export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  const tls = makeCertificates();
  const token = randomBytes(32).toString('hex');
  const store = new Map<string, KubeObject>();
  const watchers = new Set<Watcher>();
  let revision = 1000;
  let clusterIps = 10;

  const keyOf = (type: ResourceType, namespace: string | undefined, name: string) =>
    `${type.group}/${type.resource}/${type.namespaced ? namespace : ''}/${name}`;
  const typeOfKind = (kind: string) => {
    const type = RESOURCE_TYPES.find((t) => t.kind === kind);
    if (!type) throw new Error(`fake kube-apiserver: no kind ${kind}`);
    return type;
  };

  const api: FakeKubeApi = {
    server: '',
    ca: tls.ca,
    token,
    clientCertificate: tls.clientCert,
    clientKey: tls.clientKey,
    requests: [],
    objects: (kind) => [...store.values()].filter((o) => !kind || o.kind === kind),
    get: (kind, namespace, name) => store.get(keyOf(typeOfKind(kind), namespace, name)),
    write: (object) =>
      save(
        typeOfKind(object.kind),
        object,
        store.get(keyOf(typeOfKind(object.kind), object.metadata.namespace, object.metadata.name)),
      ),
    onWrite: [],
    onDelete: [],
    serviceTargets: new Map(),
    kubeconfig: (auth = 'both') => kubeconfigYaml(api, auth),
    close: async () => {
      for (const watcher of watchers) watcher.response.end();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };

  for (const name of ['default', 'kube-system', 'kube-public']) {
    save(typeOfKind('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, undefined);
  }

  /** Stores an object with the server's bookkeeping and tells the watchers. */
  function save(type: ResourceType, object: KubeObject, previous: KubeObject | undefined): KubeObject {
    const stored = structuredClone(object);
    stored.apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    stored.kind = type.kind;
    const meta = stored.metadata;
    // A new object's uid is the server's (prepare may have chosen it already, as for a Job's selector).
    meta.uid = previous?.metadata.uid ?? meta.uid ?? randomUUID();
    meta.creationTimestamp = previous?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    meta.resourceVersion = String(++revision);
    if (!type.namespaced) delete meta.namespace;
    if (type.generation) {
      const specChanged = JSON.stringify(stored.spec) !== JSON.stringify(previous?.spec);
      meta.generation = (previous?.metadata.generation ?? 0) + (specChanged || !previous ? 1 : 0);
    }
    store.set(keyOf(type, meta.namespace, meta.name), stored);
    notify(type, previous ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  function remove(type: ResourceType, object: KubeObject, propagation: string): void {
    store.delete(keyOf(type, object.metadata.namespace, object.metadata.name));
    notify(type, 'DELETED', { ...object, metadata: { ...object.metadata, resourceVersion: String(++revision) } });
    for (const callback of api.onDelete) callback(structuredClone(object), api);
    // The garbage collector: dependents go with their owner (Background, Foreground), or are orphaned.
    for (const dependent of [...store.values()]) {
      const owners = dependent.metadata.ownerReferences ?? [];
      if (!owners.some((owner) => owner.uid === object.metadata.uid)) continue;
      if (propagation === 'Orphan') {
        const kept = owners.filter((owner) => owner.uid !== object.metadata.uid);
        save(
          typeOfKind(dependent.kind),
          { ...dependent, metadata: { ...dependent.metadata, ownerReferences: kept } },
          dependent,
        );
      } else remove(typeOfKind(dependent.kind), dependent, propagation);
    }
  }

  function notify(type: ResourceType, event: string, object: KubeObject): void {
    for (const watcher of watchers) {
      if (watcher.type === type && watcher.matches(object)) {
        watcher.response.write(`${JSON.stringify({ type: event, object })}\n`);
      }
    }
  }

  const server = createServer(
    { key: tls.serverKey, cert: tls.serverCert, ca: tls.ca, requestCert: true, rejectUnauthorized: false },
    (request, response) => {
      void handle(request, response).catch((error: unknown) =>
        status(response, 500, 'InternalError', `fake kube-apiserver: ${String(error)}`),
      );
    },
  );

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', api.server);
    const method = request.method ?? 'GET';
    const record: KubeRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: request.headers['content-type'],
      accept: request.headers.accept,
      status: 0,
    };
    api.requests.push(record);
    response.on('finish', () => (record.status = response.statusCode));

    const socket = request.socket as TLSSocket;
    if (request.headers.authorization === `Bearer ${token}`) record.user = 'token';
    else if (socket.authorized) record.user = 'certificate';
    else {
      return status(response, 401, 'Unauthorized', 'Unauthorized');
    }
    const bytes = await readBody(request);
    const body = bytes.toString('utf8');
    const p = url.pathname.replace(/\/+$/, '');

    // ---- discovery
    if (method === 'GET') {
      if (p === '/version') {
        return json(response, 200, {
          ...KUBERNETES_VERSION,
          gitCommit: '9bc0a94ae2b2ea8f4ba2b1d3ccbd5bcc47c2c4b6',
          gitTreeState: 'clean',
          buildDate: '2024-10-22T20:28:14Z',
          goVersion: 'go1.22.8',
          compiler: 'gc',
          platform: 'linux/amd64',
        });
      }
      if (p === '/api') {
        return json(response, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: url.host }],
        });
      }
      if (p === '/apis') {
        const groups = [...new Set(RESOURCE_TYPES.filter((t) => t.group).map((t) => `${t.group}/${t.version}`))];
        return json(response, 200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: groups.map((groupVersion) => {
            const [name, version] = groupVersion.split('/');
            const entry = { groupVersion, version };
            return { name, versions: [entry], preferredVersion: entry };
          }),
        });
      }
      const resourceList = p.match(/^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/);
      if (resourceList) {
        const group = resourceList[2] ?? '';
        const version = resourceList[1] ?? resourceList[3];
        const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
        if (types.length === 0)
          return status(response, 404, 'NotFound', 'the server could not find the requested resource');
        return json(response, 200, {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: group ? `${group}/${version}` : version,
          resources: types.flatMap((t) => [
            {
              name: t.resource,
              singularName: t.singular,
              namespaced: t.namespaced,
              kind: t.kind,
              verbs: VERBS,
              ...(t.shortNames ? { shortNames: t.shortNames } : {}),
              storageVersionHash: Buffer.from(t.kind).toString('base64').slice(0, 11),
            },
            ...(t.generation || t.kind === 'Service' || t.kind === 'Namespace'
              ? [
                  {
                    name: `${t.resource}/status`,
                    singularName: '',
                    namespaced: t.namespaced,
                    kind: t.kind,
                    verbs: ['get', 'patch', 'update'],
                  },
                ]
              : []),
          ]),
        });
      }
      // OpenAPI v3: kubectl's validation (in helm) asks whether the server validates fields itself
      // (a fieldValidation parameter on each kind's PATCH); it says so, and helm then leaves
      // validation to the server instead of checking manifests against the schemas.
      if (p === '/openapi/v3') {
        return json(response, 200, {
          paths: Object.fromEntries(
            groupVersions().map((gv) => [
              gv.path.slice(1),
              { serverRelativeURL: `/openapi/v3${gv.path}?hash=${gv.hash}` },
            ]),
          ),
        });
      }
      const openapi = groupVersions().find((gv) => p === `/openapi/v3${gv.path}`);
      if (openapi) return json(response, 200, openapiDocument(openapi.group, openapi.version));
    }

    // ---- the service proxy
    const proxy = p.match(/^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/);
    if (proxy) {
      const [, namespace, target, rest] = proxy;
      return serviceProxy(
        response,
        method,
        request,
        namespace,
        decodeURIComponent(target),
        `${rest ?? '/'}${url.search}`,
        bytes,
      );
    }

    // ---- resources
    const route = p.match(
      /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/(status))?$/,
    );
    if (!route) return status(response, 404, 'NotFound', 'the server could not find the requested resource');
    const group = route[2] ?? '';
    const version = route[1] ?? route[3];
    // /api/v1/namespaces/<name> matches as the Namespace itself (the optional namespace part backtracks).
    const [namespace, resource, name] = [route[4] as string | undefined, route[5], route[6] as string | undefined];
    const type = RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.resource === resource);
    if (!type) return status(response, 404, 'NotFound', 'the server could not find the requested resource');
    const qualified = type.group ? `${type.resource}.${type.group}` : type.resource;
    const dryRun = url.searchParams.getAll('dryRun').includes('All');

    if (
      type.namespaced &&
      namespace &&
      method === 'POST' &&
      !store.has(keyOf(typeOfKind('Namespace'), undefined, namespace))
    ) {
      return status(response, 404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    }

    if (!name) {
      if (method === 'GET') {
        const matches = selector(url.searchParams.get('labelSelector'), url.searchParams.get('fieldSelector'));
        const items = [...store.values()].filter(
          (o) =>
            o.kind === type.kind &&
            (!type.namespaced || !namespace || o.metadata.namespace === namespace) &&
            matches(o),
        );
        if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
          return watch(
            response,
            type,
            namespace,
            matches,
            url.searchParams,
            items,
            Number(url.searchParams.get('timeoutSeconds') ?? 1800),
          );
        }
        return json(response, 200, {
          kind: `${type.kind}List`,
          apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
          metadata: { resourceVersion: String(revision) },
          items: items.map(({ apiVersion: _apiVersion, kind: _kind, ...item }) => item),
        });
      }
      if (method === 'POST') {
        const object = parseObject(bytes, request.headers['content-type']);
        if (!object) return status(response, 400, 'BadRequest', 'the body of the request was in an unknown format');
        const objectName =
          object.metadata?.name ??
          (object.metadata?.generateName
            ? `${String(object.metadata.generateName)}${randomBytes(3).toString('hex').slice(0, 5)}`
            : '');
        if (!objectName) return invalid(response, type, '', 'metadata.name', 'name or generateName is required');
        if (object.metadata.namespace && type.namespaced && object.metadata.namespace !== namespace) {
          return status(
            response,
            400,
            'BadRequest',
            'the namespace of the provided object does not match the namespace sent on the request',
          );
        }
        const existing = store.get(keyOf(type, namespace, objectName));
        if (existing) {
          return status(response, 409, 'AlreadyExists', `${qualified} "${objectName}" already exists`, {
            name: objectName,
            group: type.group,
            kind: type.resource,
          });
        }
        const { uid: _uid, resourceVersion: _rv, creationTimestamp: _created, ...meta } = object.metadata;
        const prepared = prepare(type, { ...object, metadata: { ...meta, name: objectName, namespace } }, undefined);
        if (typeof prepared === 'string') return invalid(response, type, objectName, prepared.split(':')[0], prepared);
        if (dryRun)
          return json(response, 201, {
            ...prepared,
            metadata: {
              ...prepared.metadata,
              uid: randomUUID(),
              creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            },
          });
        const stored = save(type, prepared, undefined);
        written('ADDED', stored);
        return json(response, 201, stored);
      }
      return status(
        response,
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
    }

    const key = keyOf(type, namespace, name);
    const current = store.get(key);
    const notFound = () =>
      status(response, 404, 'NotFound', `${qualified} "${name}" not found`, {
        name,
        group: type.group,
        kind: type.resource,
      });

    if (method === 'GET') return current ? json(response, 200, current) : notFound();
    if (method === 'PUT') {
      const object = parseObject(bytes, request.headers['content-type']);
      if (!object) return status(response, 400, 'BadRequest', 'the body of the request was in an unknown format');
      if (object.metadata?.name !== name)
        return status(
          response,
          400,
          'BadRequest',
          `the name of the object (${object.metadata?.name}) does not match the name on the URL (${name})`,
        );
      if (!current) return notFound();
      if (object.metadata.resourceVersion && object.metadata.resourceVersion !== current.metadata.resourceVersion)
        return conflict(response, qualified, name);
      const next =
        route[7] === 'status'
          ? { ...current, status: object.status }
          : { ...object, status: object.status ?? current.status };
      return update(response, type, current, next, dryRun);
    }
    if (method === 'PATCH') {
      if (!current) return notFound();
      const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim();
      let patched: KubeObject;
      try {
        const patch = JSON.parse(body) as unknown;
        if (contentType === 'application/strategic-merge-patch+json')
          patched = strategicMerge(current, patch) as KubeObject;
        else if (contentType === 'application/merge-patch+json') patched = mergePatch(current, patch) as KubeObject;
        else if (contentType === 'application/json-patch+json')
          patched = jsonPatch(current, patch as JsonPatchOperation[]) as KubeObject;
        else {
          return status(
            response,
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
          );
        }
      } catch (error) {
        return status(response, 422, 'Invalid', `the patch could not be applied: ${String(error)}`);
      }
      if (patched.metadata.resourceVersion && patched.metadata.resourceVersion !== current.metadata.resourceVersion)
        return conflict(response, qualified, name);
      return update(response, type, current, patched, dryRun);
    }
    if (method === 'DELETE') {
      if (!current) return notFound();
      // propagationPolicy in the query or in a JSON DeleteOptions body (helm sends the latter).
      const options = bytes.length && !request.headers['content-type']?.includes('protobuf') ? JSON.parse(body) : {};
      const propagation = url.searchParams.get('propagationPolicy') ?? options.propagationPolicy ?? 'Background';
      if (!['Background', 'Foreground', 'Orphan'].includes(propagation)) {
        return status(
          response,
          422,
          'Invalid',
          `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${propagation}"`,
        );
      }
      if (!dryRun) remove(type, current, propagation);
      // As the API server answers an immediate deletion: the object as it was.
      return json(response, 200, current);
    }
    return status(response, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }

  function update(
    response: ServerResponse,
    type: ResourceType,
    current: KubeObject,
    next: KubeObject,
    dryRun: boolean,
  ): void {
    const prepared = prepare(
      type,
      { ...next, metadata: { ...next.metadata, name: current.metadata.name, namespace: current.metadata.namespace } },
      current,
    );
    if (typeof prepared === 'string')
      return invalid(response, type, current.metadata.name, prepared.split(':')[0], prepared);
    if (dryRun) return json(response, 200, prepared);
    const stored = save(type, prepared, current);
    written('MODIFIED', stored);
    json(response, 200, stored);
  }

  function written(type: WriteEvent['type'], object: KubeObject): void {
    for (const callback of api.onWrite) callback({ type, object: structuredClone(object) }, api);
  }

  /** The server's defaulting and the validation clients meet; a string is a field error. */
  function prepare(type: ResourceType, object: KubeObject, previous: KubeObject | undefined): KubeObject | string {
    const o = structuredClone(object);
    const spec = (o.spec ?? {}) as Record<string, unknown>;
    switch (type.kind) {
      case 'Namespace':
        o.spec = { finalizers: ['kubernetes'] };
        o.status = { phase: 'Active' };
        break;
      case 'Secret': {
        const stringData = (o.stringData ?? {}) as Record<string, string>;
        const data = { ...((o.data ?? {}) as Record<string, string>) };
        for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v).toString('base64');
        delete o.stringData;
        o.data = data;
        o.type ??= 'Opaque';
        break;
      }
      case 'Service': {
        const previousSpec = (previous?.spec ?? {}) as Record<string, unknown>;
        spec.type ??= 'ClusterIP';
        spec.sessionAffinity ??= 'None';
        if (spec.type !== 'ExternalName' && !spec.clusterIP)
          spec.clusterIP = previousSpec.clusterIP ?? `10.0.${Math.floor(clusterIps / 250)}.${(clusterIps++ % 250) + 1}`;
        if (previousSpec.clusterIP && spec.clusterIP !== previousSpec.clusterIP)
          return 'spec.clusterIP: Invalid value: field is immutable';
        spec.clusterIPs = [spec.clusterIP];
        const ports = (spec.ports ?? []) as Array<Record<string, unknown>>;
        if (ports.length === 0 && spec.type !== 'ExternalName') return 'spec.ports: Required value';
        for (const port of ports) {
          port.protocol ??= 'TCP';
          port.targetPort ??= port.port;
        }
        o.spec = spec;
        o.status ??= { loadBalancer: {} };
        break;
      }
      case 'Deployment':
      case 'StatefulSet': {
        spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
        if (type.kind === 'Deployment') {
          spec.progressDeadlineSeconds ??= 600;
          spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
        } else {
          spec.podManagementPolicy ??= 'OrderedReady';
          spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
        }
        const problem = selectorProblem(spec);
        if (problem) return problem;
        if (
          previous &&
          JSON.stringify(spec.selector) !== JSON.stringify((previous.spec as Record<string, unknown>).selector)
        ) {
          return 'spec.selector: Invalid value: field is immutable';
        }
        o.spec = spec;
        o.status ??= {};
        break;
      }
      case 'Job': {
        spec.parallelism ??= 1;
        spec.completions ??= 1;
        spec.backoffLimit ??= 6;
        spec.completionMode ??= 'NonIndexed';
        spec.suspend ??= false;
        const template = (spec.template ?? {}) as { metadata?: ObjectMeta; spec?: Record<string, unknown> };
        if (!template.spec?.restartPolicy || !['Never', 'OnFailure'].includes(String(template.spec.restartPolicy))) {
          return 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"';
        }
        if (!previous) {
          // As the Job controller's defaulting: a generated selector on the controller-uid label.
          const uid = randomUUID();
          o.metadata.uid = uid;
          template.metadata = {
            ...template.metadata,
            labels: { ...template.metadata?.labels, 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid },
          } as ObjectMeta;
          spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
        } else if (
          JSON.stringify(spec.template) !== JSON.stringify((previous.spec as Record<string, unknown>).template)
        ) {
          return `spec.template: Invalid value: field is immutable`;
        }
        o.spec = spec;
        o.status ??= {};
        break;
      }
    }
    return o;
  }

  async function serviceProxy(
    response: ServerResponse,
    method: string,
    request: IncomingMessage,
    namespace: string,
    target: string,
    pathAndQuery: string,
    body: Buffer,
  ): Promise<void> {
    // <name>, <name>:<port> or <scheme>:<name>:<port>
    const parts = target.split(':');
    const serviceName = parts.length === 3 ? parts[1] : parts[0];
    const port = parts.length === 3 ? parts[2] : (parts[1] ?? '');
    const service = store.get(keyOf(typeOfKind('Service'), namespace, serviceName));
    if (!service)
      return status(response, 404, 'NotFound', `services "${serviceName}" not found`, {
        name: serviceName,
        kind: 'services',
      });
    const upstream = api.serviceTargets.get(`${namespace}/${serviceName}:${port}`);
    if (!upstream) return status(response, 503, 'ServiceUnavailable', `no endpoints available for service "${target}"`);
    const headers = { ...request.headers };
    delete headers.authorization;
    delete headers.host;
    const forwarded = new URL(pathAndQuery, upstream);
    await new Promise<void>((resolve, reject) => {
      const outgoing = httpRequest(forwarded, { method, headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        answer.on('end', resolve);
        answer.on('error', reject);
      });
      outgoing.on('error', (error) => {
        status(response, 503, 'ServiceUnavailable', `error trying to reach service: ${error.message}`);
        resolve();
      });
      outgoing.end(body.length > 0 ? body : undefined);
    });
  }

  function watch(
    response: ServerResponse,
    type: ResourceType,
    namespace: string | undefined,
    matches: (o: KubeObject) => boolean,
    query: URLSearchParams,
    current: KubeObject[],
    timeoutSeconds: number,
  ): void {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const resourceVersion = query.get('resourceVersion');
    const watcher: Watcher = {
      type,
      response,
      matches: (o) => (!type.namespaced || !namespace || o.metadata.namespace === namespace) && matches(o),
    };
    // Without a resourceVersion (or "0"), and in a watch list (sendInitialEvents, client-go's
    // reflector), a watch starts with the current state as ADDED events; a watch list then gets the
    // bookmark that marks their end.
    const watchList = query.get('sendInitialEvents') === 'true';
    if (watchList || !resourceVersion || resourceVersion === '0') {
      for (const object of current) response.write(`${JSON.stringify({ type: 'ADDED', object })}\n`);
    }
    if (watchList) {
      const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
      const metadata = { resourceVersion: String(revision), annotations: { 'k8s.io/initial-events-end': 'true' } };
      response.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: type.kind, apiVersion, metadata } })}\n`);
    }
    watchers.add(watcher);
    const timer = setTimeout(() => response.end(), timeoutSeconds * 1000);
    response.on('close', () => {
      clearTimeout(timer);
      watchers.delete(watcher);
    });
  }

  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
  api.server = `https://127.0.0.1:${port}`;
  return api;
}

interface Watcher {
  type: ResourceType;
  response: ServerResponse;
  matches(object: KubeObject): boolean;
}

// ---------------------------------------------------------------- certificates and kubeconfig

interface Certificates {
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
}

/** A cluster CA, the API server's serving certificate and a client certificate (as AKS's clusterUser). */
function makeCertificates(): Certificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'sas-kube-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '1',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-subj',
    '/CN=ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  );
  const leaf = (name: string, subject: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
      '-subj',
      subject,
    );
    openssl(
      'x509',
      '-req',
      '-sha256',
      '-days',
      '1',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file(`${name}.crt`),
      '-extfile',
      file(`${name}.ext`),
    );
  };
  leaf(
    'server',
    '/CN=apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
  );
  leaf(
    'client',
    '/O=system:masters/CN=masterclient',
    'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
  );
  const read = (name: string) => readFileSync(file(name), 'utf8');
  return {
    ca: read('ca.crt'),
    serverKey: read('server.key'),
    serverCert: read('server.crt'),
    clientKey: read('client.key'),
    clientCert: read('client.crt'),
  };
}

/** The kubeconfig AKS's listClusterUserCredential returns for a cluster without Entra ID integration. */
function kubeconfigYaml(api: FakeKubeApi, auth: 'token' | 'certificate' | 'both'): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const user = [
    ...(auth !== 'token'
      ? [`    client-certificate-data: ${b64(api.clientCertificate)}`, `    client-key-data: ${b64(api.clientKey)}`]
      : []),
    ...(auth !== 'certificate' ? [`    token: ${api.token}`] : []),
  ];
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(api.ca)}`,
    `    server: ${api.server}`,
    '  name: sasbench01aks',
    'contexts:',
    '- context:',
    '    cluster: sasbench01aks',
    '    user: clusterUser_sasbench01-rg_sasbench01aks',
    '  name: sasbench01aks',
    'current-context: sasbench01aks',
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: clusterUser_sasbench01-rg_sasbench01aks',
    '  user:',
    ...user,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- selectors

function selector(labelSelector: string | null, fieldSelector: string | null): (object: KubeObject) => boolean {
  const labelTests = parseLabelSelector(labelSelector ?? '');
  const fieldTests = (fieldSelector ?? '')
    .split(',')
    .filter(Boolean)
    .map((term) => {
      const m = term.match(/^([^!=]+)(==|=|!=)(.*)$/);
      if (!m) throw new Error(`bad field selector ${term}`);
      return (object: KubeObject) => {
        const value = m[1]
          .split('.')
          .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], object);
        const text = value === undefined ? '' : String(value);
        return m[2] === '!=' ? text !== m[3] : text === m[3];
      };
    });
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return labelTests.every((test) => test(labels)) && fieldTests.every((test) => test(object));
  };
}

function parseLabelSelector(text: string): Array<(labels: Record<string, string>) => boolean> {
  // Split on commas outside parentheses ("a in (x,y),b=c").
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += char;
  }
  if (current.trim()) terms.push(current);
  return terms.map((raw) => {
    const term = raw.trim();
    let m = term.match(/^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/);
    if (m) {
      const [, key, op, list] = m;
      const values = list.split(',').map((v) => v.trim());
      return (labels) =>
        op === 'in' ? key in labels && values.includes(labels[key]) : !(key in labels) || !values.includes(labels[key]);
    }
    m = term.match(/^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/);
    if (m) {
      const [, key, op, value] = m;
      return (labels) => (op === '!=' ? labels[key] !== value : labels[key] === value);
    }
    if (term.startsWith('!')) return (labels) => !(term.slice(1) in labels);
    return (labels) => term in labels;
  });
}

function selectorProblem(spec: Record<string, unknown>): string | undefined {
  const selector = spec.selector as { matchLabels?: Record<string, string> } | undefined;
  const labels = (spec.template as { metadata?: ObjectMeta } | undefined)?.metadata?.labels ?? {};
  if (!selector?.matchLabels || Object.keys(selector.matchLabels).length === 0) return 'spec.selector: Required value';
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (labels[k] !== v)
      return 'spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`';
  }
  return undefined;
}

// ---------------------------------------------------------------- patches

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonPatchOperation = { op: string; path: string; value?: Json; from?: string };

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** RFC 6902 JSON patch. */
function jsonPatch(target: unknown, operations: JsonPatchOperation[]): unknown {
  let document = structuredClone(target) as Json;
  const pointer = (p: string) =>
    p === ''
      ? []
      : p
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const parentOf = (segments: string[]) => {
    let at: Json = document;
    for (const segment of segments.slice(0, -1)) {
      at = Array.isArray(at) ? at[Number(segment)] : (at as Record<string, Json>)[segment];
      if (at === undefined) throw new Error(`path not found`);
    }
    return at;
  };
  const read = (p: string): Json =>
    pointer(p).reduce<Json>((at, s) => {
      const next = Array.isArray(at) ? at[Number(s)] : (at as Record<string, Json>)?.[s];
      if (next === undefined) throw new Error(`path ${p} not found`);
      return next;
    }, document);
  const add = (p: string, value: Json) => {
    const segments = pointer(p);
    if (segments.length === 0) return void (document = value);
    const parent = parentOf(segments);
    const last = segments.at(-1)!;
    if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, value);
    else (parent as Record<string, Json>)[last] = value;
  };
  const removeAt = (p: string) => {
    const segments = pointer(p);
    const parent = parentOf(segments);
    const last = segments.at(-1)!;
    read(p);
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete (parent as Record<string, Json>)[last];
  };
  for (const op of operations) {
    if (op.op === 'add') add(op.path, op.value ?? null);
    else if (op.op === 'remove') removeAt(op.path);
    else if (op.op === 'replace') {
      removeAt(op.path);
      add(op.path, op.value ?? null);
    } else if (op.op === 'test') {
      if (JSON.stringify(read(op.path)) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
    } else if (op.op === 'move' || op.op === 'copy') {
      const value = structuredClone(read(op.from ?? ''));
      if (op.op === 'move') removeAt(op.from ?? '');
      add(op.path, value);
    } else throw new Error(`unknown op ${op.op}`);
  }
  return document;
}

/**
 * The patch merge keys of the built-in types this fake serves (from the Kubernetes API's
 * patchMergeKey tags): lists under these field names merge element by element.
 */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  imagePullSecrets: ['name'],
  ports: ['containerPort', 'port'],
  conditions: ['type'],
  ownerReferences: ['uid'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey'],
};
/** Lists of scalars merged as sets (patchStrategy merge). */
const MERGED_SCALAR_LISTS = new Set(['finalizers']);

/** Strategic merge patch as kubectl and helm send it (directives $patch, $setElementOrder, $retainKeys, $deleteFromPrimitiveList). */
function strategicMerge(original: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') return undefined;
  const result: Record<string, unknown> = isObject(original) ? { ...original } : {};
  const orders: Array<[string, Json[]]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/')) {
      orders.push([key.slice('$setElementOrder/'.length), value as Json[]]);
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((value as Json[]).map((v) => JSON.stringify(v)));
      result[field] = ((result[field] ?? []) as Json[]).filter((v) => !drop.has(JSON.stringify(v)));
      continue;
    }
    if (key === '$retainKeys') continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
      continue;
    }
    const merged = strategicMerge(result[key], value);
    if (merged === undefined) delete result[key];
    else result[key] = merged;
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const key of Object.keys(result)) if (!keep.has(key)) delete result[key];
  }
  for (const [field, order] of orders) {
    const list = result[field];
    if (!Array.isArray(list)) continue;
    const mergeKey = mergeKeyOf(field, list);
    const identity = (item: unknown) => JSON.stringify(mergeKey && isObject(item) ? item[mergeKey] : item);
    const position = (item: unknown) => {
      const at = order.findIndex((o) => identity(o) === identity(item));
      return at === -1 ? order.length : at;
    };
    result[field] = [...list].sort((a, b) => position(a) - position(b));
  }
  return result;
}

function mergeKeyOf(field: string, list: unknown[]): string | undefined {
  return (MERGE_KEYS[field] ?? []).find((key) => list.some((item) => isObject(item) && key in item));
}

function mergeList(field: string, original: unknown, patch: Json[]): unknown[] {
  const current = Array.isArray(original) ? [...(original as unknown[])] : [];
  if (MERGED_SCALAR_LISTS.has(field)) {
    return [...current, ...patch.filter((v) => !current.some((c) => JSON.stringify(c) === JSON.stringify(v)))];
  }
  const mergeKey = mergeKeyOf(field, patch);
  if (!mergeKey) return patch.filter((item) => !(isObject(item) && item.$patch === 'replace'));
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace'));
  }
  for (const item of patch) {
    if (!isObject(item)) continue;
    const at = current.findIndex((c) => isObject(c) && c[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (at !== -1) current.splice(at, 1);
    } else if (at === -1) current.push(strategicMerge(undefined, item));
    else current[at] = strategicMerge(current[at], item);
  }
  return current;
}

// ---------------------------------------------------------------- HTTP

/** A request body as JSON, or as protobuf (helm's release Secrets); undefined when it is neither. */
function parseObject(body: Buffer, contentType: string | undefined): KubeObject | undefined {
  try {
    const object = (
      contentType?.startsWith('application/vnd.kubernetes.protobuf')
        ? decodeProtobufSecret(body)
        : JSON.parse(body.toString('utf8'))
    ) as KubeObject;
    return isObject(object) && isObject(object.metadata) ? object : undefined;
  } catch {
    return undefined;
  }
}

function status(
  response: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): void {
  json(response, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

function conflict(response: ServerResponse, qualified: string, name: string): void {
  status(
    response,
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, kind: qualified.split('.')[0] },
  );
}

function invalid(response: ServerResponse, type: ResourceType, name: string, field: string, problem: string): void {
  status(response, 422, 'Invalid', `${type.kind} "${name}" is invalid: ${problem}`, {
    name,
    group: type.group,
    kind: type.kind,
    causes: [{ reason: 'FieldValueInvalid', message: problem.replace(/^[^:]+: /, ''), field }],
  });
}

function json(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'Content-Type': 'application/json', 'Audit-Id': randomUUID() });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

// ---------------------------------------------------------------- OpenAPI v3

function groupVersions(): Array<{ group: string; version: string; path: string; hash: string }> {
  const seen = new Map<string, { group: string; version: string; path: string; hash: string }>();
  for (const t of RESOURCE_TYPES) {
    const apiPath = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
    const hash = Buffer.from(apiPath).toString('hex').slice(0, 32).toUpperCase();
    seen.set(apiPath, { group: t.group, version: t.version, path: apiPath, hash });
  }
  return [...seen.values()];
}

/** The part of a group-version's OpenAPI v3 document clients read: each kind's paths, verbs and parameters. */
function openapiDocument(group: string, version: string): unknown {
  const parameter = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  const paths: Record<string, unknown> = {};
  for (const t of RESOURCE_TYPES.filter((r) => r.group === group && r.version === version)) {
    const base = `${t.group ? `/apis/${t.group}` : '/api'}/${t.version}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
    const gvk = { 'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind } };
    const write = { parameters: ['dryRun', 'fieldManager', 'fieldValidation'].map(parameter) };
    paths[base] = {
      get: { operationId: `list${t.kind}`, ...gvk, 'x-kubernetes-action': 'list' },
      post: { operationId: `create${t.kind}`, ...gvk, 'x-kubernetes-action': 'post', ...write },
    };
    paths[`${base}/{name}`] = {
      get: { operationId: `read${t.kind}`, ...gvk, 'x-kubernetes-action': 'get' },
      put: { operationId: `replace${t.kind}`, ...gvk, 'x-kubernetes-action': 'put', ...write },
      patch: { operationId: `patch${t.kind}`, ...gvk, 'x-kubernetes-action': 'patch', ...write },
      delete: {
        operationId: `delete${t.kind}`,
        ...gvk,
        'x-kubernetes-action': 'delete',
        parameters: ['dryRun', 'propagationPolicy'].map(parameter),
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}

// ---------------------------------------------------------------- Kubernetes protobuf (helm's release Secrets)

/**
 * Decodes a Secret sent as application/vnd.kubernetes.protobuf, as helm's release storage (a typed
 * client-go clientset) sends it: the "k8s\0" magic, a runtime.Unknown envelope, the Secret message
 * (field numbers from k8s.io/api/core/v1/generated.proto).
 */
function decodeProtobufSecret(bytes: Buffer): KubeObject {
  if (bytes.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('no protobuf magic');
  const envelope = protoFields(bytes.subarray(4));
  const typeMeta = protoFields(envelope.get(1)?.[0] as Buffer);
  const kind = (typeMeta.get(2)?.[0] as Buffer | undefined)?.toString();
  if (kind !== 'Secret') throw new Error(`protobuf decoding of kind ${kind} is not supported`);
  const secret = protoFields(envelope.get(2)?.[0] as Buffer);
  const text = (fields: Map<number, Array<Buffer | bigint>>, n: number) =>
    (fields.get(n)?.[0] as Buffer | undefined)?.toString();
  const map = (entries: Array<Buffer | bigint> = [], value: (b: Buffer) => string) =>
    Object.fromEntries(
      entries.map((entry) => {
        const e = protoFields(entry as Buffer);
        return [
          (e.get(1)?.[0] as Buffer | undefined)?.toString() ?? '',
          value((e.get(2)?.[0] as Buffer | undefined) ?? Buffer.alloc(0)),
        ];
      }),
    );
  const meta = protoFields((secret.get(1)?.[0] as Buffer | undefined) ?? Buffer.alloc(0));
  const metadata: ObjectMeta = { name: text(meta, 1) ?? '' };
  if (text(meta, 2)) metadata.generateName = text(meta, 2);
  if (text(meta, 3)) metadata.namespace = text(meta, 3);
  if (text(meta, 6)) metadata.resourceVersion = text(meta, 6);
  if (meta.has(11)) metadata.labels = map(meta.get(11), (b) => b.toString());
  if (meta.has(12)) metadata.annotations = map(meta.get(12), (b) => b.toString());
  const object: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata };
  if (secret.has(2)) object.data = map(secret.get(2), (b) => b.toString('base64'));
  if (secret.has(4)) object.stringData = map(secret.get(4), (b) => b.toString());
  if (text(secret, 3)) object.type = text(secret, 3);
  if (secret.has(5)) object.immutable = secret.get(5)?.[0] === 1n;
  return object;
}

/** A protobuf message's fields by number: length-delimited ones as bytes, varints as bigint. */
function protoFields(bytes: Buffer): Map<number, Array<Buffer | bigint>> {
  const fields = new Map<number, Array<Buffer | bigint>>();
  let at = 0;
  const varint = () => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[at++];
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const tag = Number(varint());
    const wire = tag & 7;
    let value: Buffer | bigint;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const length = Number(varint());
      value = bytes.subarray(at, at + length);
      at += length;
    } else if (wire === 1) value = bytes.subarray(at, (at += 8));
    else if (wire === 5) value = bytes.subarray(at, (at += 4));
    else throw new Error(`unsupported protobuf wire type ${wire}`);
    fields.set(tag >> 3, [...(fields.get(tag >> 3) ?? []), value]);
  }
  return fields;
}
