import type { OutputName } from '../config/outputs.js';
import type { Reporter } from '../console/reporter.js';
import type { RunState } from '../run-state/run-state.js';

/** Sets every output the run state can answer so far. */
export function setRunOutputs(reporter: Reporter, state: RunState): void {
  const outputs: Partial<Record<OutputName, string | undefined>> = {
    'run-id': state.runId,
    'kafka-bootstrap-servers': state.kafkaBootstrapServers,
    'flink-rest-url': state.flinkRestUrl,
    'flink-job-id': state.flinkJobId,
  };
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) reporter.setOutput(name, value);
  }
}
