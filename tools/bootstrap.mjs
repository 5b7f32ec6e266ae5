// Shared by the npm entry points that must work on a fresh clone: installs the npm packages when
// node_modules is missing, then runs a TypeScript entry with tsx.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `npm ci` when node_modules has never been installed (npm's own record of it is missing). */
export function ensureNpmPackages() {
  if (existsSync(join(root, 'node_modules', '.package-lock.json'))) return;
  console.log('installing npm packages (npm ci)...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Runs a TypeScript file with the project's tsx, passing signals and the exit code through. */
export function runTs(file, args) {
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, file), ...args], { cwd: process.cwd(), stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
}
