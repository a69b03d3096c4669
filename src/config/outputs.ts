import { REPORT_OUTPUTS } from '../report/outputs.js';

/** Every output of the action (action.yml documents the same list; a test keeps them in step). */
export const OUTPUTS = {
  'run-id': 'Id of the run (deploy and later modes).',
  'kafka-bootstrap-servers': "Kafka bootstrap servers of the run's broker (deploy).",
  'flink-rest-url': "URL of the Flink REST API of the run's cluster (deploy).",
  'flink-job-id': 'Id of the running Flink job (submit-flink).',
  'report-file': 'Path of the JSON report (measure).',
  ...REPORT_OUTPUTS,
} as const;

export type OutputName = keyof typeof OUTPUTS;
