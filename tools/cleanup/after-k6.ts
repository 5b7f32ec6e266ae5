// What `npm run k6` does once k6 has exited: a run whose teardown never closed its ledger (setup interrupted,
// teardown skipped or cut short by a second Ctrl-C, k6 killed) has tenants still active, and k6 can no longer
// clean them up. The wrapper still can: it asks its relay which ledgers it wrote and cleans up each open one.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseLedger } from '../../src/platform/ledger';
import { cleanupCommand } from '../../src/report/cleanup';
import { runDirName } from '../../src/report/index';
import { cleanLedger, cleanupReport, needsCleanup } from './clean-ledger';

/** The env vars given to k6 with -e/--env K=V: the admin credentials may be among them. */
export function k6EnvFlags(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    let kv: string | undefined;
    if (a === '-e' || a === '--env') kv = args[++i];
    else if (a.startsWith('--env=')) kv = a.slice('--env='.length);
    else if (a.startsWith('-e') && a.length > 2) kv = a.slice(2);
    const eq = kv?.indexOf('=') ?? -1;
    if (kv !== undefined && eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** Cleans up every ledger the relay wrote that no teardown closed; prints what it did and the command for what is left. */
export async function cleanupAfterK6(relayUrl: string, cwd: string, env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<void> {
  let paths: string[];
  try {
    const res = await fetch(`${relayUrl}/v1/ledger`, { signal: AbortSignal.timeout(5_000) });
    paths = ((await res.json()) as { paths?: string[] }).paths ?? [];
  } catch {
    return;
  }
  for (const rel of paths) {
    const path = resolve(cwd, rel);
    if (!needsCleanup(path)) continue;
    const ledger = parseLedger(readFileSync(path, 'utf8'));
    const runId = ledger.head?.runId ?? '?';
    say(`run ${runId}: its teardown did not clean up (interrupted or cut short); cleaning up what ${rel} lists`);
    const c = await cleanLedger(path, env);
    for (const line of cleanupReport(c)) say(line);
    const runDir = rel.lastIndexOf(`/${runDirName(runId)}/`);
    if (c.result.left.length > 0) say(`clean up the rest with: ${cleanupCommand(runId, runDir > 0 ? rel.slice(0, runDir) : 'results')}`);
  }
}
