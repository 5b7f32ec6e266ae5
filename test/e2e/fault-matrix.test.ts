// The fault matrix of issue 17: real k6, the relay and the sim on loopback, a fault injected into each stage of
// a run's tenants' life. Each case checks that what is left is said (by id) in every report and the ledger, and
// that `npm run cleanup` brings the sim's live tenants (GET /_sim/live) to zero.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import { repoRoot, withTsx } from './helpers/k6';
import { runLoadtest, sim, simJson, type LoadtestRun } from './helpers/loadtest';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

interface Live {
  apiKeys: string[];
  users: string[];
  orgs: string[];
}

const sims: RunningSim[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});

async function withSim(): Promise<RunningSim> {
  const s = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
  sims.push(s);
  return s;
}

async function setFaults(s: RunningSim, faults: unknown[]): Promise<void> {
  const r = await fetch(`${s.adminUrl}/_sim/admin-faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(r.status, await r.text()).toBe(200);
}

const live = (s: RunningSim) => simJson<Live>(`${s.adminUrl}/_sim/live`);

// Two orgs of 3 users, 2 keys each: 12 keys, enough for a batch to fail part-way. Short: 2 s of load.
const YAML = scenarioYaml({
  organizations: { count: 2, namePrefix: 'fm-org' },
  users: { perOrg: { min: 3, max: 3 }, namePrefix: 'fm-user', apiKeys: { perUser: 2 } },
  platform: { retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 100 } },
  loadPattern: { phases: [{ kind: 'sustain', durationSec: 2, target: 6 }] },
});

/** The cleanup section of each report, which every case expects in all of them. */
function expectCleanupInEveryReport(run: LoadtestRun, state: string): void {
  const summary = run.summary as { run: { cleanup: { state: string } | null } } | null;
  expect(summary, run.stderr.slice(-2000)).not.toBeNull();
  expect(summary?.run.cleanup?.state).toBe(state);
  expect(run.files['report.html']).toContain('<h2>Cleanup</h2>');
  expect(run.files['junit.xml']).toContain('name="cleanup left nothing active"');
  expect(run.stdout + run.stderr).toMatch(/cleanup \.+ \S/);
}

/** `npm run cleanup -- args` in the run's folder, with the sim's admin credentials in the env vars the ledger names. */
function npmCleanup(s: RunningSim, cwd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const env = { ...process.env, AIAAS_ADMIN_EMAIL: s.config.admin.email, AIAAS_ADMIN_PASSWORD: s.config.admin.password };
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...withTsx, join(repoRoot, 'tools', 'cleanup.ts'), ...args], { cwd, env, timeout: 60_000 }, (_err, stdout, stderr) =>
      resolve({ code: child.exitCode, out: stdout + stderr }),
    );
  });
}

function ledgerOf(run: LoadtestRun): string[] {
  const p = join(run.reports, 'ledger.jsonl');
  return existsSync(p) ? readFileSync(p, 'utf8').trim().split('\n') : [];
}

describe('provisioning that fails part-way', () => {
  for (const [what, route, after] of [
    ['keys', 'POST /v1/orgs/:org/users/:userId/api-keys', 3],
    ['invites', 'POST /v1/orgs/:org/invites', 2],
    ['orgs', 'POST /v1/orgs', 1],
  ] as const) {
    it(`${what}: what the failing batch created is rolled back, the message says so truthfully, and the reports name the cleanup`, async () => {
      const s = await withSim();
      await setFaults(s, [{ route, status: 500, after }]);
      const run = await runLoadtest(s, YAML, { timeoutMs: 90_000 });
      expect(run.code).not.toBe(0);
      expect(await live(s)).toEqual({ apiKeys: [], users: [], orgs: [] });
      const out = run.stdout + run.stderr;
      expect(out).toContain('provisioning failed');
      expect(out).toMatch(/rollback of what was created: revoked \d+ key\(s\).*nothing left/);
      expectCleanupInEveryReport(run, 'cleaned');
      // The ledger has every tenant created before the failure, and no secret.
      const ledger = ledgerOf(run);
      expect(ledger[0]).toContain('"kind":"run"');
      expect(ledger.at(-1)).toContain('"state":"cleaned"');
      const created = run.simState.apiKeys.length + run.simState.users.length + run.simState.orgs.length;
      expect(ledger.filter((l) => /"kind":"(key|user|org)"/.test(l))).toHaveLength(created);
      expect(ledger.join('\n')).not.toMatch(/secret|sk-/);
    }, 120_000);
  }
});

describe('revokes that fail', () => {
  it('teardown goes on through every step, names each key left by id, fails the run, and the reports say so', async () => {
    const s = await withSim();
    // The first 8 revokes pass, then every revoke fails: 4 of 12 keys stay active.
    await setFaults(s, [{ route: 'DELETE /v1/orgs/:org/api-keys/:apiKeyId', status: 500, after: 8 }]);
    const run = await runLoadtest(s, YAML, { timeoutMs: 90_000 });
    const left = await live(s);
    expect(left.apiKeys).toHaveLength(4);
    // Users and orgs were still suspended after the first failure.
    expect(left.users).toEqual([]);
    expect(left.orgs).toEqual([]);
    expect(run.code).not.toBe(0);
    expectCleanupInEveryReport(run, 'left');
    const cleanup = (run.summary as { run: { cleanup: { leftCount: number; left: { id: string }[]; keys: { done: number; failed: number } } } }).run.cleanup;
    expect(cleanup.leftCount).toBe(4);
    expect(cleanup.keys).toMatchObject({ done: 8, failed: 4 });
    expect(cleanup.left.map((t) => t.id).sort()).toEqual([...left.apiKeys].sort());
    expect(run.files['junit.xml']).toMatch(/<failure message="cleanup left 4 tenant\(s\) active/);
    for (const id of left.apiKeys) expect(run.stdout).toContain(id);
    // npm run cleanup: while revokes still fail it says so by id and exits 1; once they work, 0 live tenants.
    const failing = await npmCleanup(s, run.dir, ['--run-id', run.runId]);
    expect(failing.code, failing.out).toBe(1);
    for (const id of left.apiKeys) expect(failing.out).toContain(`left: key ${id}`);
    await setFaults(s, []);
    const fixed = await npmCleanup(s, run.dir, ['--run-id', run.runId]);
    expect(fixed.code, fixed.out).toBe(0);
    expect(fixed.out).toContain('cleanup: nothing left active');
    expect(await live(s)).toEqual({ apiKeys: [], users: [], orgs: [] });
  }, 120_000);
});
