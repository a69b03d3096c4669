/** The workload a report records (ReportWorkload), from the config that ran it. Pure. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Workload } from '../../simulator/src/workload.js';
import type { Config } from '../config/config.js';
import type { ReportWorkload } from './schema.js';

/** The config fields that define the workload. */
export type WorkloadConfig = Pick<
  Config,
  | 'platform'
  | 'tier'
  | 'partitions'
  | 'parallelism'
  | 'simulatorInstances'
  | 'job'
  | 'minutes'
  | 'intervalSeconds'
  | 'audit'
  | 'syntheticWorkUs'
  | 'workloadFile'
  | 'workload'
>;

/** A workload file as reports name it: its file name and a hash of what it describes. */
export function workloadName(file: string, workload: Workload): string {
  return `${path.basename(file)}#${createHash('sha256').update(JSON.stringify(workload)).digest('hex').slice(0, 12)}`;
}

/** The workload a report records, from the config that ran it. */
export function workloadOf(config: WorkloadConfig): ReportWorkload {
  return {
    platform: config.platform,
    job: config.job,
    eventsPerSecond: config.tier.eventsPerSecond,
    partitions: config.partitions,
    parallelism: config.parallelism,
    simulatorInstances: config.simulatorInstances,
    minutes: config.minutes,
    intervalSeconds: config.intervalSeconds,
    audit: config.audit,
    syntheticWorkUs: config.syntheticWorkUs,
    ...(config.workloadFile ? { workload: workloadName(config.workloadFile, config.workload) } : {}),
  };
}
