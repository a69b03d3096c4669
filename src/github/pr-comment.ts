/**
 * One pull request comment per pull request and benchmark, found again by a hidden HTML marker and
 * updated in place on re-runs, through @actions/github's Octokit. A 403 (a fork's read-only token)
 * is a warning, never a failed run: the numbers are in the job summary either way.
 */
import * as github from '@actions/github';
import type { Config } from '../config/config.js';
import type { CommentPolicy, PlatformName } from '../config/inputs.js';
import type { Reporter } from '../console/reporter.js';
import { isABReport, type ABReport } from '../gate/ab/report.js';
import { COMMENT_LIMIT, fitSections } from '../report/limits.js';
import type { MarkdownSection } from '../report/render.js';
import type { BenchmarkReport } from '../report/schema.js';

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

export type CommentOutcome =
  | { action: 'created' | 'updated'; commentId: number; url: string }
  | { action: 'skipped'; reason: string }
  | { action: 'forbidden'; reason: string };

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

/** What a benchmark report and an A/B report both say about the configuration they measured. */
export interface BenchmarkConfiguration {
  platform: PlatformName;
  job: string;
  tier: { name: string; eventsPerSecond: number };
}

/** A key per benchmark configuration, so two benchmarks in one pull request keep two comments. */
export function benchmarkKey(report: BenchmarkConfiguration): string {
  const tier = report.tier.name === 'custom' ? `${report.tier.eventsPerSecond}eps` : `tier${report.tier.name}`;
  return `${report.platform}/${report.job}/${tier}`;
}

/** The hidden marker; the key is reduced to characters that cannot end an HTML comment. */
export function commentMarker(key: string): string {
  return `<!-- streaming-at-scale:${key.replace(/[^A-Za-z0-9._/:-]/g, '-').replace(/-{2,}/g, '-')} -->`;
}

/** Which comment a report updates (its key) and what the comment policy judges (its verdict). */
export interface CommentSubject {
  key: string;
  verdict: 'pass' | 'fail';
}

/**
 * The comment subject of either report kind. An A/B comparison gets its own comment beside a
 * benchmark of the same configuration (`ab/` before the key). Its inconclusive verdict counts as a
 * failure for the `on-failure` policy: the measurement needs attention, and saying nothing would
 * read as a pass.
 */
export function commentSubject(report: BenchmarkReport | ABReport): CommentSubject {
  if (isABReport(report)) {
    return { key: `ab/${benchmarkKey(report)}`, verdict: report.verdict === 'pass' ? 'pass' : 'fail' };
  }
  return { key: benchmarkKey(report), verdict: report.gate.verdict };
}

export function shouldComment(policy: CommentPolicy, verdict: 'pass' | 'fail'): boolean {
  return policy === 'always' || (policy === 'on-failure' && verdict === 'fail');
}

/** The pull request of a pull_request(_target) event; null for any other event. */
export function pullRequestFromContext(
  context: Pick<typeof github.context, 'eventName' | 'payload' | 'repo'> = github.context,
): PullRequestRef | null {
  if (!PULL_REQUEST_EVENTS.includes(context.eventName)) return null;
  const number = context.payload.pull_request?.number;
  if (typeof number !== 'number') return null;
  return { ...context.repo, number };
}

/**
 * The comment body: the marker first (hidden when rendered), then the sections, shortened to fit
 * COMMENT_LIMIT (src/report/limits.ts) with a pointer to `fullReport`.
 */
export function commentBody(key: string, sections: MarkdownSection[], fullReport: string): string {
  const marker = commentMarker(key);
  return `${marker}\n${fitSections(sections, COMMENT_LIMIT, fullReport, marker.length + 1).markdown}`;
}

export interface UpsertOptions {
  token: string;
  pullRequest: PullRequestRef;
  benchmarkKey: string;
  sections: MarkdownSection[];
  /** Markdown naming where the whole report is, for a comment that had to be shortened. */
  fullReport: string;
  reporter: Reporter;
  /** The REST API root; GITHUB_API_URL (set on every runner, GHES included) by default. */
  baseUrl?: string;
}

/** Creates the benchmark's comment on the pull request, or updates it when the marker is found. */
export async function upsertPullRequestComment(options: UpsertOptions): Promise<CommentOutcome> {
  const { owner, repo, number } = options.pullRequest;
  const octokit = github.getOctokit(options.token, {
    baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
  });
  const marker = commentMarker(options.benchmarkKey);
  const body = commentBody(options.benchmarkKey, options.sections, options.fullReport);
  try {
    let existing: { id: number } | undefined;
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
    });
    for await (const page of pages) {
      existing = page.data.find((comment) => comment.body?.includes(marker));
      if (existing) break;
    }
    if (existing) {
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      options.reporter.info(`Updated the benchmark comment on pull request #${number}: ${data.html_url}`);
      return { action: 'updated', commentId: data.id, url: data.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    options.reporter.info(`Commented on pull request #${number}: ${data.html_url}`);
    return { action: 'created', commentId: data.id, url: data.html_url };
  } catch (error) {
    if (statusOf(error) !== 403) throw error;
    const reason =
      `Cannot comment on pull request #${number} (403: ${(error as Error).message}). ` +
      'A pull request from a fork gets a read-only token; the results are in the job summary. ' +
      "Elsewhere, grant the job 'permissions: pull-requests: write'.";
    options.reporter.warning(reason);
    return { action: 'forbidden', reason };
  }
}

/** The commit a pull request's head is at now. */
export async function pullRequestHeadSha(
  token: string,
  pullRequest: PullRequestRef,
  baseUrl = process.env.GITHUB_API_URL ?? 'https://api.github.com',
): Promise<string> {
  const { owner, repo, number } = pullRequest;
  const { data } = await github.getOctokit(token, { baseUrl }).rest.pulls.get({ owner, repo, pull_number: number });
  return data.head.sha;
}

export interface PublishOptions extends Omit<UpsertOptions, 'token' | 'pullRequest'> {
  policy: CommentPolicy;
  verdict: 'pass' | 'fail';
  token?: string;
  /** The pull request to comment on; null when the run is not for one (see pullRequestFromContext). */
  pullRequest: PullRequestRef | null;
}

/** Applies the comment policy, then upserts; every reason not to comment is said, none fails the run. */
export async function publishPullRequestComment(options: PublishOptions): Promise<CommentOutcome> {
  const skip = (reason: string): CommentOutcome => {
    options.reporter.info(reason);
    return { action: 'skipped', reason };
  };
  if (!shouldComment(options.policy, options.verdict)) {
    return skip(`No pull request comment: comment policy '${options.policy}' and the gate ${options.verdict}ed.`);
  }
  if (options.pullRequest === null) return skip('No pull request comment: this run is not for a pull request.');
  if (!options.token) {
    options.reporter.warning("No pull request comment: no 'github-token' was given.");
    return { action: 'skipped', reason: 'no token' };
  }
  return upsertPullRequestComment({ ...options, token: options.token, pullRequest: options.pullRequest });
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * What measure, ab and comment call after rendering: the comment policy, token and pull request
 * from the run's config and the workflow event, the key and verdict from the subject (see
 * commentSubject). Never throws for a fork's read-only token or a run outside a pull request.
 */
export function commentOnPullRequest(
  subject: CommentSubject,
  sections: MarkdownSection[],
  options: {
    config: Pick<Config, 'comment' | 'githubToken'>;
    reporter: Reporter;
    fullReport: string;
    pullRequest?: PullRequestRef | null;
  },
): Promise<CommentOutcome> {
  return publishPullRequestComment({
    policy: options.config.comment,
    verdict: subject.verdict,
    token: options.config.githubToken,
    pullRequest: options.pullRequest === undefined ? pullRequestFromContext() : options.pullRequest,
    benchmarkKey: subject.key,
    sections,
    fullReport: options.fullReport,
    reporter: options.reporter,
  });
}
