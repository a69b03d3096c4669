/** The workload a report records (ReportWorkload), from the config that ran it. Pure. */
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
>;

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
  };
}
