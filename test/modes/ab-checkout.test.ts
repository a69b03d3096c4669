import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine } from '../../src/cli/args.js';
import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import {
  checkCheckout,
  checkoutCommit,
  runArguments,
  runEnvironment,
  sharedClusterObstacle,
} from '../../src/modes/ab-checkout.js';
import { workloadOf } from '../../src/report/workload.js';
import { repoRoot } from '../../src/repo-root.js';

/** What the checkout's own command line makes of the arguments. */
function parsedBack(args: string[]) {
  const request = parseCommandLine(args, {});
  if (request.kind !== 'mode') throw new Error('expected a mode');
  return parseConfig(request.inputs);
}

describe('runArguments', () => {
  test.each<[string, RawInputs]>([
    ['a preset tier', { tier: '5' }],
    ['a custom rate with overrides', { tier: '2500', partitions: '3', parallelism: '2', 'simulator-instances': '2' }],
    [
      'another job, no audit, a gate threshold',
      { job: 'complex-processing', audit: 'false', 'min-percent-of-target': '80' },
    ],
  ])('%s: the run parses back to the same workload and gate sizing', (_, inputs) => {
    const config = parseConfig({ mode: 'ab', ...inputs });
    const args = runArguments(config, { syntheticWorkUs: 1500, reportFile: '/tmp/r.json', workDir: '/tmp/w' });
    const run = parsedBack(args);
    expect(run.mode).toBe('run');
    expect(workloadOf(run)).toEqual(workloadOf({ ...config, syntheticWorkUs: 1500 }));
    expect(run.tier.name).toBe(config.tier.name);
    expect(run.gate).toEqual(config.gate);
    expect(run).toMatchObject({ reportFile: '/tmp/r.json', workDir: '/tmp/w', comment: 'never' });
  });
});

test("a user's job: each run gets the jar its side built, its entry class and the same job-args, never a build, on the shared cluster", () => {
  const jobArgs = `--bootstrap-servers {bootstrap} --name 'two words' --quote "it's"`;
  const config = parseConfig({
    mode: 'ab',
    'job-jar': 'target/my-job.jar',
    'job-build-command': 'mvn -B package',
    'job-args': jobArgs,
  });
  const args = runArguments(config, {
    syntheticWorkUs: 0,
    reportFile: '/tmp/r.json',
    workDir: '/tmp/w',
    ownJob: { jar: '/checkouts/head/target/my-job.jar', entryClass: 'com.example.MyJob' },
    cluster: { bootstrapServers: '127.0.0.1:40001', flinkRestUrl: 'http://127.0.0.1:40002' },
  });
  const run = parsedBack(args);
  // On the Kafka and Flink the comparison shares: platform external, its own topics created.
  expect(run.platform).toBe('external');
  expect(run.external).toEqual({
    kafka: { bootstrapServers: '127.0.0.1:40001', security: { protocol: 'PLAINTEXT' }, createTopics: true },
    flink: { restUrl: 'http://127.0.0.1:40002' },
  });
  expect(run.jobSpec).toMatchObject({
    name: 'my-job',
    builtIn: false,
    jar: '/checkouts/head/target/my-job.jar',
    entryClass: 'com.example.MyJob',
    buildCommand: undefined,
    args: config.jobSpec.args,
  });
  expect(config.jobSpec.args).toEqual(['--bootstrap-servers', '{bootstrap}', '--name', 'two words', '--quote', "it's"]);
  expect(workloadOf(run)).toEqual(workloadOf({ ...config, platform: 'external' }));
});

describe('runEnvironment', () => {
  test("keeps the machine's environment, drops what belongs to the A/B step itself", () => {
    const env = runEnvironment({
      PATH: '/usr/bin',
      JAVA_HOME: '/opt/java',
      GITHUB_SHA: 'abc',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: '/tmp/out',
      GITHUB_STEP_SUMMARY: '/tmp/summary',
      GITHUB_STATE: '/tmp/state',
      GITHUB_TOKEN: 'ghs_secret',
      'INPUT_GITHUB-TOKEN': 'ghs_secret',
      INPUT_MODE: 'ab',
      STREAMING_AT_SCALE_BASELINE_REPORT: 'old.json',
      STREAMING_AT_SCALE_HELM: '/opt/helm',
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      JAVA_HOME: '/opt/java',
      GITHUB_SHA: 'abc',
      STREAMING_AT_SCALE_HELM: '/opt/helm',
    });
  });
});

describe('checkCheckout and checkoutCommit', () => {
  let empty: string;
  beforeAll(async () => {
    empty = await mkdtemp(path.join(os.tmpdir(), 'ab-checkout-'));
  });
  afterAll(() => rm(empty, { recursive: true, force: true }));

  test('this project is a checkout', () => {
    expect(() => checkCheckout(repoRoot(), 'head')).not.toThrow();
  });

  test('another folder is refused, naming the input and what is missing', () => {
    expect(() => checkCheckout(empty, 'base')).toThrow(
      `Input 'base': '${empty}' is not a checkout of streaming-at-scale (no bin/streaming-at-scale.js, dist/cli/index.js)`,
    );
  });

  test('the commit of a git work tree, null elsewhere', async () => {
    expect(await checkoutCommit(repoRoot())).toMatch(/^[0-9a-f]{40}$/);
    expect(await checkoutCommit(empty)).toBeNull();
  });
});

describe('sharedClusterObstacle', () => {
  const root = repoRoot();
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sas-shared-cluster-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A checkout with this one's local Kafka and Flink set-up, and a command line printing `help`. */
  async function checkout(name: string, help: string): Promise<string> {
    const folder = path.join(dir, name);
    await cp(path.join(root, 'local-runtime'), path.join(folder, 'local-runtime'), { recursive: true });
    await mkdir(path.join(folder, 'src', 'platforms', 'local'), { recursive: true });
    for (const file of ['kafka.ts', 'flink.ts']) {
      await cp(
        path.join(root, 'src', 'platforms', 'local', file),
        path.join(folder, 'src', 'platforms', 'local', file),
      );
    }
    await mkdir(path.join(folder, 'bin'));
    await writeFile(path.join(folder, 'bin', 'streaming-at-scale.js'), `console.log(${JSON.stringify(help)});\n`);
    return folder;
  }

  test('the same checkout on both sides, or copies of the same set-up: one cluster for every run', async () => {
    expect(await sharedClusterObstacle(root, root, root)).toBeNull();
    const base = await checkout('base', '--platform ... --flink-rest-url URL');
    expect(await sharedClusterObstacle(base, root, root)).toBeNull();
  });

  test('a side whose local Kafka or Flink set-up differs, or that has no platform external: a cluster per run', async () => {
    const base = await checkout('base', '--platform ... --flink-rest-url URL');
    const template = path.join(base, 'local-runtime', 'kafka', 'server.properties.template');
    await writeFile(template, (await readFile(template, 'utf8')) + 'num.network.threads=8\n');
    expect(await sharedClusterObstacle(base, root, root)).toBe(
      "the base's local Kafka or Flink set-up (local-runtime, src/platforms/local/kafka.ts, src/platforms/local/flink.ts) differs from this toolkit's",
    );
    const old = await checkout('old', '--platform local | aks | hdinsight');
    expect(await sharedClusterObstacle(root, old, root)).toBe('the head has no platform external');
    await rm(path.join(old, 'src', 'platforms', 'local', 'flink.ts'));
    expect(await sharedClusterObstacle(root, old, root)).toMatch(/^the head's local Kafka or Flink set-up/);
  });
});
