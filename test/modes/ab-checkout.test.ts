import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine } from '../../src/cli/args.js';
import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { checkCheckout, checkoutCommit, runArguments, runEnvironment } from '../../src/modes/ab-checkout.js';
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
