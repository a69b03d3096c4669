/**
 * The example user repository (examples/windowed-count) as a user has it: copied to a folder of
 * its own (its target/ left behind), optionally made slower, and the job inputs its own workflow
 * gives the action, read from that workflow, so the tests call the toolkit exactly as it does.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './processes.js';

export const EXAMPLE = path.join(REPO_ROOT, 'examples', 'windowed-count');
const WORKFLOW = path.join(EXAMPLE, '.github', 'workflows', 'benchmark.yml');

interface Step {
  uses?: string;
  with?: Record<string, string | number>;
}

/** The `with:` of the example workflow's step that calls the action, in its job `job`. */
export function exampleActionInputs(job: 'run' | 'ab'): Record<string, string> {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
  const step = workflow.jobs[job]!.steps.find((candidate) => candidate.uses?.includes('streaming-at-scale@'));
  if (!step?.with) throw new Error(`${WORKFLOW}: job ${job} calls no streaming-at-scale action`);
  return Object.fromEntries(Object.entries(step.with).map(([name, value]) => [name, String(value)]));
}

const JOB_INPUTS = ['job-build-command', 'job-jar', 'job-class', 'job-args'] as const;

/** The example workflow's job inputs as command-line flags. */
export function exampleJobFlags(job: 'run' | 'ab' = 'run'): string[] {
  const inputs = exampleActionInputs(job);
  return JOB_INPUTS.filter((name) => inputs[name] !== undefined).map((name) => `--${name}=${inputs[name]}`);
}

export const EXAMPLE_JOB_ARGS = exampleActionInputs('run')['job-args']!;
export const EXAMPLE_JOB_INPUTS = exampleJobFlags('run');

/** Copies the example into `dir`; `workMicrosPerEvent` > 0 makes its parse step that much slower. */
export async function copyExample(dir: string, workMicrosPerEvent = 0): Promise<string> {
  await cp(EXAMPLE, dir, { recursive: true, filter: (source) => path.basename(source) !== 'target' });
  if (workMicrosPerEvent > 0) {
    const file = path.join(dir, 'src', 'main', 'java', 'com', 'example', 'windowedcount', 'Work.java');
    const source = await readFile(file, 'utf8');
    const slower = source.replace(
      'static final long WORK_MICROS_PER_EVENT = 0;',
      `static final long WORK_MICROS_PER_EVENT = ${workMicrosPerEvent};`,
    );
    if (slower === source) throw new Error(`${file}: WORK_MICROS_PER_EVENT = 0 not found`);
    await writeFile(file, slower);
  }
  return dir;
}
