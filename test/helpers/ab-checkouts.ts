/**
 * Mode ab on checkouts of this project, as its own perf gate runs it: the bundled CLI comparing
 * this checkout with itself (base and head both REPO_ROOT), with short runs (30 s measured, a row
 * every 5 s) to keep the test command's time down.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ABReport } from '../../src/gate/ab/report.js';
import { REPO_ROOT, runCommand } from './processes.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');
const SHORT_RUNS = ['--minutes', '0.5', '--interval-seconds', '5', '--audit', 'false'];
export const AB_TIMEOUT_MS = 25 * 60_000;

/** Runs `ab` in `workDir` with `args` added; fails when it wrote no A/B report. */
export async function abOnThisCheckout(
  workDir: string,
  args: string[],
): Promise<{ code: number | null; output: string; report: ABReport }> {
  const reportFile = path.join(workDir, 'ab-report.json');
  const result = await runCommand(
    process.execPath,
    [BIN, 'ab', '--base', REPO_ROOT, '--head', REPO_ROOT, ...SHORT_RUNS, ...args, '--report-file', reportFile],
    { cwd: workDir, env: { PATH: process.env.PATH }, timeoutMs: AB_TIMEOUT_MS },
  );
  const output = result.stdout + result.stderr;
  if (!existsSync(reportFile)) throw new Error(`ab wrote no report (exit ${result.code}):\n${output.slice(-3000)}`);
  return { code: result.code, output, report: JSON.parse(await readFile(reportFile, 'utf8')) as ABReport };
}
