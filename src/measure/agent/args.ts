/**
 * The measure agent's command line (`node dist/simulator/index.js measure-agent ...`): built here
 * from the run's config and facts for every platform that launches the agent (AKS Job, container
 * instance), and parsed back here by the agent, so the two never drift apart. Pure.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.js';
import { parseConfig } from '../../config/config.js';
import { UserError } from '../../errors.js';
import { newRunId } from '../../run-state/run-state.js';
import { throughputBasisOf, type LatencySource } from '../../flink/job-spec.js';
import type { ThroughputBasis } from '../../report/schema.js';
import type { AgentMeasurement } from './blobs.js';

export const MEASURE_AGENT_COMMAND = 'measure-agent';
/** The container URL with a SAS the agent writes to (never on the command line: it is a secret). */
export const CONTAINER_URL_ENV = 'MEASUREMENTS_CONTAINER_URL';

export interface MeasureAgentOptions extends AgentMeasurement {
  /** Comma-separated host:port list, as reached from inside the VNet. */
  bootstrapServers: string;
  minutes: number;
  intervalSeconds: number;
  eventsPerSecond: number;
  basis: ThroughputBasis;
  latency: LatencySource;
}

/** A fresh id for one measurement of a run (its blobs' folder): a sortable time stamp and a random part. */
export function newMeasurementId(now = new Date()): string {
  return newRunId(now);
}

/** The agent's arguments (after the image's `node dist/simulator/index.js`) for one measurement. */
export function measureAgentArgs(
  config: Pick<Config, 'minutes' | 'intervalSeconds' | 'jobSpec'>,
  run: AgentMeasurement & { bootstrapServers: string; eventsPerSecond: number },
): string[] {
  return [
    MEASURE_AGENT_COMMAND,
    '--bootstrap-servers',
    run.bootstrapServers,
    '--run-id',
    run.runId,
    '--measurement-id',
    run.measurementId,
    '--minutes',
    String(config.minutes),
    '--interval-seconds',
    String(config.intervalSeconds),
    '--events-per-second',
    String(run.eventsPerSecond),
    '--throughput-basis',
    throughputBasisOf(config.jobSpec),
    '--latency-field',
    config.jobSpec.latency.createdField.join('.'),
    '--latency-end',
    config.jobSpec.latency.end,
  ];
}

export const MEASURE_AGENT_VALUE_FLAGS = [
  'bootstrap-servers',
  'run-id',
  'measurement-id',
  'minutes',
  'interval-seconds',
  'events-per-second',
  'throughput-basis',
  'latency-field',
  'latency-end',
] as const;
const ID = /^[A-Za-z0-9._-]+$/;
/** For a hand-run agent; a second measurement with the same id overwrites the first one's blobs. */
const DEFAULT_MEASUREMENT_ID = 'default';

export function measureAgentHelp(): string {
  return `Usage: node dist/simulator/index.js ${MEASURE_AGENT_COMMAND} --bootstrap-servers LIST --run-id ID --minutes N
         --interval-seconds S --events-per-second N [--measurement-id ID] [--throughput-basis B]
         [--latency-field PATH] [--latency-end E]

The measure agent: run inside the virtual network (a Kubernetes Job on AKS, a container instance on
HDInsight) where the Kafka brokers are reachable, it samples the pipeline exactly as 'measure' does
locally (end offsets of 'in' and 'out', the Flink group's lag, latency from 'out') and writes the
results as JSON blobs to the container given in ${CONTAINER_URL_ENV}, under <run-id>/<measurement-id>/:
started.json, rows/NNNNNN.json (one per interval, as measured), then result.json (or error.json
with the message when it fails; the exit code is then non-zero). 'measure' reads them back.

Options:
  --bootstrap-servers LIST   Kafka brokers, comma-separated host:port (required)
  --run-id ID                the run being measured (required)
  --measurement-id ID        this measurement of the run (default ${DEFAULT_MEASUREMENT_ID}); 'measure' passes a fresh
                             one each time, since a run may be measured more than once
  --minutes N                how long to measure (required, > 0, at most 1440; fractions allowed)
  --interval-seconds S       seconds per row (required, a whole number from 1 to 3600)
  --events-per-second N      the target rate the rows are compared with (required, > 0)
  --throughput-basis B       output (default: the job writes one record per input) or consumption
                             (the job's consumer group position on 'in': any other job)
  --latency-field PATH       output records' field (dotted path) with the event's createdAt (default createdAt)
  --latency-end E            processedAt (default: the record's field) or append-time (its Kafka timestamp)
  -h, --help                 this help

Environment:
  ${CONTAINER_URL_ENV}   URL of the blob container with a SAS allowing create and write (required;
                              never printed)`;
}

/**
 * Parses the agent's arguments (those after `measure-agent`, each flag joined with its value as
 * `--flag=value` by the simulator's parser, so a value may start with a dash); throws one UserError
 * naming the flag.
 */
export function parseMeasureAgentArgs(
  argv: string[],
): { kind: 'help' } | { kind: 'run'; options: MeasureAgentOptions } {
  let values: Partial<Record<(typeof MEASURE_AGENT_VALUE_FLAGS)[number] | 'help', string | boolean>>;
  try {
    values = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(MEASURE_AGENT_VALUE_FLAGS.map((flag) => [flag, { type: 'string' as const }])),
      },
    }).values;
  } catch (error) {
    throw new UserError(
      `${(error as Error).message.split('\n')[0]!.replace(/\.$/, '')}. Run with --help for the options.`,
    );
  }
  if (values.help) return { kind: 'help' };
  const required = (flag: (typeof MEASURE_AGENT_VALUE_FLAGS)[number], example: string): string => {
    const text = values[flag];
    if (typeof text !== 'string' || text.trim() === '')
      throw new UserError(`${MEASURE_AGENT_COMMAND}: --${flag} is required (e.g. --${flag} ${example}).`);
    return text.trim();
  };
  const id = (flag: 'run-id' | 'measurement-id', text: string) => {
    if (!ID.test(text))
      throw new UserError(
        `Invalid value for --${flag}: ${JSON.stringify(text)}. Use letters, digits, dots, dashes and underscores.`,
      );
    return text;
  };
  const bootstrapServers = required('bootstrap-servers', '10.0.0.4:9092');
  const runId = id('run-id', required('run-id', '20260101-120000-ab12'));
  const minutes = required('minutes', '5');
  const intervalSeconds = required('interval-seconds', '60');
  const eventsText = required('events-per-second', '1000');
  const eventsPerSecond = Number(eventsText);
  if (!/^\d+(\.\d+)?$/.test(eventsText) || !(eventsPerSecond > 0))
    throw new UserError(`Invalid value for --events-per-second: ${JSON.stringify(eventsText)}. A number > 0.`);
  // The same limits as the toolkit's own inputs, checked by the one validated config.
  const timing = parseConfig({ mode: 'measure', minutes, 'interval-seconds': intervalSeconds });
  const measurementId = typeof values['measurement-id'] === 'string' ? values['measurement-id'].trim() : undefined;
  const basis = typeof values['throughput-basis'] === 'string' ? values['throughput-basis'].trim() : 'output';
  if (basis !== 'output' && basis !== 'consumption')
    throw new UserError(
      `Invalid value for --throughput-basis: ${JSON.stringify(basis)}. Allowed: output, consumption.`,
    );
  const end = typeof values['latency-end'] === 'string' ? values['latency-end'].trim() : 'processedAt';
  if (end !== 'processedAt' && end !== 'append-time')
    throw new UserError(`Invalid value for --latency-end: ${JSON.stringify(end)}. Allowed: processedAt, append-time.`);
  const field = typeof values['latency-field'] === 'string' ? values['latency-field'].trim() : 'createdAt';
  return {
    kind: 'run',
    options: {
      bootstrapServers,
      runId,
      measurementId: measurementId ? id('measurement-id', measurementId) : DEFAULT_MEASUREMENT_ID,
      minutes: timing.minutes,
      intervalSeconds: timing.intervalSeconds,
      eventsPerSecond,
      basis,
      latency: { createdField: field.split('.'), end },
    },
  };
}
