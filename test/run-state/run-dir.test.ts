/**
 * A run's folder is the work dir + its run id, whatever a state file says: teardown deletes only
 * that folder, a state file of another folder is refused, a corrupt one is named.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import { UserError } from '../../src/errors.js';
import { runMode } from '../../src/modes/index.js';
import { deleteRunDir, latestRunId, loadRun, runDirOf } from '../../src/run-state/run-state.js';
import { stateJson } from '../fixtures/run-state.js';
import { recordingReporter } from '../fixtures/report/recording-reporter.js';

let root: string;
let workDir: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sas-run-dir-'));
  workDir = path.join(root, 'work');
  await mkdir(workDir);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), content);
}

const config = (mode: string, runId?: string) =>
  parseConfig({ mode, 'work-dir': workDir, ...(runId ? { 'run-id': runId } : {}) }, {});

describe('teardown deletes the run folder of work dir + run id, nothing else', () => {
  it("ignores the state file's runDir: a sibling it points at keeps its files", async () => {
    await put('work/sibling/sentinel', 'keep');
    await put('work/r1/state.json', stateJson('r1', { runDir: path.join(workDir, 'sibling') }));
    const reporter = recordingReporter();
    await runMode({ config: config('teardown', 'r1'), reporter, signal: new AbortController().signal });
    expect(existsSync(path.join(workDir, 'r1'))).toBe(false);
    expect(await readFile(path.join(workDir, 'sibling', 'sentinel'), 'utf8')).toBe('keep');
    expect(reporter.infos).toContain(`Stopped run r1 and deleted ${path.join(workDir, 'r1')}.`);
  });

  it('a state whose runDir is the work dir or its parent deletes neither', async () => {
    await put('sentinel', 'keep');
    await put('work/r2/sentinel', 'keep');
    await put('work/r1/state.json', stateJson('r1', { runDir: root }));
    await runMode({
      config: config('teardown', 'r1'),
      reporter: recordingReporter(),
      signal: new AbortController().signal,
    });
    expect(await readFile(path.join(root, 'sentinel'), 'utf8')).toBe('keep');
    expect(await readFile(path.join(workDir, 'r2', 'sentinel'), 'utf8')).toBe('keep');
  });

  it.each(['..', '.', '', 'a/b', '../x', '/tmp', '.hidden'])('deleteRunDir refuses run id %j', async (runId) => {
    await put('sentinel', 'keep');
    await put('work/sentinel', 'keep');
    await expect(deleteRunDir({ workDir }, runId)).rejects.toThrow(/Refusing to delete/);
    expect(await readFile(path.join(root, 'sentinel'), 'utf8')).toBe('keep');
    expect(await readFile(path.join(workDir, 'sentinel'), 'utf8')).toBe('keep');
  });

  it('loadRun gives the folder of the run id as its runDir', async () => {
    await put('work/r1/state.json', stateJson('r1', { runDir: '/' }));
    expect((await loadRun(config('measure', 'r1'))).runDir).toBe(runDirOf({ workDir }, 'r1'));
  });
});

describe('state files that are not a run of their folder', () => {
  it("refuses a state whose runId is not its folder's name", async () => {
    await put('work/r1/state.json', stateJson('r2'));
    const loading = loadRun(config('teardown', 'r1'));
    await expect(loading).rejects.toThrow(UserError);
    await expect(loadRun(config('teardown', 'r1'))).rejects.toThrow(
      /is the state of run "r2", not of run 'r1' \(its folder\): it was copied or edited; delete the folder/,
    );
    // teardown deletes nothing then.
    await expect(
      runMode({
        config: config('teardown', 'r1'),
        reporter: recordingReporter(),
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(UserError);
    expect(existsSync(path.join(workDir, 'r1', 'state.json'))).toBe(true);
  });

  it('names a corrupt state file asked for by run id', async () => {
    await put('work/r1/state.json', '{"runId": ');
    const file = path.join(workDir, 'r1', 'state.json');
    await expect(loadRun(config('measure', 'r1'))).rejects.toThrow(UserError);
    await expect(loadRun(config('measure', 'r1'))).rejects.toThrow(
      new RegExp(`^State file ${file} is not valid JSON: .+; delete the folder ${path.join(workDir, 'r1')} `),
    );
  });

  it('without a run id, skips a corrupt or foreign state with a warning naming it and takes the latest good run', async () => {
    await put('work/bad/state.json', 'not json');
    await put('work/copied/state.json', stateJson('other', { createdAt: '2027-01-01T00:00:00.000Z' }));
    await put('work/good/state.json', stateJson('good'));
    await put('work/.hidden/state.json', stateJson('.hidden', { createdAt: '2028-01-01T00:00:00.000Z' }));
    const warnings: string[] = [];
    expect(await latestRunId(workDir, (message) => warnings.push(message))).toBe('good');
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Skipping run 'bad' when looking for the latest run: State file ${path.join(workDir, 'bad', 'state.json')} is not valid JSON`,
        ),
      ),
      expect.stringContaining(
        `Skipping run 'copied' when looking for the latest run: State file ${path.join(workDir, 'copied', 'state.json')} is the state of run "other"`,
      ),
    ]);
    const reporter = recordingReporter();
    expect((await loadRun(config('measure'), (message) => reporter.warning(message))).runId).toBe('good');
    expect(reporter.warnings).toHaveLength(2);
  });
});
