/**
 * A local stand-in for an HDInsight cluster's HTTPS gateway (https://<cluster>.azurehdinsight.net),
 * plain HTTP on 127.0.0.1, behind the same HTTP Basic login check:
 *
 * - Ambari (/api/v1/clusters/<cluster>/...) of a Kafka cluster: the KAFKA_BROKER component with its
 *   host_components, each host with its IP, and the component's BrokerTopicMetrics as Ambari
 *   Metrics aggregates them over the brokers (`1MinuteRate._sum`, `_avg`, `_min`, `_max`) from
 *   per-broker one-minute rates the test sets; Ambari's error bodies (404 unknown cluster);
 * - the YARN ResourceManager's REST API (/yarnui/ws/v1/cluster/apps/<id>) of a Hadoop cluster, and
 *   the YARN web proxy (/yarnui/hn/proxy/<id>/...), which forwards to the application's web server
 *   (a real local Flink's REST API) once the application runs, and answers YARN's HTML page before.
 *
 * `failWith` makes every request answer that status (a 403 from Ambari, a 502 from the gateway).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBroker {
  hostName: string;
  ip: string;
  /** This broker's BrokerTopicMetrics one-minute rates (per second); absent: Ambari has no value yet. */
  rates?: { messagesIn: number; bytesIn: number; bytesOut: number };
}

export interface FakeYarnApplication {
  id: string;
  name: string;
  state: 'ACCEPTED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
  finalStatus: 'UNDEFINED' | 'SUCCEEDED' | 'FAILED' | 'KILLED';
  diagnostics: string;
  /** Where the YARN proxy forwards while the application runs (its master's web server). */
  webUrl?: string;
}

export interface FakeGateway {
  /** http://127.0.0.1:<port>: stands for https://<cluster>.azurehdinsight.net */
  url: string;
  clusterName: string;
  userName: string;
  password: string;
  /** Every request: method, path with query, and whether the login was right. */
  requests: Array<{ method: string; path: string; authorized: boolean }>;
  failWith?: number;
  brokers: FakeBroker[];
  applications: Map<string, FakeYarnApplication>;
  close(): Promise<void>;
}

export async function startFakeGateway(options: {
  clusterName: string;
  userName: string;
  password: string;
}): Promise<FakeGateway> {
  const gateway: FakeGateway = {
    url: '',
    ...options,
    requests: [],
    brokers: [],
    applications: new Map(),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain', `fake gateway: ${String(error)}`);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const login = Buffer.from(`${gateway.userName}:${gateway.password}`).toString('base64');
    const authorized = request.headers.authorization === `Basic ${login}`;
    gateway.requests.push({ method: request.method ?? 'GET', path: `${url.pathname}${url.search}`, authorized });
    if (!authorized) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Secured Application"', 'Content-Length': '0' });
      return void response.end();
    }
    if (gateway.failWith === 403)
      return ambariJson(response, 403, ambariError(403, 'You do not have permissions to access this resource.'));
    if (gateway.failWith)
      return send(response, gateway.failWith, 'text/html', `<html><body>${gateway.failWith} Bad Gateway</body></html>`);

    if (url.pathname.startsWith('/api/v1/')) return ambari(url, response);
    const app = url.pathname.match(/^\/yarnui\/ws\/v1\/cluster\/apps\/([^/]+)$/);
    if (app) return yarnApplication(decodeURIComponent(app[1]!), response);
    if (url.pathname === '/yarnui/ws/v1/cluster/apps')
      return yarnApplications(url.searchParams.get('states'), response);
    const proxy = url.pathname.match(/^\/yarnui\/hn\/proxy\/([^/]+)(\/.*)?$/);
    if (proxy) return yarnProxy(decodeURIComponent(proxy[1]!), `${proxy[2] ?? '/'}${url.search}`, request, response);
    send(response, 404, 'text/html', '<html><body>404 Not Found</body></html>');
  }

  function ambari(url: URL, response: ServerResponse): void {
    const base = `/api/v1/clusters/${encodeURIComponent(gateway.clusterName)}`;
    const href = `http://hn0-${gateway.clusterName.slice(0, 6)}.internal.cloudapp.net:8080${url.pathname}${url.search}`;
    if (!url.pathname.startsWith(`${base}/`) && url.pathname !== base) {
      const name = decodeURIComponent(url.pathname.split('/')[4] ?? '');
      return ambariJson(
        response,
        404,
        ambariError(404, `The requested resource doesn't exist: Cluster not found, clusterName=${name}`),
      );
    }
    const rest = url.pathname.slice(base.length);
    if (rest === '/services/KAFKA/components/KAFKA_BROKER') {
      const fields = url.searchParams.get('fields');
      if (fields === 'metrics/kafka/server/BrokerTopicMetrics') {
        return ambariJson(response, 200, {
          href,
          ServiceComponentInfo: serviceComponentInfo(),
          ...brokerTopicMetrics(),
        });
      }
      if (fields !== null)
        return ambariJson(response, 400, ambariError(400, `Unsupported fields in the fake: ${fields}`));
      return ambariJson(response, 200, {
        href,
        ServiceComponentInfo: serviceComponentInfo(),
        host_components: gateway.brokers.map((broker) => ({
          href: `${href.split('/api/')[0]}${base}/hosts/${broker.hostName}/host_components/KAFKA_BROKER`,
          HostRoles: {
            cluster_name: gateway.clusterName,
            component_name: 'KAFKA_BROKER',
            host_name: broker.hostName,
            service_name: 'KAFKA',
          },
        })),
      });
    }
    const host = rest.match(/^\/hosts\/([^/]+)$/);
    if (host) {
      const broker = gateway.brokers.find((b) => b.hostName === decodeURIComponent(host[1]!));
      if (!broker) {
        return ambariJson(
          response,
          404,
          ambariError(404, `The requested resource doesn't exist: Host not found, hostname=${host[1]}`),
        );
      }
      return ambariJson(response, 200, {
        href,
        Hosts: {
          cluster_name: gateway.clusterName,
          host_name: broker.hostName,
          host_state: 'HEALTHY',
          host_status: 'HEALTHY',
          ip: broker.ip,
          maintenance_state: 'OFF',
          os_type: 'ubuntu18',
          public_host_name: broker.hostName,
          rack_info: '/default-rack',
        },
      });
    }
    ambariJson(response, 404, ambariError(404, `The requested resource doesn't exist: ${rest}`));
  }

  function serviceComponentInfo(): Record<string, unknown> {
    return {
      category: 'MASTER',
      cluster_name: gateway.clusterName,
      component_name: 'KAFKA_BROKER',
      display_name: 'Kafka Broker',
      service_name: 'KAFKA',
      started_count: gateway.brokers.length,
      state: 'STARTED',
      total_count: gateway.brokers.length,
    };
  }

  /** Ambari Metrics' cluster aggregate of each meter over the brokers that reported one. */
  function brokerTopicMetrics(): Record<string, unknown> {
    const reporting = gateway.brokers.filter((broker) => broker.rates);
    if (reporting.length === 0) return {};
    const aggregate = (pick: (rates: NonNullable<FakeBroker['rates']>) => number) => {
      const values = reporting.map((broker) => pick(broker.rates!));
      const sum = values.reduce((a, b) => a + b, 0);
      return {
        '1MinuteRate._avg': sum / values.length,
        '1MinuteRate._max': Math.max(...values),
        '1MinuteRate._min': Math.min(...values),
        '1MinuteRate._sum': sum,
      };
    };
    return {
      metrics: {
        kafka: {
          server: {
            BrokerTopicMetrics: {
              AllTopicsBytesInPerSec: aggregate((r) => r.bytesIn),
              AllTopicsBytesOutPerSec: aggregate((r) => r.bytesOut),
              AllTopicsMessagesInPerSec: aggregate((r) => r.messagesIn),
              AllTopicsFailedFetchRequestsPerSec: aggregate(() => 0),
              AllTopicsFailedProduceRequestsPerSec: aggregate(() => 0),
            },
          },
        },
      },
    };
  }

  function yarnApplication(id: string, response: ServerResponse): void {
    const app = gateway.applications.get(id);
    if (!app) {
      return json(response, 404, {
        RemoteException: {
          exception: 'NotFoundException',
          message: `java.lang.Exception: app with id: ${id} not found`,
          javaClassName: 'org.apache.hadoop.yarn.webapp.NotFoundException',
        },
      });
    }
    json(response, 200, { app: applicationBody(app) });
  }

  /** GET /ws/v1/cluster/apps[?states=A,B]: YARN answers {"apps": null} when none matches. */
  function yarnApplications(states: string | null, response: ServerResponse): void {
    const wanted = states?.toUpperCase().split(',');
    const apps = [...gateway.applications.values()].filter((app) => !wanted || wanted.includes(app.state));
    json(response, 200, { apps: apps.length ? { app: apps.map(applicationBody) } : null });
  }

  /** An application as the ResourceManager's REST API describes it (Hadoop 3.3's ws/v1 app object). */
  function applicationBody(app: FakeYarnApplication): Record<string, unknown> {
    const started = Date.now() - 30_000;
    return {
      id: app.id,
      user: 'root',
      name: app.name,
      queue: 'default',
      state: app.state,
      finalStatus: app.finalStatus,
      progress: app.state === 'RUNNING' ? 100 : 0,
      trackingUI: app.state === 'RUNNING' ? 'ApplicationMaster' : 'UNASSIGNED',
      trackingUrl: `http://hn1-${gateway.clusterName.slice(0, 6)}.internal.cloudapp.net:8088/proxy/${app.id}/`,
      diagnostics: app.diagnostics,
      clusterId: 1764000000000,
      applicationType: 'Apache Flink',
      applicationTags: '',
      priority: 0,
      startedTime: started,
      launchTime: started + 1000,
      finishedTime: 0,
      elapsedTime: 30_000,
      amHostHttpAddress: 'wn1-hadoop.internal.cloudapp.net:30060',
      allocatedMB: 3328,
      allocatedVCores: 2,
      runningContainers: 2,
    };
  }

  async function yarnProxy(
    id: string,
    pathAndQuery: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const app = gateway.applications.get(id);
    if (!app || app.state !== 'RUNNING' || !app.webUrl) {
      return send(
        response,
        200,
        'text/html',
        `<html><head><title>Application ${id}</title></head><body>Application ${id} is ${app?.state ?? 'unknown'}: it has no tracking URL to proxy to yet.</body></html>`,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${app.webUrl}${pathAndQuery}`, {
      method: request.method,
      headers: request.headers['content-type'] ? { 'Content-Type': request.headers['content-type'] } : {},
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    send(response, upstream.status, upstream.headers.get('content-type') ?? 'application/json', await upstream.text());
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return gateway;
}

function ambariError(status: number, message: string): unknown {
  return { status, message };
}

/** Ambari answers JSON as text/plain. */
function ambariJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'text/plain', JSON.stringify(body, null, 2));
}

function json(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/json', JSON.stringify(body));
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
