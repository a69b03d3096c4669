/**
 * The folder of this project (where package.json, flink-job/ and local-runtime/ are), found from the
 * running code: src/ under jest, dist/<bundle>/ when bundled.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(start = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'streaming-at-scale'
    ) {
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`Cannot find the streaming-at-scale folder above ${start}`);
  }
}
