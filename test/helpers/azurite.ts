/**
 * Azurite's Blob service (the real Blob REST protocol, from node_modules) for tests that need a
 * storage account: on 127.0.0.1 with a port of its choice, its data in a temp folder, one account
 * with a known key (so the name a run records works in path-style URLs
 * http://127.0.0.1:<port>/<account>). Stopped by stop(), and killed when it fails to start.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './processes.js';

export interface Azurite {
  accountName: string;
  /** Base64, as ARM's listKeys returns it. */
  accountKey: string;
  /** The Blob endpoint template for ArmConnection.blobEndpoint: http(s)://127.0.0.1:<port>/{account}. */
  blobEndpoint: string;
  /** With `https`: the self-signed certificate to trust (PEM) and its file. */
  ca?: { pem: string; file: string };
  /** Everything Azurite printed (access log off). */
  output(): string;
  stop(): Promise<void>;
}

const AZURITE_BLOB = path.join(REPO_ROOT, 'node_modules', '.bin', 'azurite-blob');
const START_TIMEOUT_MS = 30_000;

/** `https`: serve HTTPS with a certificate made for the test (as Azure's endpoints, which SAS URLs must use). */
export async function startAzurite(accountName: string, options: { https?: boolean } = {}): Promise<Azurite> {
  const accountKey = randomBytes(64).toString('base64');
  const location = await mkdtemp(path.join(tmpdir(), 'sas-azurite-'));
  const tls = options.https ? await selfSignedCertificate(location) : undefined;
  // The bin script's shebang asks for `node` on PATH: run it with this Node instead.
  const child = spawn(
    process.execPath,
    [
      AZURITE_BLOB,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--location',
      location,
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
      ...(tls ? ['--cert', tls.file, '--key', tls.keyFile] : []),
    ],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AZURITE_ACCOUNTS: `${accountName}:${accountKey}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    await stopChild(child);
    await rm(location, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start in 30 s:\n${output}`)), START_TIMEOUT_MS);
      const check = () => {
        const listening = /successfully listens on https?:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (listening) {
          clearTimeout(timer);
          resolve(Number(listening[1]));
        }
      };
      child.stdout.on('data', check);
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`Azurite exited (${code}) before listening:\n${output}`)));
    });
    return {
      accountName,
      accountKey,
      blobEndpoint: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/{account}`,
      ...(tls ? { ca: { pem: tls.pem, file: tls.file } } : {}),
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A certificate for 127.0.0.1 (openssl), in Azurite's data folder. */
async function selfSignedCertificate(dir: string): Promise<{ pem: string; file: string; keyFile: string }> {
  const file = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1', '-keyout', keyFile, '-out', file].concat(
      ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    ),
    { stdio: 'ignore' },
  );
  return { pem: await readFile(file, 'utf8'), file, keyFile };
}

/** SIGTERM, then SIGKILL if it has not exited after 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
