/** The simulator's command line (the parse function), its options checks, and the container image definition. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import { helpText, parseSimulatorArgs, PASSWORD_ENV } from '../../simulator/src/args.js';
import { resolveOptions, SimulatorOptionError } from '../../simulator/src/options.js';
import { REPO_ROOT } from '../helpers/processes.js';

const BROKER = ['--bootstrap-servers', '127.0.0.1:9092'];

function parseError(argv: string[], env: NodeJS.ProcessEnv = {}): UserError {
  try {
    parseSimulatorArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseSimulatorArgs', () => {
  test('every flag maps to its option', () => {
    const request = parseSimulatorArgs(
      [
        '--bootstrap-servers',
        'a:9092, b:9093',
        '--topic',
        'events',
        '--events-per-second',
        '10000',
        '--instance-index',
        '2',
        '--instance-count',
        '5',
        '--devices',
        '500',
        '--more-data-fields',
        '10',
        '--duplicate-every',
        '100',
        '--duration-seconds',
        '60',
        '--max-events',
        '600000',
        '--burst-limit',
        '4000',
        '--stats-interval-seconds',
        '2',
        '--stats-file',
        '/tmp/stats.json',
        '--acks',
        '1',
        '--compression',
        'gzip',
        '--tls',
        '--ca-file',
        '/etc/ca.pem',
        '--sasl-mechanism',
        'SCRAM-SHA-512',
        '--sasl-username',
        'admin',
        '--client-id',
        'sim-2',
        '--max-batch-events',
        '200',
        '--max-in-flight',
        '4',
      ],
      { [PASSWORD_ENV]: 's3cret' },
    );
    expect(request).toEqual({
      kind: 'run',
      statsFile: '/tmp/stats.json',
      options: {
        brokers: ['a:9092', 'b:9093'],
        topic: 'events',
        eventsPerSecond: 10000,
        instanceIndex: 2,
        instanceCount: 5,
        devices: 500,
        moreDataFields: 10,
        duplicateEvery: 100,
        durationSeconds: 60,
        maxEvents: 600000,
        burstLimit: 4000,
        statsIntervalSeconds: 2,
        acks: 1,
        compression: 'gzip',
        ssl: true,
        caFile: '/etc/ca.pem',
        sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 's3cret' },
        clientId: 'sim-2',
        maxBatchEvents: 200,
        maxInFlight: 4,
      },
    });
  });

  test('the minimum command line takes the defaults', () => {
    const request = parseSimulatorArgs([...BROKER, '--events-per-second', '1000']);
    expect(request).toEqual({
      kind: 'run',
      statsFile: undefined,
      options: { brokers: ['127.0.0.1:9092'], eventsPerSecond: 1000 },
    });
    if (request.kind !== 'run') throw new Error('not a run');
    const resolved = resolveOptions(request.options);
    expect(resolved).toMatchObject({
      topic: 'in',
      eventsPerSecond: 1000,
      devices: 1000,
      deviceStart: 0,
      deviceCount: 1000,
      moreDataFields: 23,
      duplicateEvery: 1000,
      burstLimit: 1000,
      statsIntervalSeconds: 5,
      acks: -1,
      compression: 'none',
      ssl: false,
      clientId: 'streaming-at-scale-simulator-0',
    });
    expect(resolved.durationSeconds).toBeUndefined();
    expect(resolved.maxEvents).toBeUndefined();
  });

  test('--help, and acks all', () => {
    expect(parseSimulatorArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseSimulatorArgs(['-h', '--topic', 'x'])).toEqual({ kind: 'help' });
    const request = parseSimulatorArgs([...BROKER, '--events-per-second', '5', '--acks', 'all']);
    expect(request.kind === 'run' && request.options.acks).toBe(-1);
    for (const flag of [
      '--bootstrap-servers',
      '--events-per-second',
      '--stats-file',
      '--sasl-mechanism',
      '--burst-limit',
    ]) {
      expect(helpText()).toContain(flag);
    }
    expect(helpText()).toContain(PASSWORD_ENV);
  });

  test.each([
    [['--events-per-second', '0'], /^Invalid value for --events-per-second: 0\. A number > 0\.$/],
    [['--events-per-second', '-5'], /^Invalid value for --events-per-second: -5\. A number > 0\.$/],
    [['--events-per-second', 'fast'], /^Invalid value for --events-per-second: "fast"\. A number is expected\.$/],
    [['--events-per-second', '10', '--devices', '0'], /^Invalid value for --devices: 0\. An integer >= 1\.$/],
    [['--events-per-second', '10', '--devices', '2.5'], /^Invalid value for --devices: 2\.5\./],
    [
      ['--events-per-second', '10', '--instance-index', '3', '--instance-count', '3'],
      /--instance-index: 3\. Between 0 and/,
    ],
    [
      ['--events-per-second', '10', '--instance-count', '5', '--devices', '4'],
      /--devices: 4\. At least one device per instance/,
    ],
    [['--events-per-second', '10', '--duplicate-every', '1'], /--duplicate-every: 1\./],
    [['--events-per-second', '10', '--duration-seconds', '0'], /--duration-seconds: 0\. A number > 0/],
    [['--events-per-second', '10', '--acks', '2'], /--acks: "2"\. One of -1/],
    [['--events-per-second', '10', '--compression', 'zstd'], /--compression: "zstd"\. One of none, gzip/],
    [['--events-per-second', '10', '--topic', 'a b'], /--topic: "a b"\. A Kafka topic name/],
    [['--events-per-second', '10', '--speed', '3'], /^Unknown option '--speed'\. Run with --help/],
    [['--events-per-second', '10', 'extra'], /^Unexpected argument 'extra'\. Run with --help/],
  ])('bad input %j -> one clear error', (args, message) => {
    const error = parseError([...BROKER, ...args]);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  test('required flags', () => {
    expect(parseError(['--events-per-second', '10']).message).toMatch(/^--bootstrap-servers is required/);
    expect(parseError(BROKER).message).toMatch(/^--events-per-second is required/);
    expect(parseError(['--bootstrap-servers', 'nohost', '--events-per-second', '1']).message).toMatch(
      /--bootstrap-servers: \["nohost"\]\. One or more host:port/,
    );
  });

  test('SASL: the password comes only from the environment and never appears in errors', () => {
    const sasl = [...BROKER, '--events-per-second', '10', '--sasl-mechanism', 'plain', '--sasl-username', 'u'];
    expect(parseError(sasl).message).toBe(
      `--sasl-mechanism plain needs the password in the environment variable ${PASSWORD_ENV}.`,
    );
    expect(parseError([...sasl, '--sasl-password', 'pw']).message).toMatch(/^Unknown option '--sasl-password'/);
    expect(
      parseError([...BROKER, '--events-per-second', '10', '--sasl-mechanism', 'gssapi', '--sasl-username', 'u'])
        .message,
    ).toMatch(/--sasl-mechanism: "gssapi"\. One of plain, scram-sha-256, scram-sha-512/);
    const error = parseError([...sasl, '--events-per-second', '0'], { [PASSWORD_ENV]: 'hunter2' });
    expect(error.message).not.toContain('hunter2');
    expect(parseError([...BROKER, '--events-per-second', '10', '--sasl-mechanism', 'plain']).message).toMatch(
      /needs --sasl-username/,
    );
  });
});

test('resolveOptions names the option in its errors (library callers)', () => {
  expect(() => resolveOptions({ brokers: ['h:1'], eventsPerSecond: 0 })).toThrow(SimulatorOptionError);
  expect(() => resolveOptions({ brokers: ['h:1'], eventsPerSecond: Number.NaN })).toThrow(/eventsPerSecond/);
  expect(() => resolveOptions({ brokers: [], eventsPerSecond: 1 })).toThrow(/brokers/);
  expect(() =>
    resolveOptions({ brokers: ['h:1'], eventsPerSecond: 1, maxEvents: 2, instanceCount: 3, devices: 3 }),
  ).toThrow(/maxEvents/);
  expect(() =>
    resolveOptions({ brokers: ['h:1'], eventsPerSecond: 1, sasl: { mechanism: 'plain', username: 'u', password: '' } }),
  ).toThrow(/needs a password/);
});

describe('simulator/Dockerfile', () => {
  const dockerfile = readFileSync(path.join(REPO_ROOT, 'simulator', 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  test('node:24-slim, copies the CLI bundle, runs it', () => {
    expect(instructions[0]).toBe('FROM node:24-slim');
    expect(instructions.filter((i) => i.startsWith('FROM'))).toHaveLength(1);
    const copy = instructions.filter((i) => i.startsWith('COPY'));
    expect(copy).toEqual(['COPY dist/simulator/ /app/dist/simulator/']);
    const entry = instructions.find((i) => i.startsWith('ENTRYPOINT'))!;
    expect(JSON.parse(entry.slice('ENTRYPOINT'.length))).toEqual(['node', '/app/dist/simulator/index.js']);
    expect(instructions).toContain('USER node'); // not root
  });

  test('the bundle path is where the build puts the simulator CLI', () => {
    // The lead's build bundles simulator/src/cli.ts with ncc to dist/simulator/index.js.
    const build = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts.build!;
    if (build.includes('simulator')) expect(build).toContain('ncc build simulator/src/cli.ts -o dist/simulator');
    expect(readFileSync(path.join(REPO_ROOT, 'simulator', 'src', 'cli.ts'), 'utf8')).toContain('main()');
  });
});
