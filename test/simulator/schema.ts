/**
 * Checks a value against simulator/event.schema.json. The schema uses a small subset of JSON Schema
 * (type, required, properties, patternProperties, additionalProperties: false, pattern, enum,
 * minimum, maximum); this checker implements exactly that subset and fails on any other keyword, so
 * the schema cannot silently grow beyond what is checked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/processes.js';

export interface Schema {
  type?: 'object' | 'string' | 'number' | 'integer';
  required?: string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: false;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

const KNOWN = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'type',
  'required',
  'properties',
  'patternProperties',
  'additionalProperties',
  'pattern',
  'enum',
  'minimum',
  'maximum',
]);

export const EVENT_SCHEMA: Schema = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'simulator', 'event.schema.json'), 'utf8'),
) as Schema;

/** The violations of `value` against `schema` (empty when valid), as `path: problem`. */
export function validate(value: unknown, schema: Schema = EVENT_SCHEMA, at = '$'): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!KNOWN.has(keyword)) throw new Error(`schema keyword '${keyword}' at ${at} is not supported by this checker`);
  }
  const problems: string[] = [];
  const fail = (problem: string) => problems.push(`${at}: ${problem}`);
  switch (schema.type) {
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
      break;
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return [`${at}: not a number`];
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return [`${at}: not an integer`];
      break;
    case undefined:
      break;
    default:
      throw new Error(`type ${String(schema.type)} not supported`);
  }
  if (schema.enum && !schema.enum.includes(value))
    fail(`${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value as string)) {
    fail(`${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (schema.minimum !== undefined && (value as number) < schema.minimum) fail(`${String(value)} < ${schema.minimum}`);
  if (schema.maximum !== undefined && (value as number) > schema.maximum) fail(`${String(value)} > ${schema.maximum}`);
  if (schema.type === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) fail(`missing '${name}'`);
    for (const [name, child] of Object.entries(object)) {
      let matched = false;
      if (schema.properties && name in schema.properties) {
        matched = true;
        problems.push(...validate(child, schema.properties[name]!, `${at}.${name}`));
      }
      for (const [pattern, sub] of Object.entries(schema.patternProperties ?? {})) {
        if (new RegExp(pattern, 'u').test(name)) {
          matched = true;
          problems.push(...validate(child, sub, `${at}.${name}`));
        }
      }
      if (!matched && schema.additionalProperties === false) fail(`unexpected property '${name}'`);
    }
  }
  return problems;
}
