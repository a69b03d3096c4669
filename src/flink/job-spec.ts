/**
 * The Flink job a run benchmarks, described one way for the built-in jobs and for a user's own:
 * the jar (and the command that builds it), its entry class, and its program arguments with
 * placeholders this toolkit fills at submission ({bootstrap}, {inputTopic}, ...). Pure.
 */
import path from 'node:path';
import type { JobName } from '../config/inputs.js';
import type { ThroughputBasis } from '../report/schema.js';

export interface JobSpec {
  /** The job's name in reports: the built-in job's, or the user's jar file name without `.jar`. */
  name: string;
  builtIn: boolean;
  /** Folder the build command runs in and a relative jar path is resolved against. */
  dir: string;
  /** Shell command, run in `dir`, that produces the jar (the built-in jobs: Maven in flink-job/). */
  buildCommand?: string;
  /** The jar as given (relative to `dir` or absolute); undefined for the built-in jobs' jar. */
  jar?: string;
  /** Undefined: the jar manifest's Main-Class, as Flink itself falls back to. */
  entryClass?: string;
  /** Program arguments, each possibly holding placeholders (PLACEHOLDERS). */
  args: string[];
  /**
   * Exactly one output record per input record, the input's fields kept (simple-relay): the audit
   * applies, and the output rate is the job's throughput. Other jobs are judged by what they consume.
   */
  oneOutputPerInput: boolean;
  /** How an output record's end-to-end latency is read (LatencySource). */
  latency: LatencySource;
}

/**
 * End-to-end latency of an output record: from the input event's creation time, carried in the
 * record's JSON at `createdField` (a path of keys), to `end`: 'processedAt', the time the built-in
 * jobs write beside it; or 'append-time', when the record was appended to the output topic (its
 * Kafka timestamp: the local platform creates `out` with LogAppendTime), for any other job.
 */
export interface LatencySource {
  createdField: string[];
  end: 'processedAt' | 'append-time';
}

/** The output field a user's job carries the event's createdAt in, by default: the event's own. */
export const DEFAULT_CREATED_FIELD = 'createdAt';

/** What the toolkit fills into program arguments; see docs/own-job.md. */
export const PLACEHOLDERS = {
  bootstrap: 'Kafka bootstrap servers, host:port[,host:port...]',
  inputTopic: 'the topic the load generator writes to',
  outputTopic: 'the topic the job writes to (measured for output and latency)',
  groupId: "the job's Kafka consumer group: its committed offsets are how measure sees consumption and lag",
  parallelism: 'the parallelism input (or the tier default)',
  syntheticWorkUs: 'the synthetic-work-us input',
  runId: "the run's id",
  kafkaProperties:
    'a Java properties file of the Kafka client settings (bootstrap.servers, security.protocol, sasl.*, ssl.truststore.*) for Properties.load; platforms local and external',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;
export type PlaceholderValues = Record<Placeholder, string>;

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Placeholders in `args` that are not known, for a config error; [] when all are. */
export function unknownPlaceholders(args: string[]): string[] {
  const unknown = args.flatMap((arg) => [...arg.matchAll(PLACEHOLDER)].map((match) => match[1]!));
  return [...new Set(unknown.filter((name) => !(name in PLACEHOLDERS)))];
}

export function usesPlaceholder(spec: Pick<JobSpec, 'args'>, name: Placeholder): boolean {
  return spec.args.some((arg) => arg.includes(`{${name}}`));
}

/** The program arguments with every placeholder replaced by its value. */
export function fillPlaceholders(args: string[], values: PlaceholderValues): string[] {
  return args.map((arg) =>
    arg.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name as Placeholder] : whole)),
  );
}

/**
 * Splits a job-args input into arguments: on white space (new lines too, so a YAML block can hold
 * one per line), with '...' and "..." quoting white space; no escapes or expansion, no shell.
 * Throws on an unclosed quote.
 */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  const token = /\s*(?:'([^']*)'|"([^"]*)"|([^\s'"]+)|(['"]))/gy;
  let current: string | null = null;
  let last = 0;
  for (let match = token.exec(text); match; match = token.exec(text)) {
    if (match[4]) throw new Error(`unclosed ${match[4]} quote`);
    // A token right after the previous one (no white space between) continues the same argument.
    const joined = current !== null && match.index === last && !/^\s/.test(match[0]);
    const part = match[1] ?? match[2] ?? match[3] ?? '';
    if (joined) current += part;
    else {
      if (current !== null) args.push(current);
      current = part;
    }
    last = token.lastIndex;
  }
  if (current !== null) args.push(current);
  return args;
}

/**
 * The job-args text that splitArguments reads back as exactly `args`: each argument single-quoted,
 * a single quote inside one given in double quotes (adjacent parts join into one argument).
 */
export function joinArguments(args: readonly string[]): string {
  return args.map((arg) => (arg === '' ? "''" : arg.split(/('+)/).filter(Boolean).map(quotePart).join(''))).join(' ');
}

function quotePart(part: string): string {
  return part.startsWith("'") ? `"${part}"` : /^[\w@%+=:,./{}-]+$/.test(part) ? part : `'${part}'`;
}

/** A job's name as reports carry it (and the PR comment shows it): a plain file-name-like word. */
export const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A user job's name in reports: its jar's file name without the extension. */
export function userJobName(jar: string): string {
  return path.basename(jar).replace(/\.jar$/i, '');
}

export const JOB_MAIN_CLASS = 'com.streamingatscale.flink.JobMain';

/** The built-in jobs' jar, entry class and arguments: flink-job/README.md. */
export function builtInJobSpec(name: JobName, repoRoot: string): JobSpec {
  return {
    name,
    builtIn: true,
    dir: path.join(repoRoot, 'flink-job'),
    entryClass: JOB_MAIN_CLASS,
    args: [
      '--job',
      name,
      '--bootstrap-servers',
      '{bootstrap}',
      '--input-topic',
      '{inputTopic}',
      '--output-topic',
      '{outputTopic}',
      '--group-id',
      '{groupId}',
      '--parallelism',
      '{parallelism}',
      '--synthetic-work-us',
      '{syntheticWorkUs}',
    ],
    oneOutputPerInput: name === 'simple-relay',
    latency: { createdField: [DEFAULT_CREATED_FIELD], end: 'processedAt' },
  };
}

/** A job with one output per input is judged by its output; any other by what it consumed. */
export function throughputBasisOf(spec: Pick<JobSpec, 'oneOutputPerInput'>): ThroughputBasis {
  return spec.oneOutputPerInput ? 'output' : 'consumption';
}
