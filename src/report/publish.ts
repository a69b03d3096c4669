/**
 * Publishes a report where users look: the JSON file, the job summary (and --summary-file), the
 * action outputs, the PR comment; then fails the step when the gate failed.
 */
import path from 'node:path';
import { UserError } from '../errors.js';
import {
  commentOnPullRequest,
  commentSubject,
  type CommentOutcome,
  type CommentSubject,
} from '../github/pr-comment.js';
import type { ModeContext } from '../platforms/platform.js';
import type { RunState } from '../run-state/run-state.js';
import { reportOutputs } from './outputs.js';
import { currentRunArtifactsUrl, fitSections, fullReportReference, SUMMARY_LIMIT, toolDocUrl } from './limits.js';
import { renderSections, type MarkdownSection } from './render.js';
import type { BenchmarkReport } from './schema.js';
import { publishSummary, writeReport } from './summary.js';

export async function publishReport(ctx: ModeContext, state: RunState, report: BenchmarkReport): Promise<void> {
  const { config, reporter } = ctx;
  const reportFile = path.resolve(config.reportFile ?? path.join(state.runDir, 'report.json'));
  await writeReport(reportFile, report);
  reporter.info(`Report: ${reportFile}`);

  reporter.setOutput('report-file', reportFile);
  for (const [name, value] of Object.entries(reportOutputs(report))) reporter.setOutput(name, value);
  const sections = renderSections(report, { costDocUrl: toolDocUrl(process.env, 'docs/cost.md') });
  await publishSections(ctx, sections, commentSubject(report), reportFile);

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

/**
 * A written report's sections in the job summary (fitted to its limit) and in the pull request
 * comment under the comment policy, both pointing to the whole report in this run's artifacts when
 * shortened. Measure and ab publish through it; a fork's read-only token only warns.
 */
export async function publishSections(
  ctx: Pick<ModeContext, 'config' | 'reporter'>,
  sections: MarkdownSection[],
  subject: CommentSubject,
  reportFile: string,
): Promise<CommentOutcome> {
  const { config, reporter } = ctx;
  const fullReport = fullReportReference(currentRunArtifactsUrl(process.env), reportFile);
  const summary = fitSections(sections, SUMMARY_LIMIT, fullReport);
  await publishSummary(summary.markdown, { reporter, summaryFile: config.summaryFile });
  return commentOnPullRequest(subject, sections, { config, reporter, fullReport });
}
