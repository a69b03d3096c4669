/**
 * The files of `local-runtime/` (poms, config templates, JVM options) that the local platform's
 * launcher reads at run time, found next to the code whether it runs from src/ (tsx, jest) or from
 * the ncc bundle in dist/.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../repo-root.js';

/** The two runtimes the local platform starts, each with its own classpath (they conflict). */
export type RuntimeComponent = 'kafka' | 'flink';

/** The `local-runtime/` folder: `$STREAMING_AT_SCALE_LOCAL_RUNTIME` if set, else the project's. */
export function localRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.STREAMING_AT_SCALE_LOCAL_RUNTIME;
  return override ? path.resolve(override) : path.join(repoRoot(), 'local-runtime');
}

/** Reads a file of `local-runtime/<component>/`. */
export async function readRuntimeFile(component: RuntimeComponent, name: string, runtimeDir = localRuntimeDir()) {
  return readFile(path.join(runtimeDir, component, name), 'utf8');
}

/**
 * Replaces every `@NAME@` placeholder with `values[NAME]`; throws on a placeholder without a value
 * (a template and its launcher out of step) rather than writing a config with a hole in it.
 */
export function renderTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/@([A-Z][A-Z0-9_]*)@/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`Template placeholder @${name}@ has no value`);
    return String(value);
  });
}

/** Non-empty, non-comment lines of a `local-runtime` options file such as flink/jvm-opts.txt. */
export function optionLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
