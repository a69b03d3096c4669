/**
 * The AKS charts rendered by the real helm with values from chart-values.ts, for every tier preset,
 * a custom rate and both jobs: what Kubernetes would be asked to run (parallelism, pod counts,
 * arguments), that no secret leaks into a ConfigMap or a plain env value, that nothing is exposed
 * outside the cluster, and that every rendering validates against the Kubernetes schemas
 * (kubernetes-validate, strict).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseConfig, type Config } from '../../src/config/config.js';
import { JOBS, type JobName } from '../../src/config/inputs.js';
import { jobArguments } from '../../src/flink/job-arguments.js';
import { JOB_MAIN_CLASS } from '../../src/flink/job-spec.js';
import { measureAgentArgs, parseMeasureAgentArgs } from '../../src/measure/agent/args.js';
import {
  flinkJobChartValues,
  measureAgentChartValues,
  simulatorLoadChartValues,
} from '../../src/platforms/aks/chart-values.js';
import { repoRoot } from '../../src/repo-root.js';
import { parseSimulatorArgs } from '../../simulator/src/args.js';

const ROOT = repoRoot();
const AZURE = {
  platform: 'aks',
  'solution-name': 'sasbench01',
  'client-id': '11111111-2222-3333-4444-555555555555',
  'tenant-id': '66666666-7777-8888-9999-000000000000',
  'subscription-id': 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  'simulator-image': 'ghcr.io/org/streaming-at-scale-simulator:v1',
} as const;
const NAMESPACE = 'streaming-at-scale';
const BROKERS = '10.0.1.4:9092,10.0.1.5:9092,10.0.1.6:9092';
const ACCOUNT_KEY = 'c2VjcmV0LWFjY291bnQta2V5LW5vdC10by1iZS1zZWVuLWFueXdoZXJlLWVsc2U9PQ==';
const JAR_URL = 'https://sasbench01storage.blob.core.windows.net/jars/job.jar?sv=2025-01-05&se=x&sig=JARSIGNATURE';
const CONTAINER_URL =
  'https://sasbench01storage.blob.core.windows.net/measurements?sv=2025-01-05&sp=racwl&sig=AGENTSIGNATURE';

// tier -> [Flink parallelism, TaskManagers (2 slots each: the chart's default), simulator instances]
const TIERS: Array<[string, number, number, number]> = [
  ['1', 1, 1, 1],
  ['5', 4, 2, 3],
  ['10', 8, 4, 5],
  ['6000', 5, 3, 3], // custom: ceil(6000 / 1250) slots, ceil(6000 / 2000) simulators
];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  // The tests read what they need; the schemas check the rest.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
}

let helm: string;
let workDir: string;
const renderedFiles: string[] = [];

beforeAll(() => {
  helm = execFileSync('bash', [path.join(ROOT, 'scripts/tools/install-helm.sh')], { encoding: 'utf8' }).trim();
  workDir = mkdtempSync(path.join(tmpdir(), 'charts-test-'));
}, 900_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function config(tier: string, job: JobName = 'simple-relay'): Config {
  return parseConfig({ ...AZURE, mode: 'run', tier, job, minutes: '10' }, {});
}

/** `helm template` of a chart with values files, parsed (duplicate keys are an error) and kept for validation. */
function render(chart: string, release: string, ...values: object[]): K8sObject[] {
  const files = values.map((value, index) => {
    const file = path.join(workDir, `${release}-values-${index}.json`);
    writeFileSync(file, JSON.stringify(value), { mode: 0o600 });
    return file;
  });
  const manifest = execFileSync(
    helm,
    ['template', release, path.join(ROOT, 'helm', chart), '--namespace', NAMESPACE, ...files.flatMap((f) => ['-f', f])],
    { encoding: 'utf8' },
  );
  const output = path.join(workDir, `${release}.yaml`);
  writeFileSync(output, manifest);
  renderedFiles.push(output);
  return parseAllDocuments(manifest)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${release}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function podSpecs(objects: K8sObject[]): any[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => o.spec.template.spec);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function containers(objects: K8sObject[]): any[] {
  return podSpecs(objects).flatMap((pod) => [...(pod.initContainers ?? []), ...pod.containers]);
}

/** Secrets reach pods only through the Secret: never a ConfigMap, a plain env value or an argument. */
function expectNoLeak(objects: K8sObject[], secrets: string[]): void {
  const exposed = [
    ...objects.filter((o) => o.kind === 'ConfigMap').map((o) => JSON.stringify(o)),
    ...containers(objects).flatMap((c) => [
      JSON.stringify(c.args ?? []),
      JSON.stringify(c.command ?? []),
      ...(c.env ?? []).map((e: { value?: string }) => e.value ?? ''),
    ]),
  ].join('\n');
  for (const secret of secrets) expect(exposed).not.toContain(secret);
}

function expectSecretDelivered(objects: K8sObject[], name: string, key: string, value: string): void {
  expect(Buffer.from(find(objects, 'Secret', name).data![key]!, 'base64').toString()).toBe(value);
}

function expectClusterInternalAndUnprivileged(objects: K8sObject[]): void {
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    expect(service.spec.type).toBe('ClusterIP');
    expect(JSON.stringify(service.spec)).not.toMatch(/LoadBalancer|NodePort|nodePort|externalIPs/);
  }
  for (const pod of podSpecs(objects)) {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.hostNetwork).toBeUndefined();
  }
  for (const container of containers(objects)) {
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
  }
}

describe.each(TIERS)('tier %s', (tier, parallelism, taskManagers, simulators) => {
  describe.each(JOBS)('flink-job chart, job %s', (job) => {
    const release = `flink-t${tier}-${job}`;
    let objects: K8sObject[];
    let cfg: Config;

    beforeAll(() => {
      cfg = config(tier, job);
      const { values, secretValues } = flinkJobChartValues(cfg, {
        runId: '20261126-120000-ab12',
        entryClass: JOB_MAIN_CLASS,
        bootstrapServers: BROKERS,
        storageAccount: 'sasbench01storage',
        checkpointContainer: 'flink',
        storageAccountKey: ACCOUNT_KEY,
        jobJarUrl: JAR_URL,
      });
      objects = render('flink-job', release, values, secretValues);
    });

    it('every container runs the official image of the one Flink version, with its own Azure plugin', () => {
      const { flinkVersion } = parseAllDocuments(
        readFileSync(path.join(ROOT, 'helm', 'flink-job', 'values.yaml'), 'utf8'),
      )[0]!.toJS() as { flinkVersion: string };
      // The newest 1.20 image of apache/flink-docker (1.20/scala_2.12-java17-ubuntu/release.metadata).
      expect(flinkVersion).toBe('1.20.4');
      for (const container of containers(objects))
        expect(container.image).toBe(`flink:${flinkVersion}-scala_2.12-java17`);
      const plugins = containers(objects)
        .flatMap((c) => c.env ?? [])
        .filter((e: { name: string }) => e.name === 'ENABLE_BUILT_IN_PLUGINS');
      expect(plugins.length).toBeGreaterThan(0);
      for (const plugin of plugins) expect(plugin.value).toBe(`flink-azure-fs-hadoop-${flinkVersion}.jar`);
    });

    it("runs the job at the tier's parallelism on enough TaskManagers", () => {
      const flinkConfig = parseAllDocuments(
        find(objects, 'ConfigMap', `${release}-config`).data!['config.yaml']!,
      )[0]!.toJS() as Record<string, unknown>;
      expect(flinkConfig['parallelism.default']).toBe(parallelism);
      const slots = flinkConfig['taskmanager.numberOfTaskSlots'] as number;
      expect(taskManagers).toBe(Math.ceil(parallelism / slots));
      expect(find(objects, 'Deployment', `${release}-taskmanager`).spec.replicas).toBe(taskManagers);
      expect(find(objects, 'Deployment', `${release}-jobmanager`).spec.replicas).toBe(1);
    });

    it('starts the job jar in Application mode with the arguments jobArguments gives, HA on the run storage', () => {
      const jobManager = find(objects, 'Deployment', `${release}-jobmanager`).spec.template.spec;
      const args: string[] = jobManager.containers[0].args;
      expect(args.slice(0, args.indexOf('--'))).toEqual([
        'standalone-job',
        '--host',
        '$(POD_IP)',
        '--job-classname',
        JOB_MAIN_CLASS,
      ]);
      expect(args.slice(args.indexOf('--') + 1)).toEqual(jobArguments(cfg, BROKERS));
      expect(args).toContain('--parallelism');
      expect(args[args.indexOf('--parallelism') + 1]).toBe(String(parallelism));
      expect(args[args.indexOf('--job') + 1]).toBe(job);

      const flinkConfig = find(objects, 'ConfigMap', `${release}-config`).data!['config.yaml']!;
      expect(flinkConfig).toContain('high-availability.type: kubernetes');
      expect(flinkConfig).toContain(
        'high-availability.storageDir: wasbs://flink@sasbench01storage.blob.core.windows.net/20261126-120000-ab12/ha',
      );
      expect(jobManager.serviceAccountName).toBe(`${release}-flink`);
      expect(find(objects, 'Role', `${release}-flink-ha`)).toBeDefined();
    });

    it('keeps the account key and the jar URL in the Secret only, and exposes nothing outside the cluster', () => {
      expectNoLeak(objects, [ACCOUNT_KEY, JAR_URL, 'JARSIGNATURE']);
      expectSecretDelivered(objects, `${release}-secrets`, 'storageAccountKey', ACCOUNT_KEY);
      expectSecretDelivered(objects, `${release}-secrets`, 'jobJarUrl', JAR_URL);
      expectClusterInternalAndUnprivileged(objects);
      expect(find(objects, 'Service', `${release}-jobmanager`).spec.ports).toContainEqual(
        expect.objectContaining({ name: 'rest', port: 8081 }),
      );
    });
  });

  describe('simulator chart: load, then the measure agent as a second release', () => {
    const loadRelease = `load-t${tier}`;
    const agentRelease = `agent-t${tier}`;
    let cfg: Config;
    let load: K8sObject[];
    let agent: K8sObject[];
    const measurement = { runId: '20261126-120000-ab12', measurementId: '20261126-121500-cd34' };

    beforeAll(() => {
      cfg = config(tier);
      load = render(
        'simulator',
        loadRelease,
        simulatorLoadChartValues(cfg, {
          simulatorImage: cfg.simulatorImage!,
          bootstrapServers: BROKERS,
          eventsPerSecond: cfg.tier.eventsPerSecond,
          durationSeconds: 660,
        }).values,
      );
      const { values, secretValues } = measureAgentChartValues(cfg, {
        ...measurement,
        simulatorImage: cfg.simulatorImage!,
        bootstrapServers: BROKERS,
        eventsPerSecond: cfg.tier.eventsPerSecond,
        measurementsContainerUrl: CONTAINER_URL,
      });
      agent = render('simulator', agentRelease, values, secretValues);
    });

    it("runs the tier's simulator instances as one Indexed Job, each told the total rate and its share", () => {
      expect(load.map((o) => o.kind)).toEqual(['Job']);
      const job = find(load, 'Job', `${loadRelease}-load`).spec;
      expect(job).toMatchObject({ completionMode: 'Indexed', completions: simulators, parallelism: simulators });
      const args: string[] = job.template.spec.containers[0].args;
      for (let index = 0; index < simulators; index++) {
        const request = parseSimulatorArgs(args.map((a) => a.replace('$(JOB_COMPLETION_INDEX)', String(index))));
        if (request.kind !== 'run') throw new Error('expected a run request');
        expect(request.options).toMatchObject({
          brokers: BROKERS.split(','),
          topic: 'in',
          eventsPerSecond: cfg.tier.eventsPerSecond,
          instanceIndex: index,
          instanceCount: simulators,
          durationSeconds: 660,
        });
      }
      expect(job.activeDeadlineSeconds).toBeGreaterThan(660);
    });

    it('runs the measure agent with the arguments measureAgentArgs gives, its container URL from a Secret', () => {
      expect(agent.map((o) => o.kind).sort()).toEqual(['Job', 'Secret']);
      const job = find(agent, 'Job', `${agentRelease}-measure-agent`).spec;
      expect(job.backoffLimit).toBe(0);
      expect(job.activeDeadlineSeconds).toBeGreaterThan(cfg.minutes * 60);
      const container = job.template.spec.containers[0];
      expect(container.args).toEqual(
        measureAgentArgs(cfg, { ...measurement, bootstrapServers: BROKERS, eventsPerSecond: cfg.tier.eventsPerSecond }),
      );
      const parsed = parseMeasureAgentArgs(container.args.slice(1));
      expect(parsed).toMatchObject({
        kind: 'run',
        options: { ...measurement, eventsPerSecond: cfg.tier.eventsPerSecond },
      });
      expect(container.env).toEqual([
        {
          name: 'MEASUREMENTS_CONTAINER_URL',
          valueFrom: { secretKeyRef: { name: `${agentRelease}-measure-agent`, key: 'measurementsContainerUrl' } },
        },
      ]);
      expectSecretDelivered(agent, `${agentRelease}-measure-agent`, 'measurementsContainerUrl', CONTAINER_URL);
      expectNoLeak(agent, [CONTAINER_URL, 'AGENTSIGNATURE']);
    });

    it('lets the two releases live side by side: no object name in common, nothing exposed', () => {
      const names = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(names(load).filter((n) => names(agent).includes(n))).toEqual([]);
      expectClusterInternalAndUnprivileged([...load, ...agent]);
    });
  });
});

it('the chart schemas refuse values out of range or unknown', () => {
  const values = flinkJobChartValues(config('1'), {
    runId: 'r1',
    entryClass: JOB_MAIN_CLASS,
    bootstrapServers: BROKERS,
    storageAccount: 'sasbench01storage',
    checkpointContainer: 'flink',
    storageAccountKey: ACCOUNT_KEY,
    jobJarUrl: JAR_URL,
  }).values;
  expect(() => render('flink-job', 'bad-parallelism', { ...values, parallelism: 0 })).toThrow(/parallelism/);
  expect(() => render('flink-job', 'bad-key', { ...values, paralelism: 2 })).toThrow(/paralelism/);
  expect(() => render('simulator', 'bad-agent', { measureAgent: { enabled: true }, load: { enabled: false } })).toThrow(
    /measurementsContainerUrl/,
  );
});

// Last: jest runs a file's tests in order, so every rendering above is there.
it('every rendering validates against the Kubernetes schemas (kubernetes-validate --strict)', () => {
  expect(renderedFiles).toHaveLength(TIERS.length * (JOBS.length + 2));
  execFileSync('bash', [path.join(ROOT, 'scripts/tools/check-charts.sh'), '--validate', ...renderedFiles], {
    encoding: 'utf8',
  });
});
