/**
 * The jar a run submits, ready before anything is deployed where the mode allows it:
 * - the built-in jobs' jar from this checkout (flink-job/), rebuilt with Maven, tests skipped, when
 *   it is missing or older than any of its sources, so a run always measures the code checked out;
 * - a user's jar: their build command run in their checkout (its output shown as it runs, its last
 *   lines in the error when it fails), then the jar checked to exist and to hold the entry class.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import yauzl from 'yauzl';
import type { Reporter } from '../console/reporter.js';
import { UserError } from '../errors.js';
import { filesAt } from '../files.js';
import { repoRoot } from '../repo-root.js';
import type { JobSpec } from './job-spec.js';

const run = promisify(execFile);

/** The jar and entry class to submit. */
export interface PreparedJob {
  jar: string;
  /** job-class, or else the manifest's Main-Class; checked to be in the jar. */
  entryClass: string;
}

export function jobJarPath(root = repoRoot()): string {
  return path.join(root, 'flink-job', 'target', 'streaming-at-scale-flink-job.jar');
}

async function newestSourceMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const file of await filesAt(dir)) newest = Math.max(newest, (await stat(file)).mtimeMs);
  return newest;
}

/** Returns the built-in jobs' jar path, building it first when it is missing or stale. */
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

// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const ANSI_ESCAPE = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Lines of a failed build shown in its error. */
const BUILD_ERROR_LINES = 25;

/** One build per job and process: `run` prepares the jar before deploy, submit-flink asks again. */
const prepared = new Map<string, Promise<PreparedJob>>();

/** Builds (where it has a build command) and checks the job's jar; the same answer once per process. */
export function prepareJob(spec: JobSpec, reporter: Reporter): Promise<PreparedJob> {
  const key = JSON.stringify([spec.dir, spec.buildCommand, spec.jar, spec.entryClass]);
  let job = prepared.get(key);
  if (!job) {
    job = spec.builtIn
      ? ensureJobJar((message) => reporter.info(message)).then((jar) => ({ jar, entryClass: spec.entryClass! }))
      : prepareUserJob(spec, reporter);
    // A failed build may be fixed and retried in the same process (mode ab's next side).
    job.catch(() => prepared.delete(key));
    prepared.set(key, job);
  }
  return job;
}

async function prepareUserJob(spec: JobSpec, reporter: Reporter): Promise<PreparedJob> {
  const jar = path.resolve(spec.dir, spec.jar!);
  if (spec.buildCommand) await buildUserJob(spec.buildCommand, spec.dir, reporter);
  if (!existsSync(jar) || !(await stat(jar)).isFile()) {
    const found = await jarsUnder(path.dirname(jar));
    throw new UserError(
      `Input 'job-jar': ${jar} does not exist${spec.buildCommand ? ' after the build command ran' : ''}. ` +
        (found.length > 0
          ? `Jars in ${path.dirname(jar)}: ${found.join(', ')}; point job-jar at the job's (shaded) jar.`
          : spec.buildCommand
            ? "Set job-jar to the path the build command writes the jar to, relative to the checkout (e.g. 'target/my-job.jar')."
            : "Build the jar first, or set 'job-build-command' to the command that builds it (e.g. 'mvn -B package -DskipTests')."),
    );
  }
  const entries = await jarEntries(jar);
  const entryClass = spec.entryClass ?? (await manifestMainClass(jar));
  if (!entryClass) {
    throw new UserError(
      `Input 'job-class': none given, and ${jar} has no Main-Class in its manifest. Set job-class to the job's entry class (e.g. com.example.MyJob).`,
    );
  }
  const classFile = entryClass.replace(/\./g, '/') + '.class';
  if (!entries.has(classFile)) {
    const similar = [...entries].filter((entry) => entry.endsWith('/' + path.basename(classFile))).slice(0, 3);
    throw new UserError(
      `Input 'job-class': ${jar} has no class ${entryClass} (no ${classFile} in it)` +
        (similar.length > 0
          ? `; it has ${similar.map((entry) => entry.replace(/\//g, '.').slice(0, -6)).join(', ')}.`
          : '.') +
        ' Check the class name, or that the jar is the one the build produced.',
    );
  }
  reporter.info(`Job ${spec.name}: ${jar}, entry class ${entryClass}.`);
  return { jar, entryClass };
}

async function buildUserJob(command: string, dir: string, reporter: Reporter): Promise<void> {
  reporter.info(`Building the job in ${dir}: ${command}`);
  const started = Date.now();
  const tail: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    // The user's own command, in their checkout: a shell, as a workflow's `run:` step would use.
    const child = spawn(command, { cwd: dir, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer) => {
      // Colour codes alone (Maven's -q prints a reset per line) are no output.
      for (const line of chunk.toString('utf8').replace(ANSI_ESCAPE, '').split('\n')) {
        if (line.trim() === '') continue;
        reporter.info(`  | ${line}`);
        tail.push(line);
        if (tail.length > BUILD_ERROR_LINES) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) {
    throw new UserError(
      `Input 'job-build-command': '${command}' failed in ${dir} (exit code ${code}). Its last lines:\n${tail.join('\n') || '(no output)'}`,
    );
  }
  reporter.info(`Built the job in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

async function jarsUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.jar')).slice(0, 5);
}

/** Opens a jar (a zip) and calls `onEntry` for each entry until it returns true or the entries end. */
async function walkJar(
  jar: string,
  onEntry: (entry: yauzl.Entry, zip: yauzl.ZipFile) => Promise<boolean> | boolean,
): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(jar, { lazyEntries: true }, (error, file) =>
      error
        ? reject(new UserError(`Input 'job-jar': ${jar} is not a jar (zip) file: ${error.message}.`))
        : resolve(file),
    ),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        Promise.resolve(onEntry(entry, zip)).then((done) => (done ? resolve() : zip.readEntry()), reject);
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

async function jarEntries(jar: string): Promise<Set<string>> {
  const names = new Set<string>();
  await walkJar(jar, (entry) => {
    names.add(entry.fileName);
    return false;
  });
  return names;
}

/** The manifest's Main-Class (Flink's fallback when no entry class is given), or undefined. */
async function manifestMainClass(jar: string): Promise<string | undefined> {
  let manifest = '';
  await walkJar(jar, async (entry, zip) => {
    if (entry.fileName !== 'META-INF/MANIFEST.MF') return false;
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (error, readable) => (error ? reject(error) : resolve(readable))),
    );
    for await (const chunk of stream) manifest += chunk.toString();
    return true;
  });
  // Manifest lines wrap at 72 bytes with a leading space on the continuation.
  const unwrapped = manifest.replace(/\r?\n /g, '');
  return /^Main-Class:\s*(\S+)\s*$/m.exec(unwrapped)?.[1];
}
