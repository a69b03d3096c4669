/**
 * One mode at a time on a run: the lock file names its holder, a live holder refuses a second
 * mode, a dead holder's lock is taken over, and deploy never overwrites an existing run.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import { runMode } from '../../src/modes/index.js';
import { processStartTime } from '../../src/platforms/local/processes.js';
import { LOCK_FILE, lockRun, RunLockedError } from '../../src/run-state/lock.js';
import { RunExistsError } from '../../src/run-state/run-state.js';
import { stateJson } from '../fixtures/run-state.js';
import { recordingReporter } from '../fixtures/report/recording-reporter.js';

let workDir: string;
let runDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-lock-'));
  runDir = path.join(workDir, 'r1');
  await mkdir(runDir);
  await writeFile(path.join(runDir, 'state.json'), stateJson('r1'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const lockFile = () => path.join(runDir, LOCK_FILE);
const holder = (startTime: string | undefined) =>
  JSON.stringify({ pid: process.pid, startTime, mode: 'load', since: '2026-01-01T00:00:00.000Z' });
const mode = (name: string, inputs: Record<string, string> = {}) =>
  runMode({
    config: parseConfig({ mode: name, 'work-dir': workDir, ...inputs }, {}),
    reporter: recordingReporter(),
    signal: new AbortController().signal,
  });

describe('lockRun', () => {
  it('writes the holder, refuses a second taker naming it, and is free again once released', async () => {
    const lock = (await lockRun(runDir, 'r1', 'measure'))!;
    const written = JSON.parse(await readFile(lockFile(), 'utf8'));
    expect(written).toMatchObject({ pid: process.pid, startTime: processStartTime(process.pid), mode: 'measure' });
    await expect(lockRun(runDir, 'r1', 'teardown')).rejects.toThrow(RunLockedError);
    await expect(lockRun(runDir, 'r1', 'teardown')).rejects.toThrow(
      new RegExp(`^Run 'r1' is in use: 'measure' \\(pid ${process.pid}, since .+\\) holds ${lockFile()}\\.`),
    );
    await lock.release();
    expect(existsSync(lockFile())).toBe(false);
    await (await lockRun(runDir, 'r1', 'teardown'))!.release();
    expect(await readdir(runDir)).toEqual(['state.json']); // no lock, no draft left
  });

  it("takes over the lock of a process that has ended (a pid now another process's)", async () => {
    await writeFile(lockFile(), holder('not-this-start-time'));
    const lock = (await lockRun(runDir, 'r1', 'measure'))!;
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ mode: 'measure' });
    await lock.release();
  });

  it('takes over an unreadable lock', async () => {
    await writeFile(lockFile(), '');
    await (await lockRun(runDir, 'r1', 'measure'))!.release();
  });

  it('has nothing to lock when the run folder is gone', async () => {
    expect(await lockRun(path.join(workDir, 'gone'), 'gone', 'measure')).toBeUndefined();
  });
});

describe('modes on a locked run', () => {
  it.each([['submit-flink'], ['load'], ['measure'], ['teardown']])(
    '%s refuses while a live process holds the run, and leaves its lock',
    async (name) => {
      await writeFile(lockFile(), holder(processStartTime(process.pid)));
      await expect(mode(name, { 'run-id': 'r1' })).rejects.toThrow(
        new RegExp(`Run 'r1' is in use: 'load' \\(pid ${process.pid},`),
      );
      // Without a run id too: the latest run is r1.
      await expect(mode(name)).rejects.toThrow(RunLockedError);
      expect(existsSync(lockFile())).toBe(true);
      expect(existsSync(path.join(runDir, 'state.json'))).toBe(true);
    },
  );

  it("teardown takes over a dead process's lock and tears the run down", async () => {
    await writeFile(lockFile(), holder('not-this-start-time'));
    await mode('teardown', { 'run-id': 'r1' });
    expect(existsSync(runDir)).toBe(false);
  });

  it('a mode that fails releases the lock', async () => {
    await expect(mode('submit-flink', { 'run-id': 'r1' })).rejects.toThrow(/has no Flink cluster/);
    expect(await readdir(runDir)).toEqual(['state.json']);
  });
});

describe('deploy with a run id that exists', () => {
  it.each([['deploy'], ['run']])('%s refuses and leaves the run as it was', async (name) => {
    const before = await readFile(path.join(runDir, 'state.json'), 'utf8');
    await expect(mode(name, { 'run-id': 'r1', minutes: '1' })).rejects.toThrow(RunExistsError);
    await expect(mode(name, { 'run-id': 'r1', minutes: '1' })).rejects.toThrow(
      /^Run 'r1' already exists \(.+state\.json\): tear it down first \('streaming-at-scale teardown --run-id r1'.*or deploy with another --run-id\.$/,
    );
    expect(await readFile(path.join(runDir, 'state.json'), 'utf8')).toBe(before);
    expect(await readdir(runDir)).toEqual(['state.json']);
  });
});
