/**
 * One mode at a time on a run: a mode that changes a run (deploy, submit-flink, load, measure,
 * teardown, run) holds `<run dir>/run.lock` while it works. The file is created exclusively (a
 * hard link of a complete temporary file: exclusive like O_EXCL, and never seen half-written) and
 * says who holds it (pid and the kernel's start time of that process), so a lock left
 * by a process that died is taken over, and a reused pid is not mistaken for its holder. The lock
 * lasts one call: `load` without --wait returns while the simulators run, and the measure that
 * follows takes the lock again.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { isAlive, processStartTime } from '../platforms/local/processes.js';

export const LOCK_FILE = 'run.lock';

export interface LockHolder {
  pid: number;
  /** /proc/<pid>/stat's start time; absent where the platform has no /proc. */
  startTime?: string;
  mode: string;
  since: string;
}

/** Another live process holds the run. */
export class RunLockedError extends UserError {
  override name = 'RunLockedError';
}

export interface RunLock {
  file: string;
  release(): Promise<void>;
}

/**
 * Takes the lock of the run in `runDir` for `mode`, or fails naming the process that holds it. A
 * lock whose holder is gone (or unreadable) is taken over. Undefined when the run dir does not
 * exist (torn down meanwhile): there is nothing to lock, and the mode says the run is not found.
 */
export async function lockRun(runDir: string, runId: string, mode: string): Promise<RunLock | undefined> {
  const file = path.join(runDir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    mode,
    since: new Date().toISOString(),
  };
  const draft = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(draft, JSON.stringify(me) + '\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, file);
        return { file, release: () => releaseLock(file, me) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
      }
      await takeOverIfStale(file, runId);
    }
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/** Throws when a live process holds the lock; removes a dead holder's lock. */
async function takeOverIfStale(file: string, runId: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return; // released meanwhile: try again
  const holder = parseHolder(text);
  if (holder && isAlive(holder.pid, holder.startTime)) {
    throw new RunLockedError(
      `Run '${runId}' is in use: '${holder.mode}' (pid ${holder.pid}, since ${holder.since}) holds ${file}. Wait until it ends, or stop that process (the lock of a process that has ended is taken over).`,
    );
  }
  // A dead holder's lock: remove it, unless another process took it over meanwhile.
  if ((await readFile(file, 'utf8').catch(() => undefined)) === text) await unlink(file).catch(() => undefined);
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    return typeof holder.pid === 'number' && Number.isSafeInteger(holder.pid) && holder.pid > 0
      ? (holder as LockHolder)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the lock if it is still this process's (teardown may have deleted the whole run dir). */
async function releaseLock(file: string, me: LockHolder): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const holder = text === undefined ? undefined : parseHolder(text);
  if (holder && holder.pid === me.pid && holder.since === me.since) await unlink(file).catch(() => undefined);
}
