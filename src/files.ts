/** Files of the file system, listed. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every file at a path, sorted: none when nothing is there, the path itself when it is a file, and
 * every file under it (at any depth) when it is a folder.
 */
export async function filesAt(target: string): Promise<string[]> {
  const found = await stat(target).catch(() => undefined);
  if (!found) return [];
  if (!found.isDirectory()) return [target];
  return (await readdir(target, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
