/**
 * The simulator's command line: `node dist/simulator/index.js --bootstrap-servers host:port
 * --events-per-second N [...]`. Pure: the caller passes argv and the environment.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UserError } from '../../src/errors.js';
import { parseWorkload } from './workload.js';
import {
  MEASURE_AGENT_COMMAND,
  MEASURE_AGENT_VALUE_FLAGS,
  parseMeasureAgentArgs,
  type MeasureAgentOptions,
} from '../../src/measure/agent/args.js';
import {
  COMPRESSIONS,
  DEFAULTS,
  resolveOptions,
  SASL_MECHANISMS,
  SimulatorOptionError,
  type Compression,
  type SaslMechanism,
  type SimulatorOptions,
} from './options.js';

export const PASSWORD_ENV = 'SIMULATOR_SASL_PASSWORD';

export type SimulatorRequest =
  | { kind: 'help' }
  | { kind: 'run'; options: SimulatorOptions; statsFile?: string }
  | { kind: 'measure-agent-help' }
  | { kind: 'measure-agent'; options: MeasureAgentOptions };

/** Flag -> option it sets (and the other way, to name flags in errors from resolveOptions). */
const NUMBER_FLAGS = {
  'events-per-second': 'eventsPerSecond',
  'instance-index': 'instanceIndex',
  'instance-count': 'instanceCount',
  devices: 'devices',
  'more-data-fields': 'moreDataFields',
  'duplicate-every': 'duplicateEvery',
  'duration-seconds': 'durationSeconds',
  'max-events': 'maxEvents',
  'burst-limit': 'burstLimit',
  'stats-interval-seconds': 'statsIntervalSeconds',
  'max-batch-events': 'maxBatchEvents',
  'max-in-flight': 'maxInFlight',
} as const satisfies Record<string, keyof SimulatorOptions>;
type NumberFlag = keyof typeof NUMBER_FLAGS;

const STRING_FLAGS = [
  'bootstrap-servers',
  'topic',
  'stats-file',
  'acks',
  'compression',
  'ca-file',
  'sasl-mechanism',
  'sasl-username',
  'client-id',
  'workload-file',
] as const;

const OPTION_TO_FLAG: Record<string, string> = {
  ...Object.fromEntries(Object.entries(NUMBER_FLAGS).map(([flag, option]) => [option, flag])),
  brokers: 'bootstrap-servers',
  topic: 'topic',
  acks: 'acks',
  compression: 'compression',
  'sasl.mechanism': 'sasl-mechanism',
  'sasl.username': 'sasl-username',
};

export function helpText(): string {
  return `Usage: node dist/simulator/index.js --bootstrap-servers HOST:PORT[,HOST:PORT] --events-per-second N [options]
       node dist/simulator/index.js ${MEASURE_AGENT_COMMAND} [options]   (the measure agent: ${MEASURE_AGENT_COMMAND} --help)

Sends IoT telemetry events (JSON, ~1 KB, key = deviceId) to a Kafka topic at an even rate, then prints
final stats. Stops after --duration-seconds or --max-events (whichever first), or on SIGINT/SIGTERM
(flushes, prints the final stats, exits 0). Without either limit it runs until stopped.

Options:
  --bootstrap-servers LIST      Kafka brokers, comma-separated host:port (required)
  --topic NAME                  topic to produce to; it must exist (default ${DEFAULTS.topic}, or the workload's input topic)
  --workload-file FILE          events from this workload (YAML or JSON, simulator/workload.schema.json) instead of
                                the built-in IoT event; --devices, --more-data-fields, --duplicate-every then do not apply
  --events-per-second N         original events per second, total over all instances (required, > 0)
  --instance-index I            this instance, 0-based (default 0)
  --instance-count N            instances sharing the rate, the devices and --max-events (default 1)
  --devices N                   simulated devices in total (default ${DEFAULTS.devices})
  --more-data-fields N          moreData fields per event (default ${DEFAULTS.moreDataFields}, ~1 KB events)
  --duplicate-every N           every Nth event is sent twice, identical (default ${DEFAULTS.duplicateEvery}; 0 = never)
  --duration-seconds S          stop after S seconds of schedule
  --max-events N                stop after N original events, total over all instances
  --burst-limit N               most overdue events sent at once after a stall (default: 1 s worth);
                                older ones are skipped and reported as shortfall
  --stats-interval-seconds S    seconds between stats lines (default ${DEFAULTS.statsIntervalSeconds})
  --stats-file PATH             write the stats as JSON to PATH (atomically; every interval and at the end)
  --acks -1|1|0                 producer acks (default ${DEFAULTS.acks})
  --compression none|gzip       producer compression (default ${DEFAULTS.compression})
  --tls                         connect with TLS (system CAs)
  --ca-file PATH                connect with TLS, trusting the CA(s) in this PEM file
  --sasl-mechanism M            ${SASL_MECHANISMS.join(' | ')}; the password is read from ${PASSWORD_ENV}
  --sasl-username NAME          SASL user name
  --client-id ID                Kafka client id (default streaming-at-scale-simulator-<index>)
  --max-batch-events N          most events in one produce call (default ${DEFAULTS.maxBatchEvents})
  --max-in-flight N             produce calls in flight at once (default ${DEFAULTS.maxInFlight})
  -h, --help                    this help

createdAt is each event's intended send time from the schedule (microseconds), so latency measured
from it includes any time the simulator fell behind (no coordinated omission).`;
}

function parseNumber(flag: string, text: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim())) {
    throw new UserError(`Invalid value for --${flag}: ${JSON.stringify(text)}. A number is expected.`);
  }
  return Number(text);
}

/** Parses the command line; throws UserError (one line, names the flag) on bad input. */
export function parseSimulatorArgs(argv: string[], env: NodeJS.ProcessEnv = {}): SimulatorRequest {
  if (argv[0] === MEASURE_AGENT_COMMAND) {
    const agent = parseMeasureAgentArgs(joinValues(argv.slice(1), MEASURE_AGENT_VALUE_FLAGS));
    return agent.kind === 'help' ? { kind: 'measure-agent-help' } : { kind: 'measure-agent', options: agent.options };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({
      // `--flag=value` form first, so a value may start with a dash (`--events-per-second -5`).
      args: joinValues(argv),
      allowPositionals: false,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        tls: { type: 'boolean' },
        ...Object.fromEntries(
          [...Object.keys(NUMBER_FLAGS), ...STRING_FLAGS].map((flag) => [flag, { type: 'string' as const }]),
        ),
      },
    });
    values = parsed.values as Record<string, string | boolean | undefined>;
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    const positional = /Unexpected argument '([^']+)'/.exec(message);
    const problem = unknown
      ? `Unknown option '${unknown[1]}'`
      : positional
        ? `Unexpected argument '${positional[1]}'`
        : message.split('\n')[0]!.replace(/\.$/, '');
    throw new UserError(`${problem}. Run with --help for the options.`);
  }
  if (values.help) return { kind: 'help' };

  const brokers = values['bootstrap-servers'] as string | undefined;
  if (!brokers) throw new UserError('--bootstrap-servers is required (e.g. --bootstrap-servers 127.0.0.1:9092).');
  if (values['events-per-second'] === undefined) {
    throw new UserError('--events-per-second is required (e.g. --events-per-second 1000).');
  }
  const options: SimulatorOptions = {
    brokers: brokers
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== ''),
    eventsPerSecond: 0,
  };
  const target = options as unknown as Record<string, unknown>;
  for (const [flag, option] of Object.entries(NUMBER_FLAGS)) {
    const text = values[flag as NumberFlag] as string | undefined;
    if (text !== undefined) target[option] = parseNumber(flag, text);
  }
  const str = (flag: string) => values[flag] as string | undefined;
  if (str('topic') !== undefined) options.topic = str('topic');
  const workloadFile = str('workload-file');
  if (workloadFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(workloadFile, 'utf8');
    } catch (error) {
      throw new UserError(
        `Cannot read --workload-file ${workloadFile}: ${(error as NodeJS.ErrnoException).code ?? error}.`,
      );
    }
    options.workload = parseWorkload(text, workloadFile);
    options.topic ??= options.workload.topics.input;
  }
  if (str('client-id') !== undefined) options.clientId = str('client-id');
  if (str('acks') !== undefined) {
    const acks = str('acks')!.trim();
    if (acks !== '-1' && acks !== '0' && acks !== '1' && acks !== 'all') {
      throw new UserError(`Invalid value for --acks: ${JSON.stringify(acks)}. One of -1 (or all), 1, 0.`);
    }
    options.acks = acks === 'all' ? -1 : (Number(acks) as -1 | 0 | 1);
  }
  if (str('compression') !== undefined) {
    const compression = str('compression') as Compression;
    if (!COMPRESSIONS.includes(compression)) {
      throw new UserError(
        `Invalid value for --compression: ${JSON.stringify(compression)}. One of ${COMPRESSIONS.join(', ')}.`,
      );
    }
    options.compression = compression;
  }
  if (values.tls) options.ssl = true;
  if (str('ca-file') !== undefined) options.caFile = str('ca-file');
  const mechanism = str('sasl-mechanism')?.toLowerCase();
  const username = str('sasl-username');
  if (mechanism !== undefined || username !== undefined) {
    if (mechanism === undefined) throw new UserError('--sasl-username needs --sasl-mechanism.');
    if (!SASL_MECHANISMS.includes(mechanism as SaslMechanism)) {
      throw new UserError(
        `Invalid value for --sasl-mechanism: ${JSON.stringify(mechanism)}. One of ${SASL_MECHANISMS.join(', ')}.`,
      );
    }
    if (!username) throw new UserError(`--sasl-mechanism ${mechanism} needs --sasl-username.`);
    const password = env[PASSWORD_ENV];
    if (!password) {
      throw new UserError(
        `--sasl-mechanism ${mechanism} needs the password in the environment variable ${PASSWORD_ENV}.`,
      );
    }
    options.sasl = { mechanism: mechanism as SaslMechanism, username, password };
  }

  try {
    resolveOptions(options); // all checks up front, named by flag
  } catch (error) {
    if (error instanceof SimulatorOptionError) {
      const flag = OPTION_TO_FLAG[error.option] ?? error.option;
      throw new UserError(`Invalid value for --${flag}: ${JSON.stringify(error.value)}. ${error.allowed}`);
    }
    throw error;
  }
  return { kind: 'run', options, statsFile: str('stats-file') };
}

function joinValues(
  argv: string[],
  flags: readonly string[] = [...Object.keys(NUMBER_FLAGS), ...STRING_FLAGS],
): string[] {
  const valueFlags = new Set(flags.map((f) => `--${f}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (valueFlags.has(arg) && i + 1 < argv.length) {
      out.push(`${arg}=${argv[i + 1]}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
