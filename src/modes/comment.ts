/**
 * `comment`: posts or updates the pull request comment of a report that another run wrote, a
 * benchmark report (measure) or an A/B report (ab), each under its own key. The fork-safe PR gate
 * runs it from a `workflow_run` workflow (.github/workflows/perf-gate-comment.yml): the gate job of
 * a fork has a read-only token, so it uploads its report and this mode, with a write token and no
 * pull request code, comments. The report and the pull request number come from
 * that artifact: untrusted, so the report is checked strictly and, under a workflow_run event, the
 * pull request must be the one whose head that run benchmarked.
 */
import * as github from '@actions/github';
import path from 'node:path';
import {
  commentOnPullRequest,
  commentSubject,
  pullRequestHeadSha,
  type CommentOutcome,
  type PullRequestRef,
} from '../github/pr-comment.js';
import { UserError } from '../errors.js';
import { isABReport } from '../gate/ab/report.js';
import type { ModeContext } from '../platforms/platform.js';
import { renderABSections } from '../report/ab-render.js';
import { currentRunArtifactsUrl, fullReportReference, runArtifactsUrl, toolDocUrl } from '../report/limits.js';
import { renderSections } from '../report/render.js';
import { readUntrustedReport } from '../report/untrusted.js';

type EventContext = Pick<typeof github.context, 'eventName' | 'payload' | 'repo' | 'serverUrl'>;

export async function commentMode(ctx: ModeContext, context: EventContext = github.context): Promise<CommentOutcome> {
  const { config, reporter } = ctx;
  // parseConfig requires both for mode comment.
  const file = config.reportFile!;
  const pullRequest: PullRequestRef = { ...repository(context), number: config.pullRequest! };
  const report = await readUntrustedReport(file);

  const run = context.eventName === 'workflow_run' ? workflowRun(context.payload) : undefined;
  if (run && config.githubToken) {
    const head = await pullRequestHeadSha(config.githubToken, pullRequest);
    if (head !== run.headSha) {
      const reason =
        `No pull request comment: pull request #${pullRequest.number} is at ${head.slice(0, 12)}, not at ` +
        `${run.headSha.slice(0, 12)} that run ${run.id} benchmarked (a newer push, whose run comments, or a wrong number).`;
      reporter.warning(reason);
      return { action: 'skipped', reason };
    }
  }
  // The full report is an artifact of the run that benchmarked, not of this one.
  const artifacts = run
    ? runArtifactsUrl({
        serverUrl: context.serverUrl,
        repository: `${pullRequest.owner}/${pullRequest.repo}`,
        runId: run.id,
      })
    : currentRunArtifactsUrl(process.env);
  const fullReport = fullReportReference(artifacts, path.basename(file));
  const sections = isABReport(report)
    ? renderABSections(report)
    : renderSections(report, { costDocUrl: toolDocUrl(process.env, 'docs/cost.md') });
  return commentOnPullRequest(commentSubject(report), sections, { config, reporter, fullReport, pullRequest });
}

/** The repository to comment in: the workflow's own (GITHUB_REPOSITORY), never one named by the artifact. */
function repository(context: EventContext): EventContext['repo'] {
  try {
    return context.repo;
  } catch {
    throw new UserError("Mode 'comment' posts to the repository GITHUB_REPOSITORY names: set it to owner/name.");
  }
}

/** The triggering run of a workflow_run event, from GitHub's payload (trusted: GitHub writes it). */
function workflowRun(payload: EventContext['payload']): { id: number; headSha: string } {
  const run = payload.workflow_run as { id?: unknown; head_sha?: unknown } | undefined;
  if (typeof run?.id !== 'number' || typeof run.head_sha !== 'string') {
    throw new Error('The workflow_run event has no workflow_run.id and head_sha.');
  }
  return { id: run.id, headSha: run.head_sha };
}
