/**
 * Publishes a report where users look: the JSON file, the job summary (and --summary-file), the
 * action outputs, the PR comment; then fails the step when the gate failed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { ModeContext } from '../platforms/platform.js';
import type { RunState } from '../run-state/run-state.js';
import { renderMarkdown } from './render.js';
import type { BenchmarkReport } from './schema.js';

export async function publishReport(ctx: ModeContext, state: RunState, report: BenchmarkReport): Promise<void> {
  const { config, reporter } = ctx;
  const reportFile = path.resolve(config.reportFile ?? path.join(state.runDir, 'report.json'));
  await mkdir(path.dirname(reportFile), { recursive: true });
  await writeFile(reportFile, JSON.stringify(report, null, 2) + '\n');
  reporter.info(`Report: ${reportFile}`);

  const markdown = renderMarkdown(report);
  await reporter.appendSummary(markdown);
  if (config.summaryFile) {
    await mkdir(path.dirname(path.resolve(config.summaryFile)), { recursive: true });
    await writeFile(config.summaryFile, markdown);
  }

  const steady = report.rampUp.steady;
  reporter.setOutput('report-file', reportFile);
  reporter.setOutput('verdict', report.gate.verdict);
  reporter.setOutput('steady-events-per-second', steady ? steady.meanPerSecond.toFixed(1) : '');
  reporter.setOutput('percent-of-target', steady ? steady.meanPercentOfTarget.toFixed(1) : '');
  reporter.setOutput('ramp-up-seconds', report.rampUp.rampUpSeconds ?? '');
  reporter.setOutput('p99-latency-ms', report.latencyMs.steady?.processed.p99.toFixed(1) ?? '');
  reporter.setOutput('lost-events', report.audit?.lost ?? '');

  reporter.info(`Ramp-up: ${report.rampUp.verdict}`);
  for (const reason of report.gate.reasons) {
    reporter.info(`  ${reason.skipped ? 'skip' : reason.passed ? 'pass' : 'FAIL'}  ${reason.check}: ${reason.detail}`);
  }
  if (report.gate.verdict === 'fail') {
    const failed = report.gate.reasons.filter((r) => !r.passed && !r.skipped).map((r) => r.detail);
    throw new UserError(`Performance gate failed: ${failed.join('; ')}`);
  }
  reporter.info('Performance gate passed.');
}
