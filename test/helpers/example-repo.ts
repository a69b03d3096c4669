/**
 * The example user repository (examples/windowed-count) as a user has it: copied to a folder of
 * its own (its target/ left behind), optionally made slower, and the inputs that benchmark it.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './processes.js';

export const EXAMPLE = path.join(REPO_ROOT, 'examples', 'windowed-count');
export const EXAMPLE_JOB_ARGS =
  '--bootstrap-servers {bootstrap} --input-topic {inputTopic} --output-topic {outputTopic} --group-id {groupId} --parallelism {parallelism} --window-seconds 5 --checkpoint-interval-ms 1000';

/** The job inputs as the example's workflow gives them (checkpoints every second: finer consumption rows). */
export const EXAMPLE_JOB_INPUTS = [
  '--job-build-command',
  'mvn -B -ntp -q package -DskipTests',
  '--job-jar',
  'target/windowed-count.jar',
  `--job-args=${EXAMPLE_JOB_ARGS}`,
];

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
