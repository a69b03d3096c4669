/**
 * Turns a command line into raw inputs: `streaming-at-scale <mode> [--<input> value ...]`. Flags are
 * the action's input names; `STREAMING_AT_SCALE_<INPUT>` environment variables fill the rest. Pure.
 */
import { parseArgs } from 'node:util';
import { ECHO_LIMIT, echoed, isSecretInput, UserError } from '../errors.js';
import {
  envVarFor,
  INPUT_NAMES,
  INPUTS,
  MODES,
  type InputName,
  type InputSpec,
  type RawInputs,
} from '../config/inputs.js';

/** Inputs that may be given as a bare flag (`--wait` means `--wait true`). */
const FLAG_INPUTS: readonly InputName[] = [
  'wait',
  'keep-run-dir',
  'audit',
  'max-throughput-search',
  'dry-run',
  'wait-for-deletion',
  'create-topics',
];

/** `warnings`: what to tell the user before the mode runs (present when there is any). */
export type CliRequest = { kind: 'help' } | { kind: 'mode'; inputs: RawInputs; warnings?: string[] };

/** Printed when --github-token is given on the command line. */
export const TOKEN_FLAG_WARNING =
  '--github-token on a command line is visible to other users of this machine (ps, shell history): prefer the environment variable GITHUB_TOKEN or STREAMING_AT_SCALE_GITHUB_TOKEN.';

/** Printed when a secret input (a token, a password) is given as a flag. */
export function secretFlagWarning(name: string): string {
  if (name === 'github-token') return TOKEN_FLAG_WARNING;
  return `--${name} on a command line is visible to other users of this machine (ps, shell history): prefer the environment variable ${envVarFor(name as InputName)}.`;
}

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: withFlagValues(argv),
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(INPUT_NAMES.map((name) => [name, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message);
    const problem = unknown
      ? `Unknown option '${shortened(unknown[1]!)}'`
      : shortened((error as Error).message.replace(/\.$/, ''), 300);
    throw new UserError(`${problem}. Run 'streaming-at-scale --help' for the modes and inputs.`);
  }
  const positionals = parsed.positionals;
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help || positionals.length === 0) return { kind: 'help' };
  if (positionals.length > 1) {
    throw new UserError(
      `Expected one mode, got '${shortened(positionals.join(' '))}'. Run 'streaming-at-scale --help'.`,
    );
  }
  // parseArgs keeps the last of repeated flags: a repeated input is a mistake to point out.
  const given = new Map<string, string[]>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind === 'option') given.set(token.name, [...(given.get(token.name) ?? []), token.value ?? '']);
  }
  for (const [name, seen] of given) {
    if (seen.length < 2 || name === 'help') continue;
    const shown = isSecretInput(name) ? '' : ` (${seen.map((value) => echoed(value)).join(', ')})`;
    throw new UserError(`Option '--${name}' is given ${seen.length} times${shown}: give it once.`);
  }

  const inputs: RawInputs = { mode: positionals[0] };
  for (const name of INPUT_NAMES) {
    if (name === 'mode') continue;
    const fromFlag = values[name] as string | undefined;
    const fromEnv = env[envVarFor(name)] ?? (name === 'github-token' ? env.GITHUB_TOKEN : undefined);
    const value = fromFlag ?? fromEnv;
    if (value !== undefined) inputs[name] = value;
  }
  const warnings = [...given.keys()].filter((name) => isSecretInput(name)).map(secretFlagWarning);
  return warnings.length > 0 ? { kind: 'mode', inputs, warnings } : { kind: 'mode', inputs };
}

/** Text from the command line (an argument may be huge) cut to a readable length. */
function shortened(text: string, limit = ECHO_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length.toLocaleString('en-US')} characters)`;
}

/** Inputs whose value is a command line of its own, so it usually starts with `--`. */
const COMMAND_LINE_INPUTS: readonly InputName[] = ['job-args', 'job-build-command'];

/**
 * Joins `--input value` into `--input=value`, so a value may start with a dash (`--tier -5` is then
 * rejected by the config with a useful message; `--job-args "--bootstrap-servers {bootstrap}"` is
 * taken whole), and turns a bare `--wait` into `--wait=true`.
 */
function withFlagValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    const next = argv[i + 1];
    const known = (INPUT_NAMES as string[]).includes(name ?? '');
    if (known && FLAG_INPUTS.includes(name as InputName) && (next === undefined || next.startsWith('--'))) {
      joined.push(`${argv[i]}=true`);
    } else if (
      known &&
      next !== undefined &&
      (!next.startsWith('--') || COMMAND_LINE_INPUTS.includes(name as InputName))
    ) {
      joined.push(`${argv[i]}=${next}`);
      i++;
    } else {
      joined.push(argv[i]);
    }
  }
  return joined;
}

export function helpText(): string {
  const width = Math.max(...INPUT_NAMES.map((name) => name.length)) + 4;
  const lines = INPUT_NAMES.filter((name) => name !== 'mode').map((name) => {
    const spec: InputSpec = INPUTS[name];
    const fallback = spec.default && !spec.default.includes('${{') ? ` (default: ${spec.default})` : '';
    const secret = spec.secret
      ? ` Prefer the environment variable ${name === 'github-token' ? `GITHUB_TOKEN or ${envVarFor(name)}` : envVarFor(name)}: a flag is visible to other users in ps.`
      : '';
    return `  --${name.padEnd(width)}${spec.description}${fallback}${secret}`;
  });
  return [
    'Usage: streaming-at-scale <mode> [--<input> <value> ...]',
    '',
    'Benchmark a Kafka -> Apache Flink -> Kafka pipeline on this machine (platform local) or on Azure.',
    '',
    'Modes:',
    '  deploy         start Kafka and Flink (local) or create the Azure resources',
    '  submit-flink   build and submit the Flink job, wait until it runs',
    '  load           start the event simulator at the tier rate (--wait to block until done)',
    '  measure        sample throughput, lag and latency per minute; report and gate',
    '  teardown       stop / delete everything the run created',
    '  cleanup        delete expired Azure resource groups left by earlier runs',
    '  run            deploy, submit-flink, load, measure, teardown (teardown also on failure or Ctrl-C)',
    '  ab             run the base and head checkouts in turn on this machine (--base, --head, --rounds) and gate the head',
    '  comment        post or update the pull request comment of a JSON report (--report-file, --pull-request)',
    '',
    `Inputs (flags are the action's input names; STREAMING_AT_SCALE_<NAME> environment variables also work):`,
    ...lines,
    '',
    `Example: streaming-at-scale run --platform local --tier 1 --minutes 2`,
    `         streaming-at-scale ab --base ../base --head . --rounds 3 --minutes 2`,
    `Modes: ${MODES.join(', ')}`,
  ].join('\n');
}
