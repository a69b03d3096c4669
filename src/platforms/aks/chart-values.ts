/**
 * The values of the AKS charts (helm/flink-job, helm/simulator) from the run's config and facts. Pure.
 * Each result keeps secret values apart (`secretValues`, shaped as the chart's `secrets:` key), so a
 * caller masks them and writes them to their own 0600 values file, next to the plain `values`.
 * What is not set here (sizes of the pods, the Flink image unless given) is the chart's default.
 */
import type { Config } from '../../config/config.js';
import { INPUT_TOPIC, jobArguments } from '../../flink/job-arguments.js';
import { measureAgentArgs } from '../../measure/agent/args.js';
import type { AgentMeasurement } from '../../measure/agent/blobs.js';

export interface FlinkJobValues {
  image?: string;
  runId: string;
  job: { mainClass: string; args: string[] };
  parallelism: number;
  storage: { account: string; container: string };
}

export interface FlinkJobSecretValues {
  secrets: { storageAccountKey: string; jobJarUrl: string };
}

export interface FlinkJobRun {
  runId: string;
  /** The job's entry class (prepareJob). */
  entryClass: string;
  /** Kafka brokers as reached from the AKS cluster (host:port list). */
  bootstrapServers: string;
  storageAccount: string;
  /** Blob container of checkpoints, savepoints and HA data (under <runId>/). */
  checkpointContainer: string;
  storageAccountKey: string;
  /** Read SAS URL of the job jar, valid as long as a JobManager may (re)start. */
  jobJarUrl: string;
  /** The Flink image; the chart's (the Flink version the job is built for) when undefined. */
  flinkImage?: string;
}

export function flinkJobChartValues(
  config: Config,
  run: FlinkJobRun,
): { values: FlinkJobValues; secretValues: FlinkJobSecretValues } {
  return {
    values: {
      ...(run.flinkImage === undefined ? {} : { image: run.flinkImage }),
      runId: run.runId,
      job: { mainClass: run.entryClass, args: jobArguments(config, run.bootstrapServers, { runId: run.runId }) },
      parallelism: config.parallelism,
      storage: { account: run.storageAccount, container: run.checkpointContainer },
    },
    secretValues: { secrets: { storageAccountKey: run.storageAccountKey, jobJarUrl: run.jobJarUrl } },
  };
}

export interface SimulatorLoadValues {
  image: string;
  load: {
    enabled: true;
    bootstrapServers: string;
    topic: string;
    eventsPerSecond: number;
    instances: number;
    durationSeconds: number;
  };
  measureAgent: { enabled: false };
}

export interface SimulatorLoadRun {
  simulatorImage: string;
  bootstrapServers: string;
  /** Total over all instances (the run's current rate: the max-throughput search raises it). */
  eventsPerSecond: number;
  durationSeconds: number;
}

/** The load release of helm/simulator: config.simulatorInstances pods sharing the rate. */
export function simulatorLoadChartValues(config: Config, run: SimulatorLoadRun): { values: SimulatorLoadValues } {
  return {
    values: {
      image: run.simulatorImage,
      load: {
        enabled: true,
        bootstrapServers: run.bootstrapServers,
        topic: INPUT_TOPIC,
        eventsPerSecond: run.eventsPerSecond,
        instances: config.simulatorInstances,
        durationSeconds: Math.round(run.durationSeconds),
      },
      measureAgent: { enabled: false },
    },
  };
}

export interface MeasureAgentValues {
  image: string;
  load: { enabled: false };
  measureAgent: { enabled: true; args: string[]; minutes: number };
}

export interface MeasureAgentSecretValues {
  secrets: { measurementsContainerUrl: string };
}

export interface MeasureAgentRun extends AgentMeasurement {
  simulatorImage: string;
  bootstrapServers: string;
  eventsPerSecond: number;
  /** Container URL with a SAS allowing create and write. */
  measurementsContainerUrl: string;
}

/** The measure-agent release of helm/simulator: one Job measuring config.minutes. */
export function measureAgentChartValues(
  config: Config,
  run: MeasureAgentRun,
): { values: MeasureAgentValues; secretValues: MeasureAgentSecretValues } {
  return {
    values: {
      image: run.simulatorImage,
      load: { enabled: false },
      measureAgent: { enabled: true, args: measureAgentArgs(config, run), minutes: config.minutes },
    },
    secretValues: { secrets: { measurementsContainerUrl: run.measurementsContainerUrl } },
  };
}
