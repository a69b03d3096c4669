/**
 * Mode ab with a measurement that cannot be valid: a load generator asked for more than it can
 * produce makes the comparison inconclusive after the first run, and the step says so loudly
 * without failing. It compares nothing, so it runs beside the other tests (a loaded machine only
 * makes the generator fall shorter); ab-local.test.ts has the A/A case.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AB_TIMEOUT_MS, abOnThisCheckout } from '../helpers/ab-checkouts.js';
import { processesOf } from '../helpers/processes.js';

let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-ab-'));
});

afterEach(async () => {
  // Each run tears down its own processes; none may outlive the comparison.
  expect(processesOf(workDir)).toEqual([]);
  await rm(workDir, { recursive: true, force: true });
});

test(
  'a load generator asked for more than it can produce: inconclusive after the first run, and the step says so loudly without failing',
  async () => {
    const { code, output, report } = await abOnThisCheckout(workDir, [
      '--rounds',
      '2',
      '--tier',
      '300000',
      '--partitions',
      '1',
      '--parallelism',
      '1',
      '--simulator-instances',
      '1',
    ]);
    expect({ code, verdict: report.verdict }).toEqual({ code: 0, verdict: 'inconclusive' });
    expect(report.runs).toHaveLength(1);
    expect(report.stoppedEarly).toMatch(/^Stopped after round 1, base: the measurement is invalid/);
    expect(report.reasons).toEqual([
      expect.stringMatching(/^Round 1, base: the load generator itself fell \d+\.\d% short of its schedule/),
    ]);
    expect(output).toContain('A/B gate INCONCLUSIVE: the measurement is not valid');
  },
  AB_TIMEOUT_MS,
);
