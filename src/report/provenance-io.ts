/**
 * Reads the facts a report's provenance is made of: this project's git checkout, the GitHub Actions
 * variables and the machine (node:os). The only I/O of provenance; provenance.ts turns the facts into
 * the report's field. Never fails: what cannot be read is unknown.
 */
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import { repoRoot } from '../repo-root.js';
import { provenanceFrom, type ProvenanceFacts } from './provenance.js';
import type { Provenance } from './schema.js';

const run = promisify(execFile);

/** git answers in milliseconds; a hung one (a lock, a network file system) must not hold up the report. */
const GIT_TIMEOUT_MS = 10_000;

export async function readProvenance(options: { root?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Provenance> {
  const env = options.env ?? process.env;
  let root: string | null;
  try {
    root = options.root ?? repoRoot();
  } catch {
    root = null;
  }
  return provenanceFrom({
    env: {
      GITHUB_SHA: env.GITHUB_SHA,
      GITHUB_REF: env.GITHUB_REF,
      RUNNER_NAME: env.RUNNER_NAME,
      RUNNER_OS: env.RUNNER_OS,
      RUNNER_ARCH: env.RUNNER_ARCH,
    },
    git: root === null ? null : await readGit(root),
    host: {
      hostname: os.hostname(),
      platform: process.platform,
      arch: process.arch,
      cpuModels: os.cpus().map((cpu) => cpu.model),
      cpuCount: os.availableParallelism(),
    },
  });
}

async function readGit(root: string): Promise<ProvenanceFacts['git']> {
  const git = async (...args: string[]) =>
    (await run('git', ['-C', root, ...args], { timeout: GIT_TIMEOUT_MS, encoding: 'utf8' })).stdout.trim();
  try {
    const [topLevel, head] = (await git('rev-parse', '--show-toplevel', 'HEAD')).split('\n');
    // Installed as a package inside someone else's repository, git would answer for theirs: only a
    // checkout whose top level is this project's folder describes the code that runs.
    if (!topLevel || (await realpath(topLevel)) !== (await realpath(root))) return null;
    // symbolic-ref fails on a detached HEAD (what actions/checkout makes): no branch, not an error.
    const ref = await git('symbolic-ref', '-q', 'HEAD').catch(() => null);
    const dirty = await git('status', '--porcelain', '--untracked-files=no')
      .then((changes) => changes !== '')
      .catch(() => null);
    return { head: head ?? null, ref: ref || null, dirty };
  } catch {
    // No git, not a checkout, or a checkout git refuses (another user's: "dubious ownership").
    return null;
  }
}
