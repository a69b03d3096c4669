/**
 * Publishes a report where users look: the JSON file, the job summary (and --summary-file), the
 * action outputs, the PR comment; then fails the step when the gate failed.
 */
import path from 'node:path';
import { UserError } from '../errors.js';
import { commentOnPullRequest } from '../github/pr-comment.js';
import type { ModeContext } from '../platforms/platform.js';
import type { RunState } from '../run-state/run-state.js';
import { reportOutputs } from './outputs.js';
import { currentRunArtifactsUrl, fitSections, fullReportReference, SUMMARY_LIMIT, toolDocUrl } from './limits.js';
import { renderSections } from './render.js';
import type { BenchmarkReport } from './schema.js';
import { publishSummary, writeReport } from './summary.js';

export async function publishReport(ctx: ModeContext, state: RunState, report: BenchmarkReport): Promise<void> {
  const { config, reporter } = ctx;
  const reportFile = path.resolve(config.reportFile ?? path.join(state.runDir, 'report.json'));
  await writeReport(reportFile, report);
  reporter.info(`Report: ${reportFile}`);

  const sections = renderSections(report, { costDocUrl: toolDocUrl(process.env, 'docs/cost.md') });
  const fullReport = fullReportReference(currentRunArtifactsUrl(process.env), reportFile);
  const summary = fitSections(sections, SUMMARY_LIMIT, fullReport);
  await publishSummary(summary.markdown, { reporter, summaryFile: config.summaryFile });
  reporter.setOutput('report-file', reportFile);
  for (const [name, value] of Object.entries(reportOutputs(report))) reporter.setOutput(name, value);
  await commentOnPullRequest(report, sections, { config, reporter, fullReport });

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
