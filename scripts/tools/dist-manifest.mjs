#!/usr/bin/env node
// dist/build.sha256: what `npm run build` bundled from (the sources, the lock file, the patches
// applied to node_modules, the build settings) and what it made (every other file in dist/), one
// `sha256sum` line each. The build writes it; `--check` (the test command) recomputes it and names
// every file that differs: a source changed without a rebuild, or a bundle edited by hand. A full
// rebuild compared byte for byte is CI's `dist` job (.github/workflows/ci.yml): minutes of ncc, where
// this check takes a second.
// Usage: node scripts/tools/dist-manifest.mjs [--check]   (sha256sum -c dist/build.sha256 agrees)
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const MANIFEST = 'dist/build.sha256';
/** Everything ncc reads to make dist/ besides node_modules (pinned by the lock file and patches). */
const INPUTS = ['src', 'simulator/src', 'patches', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** Files under a path of the repository, relative to its root, sorted. */
function filesUnder(relative) {
  const full = path.join(root, relative);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

function manifest() {
  const files = [...INPUTS.flatMap(filesUnder), ...filesUnder('dist').filter((file) => file !== MANIFEST)].sort();
  return files
    .map(
      (file) =>
        `${createHash('sha256')
          .update(readFileSync(path.join(root, file)))
          .digest('hex')}  ${file}\n`,
    )
    .join('');
}

const fresh = manifest();
if (process.argv.includes('--check')) {
  const committed = existsSync(path.join(root, MANIFEST)) ? readFileSync(path.join(root, MANIFEST), 'utf8') : '';
  const byFile = (text) =>
    new Map(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(66), line.slice(0, 64)]),
    );
  const [was, now] = [byFile(committed), byFile(fresh)];
  const differ = [...new Set([...was.keys(), ...now.keys()])].filter((file) => was.get(file) !== now.get(file)).sort();
  if (differ.length > 0) {
    console.error(
      `dist/ was not built from these files (${MANIFEST}): ${differ.join(', ')}. Run 'npm run build' and commit dist/.`,
    );
    process.exit(1);
  }
  console.log(`dist/ matches ${MANIFEST}: ${now.size} files.`);
} else {
  writeFileSync(path.join(root, MANIFEST), fresh);
}
