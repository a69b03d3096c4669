/**
 * The committed bundles, run the way their users run them: dist/index.js as the Actions runner does
 * (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), the CLI through bin/. Also checks
 * that dist/ was built from the committed sources (its manifest, dist/build.sha256).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { actionEnvironment, REPO_ROOT, runCommand } from '../helpers/processes.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');

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
  const MANIFEST_SCRIPT = path.join('scripts', 'tools', 'dist-manifest.mjs');
  const check = (root: string) =>
    runCommand(process.execPath, [path.join(root, MANIFEST_SCRIPT), '--check'], { env: { PATH: process.env.PATH } });

  // A full rebuild compared byte for byte is CI's dist job (minutes of ncc); here, the build's manifest.
  it('was built from the committed sources, and not edited since (dist/build.sha256)', async () => {
    const result = await check(REPO_ROOT);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^dist\/ matches dist\/build.sha256: \d+ files\./);
  });

  it('the check names a source changed without a rebuild, a bundle edited by hand and a file added', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sas-manifest-'));
    try {
      await mkdir(path.join(root, 'scripts', 'tools'), { recursive: true });
      await copyFile(path.join(REPO_ROOT, MANIFEST_SCRIPT), path.join(root, MANIFEST_SCRIPT));
      await mkdir(path.join(root, 'src'));
      await mkdir(path.join(root, 'dist', 'cli'), { recursive: true });
      await writeFile(path.join(root, 'src', 'index.ts'), 'export {};\n');
      await writeFile(path.join(root, 'package-lock.json'), '{}\n');
      await writeFile(path.join(root, 'dist', 'cli', 'index.js'), '"use strict";\n');
      const written = await runCommand(process.execPath, [path.join(root, MANIFEST_SCRIPT)]);
      expect(written.code).toBe(0);
      expect(await readFile(path.join(root, 'dist', 'build.sha256'), 'utf8')).toMatch(
        /^[0-9a-f]{64} {2}dist\/cli\/index.js\n[0-9a-f]{64} {2}package-lock.json\n[0-9a-f]{64} {2}src\/index.ts\n$/,
      );
      expect((await check(root)).code).toBe(0);

      await writeFile(path.join(root, 'src', 'index.ts'), 'export const changed = 1;\n');
      await writeFile(path.join(root, 'dist', 'cli', 'index.js'), '"use strict"; // edited\n');
      await writeFile(path.join(root, 'src', 'new.ts'), 'export {};\n');
      const stale = await check(root);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain(
        "dist/ was not built from these files (dist/build.sha256): dist/cli/index.js, src/index.ts, src/new.ts. Run 'npm run build' and commit dist/.",
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
