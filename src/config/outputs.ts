/** Every output of the action (action.yml documents the same list; a test keeps them in step). */
export const OUTPUTS = {
  'run-id': 'Id of the run (deploy and later modes).',
  'kafka-bootstrap-servers': "Kafka bootstrap servers of the run's broker (deploy).",
  'flink-rest-url': "URL of the Flink REST API of the run's cluster (deploy).",
  'flink-job-id': 'Id of the running Flink job (submit-flink).',
  'report-file': 'Path of the JSON report (measure).',
  verdict: 'Gate verdict: pass or fail (measure).',
  'steady-events-per-second': 'Mean output events/s in steady state; empty without a steady state (measure).',
  'percent-of-target': 'Mean output rate in steady state, in percent of the target (measure).',
  'ramp-up-seconds': 'Time from the start of measuring to steady state (measure).',
  'p99-latency-ms': 'Steady-state p99 end-to-end latency, processedAt - createdAt (measure).',
  'lost-events': 'Events that entered topic in and never reached out; empty without the audit (measure).',
} as const;

export type OutputName = keyof typeof OUTPUTS;
