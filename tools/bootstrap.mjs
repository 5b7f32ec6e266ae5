// The one plain-JavaScript file: `npm test` and `npm run demo` must work on a fresh clone, before `npm ci` has
// installed tsx, so node runs this file first. It installs the npm packages when node_modules is missing,
// then runs the TypeScript entry it is given with the project's tsx:
//   node tools/bootstrap.mjs tools/test.ts [args...]
// Everything else under tools/ is TypeScript (ARCHITECTURE.md, "Node side").
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `npm ci` when node_modules has never been installed (npm's own record of it is missing). */
function ensureNpmPackages() {
  if (existsSync(join(root, 'node_modules', '.package-lock.json'))) return;
  console.log('installing npm packages (npm ci)...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Runs a TypeScript file with the project's tsx, passing signals and the exit code through. */
function runTs(file, args) {
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, file), ...args], { cwd: process.cwd(), stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
}

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node tools/bootstrap.mjs <file.ts> [args...]');
  process.exit(2);
}
ensureNpmPackages();
runTs(file, args);
