/**
 * A cluster service reached through the Kubernetes API server's service proxy
 * (/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>): the one way into the cluster a
 * hosted runner has. Requests carry the kubeconfig's CA and credentials (bearer token and / or
 * client certificate) over node:https, so no HTTP library is needed. `fetch` is the same transport
 * in the shape of the platform's fetch, for clients that take one (FlinkRestClient).
 */
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { UserError } from '../errors.js';
import type { ClusterAccess } from './kubeconfig.js';

export interface ServiceRef {
  namespace: string;
  name: string;
  /** The service port, by number or by name. */
  port: number | string;
}

/** A failed request through the proxy, with the API server's Status message when it sent one. */
export class ServiceProxyError extends UserError {
  override name = 'ServiceProxyError';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${method} ${url} answered ${status}: ${detail}${hint(status)}`);
  }
}

function hint(status: number): string {
  if (status === 401 || status === 403)
    return ' (the cluster credentials were refused: run the mode again to read fresh ones through ARM)';
  if (status === 503) return ' (the service has no ready pod yet, or it is not listening on that port)';
  return '';
}

export interface ServiceProxy {
  /** The proxy URL of a service, plus an optional path: e.g. FlinkRestClient's base URL. */
  url(service: ServiceRef, servicePath?: string): string;
  getJson<T>(service: ServiceRef, servicePath: string): Promise<T>;
  postJson<T>(service: ServiceRef, servicePath: string, body: unknown): Promise<T>;
  /** The platform's fetch contract over the API server's TLS and credentials; refuses other hosts. */
  fetch: typeof fetch;
  /** Closes kept-alive connections. */
  close(): void;
}

// Statuses whose responses have no body (the Response constructor refuses one).
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function serviceProxy(access: ClusterAccess): ServiceProxy {
  const agent = new Agent({
    keepAlive: true,
    ...(access.ca ? { ca: access.ca } : {}),
    ...(access.auth.clientCertificate && access.auth.clientKey
      ? { cert: access.auth.clientCertificate, key: access.auth.clientKey }
      : {}),
  });

  const proxyFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    // The credentials are the cluster's: they go to its API server and nowhere else.
    if (new URL(request.url).origin !== new URL(access.server).origin) {
      throw new Error(`The service proxy only sends requests to ${access.server}, not to ${request.url}.`);
    }
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers: Record<string, string> = Object.fromEntries(request.headers);
    if (access.auth.token) headers.authorization = `Bearer ${access.auth.token}`;
    if (body) headers['content-length'] = String(body.length);
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpsRequest(
        request.url,
        { method: request.method, headers, agent, signal: request.signal },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('error', reject);
          answer.on('end', () => {
            const status = answer.statusCode ?? 502;
            resolve(
              new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: answer.statusMessage,
                headers: responseHeaders(answer.headers),
              }),
            );
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };

  const url = (service: ServiceRef, servicePath = '') =>
    `${access.server}/api/v1/namespaces/${encodeURIComponent(service.namespace)}/services/` +
    `${encodeURIComponent(service.name)}:${encodeURIComponent(String(service.port))}/proxy${servicePath}`;

  const requestJson = async <T>(method: string, target: string, body?: unknown): Promise<T> => {
    const response = await proxyFetch(target, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new ServiceProxyError(method, target, response.status, statusMessage(text));
    return (text ? JSON.parse(text) : undefined) as T;
  };

  return {
    url,
    getJson: (service, servicePath) => requestJson('GET', url(service, servicePath)),
    postJson: (service, servicePath, body) => requestJson('POST', url(service, servicePath), body),
    fetch: proxyFetch as typeof fetch,
    close: () => agent.destroy(),
  };
}

function responseHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  return headers;
}

/** The message of a Kubernetes Status body (the API server's own failures), else the body itself. */
function statusMessage(text: string): string {
  try {
    const status = JSON.parse(text) as { kind?: string; message?: string };
    if (status.kind === 'Status' && status.message) return status.message;
  } catch {
    // not JSON: the upstream service's own error page
  }
  return text.slice(0, 2000);
}
