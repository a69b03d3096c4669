/**
 * Parsers of one input's text, shared by config.ts and its parts: each returns the typed value or
 * throws one InputError naming the input, the value and what is allowed.
 */
import { InputError } from '../errors.js';
import type { InputName } from './inputs.js';

export function oneOf<T extends string>(name: InputName, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new InputError(name, text, `Allowed: ${allowed.join(', ')}.`);
}

export function matching(name: InputName, text: string, pattern: RegExp, hint: string): string {
  if (pattern.test(text)) return text;
  throw new InputError(name, text, hint);
}

export function bool(name: InputName, text: string): boolean {
  // The YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them.
  if (['true', 'True', 'TRUE'].includes(text)) return true;
  if (['false', 'False', 'FALSE'].includes(text)) return false;
  throw new InputError(name, text, 'Allowed: true or false.');
}

export function positiveNumber(name: InputName, text: string, max: number): number {
  const number = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(number > 0 && number <= max)) {
    throw new InputError(name, text, `Expected a number greater than 0 and at most ${max}.`);
  }
  return number;
}

export function optionalPositive(name: InputName, text: string | undefined): number | undefined {
  return text === undefined ? undefined : positiveNumber(name, text, Number.MAX_SAFE_INTEGER);
}

export function wholeNumber(name: InputName, text: string, min: number, max: number): number {
  const number = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(number) && number >= min && number <= max)) {
    throw new InputError(name, text, `Expected a whole number from ${min} to ${max}.`);
  }
  return number;
}

export function optionalCount(name: InputName, text: string | undefined): number | undefined {
  return text === undefined ? undefined : wholeNumber(name, text, 1, 1024);
}
