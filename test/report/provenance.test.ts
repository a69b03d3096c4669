import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  baselineLine,
  formatAge,
  provenanceFrom,
  runnerDifferences,
  type MeasuredRun,
  type ProvenanceFacts,
} from '../../src/report/provenance.js';
import { readProvenance } from '../../src/report/provenance-io.js';
import { checkUntrustedReport } from '../../src/report/untrusted.js';
import type { Provenance } from '../../src/report/schema.js';
import { PROVENANCE, realisticReport } from '../fixtures/report/reports.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const MERGE_SHA = 'fedcba9876543210fedcba9876543210fedcba98';

const HOST: ProvenanceFacts['host'] = {
  hostname: 'laptop',
  platform: 'linux',
  arch: 'x64',
  cpuModels: ['AMD EPYC 7763 64-Core Processor', 'AMD EPYC 7763 64-Core Processor'],
  cpuCount: 2,
};

describe('provenanceFrom', () => {
  it('takes the commit of the checkout the tool runs from before GITHUB_SHA, and GITHUB_REF only for GITHUB_SHA', () => {
    // The pull request gate's base: its checkout is the base commit, GITHUB_SHA the merge commit.
    const base = provenanceFrom({
      env: { GITHUB_SHA: MERGE_SHA, GITHUB_REF: 'refs/pull/12/merge' },
      git: { head: SHA, ref: null, dirty: false },
      host: HOST,
    });
    expect(base).toMatchObject({ commit: SHA, ref: null, dirty: false });
    // The head: the checkout is GITHUB_SHA, so GITHUB_REF names it.
    const head = provenanceFrom({
      env: { GITHUB_SHA: MERGE_SHA, GITHUB_REF: 'refs/pull/12/merge' },
      git: { head: MERGE_SHA, ref: null, dirty: false },
      host: HOST,
    });
    expect(head).toMatchObject({ commit: MERGE_SHA, ref: 'refs/pull/12/merge' });
    // A branch checked out locally names itself.
    const local = provenanceFrom({ env: {}, git: { head: SHA, ref: 'refs/heads/feature', dirty: true }, host: HOST });
    expect(local).toMatchObject({ commit: SHA, ref: 'refs/heads/feature', dirty: true });
  });

  it('falls back to GITHUB_SHA without a checkout, and to null when neither is known', () => {
    const tarball = provenanceFrom({
      env: { GITHUB_SHA: SHA.toUpperCase(), GITHUB_REF: 'refs/heads/main' },
      git: null,
      host: HOST,
    });
    expect(tarball).toMatchObject({ commit: SHA, ref: 'refs/heads/main', dirty: null });
    expect(provenanceFrom({ env: { GITHUB_REF: 'refs/heads/main' }, git: null, host: HOST })).toMatchObject({
      commit: null,
      ref: null,
      dirty: null,
    });
    expect(provenanceFrom({ env: { GITHUB_SHA: 'not-a-sha' }, git: null, host: HOST }).commit).toBeNull();
  });

  it("names the runner from GitHub Actions' variables, else from the host, in Actions' spelling", () => {
    const actions = provenanceFrom({
      env: { RUNNER_NAME: 'GitHub Actions 3', RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64' },
      git: null,
      host: { ...HOST, platform: 'linux', arch: 'x64' },
    });
    expect(actions.runner).toEqual({
      name: 'GitHub Actions 3',
      os: 'Linux',
      arch: 'X64',
      cpuModel: 'AMD EPYC 7763 64-Core Processor',
      cpuCount: 2,
    });
    const mac = provenanceFrom({
      env: {},
      git: null,
      host: { hostname: 'mac.local', platform: 'darwin', arch: 'arm64', cpuModels: ['Apple M2'], cpuCount: 8 },
    });
    expect(mac.runner).toEqual({ name: 'mac.local', os: 'macOS', arch: 'ARM64', cpuModel: 'Apple M2', cpuCount: 8 });
    const bare = provenanceFrom({
      env: {},
      git: null,
      host: { hostname: '', platform: 'freebsd', arch: 'riscv64', cpuModels: ['', 'big  ', 'little'], cpuCount: 3 },
    });
    expect(bare.runner).toEqual({ name: null, os: 'freebsd', arch: 'RISCV64', cpuModel: 'big + little', cpuCount: 3 });
  });

  it('writes labels that the untrusted-report check accepts, whatever the machine calls itself', () => {
    const provenance = provenanceFrom({
      env: {
        GITHUB_SHA: SHA,
        GITHUB_REF: 'refs/heads/x`y',
        RUNNER_NAME: 'runner@host <b>\n[x](https://evil.example)',
        RUNNER_OS: 'Linux',
        RUNNER_ARCH: 'X64',
      },
      git: null,
      host: { ...HOST, cpuModels: ['Intel(R) Xeon(R) CPU @2.80GHz', 'x'.repeat(500)] },
    });
    expect(provenance.runner.name).toBe('runner@ host b [x] (https: //evil.example)');
    expect(provenance.runner.cpuModel).toBe(`Intel(R) Xeon(R) CPU @ 2.80GHz + ${'x'.repeat(200 - 33)}`);
    const report = { ...realisticReport(), provenance };
    expect(() => checkUntrustedReport(report, 'report.json')).not.toThrow();
  });
});

describe('provenanceFrom: labels that would be links in the comment', () => {
  it('spaces out the references, autolinks and commit hashes GitHub would link in a machine name or a ref', () => {
    const provenance = provenanceFrom({
      env: {
        GITHUB_SHA: SHA,
        GITHUB_REF: 'refs/heads/fix#12-gh-7-www.example.com',
        RUNNER_NAME: '3f4e5d6c7b8a [a][b] [c]: x &commat;y \\@z q@_w.v',
        RUNNER_OS: 'Linux',
        RUNNER_ARCH: 'X64',
      },
      git: null,
      host: { ...HOST, cpuModels: ['deadbeef0 on arc-runner-5d8f7c9b6-x2k4p'] },
    });
    expect(provenance.ref).toBe('refs/heads/fix# 12-gh- 7-www. example.com');
    expect(provenance.runner.name).toBe('3f4e5d 6c7b8a [a] [b] [c] : x & commat;y \\ @ z q@ _w.v');
    // Hex after - is no commit to GitHub: the pod name stays whole.
    expect(provenance.runner.cpuModel).toBe('deadbe ef0 on arc-runner-5d8f7c9b6-x2k4p');
    expect(() => checkUntrustedReport({ ...realisticReport(), provenance }, 'report.json')).not.toThrow();
  });
});

describe('runnerDifferences', () => {
  const runner = PROVENANCE.runner;
  it('compares what decides the figures, not the name (hosted runners are named per run)', () => {
    expect(runnerDifferences(runner, { ...runner, name: 'GitHub Actions 99' })).toEqual([]);
    expect(
      runnerDifferences(runner, { ...runner, cpuModel: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', cpuCount: 2 }),
    ).toEqual(['CPU model', 'CPU count']);
    expect(runnerDifferences(runner, { ...runner, os: 'Windows', arch: 'ARM64' })).toEqual(['OS', 'architecture']);
    expect(runnerDifferences(runner, { ...runner, cpuModel: null })).toEqual(['CPU model']);
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0 s'],
    [59.9, '59 s'],
    [60, '1 min'],
    [3599, '59 min'],
    [3600, '1 h'],
    [11_400, '3 h 10 min'],
    [11_459, '3 h 10 min'],
    [47 * 3600 + 59 * 60, '47 h 59 min'],
    [48 * 3600, '2 days'],
    [8 * 86_400 + 5 * 3600 + 59 * 60, '8 days 5 h'],
    [-600, '10 min'],
  ])('%d s -> %s (cut down, never rounded up)', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});

describe('baselineLine', () => {
  const current: MeasuredRun = { runId: 'head-run', startedAt: '2026-03-02T13:10:00.000Z', provenance: PROVENANCE };
  const baseline = (startedAt: string, provenance: Provenance | null | undefined): MeasuredRun => ({
    runId: 'base-run',
    startedAt,
    provenance,
  });
  const main: Provenance = { ...PROVENANCE, commit: SHA.replace('0123', 'abcd') };

  it("gives the baseline's short commit and ref, its run, its age relative to this run and its runner", () => {
    expect(baselineLine(current, baseline('2026-03-02T10:00:00.000Z', main))).toBe(
      'Baseline: commit `abcd456` on main (run `base-run`), measured 3 h 10 min before this run, ' +
        'on GitHub Actions 7 (Linux X64, AMD EPYC 7763 64-Core Processor, 4 CPUs).',
    );
  });

  it('flags plainly a baseline from another machine, naming what differs and this run’s machine', () => {
    const other: Provenance = {
      ...main,
      runner: { name: 'GitHub Actions 9', os: 'Linux', arch: 'X64', cpuModel: 'Intel Xeon 8370C', cpuCount: 2 },
    };
    expect(baselineLine(current, baseline('2026-03-02T13:00:00.000Z', other))).toBe(
      'Baseline: commit `abcd456` on main (run `base-run`), measured 10 min before this run, ' +
        'on GitHub Actions 9 (Linux X64, Intel Xeon 8370C, 2 CPUs). ' +
        '⚠️ Figures from another machine (CPU model, CPU count differ; this run: GitHub Actions 7 ' +
        '(Linux X64, AMD EPYC 7763 64-Core Processor, 4 CPUs)): compare with care.',
    );
  });

  it('flags a baseline more than 7 days older than this run, and not one of exactly 7 days', () => {
    const eightDays = baselineLine(current, baseline('2026-02-22T09:10:00.000Z', main));
    expect(eightDays).toContain('measured 8 days 4 h before this run');
    expect(eightDays).toContain(
      '⚠️ The baseline is more than 7 days older than this run: the runner image and dependencies may have changed since.',
    );
    expect(baselineLine(current, baseline('2026-02-23T13:10:00.000Z', main))).not.toContain('⚠️');
    expect(baselineLine(current, baseline('2026-03-01T13:10:00.000Z', main), { maxAgeDays: 0.5 })).toContain(
      'more than 0.5 days older',
    );
  });

  it('says when its runner or commit is not recorded (a report of an older version), and uncommitted changes', () => {
    expect(baselineLine(current, baseline('2026-03-02T13:09:30.000Z', undefined))).toBe(
      'Baseline: commit unknown (run `base-run`), measured 30 s before this run, runner not recorded. ' +
        '⚠️ Figures possibly from another machine: its report does not record its runner (written by an older version), compare with care.',
    );
    const old = { ...current, provenance: undefined };
    expect(baselineLine(old, baseline('2026-03-02T13:09:30.000Z', main))).toContain(
      '⚠️ Figures possibly from another machine: this report does not record its runner',
    );
    const dirty: Provenance = { ...main, commit: SHA, ref: null, dirty: true };
    expect(baselineLine(current, baseline('2026-03-02T13:09:30.000Z', dirty))).toMatch(
      /^Baseline: commit `0123456` with uncommitted changes \(run `base-run`\)/,
    );
  });

  it('serves the A/B gate: its own label, a base measured after the head, or at the same time', () => {
    expect(baselineLine(current, baseline('2026-03-02T13:16:00.000Z', main), { label: 'Base' })).toMatch(
      /^Base: commit `abcd456` on main \(run `base-run`\), measured 6 min after this run, on GitHub Actions 7/,
    );
    expect(baselineLine(current, baseline(current.startedAt, main))).toContain('measured at the same time as this run');
  });

  it('escapes markdown in texts from the report', () => {
    const odd: Provenance = { ...main, ref: 'refs/heads/a_b*c', runner: { ...main.runner, name: 'my_runner|1' } };
    const line = baselineLine(current, baseline('2026-03-02T13:00:00.000Z', odd));
    expect(line).toContain('on a\\_b\\*c (run');
    expect(line).toContain('on my\\_runner\\|1 (Linux X64');
  });
});

describe('readProvenance (this checkout, real git)', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' }).trim();
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sas-provenance-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads this project's checkout: its HEAD wins over GITHUB_SHA, and the machine from node:os", async () => {
    const root = path.resolve(import.meta.dirname, '..', '..');
    const provenance = await readProvenance({ root, env: { GITHUB_SHA: MERGE_SHA } });
    expect(provenance.commit).toBe(git(root, 'rev-parse', 'HEAD'));
    expect(provenance.runner.cpuCount).toBeGreaterThan(0);
    expect(typeof provenance.dirty).toBe('boolean');
  });

  it("does not take another repository's commit when the package sits inside it, nor fail without git", async () => {
    const outer = path.join(dir, 'outer');
    const inner = path.join(outer, 'node_modules', 'streaming-at-scale');
    await mkdir(inner, { recursive: true });
    await writeFile(path.join(inner, 'package.json'), '{"name": "streaming-at-scale"}');
    git(dir, 'init', '-q', outer);
    const env = { GITHUB_SHA: MERGE_SHA, GITHUB_REF: 'refs/heads/main', RUNNER_NAME: 'r1' };
    expect(await readProvenance({ root: inner, env })).toMatchObject({
      commit: MERGE_SHA,
      ref: 'refs/heads/main',
      dirty: null,
      runner: { name: 'r1' },
    });
    expect(await readProvenance({ root: path.join(dir, 'absent'), env: {} })).toMatchObject({
      commit: null,
      ref: null,
      dirty: null,
    });
  });
});
