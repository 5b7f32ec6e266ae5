// The fault matrix of issue 17: real k6, the relay and the sim on loopback, a fault injected into each stage of
// a run's tenants' life. Each case checks that what is left is said (by id) in every report and the ledger, and
// that `npm run cleanup` brings the sim's live tenants (GET /_sim/live) to zero.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import { bundle, repoRoot, withTsx } from './helpers/k6';
import { startSim } from '../../sim/index';
import { runLoadtest, sim, simJson, type LoadtestRun } from './helpers/loadtest';
import { groupAlive } from './helpers/process-group';
import { fastModel, scenarioYaml } from './helpers/scenario-config';
import { until } from './helpers/wait';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A predicate as `until` polls it: undefined (not yet) until it holds. */
const holds = (ok: () => Promise<boolean>) => async () => ((await ok()) ? true : undefined);

interface WrapperRun {
  code: number | null;
  out: string;
  runId: string;
  dir: string;
  files: Record<string, string>;
  summary: { run: { endReason: string | null; cleanup: { state: string; leftCount: number | null } | null; result: { passed: boolean } } } | null;
}

/**
 * `npm run k6 -- run dist/loadtest.js` as a terminal runs it: its own process group, which `signal` gets Ctrl-C's
 * SIGINT through (process.kill(-pgid)), exactly as a terminal sends it to the foreground job.
 */
async function runWrapper(s: RunningSim, drive: (ctl: { sigint: () => void; out: () => string }) => Promise<void>, durationSec = 6): Promise<WrapperRun> {
  const dir = mkdtempSync(join(tmpdir(), 'fault-matrix-'));
  writeFileSync(join(dir, 'config.yaml'), YAML.replace(/durationSec: 2\b/, `durationSec: ${durationSec}`));
  const runId = `fm-${Date.now()}`;
  const env: NodeJS.ProcessEnv = { ...process.env, K6_NO_USAGE_REPORT: 'true', CONFIG: join(dir, 'config.yaml'), RUN_ID: runId, API_ROUTER_URL: s.routerUrl, USER_ORG_URL: s.adminUrl, AIAAS_ADMIN_EMAIL: s.config.admin.email, AIAAS_ADMIN_PASSWORD: s.config.admin.password };
  delete env.LLM_RELAY_URL;
  const child = spawn(process.execPath, [...withTsx, join(repoRoot, 'tools', 'k6.ts'), 'run', '--log-format', 'raw', '--no-color', bundle('loadtest.js')], { cwd: dir, env, detached: true });
  const pgid = child.pid as number;
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const killer = setTimeout(() => groupAlive(pgid) && process.kill(-pgid, 'SIGKILL'), 100_000);
  try {
    await drive({ sigint: () => process.kill(-pgid, 'SIGINT'), out: () => out });
    const code = await closed;
    const files: Record<string, string> = {};
    for (const name of ['summary.json', 'junit.xml', 'report.html', 'ledger.jsonl']) {
      const p = join(dir, 'results', runId, name);
      if (existsSync(p)) files[name] = readFileSync(p, 'utf8');
    }
    return { code, out, runId, dir, files, summary: files['summary.json'] ? (JSON.parse(files['summary.json']) as WrapperRun['summary']) : null };
  } finally {
    clearTimeout(killer);
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  }
}

const provisioned = (s: RunningSim) => async () => (await live(s)).apiKeys.length === 12;
const NONE: Live = { apiKeys: [], users: [], orgs: [] };

describe('the stock (buffered) bundle, which has no relay', () => {
  it('writes its ledger to k6’s log, says cleanup is unknown in its reports, and npm run cleanup --ledger reads the log', async () => {
    const s = await withSim();
    await setFaults(s, [{ route: 'DELETE /v1/orgs/:org/api-keys/:apiKeyId', status: 500, after: 8 }]);
    const run = await runLoadtest(s, YAML, { timeoutMs: 90_000, stock: true });
    expect(run.code).not.toBe(0);
    expect((await live(s)).apiKeys).toHaveLength(4);
    // Stock k6 cannot make folders: its reports are flat in the working directory.
    const summary = JSON.parse(readFileSync(join(run.dir, `${run.runId}-summary.json`), 'utf8')) as { run: { cleanup: { state: string } } };
    expect(summary.run.cleanup.state).toBe('unknown');
    await setFaults(s, []);
    const done = await npmCleanup(s, run.dir, ['--run-id', run.runId, '--ledger', join(run.dir, 'console.log')]);
    expect(done.code, done.out).toBe(0);
    expect(await live(s)).toEqual(NONE);
  }, 120_000);
});

describe('interruptions through npm run k6', () => {
  it('one Ctrl-C mid-run: teardown cleans up, and every report records the run as interrupted', async () => {
    const s = await withSim();
    const run = await runWrapper(s, async (ctl) => {
      await until('the 12 keys provisioned', holds(provisioned(s)));
      await sleep(1000);
      ctl.sigint();
    });
    expect(await live(s)).toEqual(NONE);
    expect(run.out).not.toContain('Aborting k6');
    expect(run.summary?.run.endReason, run.out.slice(-3000)).toBe('interrupted (SIGINT)');
    expect(run.summary?.run.result.passed).toBe(false);
    expect(run.summary?.run.cleanup?.state).toBe('cleaned');
    expect(run.files['junit.xml']).toMatch(/name="the run was not interrupted"[^/]*>\s*<failure message="interrupted \(SIGINT\)"/);
    expect(run.files['report.html']).toContain('interrupted (SIGINT)');
    expect(run.out).toMatch(/ended by \.+ interrupted \(SIGINT\)/);
    expect(run.code).not.toBe(0);
  }, 120_000);

  it('Ctrl-C during setup: k6 skips teardown, the reports say cleanup did not run, the wrapper cleans up from the ledger', async () => {
    const s = await withSim();
    // Keys are slow to issue: setup is still running when the Ctrl-C comes, orgs and users already created.
    await setFaults(s, [{ route: 'POST /v1/orgs/:org/users/:userId/api-keys', delayMs: 3000 }]);
    const run = await runWrapper(s, async (ctl) => {
      await until('the 6 users provisioned', holds(async () => (await live(s)).users.length === 6));
      await sleep(500);
      ctl.sigint();
    });
    expect(await live(s)).toEqual(NONE);
    expect(run.out).toMatch(/teardown did not clean up .*cleaning up what results\/fm-\d+\/ledger\.jsonl lists/);
    expect(run.out).toContain('nothing left');
    expect(run.files['ledger.jsonl']).toMatch(/"kind":"end","state":"cleaned"/);
    // k6 still writes its reports: setup failed, interrupted, and its cleanup never reached them (the wrapper's did).
    expect(run.summary?.run.endReason).toBe('interrupted (SIGINT)');
    expect(run.summary?.run.cleanup?.state).toBe('not-run');
    expect(run.files['junit.xml']).toMatch(/<failure message="cleanup did not run/);
    expect(run.out).toContain(`clean up with: npm run cleanup -- --run-id ${run.runId}`);
    expect(run.code).not.toBe(0);
  }, 120_000);

  it('a second Ctrl-C during teardown: k6 aborts, the wrapper finishes the cleanup from the ledger', async () => {
    const s = await withSim();
    await setFaults(s, [{ route: 'DELETE /v1/orgs/:org/api-keys/:apiKeyId', delayMs: 1500 }]);
    const run = await runWrapper(s, async (ctl) => {
      await until('the 12 keys provisioned', holds(provisioned(s)));
      await sleep(1000);
      ctl.sigint();
      const revoking = async () => ((await simJson<{ faults: { seen: number }[] }>(`${s.adminUrl}/_sim/admin-faults`)).faults[0]?.seen ?? 0) > 0;
      await until('teardown revoking', holds(revoking));
      ctl.sigint();
    });
    expect(run.out).toContain('Aborting k6');
    expect(run.out).toMatch(/teardown did not clean up/);
    expect(await live(s)).toEqual(NONE);
    expect(run.files['ledger.jsonl']).toMatch(/"kind":"end","state":"cleaned"/);
    expect(run.code).not.toBe(0);
  }, 120_000);
});

describe('the platform gone during teardown', () => {
  it('admin API answering 503 to everything: every tenant is reported left by id; npm run cleanup finishes the job', async () => {
    const s = await withSim();
    const running = runLoadtest(s, YAML.replace(/durationSec: 2\b/, 'durationSec: 4'), { timeoutMs: 90_000 });
    await until('the 12 keys provisioned', holds(provisioned(s)));
    await setFaults(s, [{ route: '*', status: 503 }]);
    const run = await running;
    expect(run.code).not.toBe(0);
    expectCleanupInEveryReport(run, 'left');
    expect((run.summary as { run: { cleanup: { leftCount: number } } }).run.cleanup.leftCount).toBe(20);
    await setFaults(s, []);
    const done = await npmCleanup(s, run.dir, ['--run-id', run.runId]);
    expect(done.code, done.out).toBe(0);
    expect(await live(s)).toEqual(NONE);
  }, 120_000);

  it('the sim killed mid-run: the reports and the ledger name all 20 tenants; npm run cleanup fails against the dead platform and finds them gone on a fresh one', async () => {
    const s = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    let closed = false;
    try {
      const run = await runWrapper(
        s,
        async () => {
          await until('the 12 keys provisioned', holds(provisioned(s)));
          await s.close();
          closed = true;
        },
        4,
      );
      expect(run.code).not.toBe(0);
      expect(run.summary?.run.cleanup).toMatchObject({ state: 'left', leftCount: 20 });
      expect(run.files['junit.xml']).toMatch(/<failure message="cleanup left 20 tenant\(s\) active/);
      expect(run.files['report.html']).toContain('20 tenant(s) LEFT ACTIVE');
      // The wrapper tried again and said what is left, with the command.
      expect(run.out).toContain(`clean up the rest with: npm run cleanup -- --run-id ${run.runId}`);
      const ledger = readFileSync(join(run.dir, 'results', run.runId, 'ledger.jsonl'), 'utf8');
      const ids = [...ledger.matchAll(/"kind":"(?:key|user|org)","id":"([^"]+)"/g)].map((m) => m[1] as string);
      expect(ids).toHaveLength(20);
      const dead = await npmCleanup(s, run.dir, ['--run-id', run.runId]);
      expect(dead.code, dead.out).toBe(1);
      for (const id of ids) expect(dead.out).toContain(id);
      // The platform lost its state with the process: a fresh one on the same port knows none of the ids.
      const fresh = await startSim({ config: { models: { 'gpt-4o': fastModel() } } as NonNullable<Parameters<typeof startSim>[0]>['config'], adminPort: Number(new URL(s.adminUrl).port) });
      sims.push(fresh);
      const after = await npmCleanup(fresh, run.dir, ['--run-id', run.runId]);
      expect(after.code, after.out).toBe(0);
      expect(after.out).toContain('revoked 0 key(s) (12 already gone), suspended 0 user(s) (6 already gone), suspended 0 org(s) (2 already gone)');
      expect(await live(fresh)).toEqual(NONE);
    } finally {
      if (!closed) await s.close();
    }
  }, 150_000);
});
