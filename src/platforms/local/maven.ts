/**
 * Prerequisites (Java 17+, Maven) and the classpaths of the local runtimes, resolved by Maven from
 * `local-runtime/<component>/pom.xml` and cached by the poms' content hash.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../../errors.js';
import { localRuntimeDir, type RuntimeComponent } from './runtime-files.js';

const run = promisify(execFile);
// eslint-disable-next-line no-control-regex -- Maven colours its output even with -B.
const ANSI_ESCAPES = /\x1b\[[0-9;]*m/g;

export const MIN_JAVA_VERSION = 17;
const HOW_TO_INSTALL =
  'Java 17+ and Maven are required by the local platform. Install them, e.g. `sudo apt-get install openjdk-17-jdk-headless maven` ' +
  'on Debian/Ubuntu, or in a workflow `actions/setup-java` with java-version 17 (GitHub-hosted Ubuntu runners already have Maven); ' +
  'set JAVA_HOME to use a JDK that is not the first `java` on PATH.';

/** A Java or Maven that is missing or too old: one clear error saying which and how to get it. */
export class PrerequisiteError extends UserError {
  override name = 'PrerequisiteError';
}

export interface JavaInfo {
  /** The java executable to start processes with. */
  java: string;
  /** Feature version, e.g. 17. */
  version: number;
  /** The first line of `java -version`. */
  description: string;
}

/** The java executable: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH. */
export function javaExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Parses the feature version from `java -version` output ("17.0.15", "1.8.0_392" -> 8, "25"). */
export function parseJavaVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 && match[2] ? Number(match[2]) : major;
}

/** Checks that Java 17+ runs; throws PrerequisiteError otherwise. */
export async function checkJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaInfo> {
  const java = javaExecutable(env);
  let output: string;
  try {
    const result = await run(java, ['-version'], { env });
    output = `${result.stderr}${result.stdout}`;
  } catch (error) {
    const where = env.JAVA_HOME ? `at JAVA_HOME=${env.JAVA_HOME}` : 'on PATH';
    throw new PrerequisiteError(
      `Java was not found ${where} (${(error as Error).message.split('\n')[0]}). ${HOW_TO_INSTALL}`,
    );
  }
  const version = parseJavaVersion(output);
  if (version === undefined || version < MIN_JAVA_VERSION) {
    throw new PrerequisiteError(
      `Java ${version ?? '(unknown version)'} found (${java}), but ${MIN_JAVA_VERSION}+ is needed. ${HOW_TO_INSTALL}`,
    );
  }
  return { java, version, description: output.split('\n')[0]!.trim() };
}

/** The Maven executable: `$MAVEN_CMD` if set, else `mvn` from PATH. */
export function mavenExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAVEN_CMD || 'mvn';
}

/** Checks that Maven runs; throws PrerequisiteError otherwise. Returns its version line. */
export async function checkMaven(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout } = await run(mavenExecutable(env), ['-v'], { env });
    return stdout.replace(ANSI_ESCAPES, '').split('\n')[0]!.trim();
  } catch (error) {
    throw new PrerequisiteError(
      `Maven (mvn) was not found on PATH (${(error as Error).message.split('\n')[0]}). ${HOW_TO_INSTALL}`,
    );
  }
}

/** Both prerequisites at once; the error names the first one missing. */
export async function checkPrerequisites(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ java: JavaInfo; maven: string }> {
  const [java, maven] = await Promise.all([checkJava(env), checkMaven(env)]);
  return { java, maven };
}

export interface ResolveClasspathOptions {
  component: RuntimeComponent;
  /** `local-runtime/` (default: found next to the code). */
  runtimeDir?: string;
  /** Where resolved classpaths are cached (default: `<repo>/.cache/local-runtime`). */
  cacheDir?: string;
  /** Progress messages for slow steps. */
  log?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedClasspath {
  /** Absolute jar paths, in Maven's order. */
  jars: string[];
  /** True when it came from the cache (no Maven run). */
  cached: boolean;
  /** Milliseconds spent (Maven or cache read). */
  elapsedMs: number;
}

/** sha256 over the parent pom and the component's pom: the cache key. */
export async function classpathKey(component: RuntimeComponent, runtimeDir = localRuntimeDir()): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [path.join(runtimeDir, 'pom.xml'), path.join(runtimeDir, component, 'pom.xml')]) {
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Where what the local runtime computes once is kept (classpaths, Flink's memory parameters). */
export function runtimeCacheDir(runtimeDir: string, cacheDir?: string): string {
  return cacheDir ?? path.join(path.dirname(runtimeDir), '.cache', 'local-runtime');
}

/**
 * The component's classpath: from the cache when the poms are unchanged and every jar is still in
 * the local Maven repository, else from `mvn dependency:build-classpath` (downloads from Maven
 * Central on a cold ~/.m2).
 */
export async function resolveClasspath(options: ResolveClasspathOptions): Promise<ResolvedClasspath> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const runtimeDir = options.runtimeDir ?? localRuntimeDir(env);
  const cacheDir = runtimeCacheDir(runtimeDir, options.cacheDir);
  const key = await classpathKey(options.component, runtimeDir);
  const cacheFile = path.join(cacheDir, `${options.component}-${key}.classpath`);

  const cachedText = await readFile(cacheFile, 'utf8').catch(() => undefined);
  if (cachedText !== undefined) {
    const jars = splitClasspath(cachedText);
    if (jars.length > 0 && jars.every((jar) => existsSync(jar))) {
      return { jars, cached: true, elapsedMs: Date.now() - started };
    }
  }

  await checkMaven(env);
  options.log?.(`Resolving the ${options.component} classpath with Maven (first run downloads from Maven Central)...`);
  await mkdir(cacheDir, { recursive: true });
  const outputFile = `${cacheFile}.${process.pid}.tmp`;
  const pom = path.join(runtimeDir, options.component, 'pom.xml');
  try {
    await run(
      mavenExecutable(env),
      ['-B', '-ntp', '-q', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${outputFile}`],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    const detail = `${e.stdout ?? ''}${e.stderr ?? ''}`
      .replace(ANSI_ESCAPES, '')
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n');
    throw new UserError(
      `Maven could not resolve the ${options.component} classpath from ${pom}:\n${detail || e.message}`,
    );
  }
  const jars = splitClasspath(await readFile(outputFile, 'utf8'));
  if (jars.length === 0) throw new Error(`Maven wrote an empty classpath for ${pom}`);
  await rename(outputFile, cacheFile);
  options.log?.(
    `Resolved the ${options.component} classpath: ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return { jars, cached: false, elapsedMs: Date.now() - started };
}

function splitClasspath(text: string): string[] {
  return text
    .replace(ANSI_ESCAPES, '')
    .trim()
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Writes a classpath to a file (used for `java @argfile`, which keeps `ps` output short). */
export async function writeClasspathArgFile(file: string, jars: string[]): Promise<void> {
  await writeFile(file, `-cp\n"${jars.join(path.delimiter)}"\n`);
}

/**
 * Checks Java and Maven and resolves both classpaths (one after the other: Maven's local
 * repository is not safe for concurrent downloads). Call it first in `deploy` so the slow,
 * download-bound step has its own progress line; startKafka/startFlink then hit the cache.
 */
export async function prepareLocalRuntime(
  options: { log?: (message: string) => void; runtimeDir?: string; cacheDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ java: JavaInfo; kafka: ResolvedClasspath; flink: ResolvedClasspath }> {
  const { java } = await checkPrerequisites(options.env);
  const kafka = await resolveClasspath({ ...options, component: 'kafka' });
  const flink = await resolveClasspath({ ...options, component: 'flink' });
  return { java, kafka, flink };
}
