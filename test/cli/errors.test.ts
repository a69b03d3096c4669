/**
 * What the CLI and the action print for an error: one line for what the user can fix (known Node
 * system errors, Kafka out of reach, bad inputs, capped and without secrets), the stack for a bug.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { errorMessage, InputError } from '../../src/errors.js';
import { kafkaClient } from '../../src/kafka/client.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sas-errors-'));
  await writeFile(path.join(dir, 'file'), 'x');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const thrown = (work: () => Promise<unknown>) =>
  work().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );

describe('errorMessage', () => {
  it.each<[string, () => Promise<unknown>, RegExp]>([
    [
      'ENOENT',
      () => readFile(path.join(dir, 'missing.json')),
      /^'.+missing\.json' does not exist: check the path .*\(ENOENT on open\)$/,
    ],
    [
      'EISDIR',
      () => readFile(dir),
      /^'?.*is a folder, where a file was expected: give a file's path\. \(EISDIR on read\)$/,
    ],
    [
      'ENOTDIR',
      () => writeFile(path.join(dir, 'file', 'x.json'), ''),
      /^'.+file\/x\.json': a part of this path is a file, where a folder was expected: fix the path\. \(ENOTDIR on open\)$/,
    ],
  ])('says what %s means, in one line', async (_code, work, message) => {
    const text = errorMessage(await thrown(work));
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it.each([
    ['EACCES', /permission denied: choose a path this user may write/],
    ['EROFS', /is on a read-only file system: choose a writable folder/],
  ])('says what %s means', (code, message) => {
    const error = Object.assign(new Error(`${code}: x, open '/data/report.json'`), {
      code,
      syscall: 'open',
      path: '/data/report.json',
    });
    expect(errorMessage(error)).toMatch(new RegExp(`^'/data/report.json'.*${message.source}.*\\(${code} on open\\)$`));
  });

  it('says a Kafka broker is out of reach, naming it, without a stack', async () => {
    const admin = kafkaClient({ bootstrapServers: '127.0.0.1:1' }, 'test').admin();
    const text = errorMessage(await thrown(() => admin.connect()));
    expect(text).toMatch(
      /^Cannot reach Kafka at 127\.0\.0\.1:1 \(Connection error: connect ECONNREFUSED 127\.0\.0\.1:1\): the broker is not running/,
    );
    expect(text).not.toContain('\n');
  });

  it('keeps the stack of anything else (a bug)', () => {
    const bug = new TypeError('x is undefined');
    expect(errorMessage(bug)).toBe(bug.stack);
  });

  it('replaces secrets in the line', () => {
    expect(errorMessage(new Error('token ghp_secret123 refused'), ['ghp_secret123', ''])).toMatch(
      /^Error: token \*\*\* refused/,
    );
  });
});

describe('InputError', () => {
  it('repeats at most 100 characters of the value, and says how long it was', () => {
    const error = new InputError('tier', 'a'.repeat(100_000), 'Allowed: 1, 5 or 10.');
    expect(error.message).toBe(
      `Invalid input 'tier': "${'a'.repeat(100)}"… (100,000 characters). Allowed: 1, 5 or 10.`,
    );
    expect(new InputError('tier', 'abc', 'Allowed.').message).toBe(`Invalid input 'tier': "abc". Allowed.`);
  });

  it("never repeats a secret input's value", () => {
    const error = new InputError('github-token', 'ghp_0123456789', 'Expected a token.');
    expect(error.message).toBe("Invalid input 'github-token': (value hidden). Expected a token.");
  });
});
