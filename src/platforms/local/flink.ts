/**
 * The local Flink session cluster: a JobManager (StandaloneSessionClusterEntrypoint) and one
 * TaskManager (TaskManagerRunner) as plain JVMs, their classpath from local-runtime/flink/pom.xml
 * (Maven Central has no flink-dist), REST API on loopback with jar upload/run enabled.
 *
 * The JVM memory flags are what Flink's own bash scripts would pass: computed by Flink's
 * BashJavaUtils (GET_JM_RESOURCE_PARAMS / GET_TM_RESOURCE_PARAMS) from the same config.yaml,
 * together with the derived memory settings passed back as dynamic properties.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { FlinkRestClient } from '../../flink/rest-client.js';
import { checkJava, resolveClasspath, runtimeCacheDir, writeClasspathArgFile } from './maven.js';
import { allocatePorts, LOOPBACK } from './ports.js';
import {
  isAlive,
  killProcess,
  startProcess,
  stopProcess,
  tailFile,
  waitFor,
  type ProcessHandle,
  type ProcessRecorder,
  type RestartOptions,
} from './processes.js';
import { localRuntimeDir, optionLines, readRuntimeFile, renderTemplate } from './runtime-files.js';

const run = promisify(execFile);

export const JOBMANAGER_MAIN = 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint';
export const TASKMANAGER_MAIN = 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner';
const BASH_JAVA_UTILS = 'org.apache.flink.runtime.util.bash.BashJavaUtils';
const EXEC_RESULT = 'BASH_JAVA_UTILS_EXEC_RESULT:';

export interface StartFlinkOptions {
  /** The run directory; Flink's files go to `<runDir>/flink/`. */
  runDir: string;
  /** REST API port (default: a free one). A taken port fails with PortInUseError. */
  restPort?: number;
  /** JobManager RPC port (default: a free one). */
  jobManagerRpcPort?: number;
  /** Slots of the TaskManager (default 8: tier 10's parallelism fits). */
  taskSlots?: number;
  /** `jobmanager.memory.process.size` (default '1g'). */
  jobManagerMemory?: string;
  /** `taskmanager.memory.process.size` (default '2g'). */
  taskManagerMemory?: string;
  /** How long to wait for the REST API to show free slots (default 120 s). */
  timeoutMs?: number;
  log?: (message: string) => void;
  signal?: AbortSignal;
  /** Told of each JVM as soon as it is spawned (roles 'flink-jobmanager', 'flink-taskmanager'). */
  onProcess?: ProcessRecorder;
  runtimeDir?: string;
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** How to start one Flink JVM again (a TaskManager or JobManager restart). */
export interface FlinkProcessSpec {
  args: string[];
  /** The log4j file (what the web UI's log tab shows). */
  logFile: string;
  /** stdout/stderr of the JVM. */
  outFile: string;
}

/** A started cluster. JSON-serializable: kept in run state for later modes and teardown. */
export interface FlinkCluster {
  /** `http://127.0.0.1:<restPort>` */
  restUrl: string;
  restPort: number;
  jobManagerRpcPort: number;
  taskSlots: number;
  /** `<runDir>/flink`: conf/, logs/, checkpoints/, ... */
  dir: string;
  confDir: string;
  checkpointDir: string;
  java: string;
  env: Record<string, string>;
  jobManager: ProcessHandle;
  taskManager: ProcessHandle;
  jobManagerSpec: FlinkProcessSpec;
  taskManagerSpec: FlinkProcessSpec;
  /** TaskManagers started after the first one (restarts). */
  taskManagerRestarts: number;
  /** JobManagers started after the first one (restarts); absent in older states (0). */
  jobManagerRestarts?: number;
  /** Milliseconds from spawning the JVMs until the REST API showed the free slots. */
  startupMs: number;
}

/**
 * Parses BashJavaUtils output: the JVM parameters line and the dynamic properties line
 * ("-D key=value -D key=value").
 */
export function parseBashJavaUtilsOutput(output: string): { jvmArgs: string[]; dynamicArgs: string[] } {
  const results = output
    .split('\n')
    .filter((line) => line.startsWith(EXEC_RESULT))
    .map((line) => line.slice(EXEC_RESULT.length).trim());
  if (results.length < 2) throw new Error(`Unexpected output of Flink's BashJavaUtils:\n${output.slice(-2000)}`);
  const jvmArgs = results[0]!.split(/\s+/).filter(Boolean);
  const dynamicArgs: string[] = [];
  const tokens = results[1]!.split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === '-D' && tokens[i + 1] !== undefined) dynamicArgs.push('-D', tokens[++i]!);
  }
  return { jvmArgs, dynamicArgs };
}

async function memoryParams(
  java: string,
  argFile: string,
  confDir: string,
  command: 'GET_JM_RESOURCE_PARAMS' | 'GET_TM_RESOURCE_PARAMS',
  env: NodeJS.ProcessEnv,
) {
  try {
    const { stdout, stderr } = await run(
      java,
      ['-Xmx128m', `@${argFile}`, BASH_JAVA_UTILS, command, '--configDir', confDir],
      { env },
    );
    return parseBashJavaUtilsOutput(`${stdout}\n${stderr}`);
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `Flink's BashJavaUtils ${command} failed (is the memory configuration valid?):\n${(e.stdout ?? '') + (e.stderr ?? '') || e.message}`,
    );
  }
}

type MemoryParams = Awaited<ReturnType<typeof memoryParams>>;

/**
 * The JobManager's and TaskManager's memory parameters: BashJavaUtils takes two JVMs (1-2 s of both
 * cores) for an answer that depends only on `key`'s parts, so it is kept in the cache by their hash.
 */
async function cachedMemoryParams(
  cacheDir: string,
  key: Array<string | number | undefined>,
  compute: () => Promise<{ jm: MemoryParams; tm: MemoryParams }>,
): Promise<{ jm: MemoryParams; tm: MemoryParams }> {
  const hash = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
  const file = path.join(cacheDir, `flink-memory-${hash}.json`);
  const cached = await readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as { jm: MemoryParams; tm: MemoryParams })
    .catch(() => undefined);
  if (cached?.jm?.jvmArgs && cached.tm?.jvmArgs) return cached;
  const params = await compute();
  await mkdir(cacheDir, { recursive: true });
  // Written whole, then renamed: two runs starting at once never read half a file.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(params));
  await rename(partial, file);
  return params;
}

/**
 * Starts the JobManager and one TaskManager and waits until the REST API reports the
 * TaskManager's slots free. On failure whatever was started is stopped before the error is thrown.
 */
export async function startFlink(options: StartFlinkOptions): Promise<FlinkCluster> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const runtimeDir = options.runtimeDir ?? localRuntimeDir(env);
  const [{ java }, classpath, ports] = await Promise.all([
    checkJava(env),
    resolveClasspath({ component: 'flink', runtimeDir, cacheDir: options.cacheDir, log, env }),
    allocatePorts({ 'Flink REST API': options.restPort, 'Flink JobManager RPC': options.jobManagerRpcPort }),
  ]);
  const restPort = ports['Flink REST API'];
  const jobManagerRpcPort = ports['Flink JobManager RPC'];
  const taskSlots = options.taskSlots ?? 8;

  const dir = path.join(path.resolve(options.runDir), 'flink');
  const confDir = path.join(dir, 'conf');
  const logsDir = path.join(dir, 'logs');
  const checkpointDir = path.join(dir, 'checkpoints');
  const dirs = {
    WEB_UPLOAD_DIR: 'web-upload',
    TMP_DIR: 'tmp',
    BLOB_DIR: 'blob',
    CHECKPOINT_DIR: 'checkpoints',
    SAVEPOINT_DIR: 'savepoints',
  };
  const values: Record<string, string | number> = {
    JOBMANAGER_RPC_PORT: jobManagerRpcPort,
    REST_PORT: restPort,
    TASK_SLOTS: taskSlots,
    JOBMANAGER_MEMORY: options.jobManagerMemory ?? '1g',
    TASKMANAGER_MEMORY: options.taskManagerMemory ?? '2g',
  };
  for (const [key, name] of Object.entries(dirs)) {
    values[key] = path.join(dir, name);
    await mkdir(values[key] as string, { recursive: true });
  }
  for (const d of [confDir, logsDir, path.join(dir, 'plugins')]) await mkdir(d, { recursive: true });
  const template = await readRuntimeFile('flink', 'config.yaml.template', runtimeDir);
  await writeFile(path.join(confDir, 'config.yaml'), renderTemplate(template, values));
  const log4jFile = path.join(confDir, 'log4j.properties');
  await writeFile(log4jFile, await readRuntimeFile('flink', 'log4j.properties.template', runtimeDir));
  const argFile = path.join(confDir, 'classpath.argfile');
  await writeClasspathArgFile(argFile, classpath.jars);
  const javaOpts = optionLines(await readRuntimeFile('flink', 'jvm-opts.txt', runtimeDir));

  const { jm, tm } = await cachedMemoryParams(
    runtimeCacheDir(runtimeDir, options.cacheDir),
    // What BashJavaUtils' answer depends on: the JVM, Flink's jars, and the memory settings.
    [java, ...classpath.jars, template, values.TASK_SLOTS, values.JOBMANAGER_MEMORY, values.TASKMANAGER_MEMORY],
    async () => {
      const [jm, tm] = await Promise.all([
        memoryParams(java, argFile, confDir, 'GET_JM_RESOURCE_PARAMS', env),
        memoryParams(java, argFile, confDir, 'GET_TM_RESOURCE_PARAMS', env),
      ]);
      return { jm, tm };
    },
  );
  const spec = (
    role: 'jobmanager' | 'taskmanager',
    mem: { jvmArgs: string[]; dynamicArgs: string[] },
    main: string,
  ): FlinkProcessSpec => {
    const logFile = path.join(logsDir, `${role}.log`);
    return {
      logFile,
      outFile: path.join(logsDir, `${role}.out`),
      args: [
        ...mem.jvmArgs,
        ...javaOpts,
        '-XX:+ExitOnOutOfMemoryError',
        `-Dstreaming-at-scale.role=flink-${role}`,
        `-Dlog.file=${logFile}`,
        `-Dlog4j.configuration=file:${log4jFile}`,
        `-Dlog4j.configurationFile=file:${log4jFile}`,
        `@${argFile}`,
        main,
        '--configDir',
        confDir,
        ...mem.dynamicArgs,
      ],
    };
  };
  const jobManagerSpec = spec('jobmanager', jm, JOBMANAGER_MAIN);
  const taskManagerSpec = spec('taskmanager', tm, TASKMANAGER_MAIN);
  // FLINK_CONF_DIR: what Flink's scripts export (read by the client side of jar runs);
  // FLINK_PLUGINS_DIR: an empty plugins folder instead of a warning about a missing one.
  const flinkEnv = { FLINK_CONF_DIR: confDir, FLINK_PLUGINS_DIR: path.join(dir, 'plugins') };
  const restUrl = `http://${LOOPBACK}:${restPort}`;

  log(`Starting Flink (JobManager + TaskManager with ${taskSlots} slots, REST API ${restUrl}, logs in ${logsDir})...`);
  const started = Date.now();
  const jobManager = await startFlinkProcess(java, jobManagerSpec, dir, { ...env, ...flinkEnv });
  let taskManager: ProcessHandle | undefined;
  try {
    await options.onProcess?.('flink-jobmanager', jobManager);
    taskManager = await startFlinkProcess(java, taskManagerSpec, dir, { ...env, ...flinkEnv });
    await options.onProcess?.('flink-taskmanager', taskManager);
    await waitForSlots(restUrl, taskSlots, {
      timeoutMs: options.timeoutMs ?? 120_000,
      processes: [jobManager, taskManager],
      signal: options.signal,
    });
  } catch (error) {
    if (taskManager) await stopProcess(taskManager, { graceMs: 5000 });
    await stopProcess(jobManager, { graceMs: 5000 });
    throw error;
  }
  const cluster: FlinkCluster = {
    restUrl,
    restPort,
    jobManagerRpcPort,
    taskSlots,
    dir,
    confDir,
    checkpointDir,
    java,
    env: flinkEnv,
    jobManager,
    taskManager,
    jobManagerSpec,
    taskManagerSpec,
    taskManagerRestarts: 0,
    jobManagerRestarts: 0,
    startupMs: Date.now() - started,
  };
  log(
    `Flink is up (${(cluster.startupMs / 1000).toFixed(1)} s, JobManager pid ${jobManager.pid}, TaskManager pid ${taskManager.pid}).`,
  );
  return cluster;
}

async function startFlinkProcess(
  java: string,
  spec: FlinkProcessSpec,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<ProcessHandle> {
  const handle = await startProcess({ command: java, args: spec.args, cwd, logFile: spec.outFile, env });
  // Report the log4j file: that is where Flink writes why it failed.
  return { ...handle, logFile: spec.logFile };
}

/**
 * Waits until the REST API at `restUrl` reports at least `slots` free slots; fails early with the
 * log tail when one of `processes` exits.
 */
export async function waitForSlots(
  restUrl: string,
  slots: number,
  options: { timeoutMs: number; processes?: ProcessHandle[]; signal?: AbortSignal },
): Promise<void> {
  const client = new FlinkRestClient(restUrl, { timeoutMs: 3000 });
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    for (const proc of options.processes ?? []) {
      // One short waitFor per process: throws ProcessExitedError with the log tail if it died.
      await waitFor('Flink', async () => (isAlive(proc.pid, proc.startTime) ? true : undefined), {
        timeoutMs: 0,
        process: proc,
      });
    }
    const overview = await client.overview().catch(() => undefined);
    if (overview && overview['slots-available'] >= slots) return;
    options.signal?.throwIfAborted();
    if (Date.now() > deadline) {
      const tails = await Promise.all(
        (options.processes ?? []).map(async (p) => `${p.logFile}:\n${await tailFile(p.logFile, 15)}`),
      );
      throw new Error(
        `Flink at ${restUrl} did not report ${slots} free slots within ${options.timeoutMs / 1000} s.\n${tails.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Stops the TaskManager, then the JobManager (SIGTERM, SIGKILL after `graceMs`, default 20 s);
 * returns once both exited. A second call is a no-op.
 */
export async function stopFlink(
  cluster: Pick<FlinkCluster, 'jobManager' | 'taskManager'>,
  options: { graceMs?: number } = {},
): Promise<void> {
  await stopProcess(cluster.taskManager, options);
  await stopProcess(cluster.jobManager, options);
}

/** Kills the TaskManager with SIGKILL, as a crash or an evicted pod would (fault tests). */
export async function killTaskManager(cluster: Pick<FlinkCluster, 'taskManager'>): Promise<void> {
  await killProcess(cluster.taskManager);
}

/** Kills the JobManager with SIGKILL (fault tests): without HA, its jobs are gone with it. */
export async function killJobManager(cluster: Pick<FlinkCluster, 'jobManager'>): Promise<void> {
  await killProcess(cluster.jobManager);
}

/** A completed checkpoint of a job, as kept in `<checkpointDir>/<jobId>/chk-<id>/`. */
export interface RetainedCheckpoint {
  id: number;
  /** The `chk-<id>` folder: what a jar run's `savepointPath` takes. */
  path: string;
}

/**
 * The completed checkpoints of `jobId` under `checkpointDir`, newest first. A checkpoint counts as
 * completed once the JobManager wrote its `_metadata` (one in progress has none yet).
 */
export async function retainedCheckpoints(checkpointDir: string, jobId: string): Promise<RetainedCheckpoint[]> {
  const jobDir = path.join(checkpointDir, jobId);
  const entries = await readdir(jobDir, { withFileTypes: true }).catch(() => []);
  const found: RetainedCheckpoint[] = [];
  for (const entry of entries) {
    const match = /^chk-(\d+)$/.exec(entry.name);
    if (!entry.isDirectory() || !match) continue;
    const dir = path.join(jobDir, entry.name);
    const completed = await access(path.join(dir, '_metadata')).then(
      () => true,
      () => false,
    );
    if (completed) found.push({ id: Number(match[1]), path: dir });
  }
  return found.sort((a, b) => b.id - a.id);
}

/**
 * Starts a new TaskManager when the recorded one is not running (as Kubernetes or YARN would
 * restart a lost one), waits until its slots register, and returns the cluster with the new
 * process and `taskManagerRestarts` incremented. Returns the cluster unchanged while the
 * TaskManager is alive.
 */
export async function restartTaskManager(cluster: FlinkCluster, options: RestartOptions = {}): Promise<FlinkCluster> {
  if (isAlive(cluster.taskManager.pid, cluster.taskManager.startTime)) return cluster;
  options.log?.('Restarting the Flink TaskManager...');
  const env = { ...(options.env ?? process.env), ...cluster.env };
  const client = new FlinkRestClient(cluster.restUrl, { timeoutMs: 3000 });
  const before = new Set((await client.taskManagers()).map((tm) => tm.id));
  const taskManager = await startFlinkProcess(cluster.java, cluster.taskManagerSpec, cluster.dir, env);
  const restarted = { ...cluster, taskManager, taskManagerRestarts: cluster.taskManagerRestarts + 1 };
  try {
    await options.onProcess?.('flink-taskmanager', taskManager);
    await waitFor(
      'Flink TaskManager restart',
      async () => {
        // The lost TaskManager stays listed until its heartbeat times out: wait for a new one.
        const tms = await client.taskManagers();
        return tms.some((tm) => !before.has(tm.id)) ? true : undefined;
      },
      { timeoutMs: options.timeoutMs ?? 90_000, process: taskManager, signal: options.signal },
    );
  } catch (error) {
    await stopProcess(taskManager, { graceMs: 5000 });
    throw error;
  }
  options.log?.(`TaskManager restarted (pid ${taskManager.pid}).`);
  return restarted;
}

/**
 * Starts a new JobManager with the same spec and ports when the recorded one is not running (as
 * Kubernetes or YARN would restart a lost one; there is no HA, so its jobs are not recovered here:
 * the caller resubmits them). Waits for the REST API, then for the TaskManager to re-register with
 * all its slots free (the old job's tasks cancelled); a TaskManager that exited, or that has not
 * re-registered within `reregisterTimeoutMs` (default 60 s), is replaced. Returns the cluster with
 * the new processes and the restart counters incremented; unchanged while the JobManager is alive.
 */
export async function restartJobManager(
  cluster: FlinkCluster,
  options: RestartOptions & { reregisterTimeoutMs?: number } = {},
): Promise<FlinkCluster> {
  if (isAlive(cluster.jobManager.pid, cluster.jobManager.startTime)) return cluster;
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 120_000;
  log('Restarting the Flink JobManager...');
  const env = { ...(options.env ?? process.env), ...cluster.env };
  const client = new FlinkRestClient(cluster.restUrl, { timeoutMs: 3000 });
  const started = Date.now();
  const jobManager = await startFlinkProcess(cluster.java, cluster.jobManagerSpec, cluster.dir, env);
  let restarted: FlinkCluster = {
    ...cluster,
    jobManager,
    jobManagerRestarts: (cluster.jobManagerRestarts ?? 0) + 1,
  };
  try {
    await options.onProcess?.('flink-jobmanager', jobManager);
    await waitFor('Flink JobManager restart', async () => (await client.overview()) && true, {
      timeoutMs,
      process: jobManager,
      signal: options.signal,
    });
    const tm = cluster.taskManager;
    const reregisterMs = options.reregisterTimeoutMs ?? 60_000;
    const registered = isAlive(tm.pid, tm.startTime)
      ? await waitFor(
          'The TaskManager re-registering',
          async () => {
            if (!isAlive(tm.pid, tm.startTime)) return false;
            const overview = await client.overview();
            return overview['slots-available'] >= cluster.taskSlots ? true : undefined;
          },
          { timeoutMs: reregisterMs, process: jobManager, signal: options.signal },
        ).catch((error: unknown) => {
          // Only the TaskManager's wait may time out; the new JobManager exiting is a failure.
          if (!isAlive(jobManager.pid, jobManager.startTime) || options.signal?.aborted) throw error;
          return false;
        })
      : false;
    if (!registered) {
      log(
        isAlive(tm.pid, tm.startTime)
          ? `The TaskManager (pid ${tm.pid}) has not re-registered with free slots in ${reregisterMs / 1000} s: replacing it.`
          : `The TaskManager (pid ${tm.pid}) is gone too: starting a new one.`,
      );
      await stopProcess(tm, { graceMs: 10_000 });
      restarted = await restartTaskManager(restarted, { ...options, timeoutMs });
    }
  } catch (error) {
    await stopProcess(jobManager, { graceMs: 5000 });
    throw error;
  }
  log(`JobManager restarted (pid ${jobManager.pid}, ${((Date.now() - started) / 1000).toFixed(1)} s to free slots).`);
  return restarted;
}
