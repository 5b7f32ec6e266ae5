import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureK6 } from '../../../build/build-k6.mjs';
import { rewriteArgs } from '../../../scripts/k6-args.mjs';

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

/** Where and with what environment k6 runs. */
export interface K6Options {
  timeoutMs?: number;
  /** Working directory (results land here); PWD follows it so relative paths resolve the same way. */
  cwd?: string;
  env?: Record<string, string>;
  /** Called with the k6 process once it is spawned, e.g. to signal it mid-run. */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs the project's k6 with args (`--prometheus URL` included, as `npm run k6` takes it); kills it if it outlives the timeout. */
export async function runK6(args: string[], opts: K6Options | number = {}): Promise<K6Run> {
  const { timeoutMs = 120_000, cwd = repoRoot, env = {}, onSpawn } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const rewritten = rewriteArgs(args, { ...process.env, ...env });
  if ('error' in rewritten) throw new Error(rewritten.error);
  const bin = await ensureK6();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, rewritten.args, { cwd, env: { ...process.env, PWD: cwd, K6_NO_USAGE_REPORT: 'true', ...rewritten.env, ...env } });
    onSpawn?.(child);
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
