/**
 * The up-front check of every path input, before any mode starts work (parseConfig stays pure; this
 * is its I/O half, called by the CLI and the action): a missing baseline report or a report file
 * that is a folder fails at once, not after the whole measurement. Each problem is one InputError.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, realpath, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { Config } from './config.js';
import type { InputName } from './inputs.js';

/** Kernel file systems: writes there fail or hang (Node's recursive mkdir loops under /proc). */
const KERNEL_FOLDERS = ['/proc', '/sys'];

/** How long the probe write in the work dir may take (a hung network mount fails, not hangs). */
export const PROBE_TIMEOUT_MS = 10_000;

/** Modes that keep runs in the work dir (cleanup and comment never touch it). */
const USES_WORK_DIR = new Set<Config['mode']>(['deploy', 'submit-flink', 'load', 'measure', 'teardown', 'run', 'ab']);

export async function checkPaths(config: Config): Promise<void> {
  if (config.baselineReport) await readableFile('baseline-report', config.baselineReport);
  if (config.reportFile) {
    // comment posts a report; the other modes write one.
    if (config.mode === 'comment') await readableFile('report-file', config.reportFile);
    else await writableFile('report-file', config.reportFile);
  }
  if (config.summaryFile) await writableFile('summary-file', config.summaryFile);
  if (USES_WORK_DIR.has(config.mode)) await writableFolder('work-dir', config.workDir);
}

async function readableFile(input: InputName, file: string): Promise<void> {
  const resolved = path.resolve(file);
  let info;
  try {
    info = await stat(resolved);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      input,
      file,
      code === 'ENOENT'
        ? `No such file (${resolved}): give the path of a JSON report that 'measure' wrote.`
        : `Cannot read ${resolved}: ${code ?? (error as Error).message}.`,
    );
  }
  if (info.isDirectory()) {
    throw new InputError(input, file, `It is a folder (${resolved}), not a file: give the path of a JSON report.`);
  }
  await access(resolved, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(input, file, `Cannot read ${resolved} (${error.code}): fix its permissions.`);
  });
}

/** A file to write: not a folder, in a folder that exists or can be created. */
async function writableFile(input: InputName, file: string): Promise<void> {
  const resolved = path.resolve(file);
  outsideKernelFolders(input, file, resolved);
  const info = await stat(resolved).catch(() => undefined);
  if (info?.isDirectory()) {
    throw new InputError(
      input,
      file,
      `It is a folder (${resolved}): give a file path, e.g. ${path.join(file, input === 'summary-file' ? 'summary.md' : 'report.json')}.`,
    );
  }
  if (info) {
    await access(resolved, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(
        input,
        file,
        `${resolved} cannot be written (${error.code}): fix its permissions or choose another file.`,
      );
    });
    return;
  }
  await creatableIn(input, file, path.dirname(resolved), false);
}

/** A folder to work in: a writable folder, or one that can be created; never under /proc or /sys. */
async function writableFolder(input: InputName, folder: string): Promise<void> {
  const resolved = path.resolve(folder);
  outsideKernelFolders(input, folder, resolved);
  const info = await stat(resolved).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new InputError(
      input,
      folder,
      `It is a file (${resolved}), not a folder: give a folder (it is created if missing).`,
    );
  }
  await creatableIn(input, folder, resolved, true);
}

/**
 * `target` (a folder, or the folder of a file to write) exists or can be created: its nearest
 * existing ancestor is a folder where this process can write, which a probe file proves.
 */
async function creatableIn(input: InputName, given: string, target: string, isFolder: boolean): Promise<void> {
  let existing = target;
  let info = await stat(existing).catch(() => undefined);
  while (!info && path.dirname(existing) !== existing) {
    existing = path.dirname(existing);
    info = await stat(existing).catch(() => undefined);
  }
  if (!info) throw new InputError(input, given, `No folder on its path exists (${target}).`);
  if (!info.isDirectory()) {
    throw new InputError(
      input,
      given,
      `${existing} is a file, so ${isFolder ? 'this folder' : 'the folder of this file'} cannot be created there: fix the path.`,
    );
  }
  outsideKernelFolders(input, given, await realpath(existing).catch(() => existing));
  const probe = path.join(existing, `.streaming-at-scale-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  const problem = await withTimeout(
    writeFile(probe, '', { flag: 'wx' }).then(
      () => unlink(probe).then(() => undefined),
      (error: NodeJS.ErrnoException) => error,
    ),
    PROBE_TIMEOUT_MS,
  );
  if (problem === 'timeout') {
    throw new InputError(
      input,
      given,
      `Writing a file in ${existing} did not finish within ${PROBE_TIMEOUT_MS / 1000} s: choose a local folder.`,
    );
  }
  if (problem) {
    const why =
      problem.code === 'EROFS'
        ? 'it is on a read-only file system'
        : problem.code === 'EACCES' || problem.code === 'EPERM'
          ? 'permission denied'
          : (problem.code ?? problem.message);
    throw new InputError(input, given, `${existing} is not writable (${why}): choose a folder this user can write.`);
  }
}

function outsideKernelFolders(input: InputName, given: string, resolved: string): void {
  const kernel = KERNEL_FOLDERS.find((root) => resolved === root || resolved.startsWith(`${root}/`));
  if (kernel) {
    throw new InputError(
      input,
      given,
      `${resolved} is under ${kernel}, a kernel file system: choose a folder on disk.`,
    );
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
