import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureK6 } from '../../../build/build-k6.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface K6Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Path of a bundle built by `npm run build`, failing clearly when the build has not run. */
export function bundle(rel: string): string {
  const p = join(repoRoot, 'dist', rel);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run build\` first (npm test does)`);
  return p;
}

/** Runs the project's k6 with args; kills it if it outlives timeoutMs. */
export async function runK6(args: string[], timeoutMs = 120_000): Promise<K6Run> {
  const bin = await ensureK6();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: repoRoot, env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
