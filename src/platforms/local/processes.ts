/**
 * Detached processes of the local platform: each in its own process group (so a workflow step or
 * CLI call that started it can end, and stopping it stops its children), output to a log file in
 * the run directory, identified by pid and start time so a reused pid is never killed by mistake.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { UserError } from '../../errors.js';

/** What is recorded of a started process (JSON-serializable, kept in run state). */
export interface ProcessHandle {
  pid: number;
  /** Kernel start time of the process (/proc/<pid>/stat field 22), when the platform has /proc. */
  startTime?: string;
  /** stdout and stderr of the process. */
  logFile: string;
}

/**
 * Told of each process as soon as it is spawned, before any wait for it to be ready: the run state
 * records it there, so a deploy killed half-way leaves nothing that teardown cannot find.
 */
export type ProcessRecorder = (role: string, handle: ProcessHandle) => Promise<void>;

/** How a lost process is started again (restartKafka, restartTaskManager, restartJobManager). */
export interface RestartOptions {
  /** How long to wait until the restarted process is ready. */
  timeoutMs?: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
  onProcess?: ProcessRecorder;
  env?: NodeJS.ProcessEnv;
}

export interface StartProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  /** stdout/stderr go here (appended). */
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

/** The kernel start time of a live process, or undefined (no such process, or no /proc). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may contain spaces).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * True while the process runs (a zombie counts as exited). With `startTime`, a different process
 * that reuses the pid counts as exited too.
 */
export function isAlive(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (isZombie(pid)) return false;
  if (startTime !== undefined) {
    const current = processStartTime(pid);
    if (current !== undefined && current !== startTime) return false;
  }
  return true;
}

/**
 * The process groups this Node process started and has not seen stop: what a forced exit (a second
 * Ctrl-C, the runner's SIGTERM after a cancel) kills before it goes, so nothing is orphaned.
 */
const startedHere = new Map<number, ProcessHandle>();

/**
 * Kills (SIGKILL, synchronously: there is no time for more) every process group this Node process
 * started that still runs; returns how many. For the forced-exit path of a signal handler.
 */
export function killStartedProcessesNow(): number {
  let killed = 0;
  for (const handle of startedHere.values()) {
    if (isAlive(handle.pid, handle.startTime) && signalGroup(handle.pid, 'SIGKILL')) killed++;
  }
  startedHere.clear();
  return killed;
}

/** Drops a stopped process from startedHere (not another process that reuses its pid). */
function forget(handle: Pick<ProcessHandle, 'pid' | 'startTime'>): void {
  if (startedHere.get(handle.pid)?.startTime === handle.startTime) startedHere.delete(handle.pid);
}

/** Starts a process detached in its own process group; it outlives this Node process. */
export async function startProcess(options: StartProcessOptions): Promise<ProcessHandle> {
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    const handle = { pid, startTime: processStartTime(pid), logFile: options.logFile };
    startedHere.set(pid, handle);
    return handle;
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface StopProcessOptions {
  /** How long to wait after SIGTERM before SIGKILL (default 20 s). */
  graceMs?: number;
}

export type StopOutcome = 'not-running' | 'terminated' | 'killed';

/**
 * Stops a process and its process group: SIGTERM, wait, SIGKILL after `graceMs`. Returns only
 * after the process has exited. A process that is not running (already stopped, or its pid now
 * belongs to another process) is left alone: 'not-running'.
 */
export async function stopProcess(
  handle: Pick<ProcessHandle, 'pid' | 'startTime'>,
  options: StopProcessOptions = {},
): Promise<StopOutcome> {
  const { pid, startTime } = handle;
  if (!isAlive(pid, startTime)) {
    forget(handle);
    return 'not-running';
  }
  const graceMs = options.graceMs ?? 20_000;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid, startTime)) break;
    await sleep(100);
  }
  let outcome: StopOutcome = 'terminated';
  if (isAlive(pid, startTime)) {
    signalGroup(pid, 'SIGKILL');
    outcome = 'killed';
    const killDeadline = Date.now() + 10_000;
    while (isAlive(pid, startTime) && Date.now() < killDeadline) await sleep(50);
    if (isAlive(pid, startTime)) throw new Error(`Process ${pid} did not exit after SIGKILL`);
  }
  // Anything else left in the group (the JVMs start none, but be thorough).
  if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
  forget(handle);
  return outcome;
}

/** Kills a process group at once (SIGKILL), as a crash would; returns after it exited. */
export async function killProcess(handle: Pick<ProcessHandle, 'pid' | 'startTime'>): Promise<void> {
  if (!isAlive(handle.pid, handle.startTime)) return;
  signalGroup(handle.pid, 'SIGKILL');
  while (isAlive(handle.pid, handle.startTime)) await sleep(50);
  forget(handle);
}

/** The last `maxLines` lines of a log file ('' when it cannot be read). */
export async function tailFile(file: string, maxLines = 30, maxBytes = 64 * 1024): Promise<string> {
  try {
    const size = (await stat(file)).size;
    const handle = await open(file, 'r');
    try {
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer
        .toString('utf8')
        .split('\n')
        .slice(-maxLines - 1)
        .join('\n')
        .trimEnd();
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

/**
 * Polls `check` until it returns a value (not undefined), failing early when `pid` dies (with the
 * tail of its log) or after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; process?: ProcessHandle; signal?: AbortSignal },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (options.process && !isAlive(options.process.pid, options.process.startTime)) {
      const tail = await tailFile(options.process.logFile);
      throw new ProcessExitedError(
        `${what}: the process (pid ${options.process.pid}) exited. Last lines of ${options.process.logFile}:\n${tail}`,
      );
    }
    if (Date.now() > deadline) {
      const tail = options.process ? await tailFile(options.process.logFile) : '';
      const where = tail ? ` Last lines of ${options.process!.logFile}:\n${tail}` : '';
      throw new Error(`${what}: not ready after ${Math.round(options.timeoutMs / 1000)} s.${where}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}

/** A started process that exited while it was awaited; the message carries its log tail. */
export class ProcessExitedError extends UserError {
  override name = 'ProcessExitedError';
}
