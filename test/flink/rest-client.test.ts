/** FlinkRestClient against a local HTTP server that behaves as a JobManager starting behind a proxy. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlinkRestClient } from '../../src/flink/rest-client.js';

test('waitForFirstJob polls on through dropped connections until the job shows, and fails on an answer that says no', async () => {
  let requests = 0;
  let refuse = false;
  const server = http.createServer((request, response) => {
    requests++;
    if (refuse) {
      response.writeHead(401).end('no');
      return;
    }
    // The first two requests: the socket closed with no answer ("socket hang up" / "fetch failed").
    if (requests <= 2) {
      request.socket.destroy();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ jobs: [{ jid: 'job-1', name: 'relay', state: 'RUNNING' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new FlinkRestClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const options = { timeoutMs: 20_000, intervalMs: 50, via: 'a test server' };
    expect(await client.waitForFirstJob(options)).toBe('job-1');
    expect(requests).toBe(3);
    refuse = true;
    await expect(client.waitForFirstJob(options)).rejects.toThrow("Flink's REST API through a test server failed");
  } finally {
    server.close();
  }
});
