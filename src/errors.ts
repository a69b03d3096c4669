/**
 * Errors the user can act on. They are printed as one line (no stack trace) and make the
 * process exit non-zero; anything else is a bug and keeps its stack. Known Node system errors
 * (a missing file, a folder where a file was expected, no permission) and Kafka connection errors
 * are printed as one line too (errorMessage), wherever they arise.
 */
import { INPUTS, type InputSpec } from './config/inputs.js';

export class UserError extends Error {
  override name = 'UserError';
}

/** The most characters of a value an error message repeats. */
export const ECHO_LIMIT = 100;

/** A value as an error message repeats it: quoted, and cut after ECHO_LIMIT characters. */
export function echoed(value: string): string {
  if (value.length <= ECHO_LIMIT) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, ECHO_LIMIT))}… (${value.length.toLocaleString('en-US')} characters)`;
}

/** True for the inputs whose values are never printed (inputs.ts marks them). */
export function isSecretInput(name: string): boolean {
  return (INPUTS as Record<string, InputSpec>)[name]?.secret === true;
}

/** A bad input value: names the input, the value given (never a secret's) and what is allowed. */
export class InputError extends UserError {
  override name = 'InputError';
  constructor(
    readonly input: string,
    value: string,
    allowed: string,
  ) {
    super(`Invalid input '${input}': ${isSecretInput(input) ? '(value hidden)' : echoed(value)}. ${allowed}`);
  }
}

/** A path that is designed but not built yet: says so and fails, never pretends success. */
export class NotImplementedError extends UserError {
  override name = 'NotImplementedError';
  constructor(what: string, tracking: string) {
    super(`${what} is not implemented yet (${tracking}).`);
  }
}

/**
 * One line for an error the user can act on, the stack for anything else (a bug). `secrets`
 * (input values never to print) are replaced by ***.
 */
export function errorMessage(error: unknown, secrets: readonly string[] = []): string {
  const text =
    error instanceof UserError
      ? error.message
      : (knownErrorMessage(error) ?? (isError(error) ? (error.stack ?? error.message) : String(error)));
  return secrets
    .filter((secret) => secret.length > 0)
    .reduce((message, secret) => message.replaceAll(secret, '***'), text);
}

/** What a known Node system error or Kafka connection error means, in one line; else undefined. */
export function knownErrorMessage(error: unknown): string | undefined {
  return kafkaConnectionMessage(error) ?? systemErrorMessage(error);
}

/** An Error of any realm (Node's own modules' errors fail `instanceof Error` in jest's VM). */
function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

const SYSTEM_ERRORS: Record<string, (where: string) => string> = {
  ENOENT: (where) => `${where} does not exist: check the path (a missing folder on the way?).`,
  EISDIR: (where) => `${where} is a folder, where a file was expected: give a file's path.`,
  ENOTDIR: (where) => `${where}: a part of this path is a file, where a folder was expected: fix the path.`,
  EACCES: (where) =>
    `${where}: permission denied: choose a path this user may write (or read), or fix its permissions.`,
  EPERM: (where) => `${where}: operation not permitted: choose another path, or fix its permissions.`,
  EROFS: (where) => `${where} is on a read-only file system: choose a writable folder (e.g. under the home folder).`,
  ENOSPC: (where) => `${where}: no space left on the device: free some space, or choose another folder.`,
};

function systemErrorMessage(error: unknown): string | undefined {
  const system = error as (NodeJS.ErrnoException & { dest?: string }) | undefined;
  if (!isError(error) || typeof system?.code !== 'string' || !(system.code in SYSTEM_ERRORS)) return undefined;
  const where = system.path ? `'${system.path}'${system.dest ? ` (to '${system.dest}')` : ''}` : 'A file or folder';
  const what = system.syscall ? ` (${system.code} on ${system.syscall})` : ` (${system.code})`;
  return `${SYSTEM_ERRORS[system.code]!(where)}${what}`;
}

/** kafkajs errors that mean "no broker answered", the last cause of a retried one included. */
const KAFKA_CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
]);

function kafkaConnectionMessage(error: unknown): string | undefined {
  for (let cause = error, depth = 0; isError(cause) && depth < 5; cause = cause.cause, depth++) {
    if (!KAFKA_CONNECTION_ERRORS.has(cause.name)) continue;
    const broker = (cause as { broker?: unknown }).broker;
    const at = typeof broker === 'string' && broker ? ` at ${broker}` : '';
    return `Cannot reach Kafka${at} (${cause.message}): the broker is not running or not reachable from here. A cluster of yours (platform external): check 'kafka-bootstrap-servers' and that this machine may reach it (firewall, network rules). Platform local: a run whose Kafka has stopped (a crash, a reboot) cannot be used again: tear it down ('streaming-at-scale teardown --run-id <id>') and deploy again.`;
  }
  return undefined;
}
