// No secret in any output: the sim plants the admin password, its bearer token and a key secret in the answers
// that end up in error messages; none of them may reach the console, the text summary, summary.json, JUnit or HTML.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import { repoRoot, withTsx } from './helpers/k6';
import { runLoadtest, sim, type LoadtestRun } from './helpers/loadtest';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

const sims: RunningSim[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});

async function withSim(faults: unknown[]): Promise<RunningSim> {
  const s = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
  sims.push(s);
  const r = await fetch(`${s.adminUrl}/_sim/admin-faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(r.status, await r.text()).toBe(200);
  return s;
}

/** Every file the run wrote (reports, console log) under a folder, concatenated. */
function filesUnder(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .map((p) => readFileSync(p, 'utf8'))
    .join('\n');
}

/** All the run said: console (k6's stdout and stderr, with the text summary), and every file it wrote. */
const everything = (run: LoadtestRun) => `${run.stdout}\n${run.stderr}\n${filesUnder(run.dir)}`;

const YAML = scenarioYaml({
  users: { perOrg: { min: 2, max: 2 } },
  platform: { retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 } },
  loadPattern: { phases: [{ kind: 'sustain', durationSec: 1, target: 2 }] },
});

describe('secrets never reach a message, a log line or a report', () => {
  it('a key issued with 200 instead of 201: the failure is named, the key secret in its body is not', async () => {
    const s = await withSim([{ route: 'POST /v1/orgs/:org/users/:userId/api-keys', status: 200, mode: 'restatus' }]);
    const run = await runLoadtest(s, YAML, { timeoutMs: 90_000 });
    const out = everything(run);
    expect(run.code).not.toBe(0);
    expect(out).toMatch(/answered HTTP 200: \{[^\n]*"secret":"\[redacted\]"/);
    expect(out).not.toMatch(/sk-sim-[0-9a-f]{6}/);
    expect(run.files['summary.json']).toBeDefined();
  });

  it('a login error echoing its request: the admin password is not repeated', async () => {
    const s = await withSim([{ route: 'POST /v1/auth/login', status: 400, mode: 'echo' }]);
    const run = await runLoadtest(s, YAML, { timeoutMs: 90_000 });
    const out = everything(run);
    expect(run.code).not.toBe(0);
    expect(out).toContain('answered HTTP 400');
    expect(out).toContain('"password":"[redacted]"');
    expect(out).not.toContain(s.config.admin.password);
    expect(run.files['junit.xml']).toBeDefined();
  });

  it("an admin error echoing the request's Authorization header: the bearer token is not repeated", async () => {
    const s = await withSim([{ route: 'POST /v1/orgs', status: 400, mode: 'echo' }]);
    const run = await runLoadtest(s, YAML, { timeoutMs: 90_000 });
    const out = everything(run);
    expect(run.code).not.toBe(0);
    expect(out).toContain('"authorization":"[redacted]"');
    expect(out).not.toMatch(/Bearer (?!\[redacted\])\S{6}/);
    expect(run.files['report.html']).toBeDefined();
  });

  it('revokes whose errors echo the bearer token: neither teardown nor npm run cleanup repeats it', async () => {
    const s = await withSim([{ route: 'DELETE /v1/orgs/:org/api-keys/:apiKeyId', status: 400, mode: 'echo' }]);
    const run = await runLoadtest(s, YAML, { timeoutMs: 90_000 });
    const env = { ...process.env, AIAAS_ADMIN_EMAIL: s.config.admin.email, AIAAS_ADMIN_PASSWORD: s.config.admin.password };
    const cleanup = await new Promise<string>((resolve) => {
      execFile(process.execPath, [...withTsx, join(repoRoot, 'tools', 'cleanup.ts'), '--run-id', run.runId], { cwd: run.dir, env, timeout: 60_000 }, (_err, stdout, stderr) => resolve(stdout + stderr));
    });
    const out = `${everything(run)}\n${cleanup}`;
    expect(out).toContain('"authorization":"[redacted]"');
    expect(cleanup).toContain('answered HTTP 400');
    expect(out).not.toMatch(/Bearer (?!\[redacted\])\S{6}/);
    expect(out).not.toContain(s.config.admin.password);
  });
});
