/**
 * The committed bundles, run the way their users run them: dist/index.js as the Actions runner does
 * (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), the CLI through bin/. Also checks
 * that dist/ is what a fresh build produces.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { actionEnvironment, REPO_ROOT, runCommand } from '../helpers/processes.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');
const NCC = path.join(REPO_ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

// [what, inputs, input named in the error]
const BAD_INPUTS: Array<[string, Record<string, string>, string]> = [
  ['unknown mode', { mode: 'explode' }, 'mode'],
  ['unknown platform', { mode: 'deploy', platform: 'gke' }, 'platform'],
  ['tier 0', { mode: 'deploy', tier: '0' }, 'tier'],
  ['tier -5', { mode: 'deploy', tier: '-5' }, 'tier'],
  ['tier abc', { mode: 'deploy', tier: 'abc' }, 'tier'],
  ['solution name with capitals', { mode: 'deploy', 'solution-name': 'MyBench' }, 'solution-name'],
  ['solution name with hyphens', { mode: 'deploy', 'solution-name': 'my-bench' }, 'solution-name'],
  ['solution name too long', { mode: 'deploy', 'solution-name': 'abcdefghijklmnopqrstuvwxyz' }, 'solution-name'],
  ['minutes 0', { mode: 'measure', minutes: '0' }, 'minutes'],
  ['minutes not a number', { mode: 'measure', minutes: 'ten' }, 'minutes'],
  ['azure without identity', { mode: 'deploy', platform: 'aks', 'solution-name': 'sasbench01' }, 'client-id'],
  ['contradicting inputs', { mode: 'measure', wait: 'true' }, 'wait'],
];

describe('dist/index.js run as the Actions runner runs it', () => {
  it.each(BAD_INPUTS)('%s: fails with an ::error:: naming the input', async (_what, inputs, input) => {
    const step = await actionEnvironment(inputs);
    const result = await runCommand(process.execPath, ['dist/index.js'], { env: step.env });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^::error::Invalid input '${input}'`, 'm'));
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await step.outputs()).toBe('');
  });

  it('an Azure mode without the id-token permission says how to fix it and fails', async () => {
    const step = await actionEnvironment({
      mode: 'cleanup',
      platform: 'hdinsight',
      'solution-name': 'sasbench01',
      'client-id': '11111111-2222-3333-4444-555555555555',
      'tenant-id': '66666666-7777-8888-9999-000000000000',
      'subscription-id': 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    });
    const result = await runCommand(process.execPath, ['dist/index.js'], { env: step.env });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/^::error::No GitHub OIDC token is available.*permissions: id-token: write/m);
  });
});

describe('the CLI', () => {
  it('prints help listing the modes', async () => {
    const result = await runCommand(process.execPath, [BIN, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: streaming-at-scale <mode>');
    expect(result.stdout).toContain('--solution-name');
  });

  it.each(BAD_INPUTS)('%s: the same error as the action', async (_what, inputs, input) => {
    const { mode, ...rest } = inputs;
    const flags = Object.entries(rest).flatMap(([name, value]) => [`--${name}`, value]);
    const result = await runCommand(process.execPath, [BIN, mode, ...flags], { env: { PATH: process.env.PATH } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: Invalid input '${input}'`, 'm'));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown option', async () => {
    const result = await runCommand(process.execPath, [BIN, 'deploy', '--bogus', 'x'], {
      env: { PATH: process.env.PATH },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: Unknown option '--bogus'. Run 'streaming-at-scale --help'");
  });
});

describe('dist/', () => {
  it('matches a fresh bundle of src/', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'sas-dist-'));
    for (const [entry, dir] of [
      ['src/index.ts', out],
      ['src/cli.ts', path.join(out, 'cli')],
      ['src/post.ts', path.join(out, 'post')],
      ['simulator/src/cli.ts', path.join(out, 'simulator')],
    ]) {
      const built = await runCommand(process.execPath, [NCC, 'build', entry, '-o', dir, '--license', 'licenses.txt'], {
        timeoutMs: 180_000,
      });
      expect(built.code).toBe(0);
    }
    const files = async (root: string): Promise<string[]> =>
      (await readdir(root, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
        .sort();
    const committed = path.join(REPO_ROOT, 'dist');
    expect(await files(committed)).toEqual(await files(out));
    for (const file of await files(out)) {
      const same = (await readFile(path.join(committed, file))).equals(await readFile(path.join(out, file)));
      expect({ file, same }).toEqual({ file, same: true }); // rebuild with `npm run build` and commit dist/
    }
  }, 300_000);
});
