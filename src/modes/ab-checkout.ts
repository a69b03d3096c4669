/**
 * One benchmark run of one checkout, for mode ab, as `run` on the local platform; its output goes
 * to the log, prefixed, and to a log file beside its report. Which command line runs it:
 * - comparing checkouts of this project (the built-in jobs): the checkout's own
 *   bin/streaming-at-scale.js, so the base runs the base's code: its Flink job, simulator, measurement;
 * - comparing checkouts of a user's repository (job-jar): this toolkit's, the same for both sides,
 *   with the jar each side's build produced, so the comparison measures the user's change alone.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Config } from '../config/config.js';
import { envVarFor, INPUT_NAMES } from '../config/inputs.js';
import type { PreparedJob } from '../flink/job-jar.js';
import { joinArguments } from '../flink/job-spec.js';
import { tierInput } from '../config/tiers.js';
import type { Reporter } from '../console/reporter.js';
import { UserError } from '../errors.js';
import { filesAt } from '../files.js';

const CHECKOUT_COMMAND = path.join('bin', 'streaming-at-scale.js');
const CHECKOUT_BUNDLE = path.join('dist', 'cli', 'index.js');

/**
 * Refuses a folder that is not a checkout of this project (or, with the user's own job, not a
 * folder at all), naming the input that pointed there.
 */
export function checkCheckout(folder: string, input: 'base' | 'head', ownJob = false): void {
  if (ownJob) {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new UserError(
        `Input '${input}': '${folder}' is not a folder; point it at the folder where the ${input} of your repository is checked out.`,
      );
    }
    return;
  }
  const missing = [CHECKOUT_COMMAND, CHECKOUT_BUNDLE].filter((file) => !existsSync(path.join(folder, file)));
  if (missing.length > 0) {
    throw new UserError(
      `Input '${input}': '${folder}' is not a checkout of streaming-at-scale (no ${missing.join(', ')}); point it at the folder where the ${input} is checked out.`,
    );
  }
}

/** The checkout's commit, or null outside a git work tree (or without git). */
export async function checkoutCommit(folder: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', folder, 'rev-parse', 'HEAD']);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/**
 * The `run` command line of one A/B run. Every figure that defines the workload is passed
 * explicitly (the effective sizing too), so both checkouts run what this invocation was asked for
 * even where their defaults differ; the gate thresholds that shape the ramp-up analysis go along.
 * Pure.
 */
export function runArguments(
  config: Config,
  run: {
    syntheticWorkUs: number;
    reportFile: string;
    workDir: string;
    ownJob?: PreparedJob;
    /** The Kafka and Flink every run of the comparison shares (a user's job): platform external. */
    cluster?: SharedCluster;
  },
): string[] {
  // The user's job as that side's build produced it: built once before the rounds, not per run.
  const job: Array<[string, string]> = run.ownJob
    ? [
        ['job-jar', run.ownJob.jar],
        ['job-class', run.ownJob.entryClass],
        ['job-args', joinArguments(config.jobSpec.args)],
      ]
    : [['job', config.job]];
  const platform: Array<[string, string]> = run.cluster
    ? [
        ['platform', 'external'],
        ['kafka-bootstrap-servers', run.cluster.bootstrapServers],
        ['flink-rest-url', run.cluster.flinkRestUrl],
      ]
    : [['platform', config.platform]];
  const inputs: Array<[string, string | number | boolean]> = [
    ...platform,
    ['tier', tierInput(config.tier)],
    ...job,
    ['partitions', config.partitions],
    ['parallelism', config.parallelism],
    ['simulator-instances', config.simulatorInstances],
    ['minutes', config.minutes],
    ['interval-seconds', config.intervalSeconds],
    ['audit', config.audit],
    ['synthetic-work-us', run.syntheticWorkUs],
    ['min-percent-of-target', config.gate.minPercentOfTarget],
    ['min-steady-minutes', config.gate.minSteadyMinutes],
    ['report-file', run.reportFile],
    ['work-dir', run.workDir],
    ['comment', 'never'],
    // The same load on both sides: the workload this invocation was given.
    ...(config.workloadFile ? [['workload-file', config.workloadFile] as [string, string]] : []),
  ];
  // `--name=value`: a value may start with a dash (job-args does).
  return ['run', ...inputs.map(([name, value]) => `--${name}=${String(value)}`)];
}

export interface SharedCluster {
  bootstrapServers: string;
  flinkRestUrl: string;
}

/** What defines the Kafka broker and Flink cluster platform local starts: versions, settings, start-up. */
const CLUSTER_FILES = [
  'local-runtime',
  path.join('src', 'platforms', 'local', 'kafka.ts'),
  path.join('src', 'platforms', 'local', 'flink.ts'),
];

/**
 * Why the runs of two checkouts of this project cannot share one Kafka broker and Flink cluster
 * started by this toolkit, or null when they can: each side would start the very same cluster (the
 * same CLUSTER_FILES as this toolkit's), and both take platform external. A change to the local
 * Kafka or Flink set-up is then compared on clusters of its own, one per run.
 */
export async function sharedClusterObstacle(base: string, head: string, toolkit: string): Promise<string | null> {
  const reference = await clusterFingerprint(toolkit);
  for (const [side, folder] of [
    ['base', base],
    ['head', head],
  ] as const) {
    if ((await clusterFingerprint(folder)) !== reference) {
      return `the ${side}'s local Kafka or Flink set-up (${CLUSTER_FILES.join(', ')}) differs from this toolkit's`;
    }
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(folder, CHECKOUT_COMMAND), '--help']);
    if (!stdout.includes('--flink-rest-url')) return `the ${side} has no platform external`;
  }
  return null;
}

/** A hash of every CLUSTER_FILES file of a checkout, by path and content. */
async function clusterFingerprint(folder: string): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of CLUSTER_FILES) {
    const files = await filesAt(path.join(folder, entry));
    for (const file of files) hash.update(`${path.relative(folder, file)}\0`).update(await readFile(file));
    hash.update(`${entry}\0${files.length}\0`);
  }
  return hash.digest('hex');
}

/**
 * The environment of a run: this process's, without what would make the run act as the A/B step
 * itself (write the step's outputs and summary, read this step's inputs or token).
 */
export function runEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const inputVariables = new Set(INPUT_NAMES.map(envVarFor));
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) =>
        !inputVariables.has(name) &&
        !name.startsWith('INPUT_') &&
        !['GITHUB_ACTIONS', 'GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_TOKEN'].includes(name),
    ),
  );
}

export interface CheckoutRunOptions {
  /** The run's working folder: the checkout. */
  checkout: string;
  /** The command line that runs it: the checkout's own when undefined (see the top of this file). */
  command?: string;
  args: string[];
  /** Prefixes every line the run prints, e.g. "[round 1 base]". */
  label: string;
  logFile: string;
  reporter: Reporter;
  /** Aborting interrupts the run (SIGINT: it tears down what it started) and waits for it. */
  signal: AbortSignal;
}

/** Runs the checkout's command line to its end; resolves with its exit code (null: a signal). */
export async function runCheckout(options: CheckoutRunOptions): Promise<number | null> {
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  const command = options.command ?? path.join(options.checkout, CHECKOUT_COMMAND);
  const child = spawn(process.execPath, [command, ...options.args], {
    cwd: options.checkout,
    env: runEnvironment(process.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const interrupt = () => child.kill('SIGINT');
  options.signal.addEventListener('abort', interrupt, { once: true });
  const lines = [child.stdout, child.stderr].map(
    (stream) =>
      new Promise<void>((resolve) => {
        const reader = createInterface({ input: stream, crlfDelay: Infinity });
        reader.on('line', (line) => {
          log.write(line + '\n');
          options.reporter.info(`${options.label} ${line}`);
        });
        reader.on('close', resolve);
      }),
  );
  try {
    const [code] = await Promise.all([
      new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (exitCode) => resolve(exitCode));
      }),
      ...lines,
    ]);
    return code;
  } finally {
    options.signal.removeEventListener('abort', interrupt);
    await new Promise<void>((resolve) => log.end(resolve));
  }
}
