/**
 * The Flink job jar built from this checkout (flink-job/): rebuilt with Maven, tests skipped, when
 * it is missing or older than any of its sources, so a run always measures the code checked out.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../errors.js';
import { repoRoot } from '../repo-root.js';

const run = promisify(execFile);

export const JOB_MAIN_CLASS = 'com.streamingatscale.flink.JobMain';

export function jobJarPath(root = repoRoot()): string {
  return path.join(root, 'flink-job', 'target', 'streaming-at-scale-flink-job.jar');
}

async function newestSourceMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const { mtimeMs } = await stat(path.join(entry.parentPath, entry.name));
    newest = Math.max(newest, mtimeMs);
  }
  return newest;
}

/** Returns the jar path, building it first when it is missing or stale. */
export async function ensureJobJar(log: (message: string) => void, root = repoRoot()): Promise<string> {
  const jar = jobJarPath(root);
  const projectDir = path.join(root, 'flink-job');
  const sourcesChanged = Math.max(
    await newestSourceMtime(path.join(projectDir, 'src', 'main')),
    (await stat(path.join(projectDir, 'pom.xml'))).mtimeMs,
  );
  if (existsSync(jar) && (await stat(jar)).mtimeMs >= sourcesChanged) return jar;
  log(`Building the Flink job jar (mvn package, tests skipped): ${path.relative(process.cwd(), jar)}`);
  const started = Date.now();
  try {
    await run(
      'mvn',
      ['-B', '-ntp', '-q', '-Dstyle.color=never', '-f', path.join(projectDir, 'pom.xml'), 'package', '-DskipTests'],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string; code?: string };
    if (e.code === 'ENOENT') throw new UserError('Maven (mvn) is required to build the Flink job: install Maven 3.8+.');
    throw new UserError(`Building the Flink job failed:\n${((e.stdout ?? '') + (e.stderr ?? '')).slice(-4000)}`);
  }
  log(`Built the job jar in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  return jar;
}
