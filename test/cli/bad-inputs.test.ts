/**
 * The bad inputs of test/fixtures/bad-inputs.ts on the real CLI (bin/streaming-at-scale.js, which
 * runs the committed bundle dist/cli/index.js): each fails with exactly one `error:` line holding
 * the expected text, no stack trace, no secret, and leaves its folder as it was.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processStartTime } from '../../src/platforms/local/processes.js';
import { BAD_INPUTS, BIG, BIG_VALUE, LIVE_PID, LIVE_START_TIME, type BadInput } from '../fixtures/bad-inputs.js';
import { REPO_ROOT, runCommand } from '../helpers/processes.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sas-bad-inputs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file and folder under `dir` with a hash of its content: what must not change. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries) {
    const file = path.join(entry.parentPath, entry.name);
    const name = path.relative(dir, file);
    files[name] = entry.isDirectory()
      ? 'folder'
      : createHash('sha256')
          .update(await readFile(file))
          .digest('hex');
  }
  return files;
}

async function prepare(dir: string, files: Record<string, string>): Promise<void> {
  const live = { pid: String(process.pid), startTime: processStartTime(process.pid) ?? '' };
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    if (name.endsWith('/')) {
      await mkdir(file, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content.replace(`"${LIVE_PID}"`, live.pid).replace(LIVE_START_TIME, live.startTime));
  }
}

const label = (input: BadInput) =>
  `${input.argv.join(' ').replace(BIG, '<100 KB>')}${input.given ? ` (${input.given})` : ''}`;

describe('bad inputs on the CLI', () => {
  it.each(BAD_INPUTS.map((input) => [label(input), input] as const))('%s', async (_label, input) => {
    const dir = await mkdtemp(path.join(root, 'case-'));
    await prepare(dir, input.files ?? {});
    const before = await snapshot(dir);
    const argv = input.argv.map((arg) => (arg === BIG ? BIG_VALUE : arg));
    const result = await runCommand(process.execPath, [BIN, ...argv], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      timeoutMs: 60_000,
    });
    const output = result.stdout + result.stderr;
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));

    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull(); // not killed by the timeout
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(pattern(input.error));
    expect(errors[0]!.length).toBeLessThan(1000);
    expect(output).not.toMatch(/^\s+at /m);
    if (input.warning) expect(result.stderr).toMatch(new RegExp(`^warning: .*${escape(input.warning)}`, 'm'));
    const token = argv[argv.indexOf('--github-token') + 1];
    if (argv.includes('--github-token')) expect(output).not.toContain(token);
    expect(await snapshot(dir)).toEqual(before);
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The fixture's error text, ' ... ' matching anything. */
const pattern = (text: string) => new RegExp(text.split(' ... ').map(escape).join('.*'));
