/**
 * publishSections: how measure and ab publish a report's sections, the job summary fitted to its
 * limit and the pull request comment under the policy, here with an A/B report (mode ab) against the
 * local GitHub API.
 */
import path from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import { renderABSections } from '../../src/report/ab-render.js';
import { startGitHubApiServer, type GitHubApiServer } from '../helpers/github-api-server.js';
import { abReport, runs } from '../fixtures/report/ab-reports.js';
import { recordingReporter } from '../fixtures/report/recording-reporter.js';

// @actions/github reads the event when it is first imported: a pull_request run of PR 42.
process.env.GITHUB_EVENT_NAME = 'pull_request';
process.env.GITHUB_EVENT_PATH = path.join(import.meta.dirname, '..', 'fixtures', 'github', 'pull_request.json');
process.env.GITHUB_REPOSITORY = 'octo-org/streaming-bench';
const { publishSections } = await import('../../src/report/publish.js');
const { commentMarker, commentSubject } = await import('../../src/github/pr-comment.js');

const PR = { owner: 'octo-org', repo: 'streaming-bench', number: 42 };

describe('publishSections with an A/B report (mode ab)', () => {
  let server: GitHubApiServer;
  let savedApiUrl: string | undefined;
  beforeEach(async () => {
    server = await startGitHubApiServer();
    savedApiUrl = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = server.url;
  });
  afterEach(async () => {
    if (savedApiUrl === undefined) delete process.env.GITHUB_API_URL;
    else process.env.GITHUB_API_URL = savedApiUrl;
    await server.close();
  });

  const publish = (comment: string, reporter = recordingReporter()) => {
    const report = abReport(runs(3, 600));
    const config = parseConfig({ mode: 'ab', comment, 'github-token': server.token }, {});
    return publishSections({ config, reporter }, renderABSections(report), commentSubject(report), 'ab-report.json');
  };

  it('writes the summary and comments under the A/B key', async () => {
    const reporter = recordingReporter();
    expect(await publish('on-failure', reporter)).toMatchObject({ action: 'created' });
    expect(reporter.summaries).toHaveLength(1);
    expect(reporter.summaries[0]).toMatch(/^## ❌ A\/B gate failed/);
    const comments = server.comments(PR.owner, PR.repo, PR.number);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toBe(`${commentMarker('ab/local/simple-relay/tier1')}\n${reporter.summaries[0]}`);
  });

  it("only warns on a fork's read-only token, and comments nothing under the policy never", async () => {
    server.readOnly = true;
    const reporter = recordingReporter();
    expect(await publish('always', reporter)).toMatchObject({ action: 'forbidden' });
    expect(reporter.warnings[0]).toMatch(/Cannot comment on pull request #42 \(403/);
    expect(reporter.summaries).toHaveLength(1);
    server.readOnly = false;
    expect(await publish('never')).toMatchObject({ action: 'skipped' });
    expect(server.comments(PR.owner, PR.repo, PR.number)).toEqual([]);
  });
});
