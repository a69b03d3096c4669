import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Processes whose command line mentions `dir` (a run's JVMs and simulators name their run folder). */
export function processesOf(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(dir) && !line.includes('ps -eo'));
}

/** Runs a command to completion, collecting its output. */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Fails with the command's last output when it did not exit with `code` (jest's diff would hide it). */
export function expectExitCode(result: Finished, code: number): void {
  if (result.code === code) return;
  const output = result.stdout + result.stderr;
  throw new Error(`Exit code ${result.code}, expected ${code}. Last output:\n${output.slice(-3000)}`);
}

/** Environment of a workflow step: inputs as INPUT_<NAME>, output and summary files. */
export async function actionEnvironment(inputs: Record<string, string>): Promise<{
  env: NodeJS.ProcessEnv;
  outputs: () => Promise<string>;
  summary: () => Promise<string>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sas-action-'));
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTIONS: 'true' };
  env.GITHUB_OUTPUT = outputFile;
  env.GITHUB_STEP_SUMMARY = summaryFile;
  env.RUNNER_TEMP = dir;
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return {
    env,
    outputs: () => readFile(outputFile, 'utf8'),
    summary: () => readFile(summaryFile, 'utf8'),
  };
}
