/** Loopback ports for the local platform: free ones picked by the OS, configured ones checked. */
import net from 'node:net';
import { UserError } from '../../errors.js';

export const LOOPBACK = '127.0.0.1';

/** A configured port that something else already listens on. */
export class PortInUseError extends UserError {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly purpose: string,
  ) {
    super(
      `Port ${port} on ${LOOPBACK} (${purpose}) is already in use by another process: ` +
        `stop that process, or choose another port (or leave it unset to pick a free one).`,
    );
  }
}

function listen(port: number, host = LOOPBACK): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** True when nothing listens on `port` on the loopback address (we can bind it). */
export async function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  try {
    await close(await listen(port, host));
    return true;
  } catch {
    return false;
  }
}

/** `count` distinct ports free on the loopback address right now (held together while picked). */
export async function freePorts(count: number, host = LOOPBACK): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(0, host));
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map(close));
  }
}

export async function freePort(host = LOOPBACK): Promise<number> {
  return (await freePorts(1, host))[0]!;
}

/**
 * Fills in the ports of a request: a configured port is checked (PortInUseError naming it when
 * taken), an unset one is picked free. Keys are the purposes ("Kafka broker", "Flink REST API").
 */
export async function allocatePorts<K extends string>(
  requested: Record<K, number | undefined>,
): Promise<Record<K, number>> {
  const keys = Object.keys(requested) as K[];
  const configured = keys.filter((key) => requested[key] !== undefined && requested[key] !== 0);
  const seen = new Map<number, K>();
  for (const key of configured) {
    const port = requested[key]!;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`Invalid port for ${key}: ${port}`);
    const other = seen.get(port);
    if (other) throw new UserError(`Port ${port} is configured both for ${other} and ${key}: give each its own port.`);
    seen.set(port, key);
    if (!(await isPortFree(port))) throw new PortInUseError(port, key);
  }
  const missing = keys.filter((key) => !configured.includes(key));
  const picked = await freePorts(missing.length + configured.length);
  const free = picked.filter((port) => !seen.has(port));
  const result = {} as Record<K, number>;
  for (const key of configured) result[key] = requested[key]!;
  missing.forEach((key, i) => (result[key] = free[i]!));
  return result;
}

/** Resolves once a TCP connection to host:port succeeds (false after `timeoutMs` of refusals). */
export function canConnect(port: number, host = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
