/**
 * The simulator's command line as a launcher passes it (local processes, container instances):
 * built in this one place from the settings, read back by parseSimulatorArgs. Pure.
 */

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
  ];
}
