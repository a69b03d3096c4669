import path from 'node:path';
import { startGitHubApiServer, type GitHubApiServer } from '../helpers/github-api-server.js';
import { recordingReporter } from '../fixtures/report/recording-reporter.js';
import { realisticReport } from '../fixtures/report/reports.js';
import { abReport, runs } from '../fixtures/report/ab-reports.js';
import { COMMENT_MAX_CHARACTERS } from '../../src/report/limits.js';
import { renderSections, type MarkdownSection } from '../../src/report/render.js';

// @actions/github reads the event when it is first imported: set the environment of a
// pull_request run before importing the module under test.
process.env.GITHUB_EVENT_NAME = 'pull_request';
process.env.GITHUB_EVENT_PATH = path.join(import.meta.dirname, '..', 'fixtures', 'github', 'pull_request.json');
process.env.GITHUB_REPOSITORY = 'octo-org/streaming-bench';
const prComment = await import('../../src/github/pr-comment.js');
const {
  commentBody,
  commentMarker,
  commentOnPullRequest,
  commentSubject,
  publishPullRequestComment,
  pullRequestFromContext,
  upsertPullRequestComment,
} = prComment;

const PR = { owner: 'octo-org', repo: 'streaming-bench', number: 42 };
const KEY = 'local/simple-relay/tier1';
const FULL_REPORT = '`report.json`';

/** A report of one section, rendered as `text` followed by a line break. */
const one = (text: string): MarkdownSection[] => [{ id: 'heading', markdown: text.replace(/\n$/, '') }];

describe('pullRequestFromContext', () => {
  it("reads the pull request from @actions/github's context (GITHUB_EVENT_PATH)", () => {
    expect(pullRequestFromContext()).toEqual(PR);
  });

  it('is null for other events', () => {
    expect(pullRequestFromContext({ eventName: 'push', payload: {}, repo: { owner: 'o', repo: 'r' } })).toBeNull();
    expect(
      pullRequestFromContext({ eventName: 'workflow_dispatch', payload: {}, repo: { owner: 'o', repo: 'r' } }),
    ).toBeNull();
  });
});

describe('comment body', () => {
  it('starts with the hidden marker of the benchmark', () => {
    expect(commentBody(KEY, one('## Report\n'), FULL_REPORT)).toBe(
      '<!-- streaming-at-scale:local/simple-relay/tier1 -->\n## Report\n',
    );
  });

  it('keeps the marker a valid HTML comment whatever the key', () => {
    expect(commentMarker('a -->b--c')).toBe('<!-- streaming-at-scale:a-b-c -->');
  });

  it('is the whole report when it fits', () => {
    const sections = renderSections(realisticReport());
    const body = commentBody(KEY, sections, FULL_REPORT);
    expect(body).toBe(`${commentMarker(KEY)}\n${sections.map((s) => s.markdown).join('\n\n')}\n`);
  });

  it('stays within the comment budget, marker included, for a 10,000-row report, and says what it left out', () => {
    const report = realisticReport();
    report.rows = Array.from({ length: 10_000 }, (_, index) => ({ ...report.rows[4], minute: index + 1 }));
    const body = commentBody(KEY, renderSections(report), FULL_REPORT);
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARACTERS);
    expect(body.startsWith(commentMarker(KEY))).toBe(true);
    expect(body).toContain('### Gate');
    expect(body).toMatch(
      /_Shortened to fit a pull request comment \(60,000 characters\): left out .*`report\.json`\._\n$/,
    );
  });
});

describe('upsertPullRequestComment against a local GitHub API', () => {
  let server: GitHubApiServer;
  beforeEach(async () => {
    server = await startGitHubApiServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const upsert = (markdown: string, reporter = recordingReporter(), key = KEY) =>
    upsertPullRequestComment({
      token: server.token,
      baseUrl: server.url,
      pullRequest: PR,
      benchmarkKey: key,
      sections: one(markdown),
      fullReport: FULL_REPORT,
      reporter,
    });

  it('creates the comment on the first run and updates the same comment on the next', async () => {
    server.seed(PR.owner, PR.repo, PR.number, ['Looks good to me']);
    const first = await upsert('## run 1\n');
    expect(first).toMatchObject({ action: 'created' });
    const second = await upsert('## run 2\n');
    expect(second).toMatchObject({ action: 'updated', commentId: (first as { commentId: number }).commentId });

    const comments = server.comments(PR.owner, PR.repo, PR.number);
    expect(comments.map((comment) => comment.body)).toEqual(['Looks good to me', `${commentMarker(KEY)}\n## run 2\n`]);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /repos/octo-org/streaming-bench/issues/42/comments',
      'POST /repos/octo-org/streaming-bench/issues/42/comments',
      'GET /repos/octo-org/streaming-bench/issues/42/comments',
      `PATCH /repos/octo-org/streaming-bench/issues/comments/${comments[1].id}`,
    ]);
    expect(server.requests[0].authorization).toBe(`token ${server.token}`);
  });

  it('keeps one comment per benchmark key', async () => {
    await upsert('## tier 1\n');
    await upsert('## tier 5\n', recordingReporter(), 'local/simple-relay/tier5');
    await upsert('## tier 1 again\n');
    expect(server.comments(PR.owner, PR.repo, PR.number).map((comment) => comment.body.split('\n')[1])).toEqual([
      '## tier 1 again',
      '## tier 5',
    ]);
  });

  it('finds the marker on the second page of comments (Link header pagination)', async () => {
    server.seed(
      PR.owner,
      PR.repo,
      PR.number,
      Array.from({ length: 120 }, (_, i) => `comment ${i}`),
    );
    server.seed(PR.owner, PR.repo, PR.number, [`${commentMarker(KEY)}\n## old\n`]);
    server.seed(PR.owner, PR.repo, PR.number, ['a later comment']);

    const outcome = await upsert('## new\n');
    expect(outcome.action).toBe('updated');
    const listed = server.requests.filter((request) => request.method === 'GET');
    expect(listed.map((request) => request.query.page ?? '1')).toEqual(['1', '2']);
    expect(listed[0].query.per_page).toBe('100');
    const comments = server.comments(PR.owner, PR.repo, PR.number);
    expect(comments).toHaveLength(122);
    expect(comments[120].body).toBe(`${commentMarker(KEY)}\n## new\n`);
  });

  it("warns, and does not fail, on a fork's read-only token (403)", async () => {
    server.readOnly = true;
    const reporter = recordingReporter();
    const outcome = await upsert('## run\n', reporter);
    expect(outcome.action).toBe('forbidden');
    expect(reporter.warnings).toHaveLength(1);
    expect(reporter.warnings[0]).toMatch(
      /Cannot comment on pull request #42 \(403: Resource not accessible by integration.*\)\. A pull request from a fork gets a read-only token/,
    );
    expect(server.comments(PR.owner, PR.repo, PR.number)).toEqual([]);
  });

  it('fails on other errors (a bad token answers 401)', async () => {
    await expect(
      upsertPullRequestComment({
        token: 'wrong',
        baseUrl: server.url,
        pullRequest: PR,
        benchmarkKey: KEY,
        sections: one('x'),
        fullReport: FULL_REPORT,
        reporter: recordingReporter(),
      }),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('uses GITHUB_API_URL when no base URL is given', async () => {
    const saved = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = server.url;
    try {
      const outcome = await upsertPullRequestComment({
        token: server.token,
        pullRequest: PR,
        benchmarkKey: KEY,
        sections: one('x'),
        fullReport: FULL_REPORT,
        reporter: recordingReporter(),
      });
      expect(outcome.action).toBe('created');
    } finally {
      if (saved === undefined) delete process.env.GITHUB_API_URL;
      else process.env.GITHUB_API_URL = saved;
    }
  });
});

describe('publishPullRequestComment: the comment policy', () => {
  let server: GitHubApiServer;
  beforeAll(async () => {
    server = await startGitHubApiServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const cases: Array<['always' | 'on-failure' | 'never', 'pass' | 'fail', boolean]> = [
    ['always', 'pass', true],
    ['always', 'fail', true],
    ['on-failure', 'pass', false],
    ['on-failure', 'fail', true],
    ['never', 'pass', false],
    ['never', 'fail', false],
  ];
  it.each(cases)('policy %s, gate %s: comments = %s', async (policy, verdict, comments) => {
    const reporter = recordingReporter();
    const outcome = await publishPullRequestComment({
      policy,
      verdict,
      token: server.token,
      baseUrl: server.url,
      pullRequest: PR,
      benchmarkKey: `${policy}-${verdict}`,
      sections: one('x'),
      fullReport: FULL_REPORT,
      reporter,
    });
    expect(outcome.action).toBe(comments ? 'created' : 'skipped');
    if (!comments)
      expect(reporter.infos[0]).toMatch(new RegExp(`comment policy '${policy}' and the gate ${verdict}ed`));
  });

  it('skips quietly outside a pull request, and warns without a token', async () => {
    const reporter = recordingReporter();
    const base = {
      policy: 'always' as const,
      verdict: 'pass' as const,
      benchmarkKey: KEY,
      sections: one('x'),
      fullReport: FULL_REPORT,
      reporter,
    };
    expect(await publishPullRequestComment({ ...base, token: server.token, pullRequest: null })).toMatchObject({
      action: 'skipped',
    });
    expect(reporter.infos).toEqual(['No pull request comment: this run is not for a pull request.']);
    expect(await publishPullRequestComment({ ...base, token: '', pullRequest: PR })).toMatchObject({
      action: 'skipped',
    });
    expect(reporter.warnings).toEqual(["No pull request comment: no 'github-token' was given."]);
  });
});

describe('commentSubject: one key and verdict for either report kind', () => {
  it('keys a benchmark by platform, job and tier, with its gate verdict', () => {
    const report = realisticReport();
    expect(commentSubject(report)).toEqual({ key: KEY, verdict: 'pass' });
    report.gate.verdict = 'fail';
    report.tier = { ...report.tier, name: 'custom', eventsPerSecond: 2500 };
    expect(commentSubject(report)).toEqual({ key: 'local/simple-relay/2500eps', verdict: 'fail' });
  });

  it('keys an A/B comparison apart from the benchmark of the same tier; inconclusive needs attention as a failure does', () => {
    const pass = abReport(runs(2, 1000));
    expect(pass.verdict).toBe('pass');
    expect(commentSubject(pass)).toEqual({ key: `ab/${KEY}`, verdict: 'pass' });
    const fail = abReport(runs(3, 600));
    expect(fail.verdict).toBe('fail');
    expect(commentSubject(fail).verdict).toBe('fail');
    const inconclusive = abReport(runs(1, 1000).slice(0, 1), 'Stopped after round 1, base.');
    expect(inconclusive.verdict).toBe('inconclusive');
    expect(commentSubject(inconclusive)).toEqual({ key: `ab/${KEY}`, verdict: 'fail' });
    expect(commentMarker(commentSubject(pass).key)).not.toBe(commentMarker(commentSubject(realisticReport()).key));
  });
});

describe('commentOnPullRequest', () => {
  it('comments on the pull request of the workflow event, keyed by the subject, under the policy', async () => {
    const server = await startGitHubApiServer();
    const saved = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = server.url;
    try {
      const options = {
        config: { comment: 'on-failure' as const, githubToken: server.token },
        fullReport: FULL_REPORT,
        reporter: recordingReporter(),
      };
      const inconclusive = commentSubject(abReport(runs(1, 1000).slice(0, 1), 'Stopped after round 1, base.'));
      const outcome = await commentOnPullRequest(inconclusive, one('## inconclusive'), options);
      expect(outcome.action).toBe('created');
      expect(server.comments(PR.owner, PR.repo, PR.number)[0].body).toBe(
        '<!-- streaming-at-scale:ab/local/simple-relay/tier1 -->\n## inconclusive\n',
      );
      const passed = commentSubject(abReport(runs(2, 1000)));
      expect(await commentOnPullRequest(passed, one('## passed'), options)).toMatchObject({ action: 'skipped' });
      expect(server.comments(PR.owner, PR.repo, PR.number)).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_API_URL;
      else process.env.GITHUB_API_URL = saved;
      await server.close();
    }
  });
});
