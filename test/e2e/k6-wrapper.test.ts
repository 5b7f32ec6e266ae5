// `npm run k6` as a terminal drives it (issue 17, item 0): Ctrl-C sends ONE SIGINT to the whole foreground
// process group (the wrapper, k6 and the relay). k6 must see exactly one, stop gracefully and run teardown
// through the relay (which must still answer), then the wrapper stops the relay and exits with k6's code.
// A wrapper that forwards the SIGINT makes k6 see two: "Aborting k6 in response to signal", no teardown.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ensureK6 } from '../../tools/build/k6-binary';
import { ensureRelay } from '../../tools/build/build-relay';
import { repoRoot, withTsx } from './helpers/k6';
import { groupAlive } from './helpers/process-group';

/** k6's exit code when a signal stopped the run (exitcodes.ExternalAbort). */
const K6_INTERRUPTED = 105;

// Teardown takes a second, so a second SIGINT arriving after the first (as a forwarding wrapper sends it)
// would land in it and abort; it then calls the relay, which must still be serving.
const SCRIPT = `
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { vus: 1, duration: '30s' };
export function setup() { console.log('MARK setup relay=' + __ENV.LLM_RELAY_URL); }
export default function () { sleep(0.1); }
export function teardown() {
  sleep(1);
  const r = http.get(__ENV.LLM_RELAY_URL + '/v1/health');
  console.log('MARK teardown relay-status=' + r.status);
}
export function handleSummary() { return { stdout: 'MARK summary\\n' }; }
`;

const dir = mkdtempSync(join(tmpdir(), 'k6-wrapper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('one Ctrl-C to the wrapper’s process group: k6 stops gracefully, runs teardown through the relay, the relay is gone after', async () => {
  await ensureK6();
  await ensureRelay();
  const script = join(dir, 'sigint.js');
  writeFileSync(script, SCRIPT);
  const env: NodeJS.ProcessEnv = { ...process.env, K6_NO_USAGE_REPORT: 'true' };
  delete env.LLM_RELAY_URL;
  // detached: its own process group, as a terminal's foreground job.
  const child = spawn(process.execPath, [...withTsx, join(repoRoot, 'tools', 'k6.ts'), 'run', '--log-format', 'raw', '--no-color', script], { cwd: dir, env, detached: true });
  const pgid = child.pid!;
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const killer = setTimeout(() => groupAlive(pgid) && process.kill(-pgid, 'SIGKILL'), 60_000);
  try {
    // Mid-run: setup done and some iterations in.
    const deadline = Date.now() + 30_000;
    while (!out.includes('MARK setup') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out, out).toContain('MARK setup relay=http://127.0.0.1:');
    await new Promise((r) => setTimeout(r, 500));
    process.kill(-pgid, 'SIGINT');
    const code = await closed;
    const relayUrl = /MARK setup relay=(\S+)/.exec(out)![1];
    expect(out).not.toContain('Aborting k6');
    expect(out).toContain('MARK teardown relay-status=200');
    expect(out).toContain('MARK summary');
    expect(code, out).toBe(K6_INTERRUPTED);
    // Nothing of the group is left (k6, the relay), and the relay's port no longer answers.
    await new Promise((r) => setTimeout(r, 200));
    expect(groupAlive(pgid)).toBe(false);
    await expect(fetch(`${relayUrl}/v1/health`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  } finally {
    clearTimeout(killer);
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  }
}, 90_000);

it('passes k6’s exit code through and starts no relay for other subcommands', async () => {
  const env = { ...process.env };
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const c = spawn(process.execPath, [...withTsx, join(repoRoot, 'tools', 'k6.ts'), 'version'], { cwd: dir, env });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (code) => resolve({ code, out }));
  });
  expect(r.code, r.out).toBe(0);
  expect(r.out).toMatch(/k6 v\d+\.\d+\.\d+/);
  expect(r.out).not.toContain('relay');
});
