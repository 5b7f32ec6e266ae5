import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureK6 } from '../../../tools/build/k6-binary';
import { startRelay } from '../../../tools/build/relay-process';
import { rewriteArgs, wrapperPlan } from '../../../tools/k6-args';

export { startRelay };

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Node flags that run a tools/*.ts CLI as package.json does (`node --import tsx ...`), from any working
 * directory: the loader by path, since `--import tsx` resolves from the cwd.
 */
export const withTsx = ['--import', pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href];

export interface K6Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The relay's own output, when runK6 started one. */
  relayLog?: string;
}

/** Path of a bundle built by `npm run build`, failing clearly when the build has not run. */
export function bundle(rel: string): string {
  const p = join(repoRoot, 'dist', rel);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run build\` first (npm test does)`);
  return p;
}

/** Where and with what environment k6 runs. */
interface K6Options {
  timeoutMs?: number;
  /** Working directory (results land here); PWD follows it so relative paths resolve the same way. */
  cwd?: string;
  /** Added to k6's environment. With LLM_RELAY_URL set, no relay is started for the run. */
  env?: Record<string, string>;
  /** Called with the k6 process once it is spawned, e.g. to signal it mid-run. */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * Runs the official k6 with args (`--prometheus URL` included, as `npm run k6` takes it), as tools/k6.ts
 * does: for `k6 run`, a stream relay of its own (unless env.LLM_RELAY_URL is given) whose URL k6 gets as
 * LLM_RELAY_URL, stopped after k6 exits, and a REST API port of its own. Kills k6 if it outlives the timeout.
 * The relay's output comes back as relayLog.
 */
export async function runK6(args: string[], opts: K6Options | number = {}): Promise<K6Run> {
  const { timeoutMs = 120_000, cwd = repoRoot, env = {}, onSpawn } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const rewritten = rewriteArgs(args, { ...process.env, ...env });
  if ('error' in rewritten) throw new Error(rewritten.error);
  // Only env given here counts: a LLM_RELAY_URL in the test process's own environment is not a relay for this run.
  const plan = wrapperPlan(rewritten.args, env);
  const bin = await ensureK6();
  let relayLog = '';
  const relay = plan.relay ? await startRelay({ cwd, quiet: true, log: (line) => (relayLog += `relay: ${line}\n`) }) : null;
  try {
    return await new Promise<K6Run>((resolve, reject) => {
      const child = spawn(bin, plan.args, {
        cwd,
        env: { ...process.env, PWD: cwd, K6_NO_USAGE_REPORT: 'true', ...rewritten.env, ...(relay ? { LLM_RELAY_URL: relay.url } : {}), ...env },
      });
      onSpawn?.(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, ...(relay ? { relayLog } : {}) });
      });
    });
  } finally {
    await relay?.stop();
  }
}
