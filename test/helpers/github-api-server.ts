/**
 * A local HTTP server on 127.0.0.1 that speaks the GitHub REST API for issue comments, so the real
 * Octokit client is tested against real paths, status codes, pagination Link headers and error
 * bodies (shapes from docs.github.com/rest/issues/comments). Point a client at `server.url`.
 *
 *   GET   /repos/{owner}/{repo}/issues/{number}/comments   (per_page, default 30, max 100; page)
 *   POST  /repos/{owner}/{repo}/issues/{number}/comments   -> 201
 *   PATCH /repos/{owner}/{repo}/issues/comments/{id}       -> 200, 404 when unknown
 *   GET   /repos/{owner}/{repo}/pulls/{number}              -> 200 (the fields we read), 404 when unknown
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IssueComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: { login: string; id: number; type: string };
  created_at: string;
  updated_at: string;
  author_association: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

export interface GitHubApiServer {
  /** The API root to give the client as baseUrl (like GITHUB_API_URL). */
  url: string;
  requests: RecordedRequest[];
  /** The token every request must carry (`Authorization: token <token>` or `Bearer <token>`). */
  token: string;
  /** Makes writes (POST/PATCH) answer 403 as a fork's read-only GITHUB_TOKEN gets. */
  readOnly: boolean;
  comments(owner: string, repo: string, issue: number): IssueComment[];
  /** Opens a pull request whose head is at `headSha`. */
  openPullRequest(owner: string, repo: string, number: number, headSha: string): void;
  /** Adds comments as another user would have written them. */
  seed(owner: string, repo: string, issue: number, bodies: string[]): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest/issues/comments';

export async function startGitHubApiServer(token = 'ghs_test_token'): Promise<GitHubApiServer> {
  const byIssue = new Map<string, IssueComment[]>();
  const headShas = new Map<string, string>();
  let nextId = 1_000_001;
  const issueKey = (owner: string, repo: string, issue: number) => `${owner}/${repo}#${issue}`;
  const api: GitHubApiServer = {
    url: '',
    requests: [],
    token,
    readOnly: false,
    comments: (owner, repo, issue) => listFor(owner, repo, issue),
    openPullRequest: (owner, repo, number, headSha) => void headShas.set(issueKey(owner, repo, number), headSha),
    seed: (owner, repo, issue, bodies) => {
      for (const body of bodies) listFor(owner, repo, issue).push(newComment(owner, repo, issue, body, 'octocat'));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };

  const newComment = (owner: string, repo: string, issue: number, body: string, login: string): IssueComment => {
    const id = nextId++;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      id,
      node_id: Buffer.from(`IssueComment${id}`).toString('base64'),
      url: `${api.url}/repos/${owner}/${repo}/issues/comments/${id}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${api.url}/repos/${owner}/${repo}/issues/${issue}`,
      body,
      user:
        login === 'github-actions[bot]' ? { login, id: 41898282, type: 'Bot' } : { login, id: 583231, type: 'User' },
      created_at: now,
      updated_at: now,
      author_association: login === 'github-actions[bot]' ? 'NONE' : 'MEMBER',
    };
  };
  const listFor = (owner: string, repo: string, issue: number) => {
    const key = issueKey(owner, repo, issue);
    if (!byIssue.has(key)) byIssue.set(key, []);
    return byIssue.get(key)!;
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      send(response, 500, { message: `fake server error: ${String(error)}` });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', api.url);
    const text = await readBody(request);
    const body: unknown = text ? JSON.parse(text) : undefined;
    api.requests.push({
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization,
      body,
    });
    const presented = request.headers.authorization?.replace(/^(token|Bearer) /i, '');
    if (presented !== api.token) {
      return send(response, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }

    const list = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/);
    const single = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/);
    const pull = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/);
    if (pull && request.method === 'GET') {
      const sha = headShas.get(issueKey(pull[1], pull[2], Number(pull[3])));
      if (!sha) {
        return send(response, 404, {
          message: 'Not Found',
          documentation_url: 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request',
          status: '404',
        });
      }
      const number = Number(pull[3]);
      return send(response, 200, {
        url: `${api.url}/repos/${pull[1]}/${pull[2]}/pulls/${number}`,
        html_url: `https://github.com/${pull[1]}/${pull[2]}/pull/${number}`,
        number,
        state: 'open',
        head: { ref: 'feature', sha, repo: { full_name: `fork-owner/${pull[2]}` } },
        base: { ref: 'main', sha: '0'.repeat(40), repo: { full_name: `${pull[1]}/${pull[2]}` } },
      });
    }
    if (list && request.method === 'GET') {
      const comments = listFor(list[1], list[2], Number(list[3]));
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30) || 30);
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const last = Math.max(1, Math.ceil(comments.length / perPage));
      const link = (n: number) => {
        const target = new URL(url.pathname, api.url);
        target.searchParams.set('per_page', String(perPage));
        target.searchParams.set('page', String(n));
        return target.toString();
      };
      const links: string[] = [];
      if (page > 1) links.push(`<${link(page - 1)}>; rel="prev"`);
      if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
      if (page > 1) links.push(`<${link(1)}>; rel="first"`);
      return send(
        response,
        200,
        comments.slice((page - 1) * perPage, page * perPage),
        links.length ? { link: links.join(', ') } : {},
      );
    }
    if (list && request.method === 'POST') {
      if (api.readOnly) return forbidden(response, 'create-an-issue-comment');
      const content = (body as { body?: unknown } | undefined)?.body;
      if (typeof content !== 'string') {
        return send(response, 422, {
          message: 'Invalid request.\n\n"body" wasn\'t supplied.',
          documentation_url: `${DOCS}#create-an-issue-comment`,
          status: '422',
        });
      }
      const comment = newComment(list[1], list[2], Number(list[3]), content, 'github-actions[bot]');
      listFor(list[1], list[2], Number(list[3])).push(comment);
      return send(response, 201, comment, { location: comment.url });
    }
    if (single && request.method === 'PATCH') {
      if (api.readOnly) return forbidden(response, 'update-an-issue-comment');
      const comment = [...byIssue.values()].flat().find((candidate) => candidate.id === Number(single[3]));
      if (!comment) {
        return send(response, 404, {
          message: 'Not Found',
          documentation_url: `${DOCS}#update-an-issue-comment`,
          status: '404',
        });
      }
      comment.body = String((body as { body?: unknown }).body);
      comment.updated_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      return send(response, 200, comment);
    }
    return send(response, 404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  api.url = `http://127.0.0.1:${port}`;
  return api;
}

function forbidden(response: ServerResponse, anchor: string): void {
  send(response, 403, {
    message: 'Resource not accessible by integration',
    documentation_url: `${DOCS}#${anchor}`,
    status: '403',
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-used': '1',
    'x-ratelimit-resource': 'core',
    ...headers,
  });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}
