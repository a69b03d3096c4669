/** checkPaths: every path input checked before a mode starts, one InputError each, nothing created. */
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { checkPaths } from '../../src/config/paths.js';
import { InputError } from '../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sas-paths-'));
  await mkdir(path.join(dir, 'folder'));
  await writeFile(path.join(dir, 'file'), 'x');
  await writeFile(path.join(dir, 'report.json'), '{}');
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const at = (name: string) => path.join(dir, name);
/** Values starting with @ are paths in the test's folder. */
const check = (raw: RawInputs) => {
  const inputs = Object.fromEntries(
    Object.entries({ 'work-dir': at('work'), ...raw }).map(([name, value]) => [
      name,
      value?.startsWith('@') ? at(value.slice(1)) : value,
    ]),
  );
  return checkPaths(parseConfig(inputs, {}));
};

async function failure(raw: RawInputs): Promise<InputError> {
  const error = await check(raw).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('checkPaths', () => {
  it.each<[string, RawInputs, string, RegExp]>([
    [
      'a missing baseline',
      { mode: 'measure', 'baseline-report': 'missing.json' },
      'baseline-report',
      /No such file \(.+missing\.json\)/,
    ],
    ['a baseline that is a folder', { mode: 'run', 'baseline-report': '@folder' }, 'baseline-report', /It is a folder/],
    [
      'a report file that is a folder',
      { mode: 'measure', 'report-file': '@folder' },
      'report-file',
      /It is a folder .*report\.json/,
    ],
    [
      'a summary file that is a folder',
      { mode: 'measure', 'summary-file': '@folder' },
      'summary-file',
      /It is a folder .*summary\.md/,
    ],
    [
      'a report file under a file',
      { mode: 'measure', 'report-file': '@file/r.json' },
      'report-file',
      /file is a file, so the folder of this file cannot be created/,
    ],
    [
      'a report file under /proc',
      { mode: 'ab', 'report-file': '/proc/sas/r.json' },
      'report-file',
      /under \/proc, a kernel file system/,
    ],
    [
      'a comment report that is missing',
      { mode: 'comment', 'pull-request': '1', 'report-file': '@nope.json' },
      'report-file',
      /No such file/,
    ],
    ['a work dir that is a file', { mode: 'deploy', 'work-dir': '@file' }, 'work-dir', /It is a file .*, not a folder/],
    [
      'a work dir under a file',
      { mode: 'measure', 'work-dir': '@file/runs' },
      'work-dir',
      /file is a file, so this folder cannot be created there/,
    ],
    ['a work dir under /proc', { mode: 'deploy', 'work-dir': '/proc/sas' }, 'work-dir', /\/proc\/sas is under \/proc/],
    ['the work dir /proc', { mode: 'measure', 'work-dir': '/proc' }, 'work-dir', /under \/proc/],
    ['a work dir under /sys', { mode: 'run', 'work-dir': '/sys/kernel/sas' }, 'work-dir', /under \/sys/],
    [
      'a work dir reached through a link into /proc',
      { mode: 'teardown', 'work-dir': '/dev/fd/sas' },
      'work-dir',
      /under \/proc/,
    ],
  ])('refuses %s', async (_what, raw, input, message) => {
    const error = await failure(raw);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });

  it('passes good paths and creates nothing (a missing work dir and report folder are created later)', async () => {
    await check({
      mode: 'measure',
      'baseline-report': at('report.json'),
      'report-file': at('out/deeper/report.json'),
      'summary-file': at('summary.md'),
      'work-dir': at('new/work'),
    });
    await check({ mode: 'measure', 'report-file': at('report.json'), 'work-dir': at('folder') });
    await check({ mode: 'comment', 'pull-request': '1', 'report-file': at('report.json') });
    expect((await readdir(dir)).sort()).toEqual(['file', 'folder', 'report.json']);
    expect(await readdir(at('folder'))).toEqual([]); // the probe file is gone
  });

  it('leaves the work dir alone in modes that do not use it', async () => {
    await checkPaths(
      parseConfig(
        { mode: 'comment', 'pull-request': '1', 'report-file': at('report.json'), 'work-dir': at('file') },
        {},
      ),
    );
  });

  const root = process.getuid?.() === 0;
  (root ? it.skip : it)('refuses a work dir that is not writable', async () => {
    await chmod(at('folder'), 0o555);
    const error = await failure({ mode: 'deploy', 'work-dir': at('folder/work') });
    expect(error.message).toMatch(/is not writable \(permission denied\)/);
  });
});
