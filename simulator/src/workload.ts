/**
 * The workload: what load a benchmark sends (topics, rate, Kafka key, duplicates) and the shape of
 * its events, as a YAML or JSON file checked against simulator/workload.schema.json, so a user can
 * benchmark their own job with their own events. TemplateEventFactory (template-events.ts) builds
 * the events. DEFAULT_WORKLOAD is the origin sample's IoT telemetry event (what EventFactory in
 * events.ts builds), also written as simulator/workloads/iot.yaml. Pure.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parseDocument } from 'yaml';
import { UserError } from '../../src/errors.js';
import WORKLOAD_SCHEMA from '../workload.schema.json' with { type: 'json' };

export { WORKLOAD_SCHEMA };

export const TIERS = ['1', '5', '10'] as const;
export type Tier = (typeof TIERS)[number];

export interface WorkloadTopics {
  /** The topic the simulator sends to (default `in`). */
  input: string;
  /** The topic the job writes to (default `out`). */
  output: string;
  /** Partitions of each topic (default: the platform's). */
  partitions?: number;
}

/** Exactly one of the two; the toolkit's tier input overrides it. */
export type WorkloadRate = { eventsPerSecond: number } | { tier: Tier };

/** Any JSON value (what `fixed` sends). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [name: string]: JsonValue };

export interface SequenceGenerator {
  /** 0, 1, 2, ... per value of the top-level field `per` (a pattern or choice), or over all events. */
  sequence: { per?: string };
}
export interface UuidGenerator {
  uuid: Record<string, never>;
}
export interface TimestampGenerator {
  /** The event's intended send time, ISO-8601 UTC with microseconds (formatMicros). */
  timestamp: Record<string, never>;
}
export interface NumberGenerator {
  /** Uniform in [min, max); `pooled`: from a pool of pre-formatted values (one refreshed per event). */
  number: { min: number; max: number; integer?: boolean; pooled?: boolean };
}
export interface ChoiceGenerator {
  choice: { values: (string | number)[]; weights?: number[] };
}
export interface FixedGenerator {
  fixed: JsonValue;
}
export interface PatternGenerator {
  /** prefix + n, round-robin over n = from ... from + count - 1 (each instance its own part). */
  pattern: { prefix: string; from?: number; count: number };
}
export interface PaddingGenerator {
  /** Filler that brings the serialised event to toBytes bytes. */
  padding: { toBytes: number };
}
export interface ObjectGenerator {
  object: Fields;
}
export interface RepeatGenerator {
  /** `count` fields named `name` with {i} = 0 ... count - 1, in place of this one. */
  repeat: { count: number; name: string; generator: Generator };
}

export type Generator =
  | SequenceGenerator
  | UuidGenerator
  | TimestampGenerator
  | NumberGenerator
  | ChoiceGenerator
  | FixedGenerator
  | PatternGenerator
  | PaddingGenerator
  | ObjectGenerator;
export type Field = Generator | RepeatGenerator;
/** Field name -> generator, in the event's field order. */
export type Fields = { [name: string]: Field };
export type GeneratorKind =
  'sequence' | 'uuid' | 'timestamp' | 'number' | 'choice' | 'fixed' | 'pattern' | 'padding' | 'object' | 'repeat';

/** The generators that make one value (a string or a number), so they can be a key or a `per`. */
export const SCALAR_KINDS: readonly GeneratorKind[] = [
  'sequence',
  'uuid',
  'timestamp',
  'number',
  'choice',
  'fixed',
  'pattern',
];

export interface Workload {
  topics: WorkloadTopics;
  rate?: WorkloadRate;
  /** The top-level field whose value is the Kafka record key. */
  key: string;
  /** Fraction of original events sent twice, in [0, 0.5]: every round(1 / duplicates)-th. */
  duplicates: number;
  event: Fields;
}

export const WORKLOAD_DEFAULTS = { input: 'in', output: 'out', duplicates: 0.001 } as const;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The origin sample's IoT telemetry event, as EventFactory builds it (simulator/workloads/iot.yaml),
 * frozen: copy it to change it.
 */
export const DEFAULT_WORKLOAD: Workload = deepFreeze({
  topics: { input: 'in', output: 'out' },
  key: 'deviceId',
  duplicates: 0.001,
  event: {
    eventId: { uuid: {} },
    complexData: {
      object: {
        moreData: {
          repeat: { count: 23, name: 'moreData{i}', generator: { number: { min: 0, max: 100, pooled: true } } },
        },
      },
    },
    value: { number: { min: 0, max: 100 } },
    deviceId: { pattern: { prefix: 'contoso://device-id-', from: 0, count: 1000 } },
    deviceSequenceNumber: { sequence: { per: 'deviceId' } },
    type: { choice: { values: ['TEMP', 'CO2'] } },
    createdAt: { timestamp: {} },
  },
});

/** The kind of a generator: its one key. */
export function generatorKind(field: Field): GeneratorKind {
  return Object.keys(field)[0] as GeneratorKind;
}

/** A bad workload file: names the file, the JSON pointer of the problem and what is allowed. */
export class WorkloadError extends UserError {
  override name = 'WorkloadError';
  constructor(
    readonly fileName: string,
    readonly pointer: string,
    problem: string,
  ) {
    super(`${fileName}: ${pointer || '/'} ${problem}`);
  }
}

/** A JSON pointer's reference token for a property name (RFC 6901). */
export function pointerToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: false, verbose: true, strict: true, allowUnionTypes: true }).compile(
    WORKLOAD_SCHEMA,
  );
  return validator;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function listed(names: readonly string[]): string {
  return names.join(', ');
}

/** One schema violation as pointer + problem, with what is allowed. */
function describe(error: ErrorObject): [pointer: string, problem: string] {
  const at = error.instancePath;
  const parent = (error.parentSchema ?? {}) as {
    description?: string;
    properties?: Record<string, { description?: string; $ref?: string }>;
  };
  const params = error.params as Record<string, unknown>;
  const names = Object.keys(parent.properties ?? {});
  switch (error.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      if (types[0] !== 'object') return [at, `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`];
      // A generator or a section, not a leaf value: say what belongs there.
      if (names.includes('uuid')) return [at, `must be a generator: an object with exactly one of ${listed(names)}`];
      if (names.length > 0) return [at, `must be an object with ${listed(names)}`];
      if (parent.properties) return [at, 'must be {} (it has no options)'];
      return [at, `must be an object${parent.description ? ` (${parent.description})` : ''}`];
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const about = describeProperty(parent.properties?.[missing]);
      return [at, `must have '${missing}'${about ? ` (${about})` : ''}`];
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      return [`${at}/${pointerToken(extra)}`, `is not allowed here: allowed are ${listed(names)}`];
    }
    case 'minProperties':
    case 'maxProperties':
      if (names.length > 0) return [at, `must have exactly one of: ${listed(names)}`];
      return [at, `must have at least ${String(params.limit)} field${params.limit === 1 ? '' : 's'}`];
    case 'enum':
      return [at, `must be one of ${listed((params.allowedValues as unknown[]).map((v) => JSON.stringify(v)))}`];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [at, `must be ${String(params.comparison)} ${String(params.limit)}`];
    case 'minItems':
      return [at, `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`];
    case 'minLength':
      return [at, 'must not be empty'];
    case 'pattern':
      return [at, `must match ${String(params.pattern)}${parent.description ? ` (${parent.description})` : ''}`];
    default:
      return [at, error.message ?? `is not valid (${error.keyword})`];
  }
}

function describeProperty(property: { description?: string; $ref?: string } | undefined): string | undefined {
  if (!property) return undefined;
  if (property.description) return property.description;
  const ref = property.$ref?.replace('#/$defs/', '');
  return ref ? (WORKLOAD_SCHEMA.$defs as Record<string, { description?: string }>)[ref]?.description : undefined;
}

/** The text of a workload file as a value: JSON for `.json`, else YAML (1.2: JSON is YAML too). */
function load(text: string, fileName: string): unknown {
  if (fileName.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new WorkloadError(fileName, '', `is not valid JSON: ${(error as Error).message}`);
    }
  }
  const document = parseDocument(text, { uniqueKeys: true });
  const problem = document.errors[0];
  if (problem) {
    const what = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const where = problem.linePos ? ` (line ${problem.linePos[0].line}, column ${problem.linePos[0].col})` : '';
    throw new WorkloadError(fileName, '', `is not valid YAML: ${what}${where}`);
  }
  return document.toJS({ maxAliasCount: 1000 }) as unknown;
}

/**
 * Reads a workload file's text (YAML, or JSON when fileName ends in .json): schema-checked, then
 * the checks the schema cannot express; defaults filled in. Throws a WorkloadError (a UserError)
 * naming the file and the JSON pointer of the first problem.
 */
export function parseWorkload(text: string, fileName: string): Workload {
  return checkWorkload(load(text, fileName), fileName);
}

/** Checks a parsed workload value (as parseWorkload does after reading the file). */
export function checkWorkload(value: unknown, fileName: string): Workload {
  if (value === null || value === undefined) throw new WorkloadError(fileName, '', 'is empty: a workload is an object');
  const check = validate();
  if (!check(value)) {
    const [pointer, problem] = describe(check.errors![0]!);
    throw new WorkloadError(fileName, pointer, problem);
  }
  const file = value as {
    topics?: Partial<WorkloadTopics>;
    rate?: { eventsPerSecond: number } | { tier: Tier | 1 | 5 | 10 };
    key: string;
    duplicates?: number;
    event: Fields;
  };
  checkSemantics(file.event, file.key, fileName);
  const topics: WorkloadTopics = {
    input: file.topics?.input ?? WORKLOAD_DEFAULTS.input,
    output: file.topics?.output ?? WORKLOAD_DEFAULTS.output,
  };
  if (file.topics?.partitions !== undefined) topics.partitions = file.topics.partitions;
  const workload: Workload = {
    topics,
    key: file.key,
    duplicates: file.duplicates ?? WORKLOAD_DEFAULTS.duplicates,
    event: file.event,
  };
  if (file.rate) {
    workload.rate = 'tier' in file.rate ? { tier: String(file.rate.tier) as Tier } : file.rate;
  }
  return workload;
}

const INTEGER_NAME = /^(0|[1-9][0-9]*)$/;

/** The checks the schema cannot express. */
function checkSemantics(event: Fields, key: string, fileName: string): void {
  const fail = (pointer: string, problem: string): never => {
    throw new WorkloadError(fileName, pointer, problem);
  };
  const topLevel = Object.keys(event).filter((name) => generatorKind(event[name]!) !== 'repeat');
  const keyField = event[key];
  if (!keyField || generatorKind(keyField) === 'repeat') {
    fail('/key', `names no top-level field of the event: ${JSON.stringify(key)} (fields: ${listed(topLevel)})`);
  }
  if (!SCALAR_KINDS.includes(generatorKind(keyField!))) {
    fail(
      '/key',
      `names field '${key}', made by ${generatorKind(keyField!)}: the key must be a single value (one of ${listed(SCALAR_KINDS)})`,
    );
  }
  let paddings = 0;

  const checkGenerator = (generator: Field, pointer: string, inRepeat: boolean): void => {
    const kind = generatorKind(generator);
    const at = `${pointer}/${kind}`;
    switch (kind) {
      case 'sequence': {
        const per = (generator as SequenceGenerator).sequence.per;
        if (per === undefined) break;
        const target = event[per];
        const targetKind = target ? generatorKind(target) : undefined;
        if (targetKind !== 'pattern' && targetKind !== 'choice') {
          const candidates = topLevel.filter((name) => ['pattern', 'choice'].includes(generatorKind(event[name]!)));
          fail(
            `${at}/per`,
            target
              ? `names field '${per}', made by ${targetKind}: a per-value sequence needs a top-level pattern or choice field (here: ${listed(candidates) || 'none'})`
              : `names no top-level field of the event: ${JSON.stringify(per)} (pattern or choice fields: ${listed(candidates) || 'none'})`,
          );
        }
        break;
      }
      case 'number': {
        const { min, max, integer } = (generator as NumberGenerator).number;
        if (!(min < max)) fail(`${at}/max`, `must be greater than min (${min}): numbers are drawn from [min, max)`);
        if (integer && !Number.isInteger(min)) fail(`${at}/min`, 'must be an integer when integer is true');
        if (integer && !Number.isInteger(max)) fail(`${at}/max`, 'must be an integer when integer is true');
        break;
      }
      case 'choice': {
        const { values, weights } = (generator as ChoiceGenerator).choice;
        if (weights === undefined) break;
        if (weights.length !== values.length) {
          fail(
            `${at}/weights`,
            `must have one weight per value: ${weights.length} weights for ${values.length} values`,
          );
        }
        if (!weights.some((w) => w > 0)) fail(`${at}/weights`, 'must have at least one weight above 0');
        break;
      }
      case 'padding':
        if (inRepeat) fail(at, 'cannot be repeated: at most one padding per event');
        if (++paddings > 1) fail(at, 'is the second padding of the event: at most one padding per event');
        break;
      case 'object':
        checkFields((generator as ObjectGenerator).object, at, inRepeat);
        break;
      default:
        break;
    }
  };

  const checkFields = (fields: Fields, pointer: string, inRepeat: boolean): void => {
    const names = new Map<string, string>(); // field name -> pointer of what made it
    const claim = (name: string, by: string): void => {
      const earlier = names.get(name);
      if (earlier !== undefined)
        fail(by, `makes field '${name}', which ${earlier} makes already: field names must be unique`);
      names.set(name, by);
    };
    for (const [name, field] of Object.entries(fields)) {
      const at = `${pointer}/${pointerToken(name)}`;
      if (INTEGER_NAME.test(name)) {
        fail(
          at,
          'is a field name that is a non-negative integer: not supported (JavaScript objects put those first, so the field order could not be kept)',
        );
      }
      if (generatorKind(field) === 'repeat') {
        const { count, name: pattern, generator } = (field as RepeatGenerator).repeat;
        for (let i = 0; i < count; i++) claim(pattern.replaceAll('{i}', String(i)), `${at}/repeat`);
        checkGenerator(generator, `${at}/repeat/generator`, true);
      } else {
        claim(name, at);
        checkGenerator(field, at, inRepeat);
      }
    }
  };

  checkFields(event, '/event', false);
}
