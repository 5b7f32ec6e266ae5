// The cached Go build behind tools/build/build-relay.ts and test/infra/build-kube.ts: a binary is named by a hash of the Go
// version and every input of its build, built once with progress on stderr, and older builds are removed.
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The version a go.mod requires of a module (`pattern` matches `<module> (v...)`), or an error naming it. */
export function requiredVersion(goMod: string, pattern: RegExp, what: string): string {
  const m = readFileSync(goMod, 'utf8').match(pattern);
  if (!m) throw new Error(`${relative(root, goMod)} does not require ${what}`);
  return m[1] as string;
}

/** `go version`, or an error saying Go is needed and for what. */
function goVersion(needFor: string): string {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`Go is needed ${needFor}`);
  return r.stdout.trim();
}

/**
 * A cached Go binary. spec: name (file prefix), version, cacheDir, mainDir (the main package), inputs()
 * (every file whose change must rebuild), goArgs (after `go build -trimpath`), nice, needGoFor, label and
 * coldHint (progress messages).
 */
/** What goBinary builds, and how. */
interface GoBinarySpec {
  name: string;
  version: () => string;
  cacheDir: string;
  mainDir: string;
  inputs: () => string[];
  goArgs: () => string[];
  nice: boolean;
  needGoFor: string;
  label: string;
  coldHint: string;
}

export function goBinary(spec: GoBinarySpec): { path: () => string; ensure: (opts?: { quiet?: boolean }) => Promise<string> } {
  const path = () => {
    const h = createHash('sha256').update(goVersion(spec.needGoFor));
    for (const f of spec.inputs()) h.update(relative(root, f)).update('\0').update(readFileSync(f));
    return join(spec.cacheDir, `${spec.name}-${spec.version()}-${h.digest('hex').slice(0, 12)}`);
  };
  const ensure = async ({ quiet = false } = {}) => {
    const bin = path();
    if (existsSync(bin)) return bin;
    mkdirSync(spec.cacheDir, { recursive: true });
    const log = (msg: string) => quiet || process.stderr.write(msg);
    log(`Building ${spec.label} into ${relative(root, bin)}\n  (${spec.coldHint}; later runs reuse it)\n`);
    const started = Date.now();
    const tick = setInterval(() => log(`  still building... ${Math.round((Date.now() - started) / 1000)}s\n`), 15_000);
    const tmp = `${bin}.tmp-${process.pid}`;
    const goBuild = ['go', 'build', '-trimpath', ...spec.goArgs(), '-o', tmp, '.'];
    // nice: the build takes what other work on the machine leaves.
    const [cmd, ...args] = (spec.nice ? ['nice', '-n', '10', ...goBuild] : goBuild) as [string, ...string[]];
    try {
      await run(cmd, args, spec.mainDir);
      renameSync(tmp, bin);
    } finally {
      clearInterval(tick);
      rmSync(tmp, { force: true });
    }
    for (const old of readdirSync(spec.cacheDir)) {
      if (old.startsWith(`${spec.name}-`) && join(spec.cacheDir, old) !== bin && !old.includes('.tmp-')) rmSync(join(spec.cacheDir, old), { force: true });
    }
    log(`Built ${spec.label} in ${Math.round((Date.now() - started) / 1000)}s\n`);
    return bin;
  };
  return { path, ensure };
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CGO_ENABLED: '0' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go build in ${relative(root, cwd)} failed with exit code ${code}`))));
  });
}

/** Runs ensure() when the calling script is executed directly, printing the binary's path. */
export function mainIfRun(scriptUrl: string, ensure: () => Promise<string>, what: string): void {
  if (process.argv[1] && fileURLToPath(scriptUrl) === process.argv[1]) {
    ensure()
      .then((bin) => console.log(bin))
      .catch((err: Error) => {
        console.error(`${what} build failed: ${err.message}`);
        process.exit(1);
      });
  }
}
