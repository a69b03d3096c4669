import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import { commentMarker } from '../../src/github/pr-comment.js';
import { commentMode } from '../../src/modes/comment.js';
import { ReportFileError, writeReport } from '../../src/report/summary.js';
import { MAX_UNTRUSTED_REPORT_BYTES } from '../../src/report/untrusted.js';
import type { BenchmarkReport } from '../../src/report/schema.js';
import type { ABReport } from '../../src/gate/ab/report.js';
import { startGitHubApiServer, type GitHubApiServer } from '../helpers/github-api-server.js';
import { recordingReporter } from '../fixtures/report/recording-reporter.js';
import { realisticReport } from '../fixtures/report/reports.js';
import { abReport, runs } from '../fixtures/report/ab-reports.js';
import { LINK_FORMS } from '../fixtures/report/link-forms.js';

const OWNER = 'octo-org';
const REPO = 'streaming-bench';
const NUMBER = 42;
const HEAD = 'a'.repeat(40);
const RUN_ID = 555;
const KEY = 'local/simple-relay/tier1';

/** The event of perf-gate-comment.yml: perf-gate's run RUN_ID completed at HEAD. */
const workflowRunContext = {
  eventName: 'workflow_run',
  payload: { workflow_run: { id: RUN_ID, head_sha: HEAD, event: 'pull_request', conclusion: 'failure' } },
  repo: { owner: OWNER, repo: REPO },
  serverUrl: 'https://github.com',
};

describe('mode comment against a local GitHub API', () => {
  let server: GitHubApiServer;
  let dir: string;
  let savedApiUrl: string | undefined;
  beforeEach(async () => {
    server = await startGitHubApiServer();
    server.openPullRequest(OWNER, REPO, NUMBER, HEAD);
    dir = await mkdtemp(path.join(tmpdir(), 'sas-comment-'));
    savedApiUrl = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = server.url;
  });
  afterEach(async () => {
    if (savedApiUrl === undefined) delete process.env.GITHUB_API_URL;
    else process.env.GITHUB_API_URL = savedApiUrl;
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const configFor = (reportFile: string, pullRequest = String(NUMBER)) =>
    parseConfig(
      { mode: 'comment', 'report-file': reportFile, 'pull-request': pullRequest, 'github-token': server.token },
      {},
    );
  const run = (reportFile: string, reporter = recordingReporter(), context = workflowRunContext) =>
    commentMode(
      { config: configFor(reportFile), reporter, signal: new AbortController().signal },
      context as Parameters<typeof commentMode>[1],
    );
  /** Writes a report of either kind (a benchmark report or an A/B report) as the artifact would hold it. */
  const reportFile = async (report: BenchmarkReport | ABReport, name = 'head-report.json') => {
    const file = path.join(dir, name);
    await writeReport(file, report);
    return file;
  };
  const rawFile = async (text: string) => {
    const file = path.join(dir, 'head-report.json');
    await writeFile(file, text);
    return file;
  };

  it('creates the comment, then updates the same comment on the next run', async () => {
    const first = await run(await reportFile(realisticReport()));
    expect(first).toMatchObject({ action: 'created' });
    const changed = realisticReport();
    changed.runId = '20260302-110000-ef56';
    const second = await run(await reportFile(changed));
    expect(second).toMatchObject({ action: 'updated', commentId: (first as { commentId: number }).commentId });

    const comments = server.comments(OWNER, REPO, NUMBER);
    expect(comments).toHaveLength(1);
    expect(comments[0].body.startsWith(`${commentMarker(KEY)}\n## `)).toBe(true);
    expect(comments[0].body).toContain('Run `20260302-110000-ef56`');
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}/pulls/${NUMBER}`,
      `GET /repos/${OWNER}/${REPO}/issues/${NUMBER}/comments`,
      `POST /repos/${OWNER}/${REPO}/issues/${NUMBER}/comments`,
      `GET /repos/${OWNER}/${REPO}/pulls/${NUMBER}`,
      `GET /repos/${OWNER}/${REPO}/issues/${NUMBER}/comments`,
      `PATCH /repos/${OWNER}/${REPO}/issues/comments/${comments[0].id}`,
    ]);
  });

  it("links a shortened comment to the artifacts of the run that benchmarked, not this one's", async () => {
    const report = realisticReport();
    report.rows = Array.from({ length: 3_000 }, (_, index) => ({ ...report.rows[4], minute: index + 1 }));
    await run(await reportFile(report));
    const body = server.comments(OWNER, REPO, NUMBER)[0].body;
    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(body).toContain(
      `The full report: [the JSON report in the run's artifacts](https://github.com/${OWNER}/${REPO}/actions/runs/${RUN_ID}#artifacts)._`,
    );
  });

  it('does not comment when the pull request is not at the commit the run benchmarked', async () => {
    server.openPullRequest(OWNER, REPO, NUMBER, 'b'.repeat(40));
    const reporter = recordingReporter();
    const outcome = await run(await reportFile(realisticReport()), reporter);
    expect(outcome.action).toBe('skipped');
    expect(reporter.warnings[0]).toMatch(
      /pull request #42 is at bbbbbbbbbbbb, not at aaaaaaaaaaaa that run 555 benchmarked/,
    );
    expect(server.comments(OWNER, REPO, NUMBER)).toEqual([]);
  });

  describe('an A/B report (the fork-safe gate uploads ab-report.json)', () => {
    const abFile = (report: ABReport) => reportFile(report, 'ab-report.json');

    it('posts it rendered as the A/B gate, then updates that comment in place on the next run', async () => {
      const first = await run(await abFile(abReport(runs(3, 600))));
      expect(first).toMatchObject({ action: 'created' });
      let comments = server.comments(OWNER, REPO, NUMBER);
      expect(comments).toHaveLength(1);
      expect(comments[0].body.startsWith(`${commentMarker(`ab/${KEY}`)}\n## ❌ A/B gate failed: tier 1`)).toBe(true);
      expect(comments[0].body).toContain('### Head vs base');
      expect(comments[0].body).toContain('| 3 (confirmation) | head |');

      const second = await run(await abFile(abReport(runs(2, 1000))));
      expect(second).toMatchObject({ action: 'updated', commentId: (first as { commentId: number }).commentId });
      comments = server.comments(OWNER, REPO, NUMBER);
      expect(comments).toHaveLength(1);
      expect(comments[0].body).toContain('## ✅ A/B gate passed');
      expect(comments[0].body).not.toContain('A/B gate failed');
      expect(server.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST', 'GET', 'GET', 'PATCH']);
    });

    it('keeps the benchmark comment and the A/B comment of the same tier apart', async () => {
      await run(await reportFile(realisticReport()));
      await run(await abFile(abReport(runs(2, 1000))));
      const changed = realisticReport();
      changed.runId = '20260302-120000-cd34';
      await run(await reportFile(changed));
      const comments = server.comments(OWNER, REPO, NUMBER);
      expect(comments.map((comment) => comment.body.split('\n')[0])).toEqual([
        commentMarker(KEY),
        commentMarker(`ab/${KEY}`),
      ]);
      expect(comments[0].body).toContain('Run `20260302-120000-cd34`');
      expect(comments[1].body).toContain('## ✅ A/B gate passed');
    });

    it('shortens a comment too long for GitHub, linking the artifacts of the run that compared', async () => {
      const report = abReport(runs(3, 600));
      report.reasons = report.reasons.map((reason) => `${reason} ${'x'.repeat(4_000)}`);
      report.runs = Array.from({ length: 42 }, (_, index) => ({ ...report.runs[index % 6], problems: report.reasons }));
      await run(await abFile(report));
      const body = server.comments(OWNER, REPO, NUMBER)[0].body;
      expect(body.length).toBeLessThanOrEqual(60_000);
      expect(body).toContain("left out each A/B run's figures");
      expect(body).toContain(`https://github.com/${OWNER}/${REPO}/actions/runs/${RUN_ID}#artifacts`);
    });

    it('posts the reason of runs that ran different workloads: each named by 6 characters of its hash, no commit hash to GitHub', async () => {
      const mixed = runs(2, 1000).map((each) =>
        each.side === 'head' ? { ...each, workloadHash: '3f2a9c1e5b7d0a4f' } : each,
      );
      await run(await abFile(abReport(mixed)));
      const body = server.comments(OWNER, REPO, NUMBER)[0].body;
      expect(body).toMatch(
        /did not all run the same workload \(workload [0-9a-f]{6} in base rounds 1, 2; 3f2a9c in head/,
      );
      expect(body).not.toContain('3f2a9c1');
    });

    it('refuses an A/B artifact with a text of its own in a metric, and comments nothing', async () => {
      const report = abReport(runs(3, 600));
      report.comparisons[0].label = 'Throughput <img src=x onerror=alert(1)>';
      const error = await run(await abFile(report)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ReportFileError);
      expect((error as Error).message).toMatch(/refused: comparisons\[0\]\.label is not "Sustained throughput"/);
      expect(server.comments(OWNER, REPO, NUMBER)).toEqual([]);
    });
  });

  describe('refuses a malformed or oversized artifact with a clear error, and comments nothing', () => {
    const refused = async (file: string, message: RegExp) => {
      const error = await run(file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ReportFileError);
      expect((error as Error).message).toMatch(message);
      expect(server.comments(OWNER, REPO, NUMBER)).toEqual([]);
    };

    it('not JSON', async () => {
      await refused(await rawFile('{"tool": '), /is not JSON/);
    });

    it('another tool', async () => {
      await refused(await rawFile('{"tool": {"name": "evil"}}'), /is not a streaming-at-scale report/);
    });

    it('larger than any report', async () => {
      const file = await rawFile('{}');
      await truncate(file, MAX_UNTRUSTED_REPORT_BYTES + 1);
      await refused(file, /is 20,971,521 bytes, more than the 20,971,520 a report to comment with may have/);
    });

    it('markup in a text: HTML, a link, a mention', async () => {
      for (const detail of ['<img src=x onerror=alert(1)>', '[click](https://evil.example)', 'ping @octo-org/admins']) {
        const report = realisticReport();
        report.gate.reasons[0].detail = detail;
        await refused(await reportFile(report), /refused: gate\.reasons\[0\]\.detail contains markup/);
      }
    });

    // Before issue 20 (item 6) the fake GitHub received each of these in the bot's comment, a live
    // link once GitHub rendered it; now the artifact is refused and nothing is posted.
    const refusedLink = async (file: string, text: string, message: RegExp) => {
      const error = await run(file).catch((caught: unknown) => caught);
      const bodies = server.comments(OWNER, REPO, NUMBER).map((comment) => comment.body);
      expect(bodies.filter((body) => body.includes(text))).toEqual([]);
      expect(error).toBeInstanceOf(ReportFileError);
      expect((error as Error).message).toMatch(message);
      expect(bodies).toEqual([]);
    };

    it.each(LINK_FORMS)('a link in a text: %s', async (_form, text, kind) => {
      const report = realisticReport();
      report.gate.reasons[0].detail = text;
      const markup = new RegExp(
        `refused: gate\\.reasons\\[0\\]\\.detail contains markup \\(${kind.replace(/\./g, '\\.')}\\)`,
      );
      await refusedLink(await reportFile(report), text, markup);
    });

    it.each(LINK_FORMS)('a link in an A/B reason (a list item): %s', async (_form, text) => {
      const report = abReport(runs(3, 600));
      report.reasons[0] = text;
      await refusedLink(await reportFile(report, 'ab-report.json'), text, /refused: reasons\[0\] contains markup/);
    });

    it('a run id that would leave its code span', async () => {
      const report = realisticReport();
      report.runId = 'x` **injected** `';
      await refused(await reportFile(report), /refused: runId does not match/);
    });

    it('a wrong type deep inside a row', async () => {
      const report = realisticReport();
      (report.rows[7] as unknown as { outRecords: unknown }).outRecords = '1000';
      await refused(await reportFile(report), /refused: rows\[7\]\.outRecords is not a finite number/);
    });

    it('a list that is not one', async () => {
      const report = realisticReport();
      (report.rampUp as unknown as { steadyMinutes: unknown }).steadyMinutes = 'all';
      await refused(await reportFile(report), /refused: rampUp\.steadyMinutes is not a list of at most 86400 items/);
    });

    it('a missing file', async () => {
      await refused(path.join(dir, 'absent.json'), /does not exist/);
    });
  });
});

describe('mode comment: inputs', () => {
  it('needs the pull request number and the report file', () => {
    expect(() => parseConfig({ mode: 'comment', 'report-file': 'r.json' }, {})).toThrow(
      /pull-request.*needs the number of the pull request/,
    );
    expect(() => parseConfig({ mode: 'comment', 'pull-request': '42' }, {})).toThrow(/report-file.*set 'report-file'/);
    expect(() => parseConfig({ mode: 'comment', 'report-file': 'r.json', 'pull-request': '4x2' }, {})).toThrow(
      /pull-request/,
    );
    expect(() => parseConfig({ mode: 'measure', 'pull-request': '42' }, {})).toThrow(/applies to mode 'comment' only/);
    expect(parseConfig({ mode: 'comment', 'report-file': 'r.json', 'pull-request': '42' }, {}).pullRequest).toBe(42);
  });
});
