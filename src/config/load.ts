/**
 * From raw inputs to the validated config, with the files the inputs name read first: the workload
 * file (its rate and partitions fill the tier and partitions inputs that were not given) and the
 * paths checked up front (paths.ts). The one way the action and the command line get their config.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseWorkload, type Workload } from '../../simulator/src/workload.js';
import { InputError } from '../errors.js';
import { parseConfig, type Config } from './config.js';
import type { RawInputs } from './inputs.js';
import { checkPaths } from './paths.js';

export async function loadConfig(raw: RawInputs, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const file = raw['workload-file']?.trim();
  const workload = file ? await readWorkload(file) : undefined;
  const config = parseConfig(workload ? withWorkloadInputs(raw, workload) : raw, env, undefined, workload);
  await checkPaths(config);
  return config;
}

async function readWorkload(file: string): Promise<Workload> {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = await readFile(resolved, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      'workload-file',
      file,
      code === 'ENOENT'
        ? `No such file (${resolved}): give the path of a workload file (YAML or JSON, see docs/workload.md).`
        : code === 'EISDIR'
          ? `It is a folder (${resolved}), not a workload file.`
          : `Cannot read ${resolved}: ${code ?? (error as Error).message}.`,
    );
  }
  return parseWorkload(text, file);
}

/** The workload's rate and partitions, where the inputs leave them out: given inputs win. Pure. */
export function withWorkloadInputs(raw: RawInputs, workload: Workload): RawInputs {
  const filled = { ...raw };
  const missing = (name: 'tier' | 'partitions') => (raw[name] ?? '').trim() === '';
  if (missing('tier') && workload.rate) {
    filled.tier = 'tier' in workload.rate ? workload.rate.tier : String(workload.rate.eventsPerSecond);
  }
  if (missing('partitions') && workload.topics.partitions !== undefined) {
    filled.partitions = String(workload.topics.partitions);
  }
  return filled;
}
