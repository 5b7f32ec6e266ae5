// `npm test`: the whole suite from a fresh clone (tools/bootstrap.mjs has installed the npm packages first, since
// this file needs tsx). Installs what else is missing (the official k6 binary, the relay build), then runs the type checks, the Go tests of the stream relay, the bundles and vitest
// (unit, including the licence gate, and e2e). Ends with one line "tests: N passed, M failed" over Go and
// vitest together.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRelay } from './build/build-relay';
import { ensureK6, k6Version } from './build/k6-binary';
import { downloadBuildList, findGoMods } from './licence-gate';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const tally = { passed: 0, failed: 0 };
const failures: string[] = [];

function step(title: string): void {
  console.log(`\n== ${title} (${Math.round((Date.now() - started) / 1000)}s)`);
}

interface RunOptions {
  cwd?: string;
  capture?: boolean;
}

function run(cmd: string, args: string[], { cwd = root, capture = false }: RunOptions = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    if (capture) child.stdout?.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function must(title: string, cmd: string, args: string[], opts?: RunOptions): Promise<boolean> {
  step(title);
  const { code } = await run(cmd, args, opts);
  if (code !== 0) {
    failures.push(title);
    tally.failed++;
  }
  return code === 0;
}

// The e2e tests start Debian's Prometheus and open reports in Debian's Chromium; install them where that is
// possible (root with apt-get), else say what is missing.
const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = ([['prometheus', 'prometheus'], ['chromium', 'chromium']] as const).filter(([cmd]) => !onPath(cmd)).map(([, pkg]) => pkg);
if (missing.length > 0) {
  if (process.getuid?.() === 0 && onPath('apt-get')) {
    step(`installing ${missing.join(', ')} (apt-get)`);
    spawnSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`], { stdio: 'inherit' });
  } else {
    console.log(`\n${missing.join(' and ')} not on PATH: the tests that need them will fail. Debian: apt-get install ${missing.join(' ')}.`);
  }
}

const npx = (bin: string, ...args: string[]): [string, string[]] => [join(root, 'node_modules', '.bin', bin), args];

await must('type check (k6 side, no Node types)', ...npx('tsc', '-p', 'tsconfig.k6.json'));
await must('type check (Node side)', ...npx('tsc', '-p', 'tsconfig.json'));

step('go test ./... in relay/');
const goTest = await run('go', ['test', '-json', './...'], { cwd: join(root, 'relay'), capture: true }).catch((err: NodeJS.ErrnoException) => {
  if (err.code !== 'ENOENT') throw err;
  // Without Go the rest still runs: it is one failure to report, not a reason to stop.
  console.log('Go is needed: install Go 1.25 or newer (https://go.dev/dl/) to run the relay tests and build the relay.');
  tally.failed++;
  failures.push('go test (Go is not installed)');
  return null;
});
if (goTest) {
  const { code, out } = goTest;
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const ev = JSON.parse(line);
    if (ev.Test && ev.Action === 'pass') tally.passed++;
    if (ev.Test && ev.Action === 'fail') {
      tally.failed++;
      failures.push(`go: ${ev.Test}`);
    }
    if (ev.Action === 'output' && /^(--- FAIL|FAIL|ok|panic)/.test(ev.Output ?? '')) process.stdout.write(ev.Output);
  }
  if (code !== 0 && !failures.some((f) => f.startsWith('go:'))) {
    tally.failed++;
    failures.push('go test (build or setup failure)');
    process.stdout.write(out.split('\n').filter((l: string) => !l.startsWith('{')).join('\n'));
  }
}

const built = await must('bundle scenarios (esbuild, both flavours)', process.execPath, ['--import', 'tsx', 'tools/build/bundle.ts']);
step('the official k6 (installed on first use) and the stream relay (built on first use)');
let tools = true;
try {
  const k6 = await ensureK6();
  console.log(`k6: ${k6} (${k6Version(k6) ?? 'k6 version failed'})`);
} catch (err) {
  console.log(`k6: ${(err as Error).message}`);
  tally.failed++;
  failures.push('k6 install');
  tools = false;
}
try {
  console.log(`relay: ${await ensureRelay()}`);
} catch (err) {
  console.log(`relay build: ${(err as Error).message}`);
  tally.failed++;
  failures.push('relay build');
  tools = false;
}

step('kube-apiserver for the Kubernetes tests (built on first use)');
const kube = await run(process.execPath, ['--import', 'tsx', 'test/infra/build-kube.ts']);
if (kube.code !== 0) {
  tally.failed++;
  failures.push('kube-apiserver build');
}

// The licence gate (test/unit/tools/licence-gate.test.ts) reads every module of every go.mod's build list from the
// module cache, offline; a build downloads only the modules it compiles, so fetch the rest here.
step('Go modules of every build list, for the licence gate (go mod download all)');
for (const goMod of findGoMods(root)) {
  if ((await downloadBuildList(dirname(goMod))) !== 0) console.log(`go mod download all in ${dirname(goMod)} failed: the licence gate will name what is missing`);
}

if (built && tools) {
  step('vitest: unit and end-to-end tests');
  const report = join(mkdtempSync(join(tmpdir(), 'vitest-')), 'report.json');
  const [bin, args] = npx('vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`);
  const { code } = await run(bin, args);
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    tally.passed += r.numPassedTests;
    tally.failed += r.numFailedTests;
    if (r.numFailedTests > 0) failures.push(`vitest: ${r.numFailedTests} failed`);
    if (code !== 0 && r.numFailedTests === 0) {
      tally.failed++;
      failures.push('vitest (a suite failed to load)');
    }
  } else {
    tally.failed++;
    failures.push('vitest (no report)');
  }
}

console.log(`\nfinished in ${Math.round((Date.now() - started) / 1000)}s${failures.length ? `; failed: ${failures.join(', ')}` : ''}`);
console.log(`tests: ${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed === 0 ? 0 : 1);
