// Builds the project's k6 (stock k6 + k6/x/llm) with the machine's Go and caches it under .cache/k6/.
// The cache key covers the Go version and every input of the build, so editing xk6/ or bumping a
// pinned version rebuilds, and nothing else does.
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mainDir = join(root, 'build', 'k6');
const cacheDir = join(root, '.cache', 'k6');

/** The k6 version pinned in build/k6/go.mod. */
export function pinnedK6Version() {
  const m = readFileSync(join(mainDir, 'go.mod'), 'utf8').match(/^\s*go\.k6\.io\/k6 (v\S+)/m);
  if (!m) throw new Error('build/k6/go.mod does not require go.k6.io/k6');
  return m[1];
}

function goVersion() {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('Go is needed to build k6 (https://go.dev/dl/, 1.25 or newer); without Go, use the Docker image: see README "Building k6".');
  }
  return r.stdout.trim();
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

/** Path of the cached binary for the current inputs (it may not exist yet). */
export function k6BinaryPath() {
  const h = createHash('sha256').update(goVersion());
  for (const f of buildInputs()) h.update(relative(root, f)).update('\0').update(readFileSync(f));
  return join(cacheDir, `k6-${pinnedK6Version()}-${h.digest('hex').slice(0, 12)}`);
}

/** Returns the path of a built k6, building it first (with progress on stderr) when missing. */
export async function ensureK6({ quiet = false } = {}) {
  const bin = k6BinaryPath();
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const log = (msg) => quiet || process.stderr.write(msg);
  log(`Building k6 ${pinnedK6Version()} with k6/x/llm into ${relative(root, bin)}\n`);
  log('  (a cold build downloads Go modules and compiles k6: about 3-5 minutes on 2 cores; later runs reuse it)\n');
  const started = Date.now();
  const tick = setInterval(() => log(`  still building... ${Math.round((Date.now() - started) / 1000)}s\n`), 15_000);
  const tmp = `${bin}.tmp-${process.pid}`;
  try {
    await run('go', ['build', '-trimpath', '-o', tmp, '.'], mainDir);
    renameSync(tmp, bin);
  } finally {
    clearInterval(tick);
    rmSync(tmp, { force: true });
  }
  for (const old of readdirSync(cacheDir)) {
    if (old.startsWith('k6-') && join(cacheDir, old) !== bin && !old.includes('.tmp-')) rmSync(join(cacheDir, old), { force: true });
  }
  log(`Built k6 in ${Math.round((Date.now() - started) / 1000)}s\n`);
  return bin;
}

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CGO_ENABLED: '0' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed with exit code ${code}`))));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureK6()
    .then((bin) => console.log(bin))
    .catch((err) => {
      console.error(`k6 build failed: ${err.message}`);
      process.exit(1);
    });
}
