/**
 * The simulator's command line as a launcher passes it (local processes, container instances):
 * built in this one place from the settings, read back by parseSimulatorArgs. Pure. A SASL
 * password never goes on it: simulatorEnvironment puts it in the environment.
 */
import { kafkajsMechanism, usesTls, type KafkaSecurity } from '../../src/kafka/security.js';
import { PASSWORD_ENV } from './args.js';

export interface SimulatorLaunch {
  bootstrapServers: string;
  topic: string;
  /** Total over all instances: each instance takes its exact share. */
  eventsPerSecond: number;
  instanceIndex: number;
  instanceCount: number;
  durationSeconds: number;
  statsFile?: string;
  statsIntervalSeconds?: number;
  /** A workload file (absolute path) whose template the events follow. */
  workloadFile?: string;
  /** How to reach a secured cluster (platform external); absent: PLAINTEXT. */
  security?: KafkaSecurity;
}

/** The arguments after `node dist/simulator/index.js`. */
export function simulatorArgs(launch: SimulatorLaunch): string[] {
  return [
    ...['--bootstrap-servers', launch.bootstrapServers, '--topic', launch.topic],
    ...['--events-per-second', String(launch.eventsPerSecond)],
    ...['--instance-index', String(launch.instanceIndex), '--instance-count', String(launch.instanceCount)],
    ...['--duration-seconds', String(Math.round(launch.durationSeconds))],
    ...(launch.statsFile === undefined ? [] : ['--stats-file', launch.statsFile]),
    ...(launch.statsIntervalSeconds === undefined
      ? []
      : ['--stats-interval-seconds', String(launch.statsIntervalSeconds)]),
    ...(launch.workloadFile === undefined ? [] : ['--workload-file', launch.workloadFile]),
    ...securityArgs(launch.security),
  ];
}

function securityArgs(security: KafkaSecurity | undefined): string[] {
  if (!security) return [];
  return [
    ...(usesTls(security) ? ['--tls'] : []),
    ...(security.caFile ? ['--ca-file', security.caFile] : []),
    ...(security.sasl
      ? ['--sasl-mechanism', kafkajsMechanism(security.sasl.mechanism), '--sasl-username', security.sasl.username]
      : []),
  ];
}

/** What the simulator process's environment adds to its command line: the SASL password. */
export function simulatorEnvironment(security: KafkaSecurity | undefined): Record<string, string> {
  return security?.sasl ? { [PASSWORD_ENV]: security.sasl.password } : {};
}
