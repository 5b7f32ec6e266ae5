// Builds the project's k6 (stock k6 + k6/x/llm) with the machine's Go and caches it under .cache/k6/.
// The cache key covers the Go version and every input of the build, so editing xk6/ or bumping a
// pinned version rebuilds, and nothing else does.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { goBinary, mainIfRun, requiredVersion, root } from './go-cache.mjs';

const mainDir = join(root, 'build', 'k6');

/** The k6 version pinned in build/k6/go.mod. */
export function pinnedK6Version() {
  return requiredVersion(join(mainDir, 'go.mod'), /^\s*go\.k6\.io\/k6 (v\S+)/m, 'go.k6.io/k6');
}

function buildInputs() {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(go|mod|sum)$/.test(e.name) && !e.name.endsWith('_test.go')) files.push(p);
    }
  };
  walk(join(root, 'xk6'));
  walk(mainDir);
  return files.sort();
}

const k6 = goBinary({
  name: 'k6',
  version: pinnedK6Version,
  cacheDir: join(root, '.cache', 'k6'),
  mainDir,
  inputs: buildInputs,
  goArgs: () => [],
  nice: false,
  needGoFor: 'to build k6 (https://go.dev/dl/, 1.25 or newer); without Go, use the Docker image: see README "Building k6".',
  label: `k6 ${pinnedK6Version()} with k6/x/llm`,
  coldHint: 'a cold build downloads Go modules and compiles k6: about 6 minutes on 2 cores',
});

/** Path of the cached binary for the current inputs (it may not exist yet). */
export const k6BinaryPath = k6.path;

/** Returns the path of a built k6, building it first (with progress on stderr) when missing. */
export const ensureK6 = k6.ensure;

mainIfRun(import.meta.url, ensureK6, 'k6');
