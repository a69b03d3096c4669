/**
 * Run state: what one mode leaves for the next (`.streaming-at-scale/<run-id>/state.json`), so each
 * mode can be its own CLI call or workflow step. Without an explicit run id, a mode acts on the
 * latest run in the work directory.
 */
import { BUILT_IN_TOPICS } from '../flink/job-arguments.js';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isRunId, parseTier, type Config } from '../config/config.js';
import type { PlatformName } from '../config/inputs.js';
import { tierInput } from '../config/tiers.js';
import { UserError } from '../errors.js';

export const STATE_FILE = 'state.json';
export const STATE_VERSION = 1;

export interface RunState {
  version: typeof STATE_VERSION;
  runId: string;
  platform: PlatformName;
  createdAt: string;
  runDir: string;
  eventsPerSecond: number;
  partitions: number;
  parallelism: number;
  /** The tier input deploy was given ('10', or a custom rate such as '2000'); absent in older states. */
  tier?: string;
  /** Simulator instances of the run's load; absent in older states. */
  simulatorInstances?: number;
  kafkaBootstrapServers?: string;
  flinkRestUrl?: string;
  flinkJobId?: string;
  /** Platform-specific details (processes, ports, Azure resource ids) that only that platform reads. */
  platformState: Record<string, unknown>;
  /** Set by teardown when the run directory is kept: a later teardown has nothing left to do. */
  tornDownAt?: string;
  /** Load started by mode `load`. */
  load?: { startedAt: string; eventsPerSecond: number; durationSeconds: number };
  /** The run's topics, as deploy created them from the workload; absent: the built-in 'in' and 'out'. */
  topics?: { input: string; output: string };
  /** The workload file deploy was given (absolute); absent: the built-in IoT event. */
  workloadFile?: string;
}

/** The run's topics: what deploy created, the built-in ones for runs without a workload of their own. */
export function runTopics(state: Pick<RunState, 'topics'>): { input: string; output: string } {
  return state.topics ?? BUILT_IN_TOPICS;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

type RunSizing = Pick<RunState, 'eventsPerSecond' | 'partitions' | 'parallelism' | 'tier' | 'simulatorInstances'>;

/**
 * A run's size as deploy fixes it from the config (tier, partitions, parallelism, simulators). Also
 * how a later job that rebuilds the state elsewhere (src/azure/recover-state.ts) sizes it: same
 * inputs, same size.
 */
export function runSizing(config: Config): RunSizing {
  return {
    eventsPerSecond: config.tier.eventsPerSecond,
    partitions: config.partitions,
    parallelism: config.parallelism,
    tier: tierInput(config.tier),
    simulatorInstances: config.simulatorInstances,
  };
}

/**
 * The config a stage after deploy works with: the sizing inputs this call was given, and the run's
 * size (fixed at deploy) for the rest, not this call's defaults. `submit-flink` or `load` called
 * on its own after `deploy --tier 10` must not fall back to tier 1's parallelism or simulator
 * count; `load --tier 2000` sends 2,000 events/s whatever deploy was given. Partitions are always
 * the run's: its topics exist.
 */
export function sizedByRun(config: Config, run: RunState): Config {
  const given = config.givenSizing;
  return {
    ...config,
    tier: given.tier || !run.tier ? config.tier : parseTier(run.tier),
    partitions: run.partitions,
    parallelism: given.tier || given.parallelism ? config.parallelism : run.parallelism,
    simulatorInstances:
      given.tier || given.simulatorInstances || run.simulatorInstances === undefined
        ? config.simulatorInstances
        : run.simulatorInstances,
  };
}

/**
 * The rate a load started with `config` sends (given to that load, or the run's), recorded in the
 * run so that the measurement that follows takes it as its target.
 */
export function adoptLoadRate(run: RunState, config: Config): void {
  const sizing = runSizing(config);
  run.eventsPerSecond = sizing.eventsPerSecond;
  run.tier = sizing.tier;
  run.simulatorInstances = sizing.simulatorInstances;
}

/** Where a run's directory is on this machine: always this, never a path read from a state file. */
export function runDirOf(config: Pick<Config, 'workDir'>, runId: string): string {
  return path.resolve(config.workDir, runId);
}

/**
 * Deletes a run's directory: the folder of `runId` in the work dir (runDirOf), only when it is
 * strictly inside the resolved work dir (never the work dir itself, its parent or a sibling).
 * Returns the folder deleted.
 */
export async function deleteRunDir(config: Pick<Config, 'workDir'>, runId: string): Promise<string> {
  const workDir = path.resolve(config.workDir);
  const runDir = runDirOf(config, runId);
  if (!isRunId(runId) || path.dirname(runDir) !== workDir || runDir === workDir) {
    throw new Error(
      `Refusing to delete '${runDir}': run id ${JSON.stringify(runId)} does not name a folder inside '${workDir}'.`,
    );
  }
  await rm(runDir, { recursive: true, force: true });
  return runDir;
}

/** A run id already used in this work dir: deploy would overwrite its state. */
export class RunExistsError extends UserError {
  override name = 'RunExistsError';
}

export async function createRun(config: Config): Promise<RunState> {
  const runId = config.runId ?? newRunId();
  const runDir = runDirOf(config, runId);
  const file = path.join(runDir, STATE_FILE);
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing !== undefined) {
    throw new RunExistsError(
      `Run '${runId}' already exists (${file}): tear it down first ('streaming-at-scale teardown --run-id ${runId}'; with keep-run-dir also delete ${runDir}), or deploy with another --run-id.`,
    );
  }
  await mkdir(runDir, { recursive: true });
  const state: RunState = {
    version: STATE_VERSION,
    runId,
    platform: config.platform,
    createdAt: new Date().toISOString(),
    runDir,
    ...runSizing(config),
    ...(config.workloadFile ? { topics: config.topics, workloadFile: config.workloadFile } : {}),
    platformState: {},
  };
  await saveRun(state);
  return state;
}

/** The last write of each state file: writes are queued, so a later save never lands before an earlier one. */
const pendingSaves = new Map<string, Promise<void>>();

export async function saveRun(state: RunState): Promise<void> {
  const file = path.join(state.runDir, STATE_FILE);
  // Serialized now: what the caller saves is the state as it is at this call.
  const text = JSON.stringify(state, null, 2) + '\n';
  const write = async () => {
    // Write then rename, so a reader never sees half a file.
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  };
  const saved = (pendingSaves.get(file) ?? Promise.resolve()).catch(() => undefined).then(write);
  pendingSaves.set(file, saved);
  try {
    await saved;
  } finally {
    if (pendingSaves.get(file) === saved) pendingSaves.delete(file);
  }
}

/** No such run (never deployed here, or torn down already). */
export class RunNotFoundError extends UserError {
  override name = 'RunNotFoundError';
}

/** Where a mode's warnings go (a skipped state file). */
type Warn = (message: string) => void;

/**
 * The run named by config.runId, or the latest one; a clear error when there is none, or when its
 * state file is not valid JSON or belongs to another folder. The state's runDir is always the
 * run's folder in this work dir (runDirOf), whatever the file says.
 */
export async function loadRun(config: Config, warn: Warn = () => undefined): Promise<RunState> {
  const runId = config.runId ?? (await latestRunId(config.workDir, warn));
  if (!runId) {
    throw new RunNotFoundError(
      `No run found in '${config.workDir}': start one with 'streaming-at-scale deploy --platform ${config.platform}' (or pass --run-id).`,
    );
  }
  const file = path.resolve(config.workDir, runId, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new RunNotFoundError(
      `Run '${runId}' has no state at ${file}: was it deployed from this folder, or torn down?`,
    );
  }
  const state = parseState(text, runId, file);
  if (typeof state === 'string') throw new UserError(state);
  if (state.platform !== config.platform) {
    throw new UserError(
      `Run '${runId}' is on platform '${state.platform}', not '${config.platform}': pass --platform ${state.platform}.`,
    );
  }
  state.runDir = runDirOf(config, runId);
  return state;
}

/** The state in a run's state file, or what is wrong with it. */
function parseState(text: string, folder: string, file: string): RunState | string {
  const fix = `delete the folder ${path.dirname(file)} (stop any of its Kafka, Flink or simulator processes first) or restore the file from a backup`;
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    return `State file ${file} is not valid JSON: ${(error as Error).message}; ${fix}.`;
  }
  if (!state || typeof state !== 'object' || Array.isArray(state)) {
    return `State file ${file} holds no run state (not a JSON object); ${fix}.`;
  }
  const runId = (state as Partial<RunState>).runId;
  if (runId !== folder) {
    return `State file ${file} is the state of run ${JSON.stringify(runId)}, not of run '${folder}' (its folder): it was copied or edited; ${fix}.`;
  }
  return state as RunState;
}

/**
 * The run created most recently; folders without a state file, or whose name is not a run id, are
 * ignored, and a state file that cannot be read as a run's is skipped with a warning naming it.
 */
export async function latestRunId(workDir: string, warn: Warn = () => undefined): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(workDir);
  } catch {
    return undefined;
  }
  let latest: { runId: string; createdAt: string } | undefined;
  for (const runId of names.filter(isRunId).sort()) {
    const file = path.resolve(workDir, runId, STATE_FILE);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const state = parseState(text, runId, file);
    if (typeof state === 'string') {
      warn(`Skipping run '${runId}' when looking for the latest run: ${state}`);
      continue;
    }
    const createdAt = typeof state.createdAt === 'string' ? state.createdAt : undefined;
    if (createdAt && (!latest || createdAt > latest.createdAt)) latest = { runId, createdAt };
  }
  return latest?.runId;
}
