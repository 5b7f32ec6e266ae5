// Builds a real Kubernetes API server for the tests (build/kube: kube-apiserver from k8s.io/kubernetes, plus an
// embedded etcd) with the machine's Go and caches it under .cache/kube/. Like build-k6.mjs, the cache key covers
// the Go version and every input of the build (build/kube and this script), so nothing else rebuilds it.
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mainDir = join(root, 'build', 'kube');
const cacheDir = join(root, '.cache', 'kube');

/** The Kubernetes version pinned in build/kube/go.mod. */
export function pinnedKubeVersion() {
  const m = readFileSync(join(mainDir, 'go.mod'), 'utf8').match(/^\s*k8s\.io\/kubernetes (v\S+)/m);
  if (!m) throw new Error('build/kube/go.mod does not require k8s.io/kubernetes');
  return m[1];
}

function goVersion() {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('Go is needed to build the test Kubernetes API server (https://go.dev/dl/, 1.26 or newer).');
  }
  return r.stdout.trim();
}

function buildInputs() {
  const files = [];
  for (const e of readdirSync(mainDir, { withFileTypes: true })) {
    if (e.isFile() && /\.(go|mod|sum)$/.test(e.name) && !e.name.endsWith('_test.go')) files.push(join(mainDir, e.name));
  }
  files.push(fileURLToPath(import.meta.url)); // the flags below are inputs too
  return files.sort();
}

/** Path of the cached binary for the current inputs (it may not exist yet). */
export function kubeBinaryPath() {
  const h = createHash('sha256').update(goVersion());
  for (const f of buildInputs()) h.update(relative(root, f)).update('\0').update(readFileSync(f));
  return join(cacheDir, `kube-${pinnedKubeVersion()}-${h.digest('hex').slice(0, 12)}`);
}

/**
 * Returns the path of the built binary (`<bin> etcd ...` and `<bin> apiserver ...`), building it first (with
 * progress on stderr) when missing.
 */
export async function ensureKube({ quiet = false } = {}) {
  const bin = kubeBinaryPath();
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const version = pinnedKubeVersion();
  const log = (msg) => quiet || process.stderr.write(msg);
  log(`Building kube-apiserver ${version} with embedded etcd into ${relative(root, bin)}\n`);
  log('  (a cold build downloads Go modules and compiles kube-apiserver: about 8 minutes on 2 cores; later runs reuse it)\n');
  const started = Date.now();
  const tick = setInterval(() => log(`  still building... ${Math.round((Date.now() - started) / 1000)}s\n`), 15_000);
  const tmp = `${bin}.tmp-${process.pid}`;
  const [major, minor] = version.replace(/^v/, '').split('.');
  const pkg = 'k8s.io/component-base/version';
  const ldflags = ['-s', '-w', `-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`];
  try {
    // nice: the machine has 2 cores, shared with whatever else runs; the build takes what is left.
    await run('nice', ['-n', '10', 'go', 'build', '-trimpath', `-ldflags=${ldflags.join(' ')}`, '-o', tmp, '.'], mainDir);
    renameSync(tmp, bin);
  } finally {
    clearInterval(tick);
    rmSync(tmp, { force: true });
  }
  for (const old of readdirSync(cacheDir)) {
    if (old.startsWith('kube-') && join(cacheDir, old) !== bin && !old.includes('.tmp-')) rmSync(join(cacheDir, old), { force: true });
  }
  log(`Built kube-apiserver in ${Math.round((Date.now() - started) / 1000)}s\n`);
  return bin;
}

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CGO_ENABLED: '0' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.slice(2, 4).join(' ')} failed with exit code ${code}`))));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureKube()
    .then((bin) => console.log(bin))
    .catch((err) => {
      console.error(`kube-apiserver build failed: ${err.message}`);
      process.exit(1);
    });
}
