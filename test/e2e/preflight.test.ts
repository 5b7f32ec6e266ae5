// What the harness does when the platform falls short (issue 16), end to end: the real k6, the relay and the sim
// with the switches that mirror the real AI-AAS services. Each pre-flight failure stops the run before any load
// (the sim's ground truth holds the probes only), with one line saying what to change, and exit 107.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import { runLoadtest, sim, type LoadtestRun } from './helpers/loadtest';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function withSim(config: Record<string, unknown>): Promise<RunningSim> {
  running = await sim({ models: { 'gpt-4o': fastModel() }, ...config });
  return running;
}

/** A 3 s run of 2 users with the pre-flight on (scenarioYaml turns it off for the tests that count requests). */
function config(spec: Record<string, unknown> = {}): string {
  return scenarioYaml({
    users: { perOrg: { min: 2, max: 2 } },
    limits: { maxDurationSec: 3 },
    loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 2 }] },
    ...spec,
    platform: { preflight: true, ...((spec.platform as Record<string, unknown> | undefined) ?? {}) },
  });
}

/** Everything the run printed: stdout, stderr and the console file. */
function output(run: LoadtestRun): string {
  const consoleFile = join(run.dir, 'console.log');
  let text = run.stdout + run.stderr;
  try {
    text += readFileSync(consoleFile, 'utf8');
  } catch {
    // No console file when k6 stopped before the script ran.
  }
  return text;
}

function setupError(run: LoadtestRun): string {
  return ((run.summary?.run as { setupError?: string | null } | undefined)?.setupError ?? '') as string;
}

describe('pre-flight: each failure stops the run before any load, exit 107', () => {
  it('a router that cannot stream: stream:true answered 502 BACKEND_ERROR', async () => {
    const s = await withSim({ router: { streaming: false } });
    const run = await runLoadtest(s, config());
    expect(run.code, output(run).slice(-3000)).toBe(107);
    const line = 'this router answers stream:true with 502 BACKEND_ERROR';
    expect(setupError(run)).toContain(`pre-flight failed, no load was sent: ${line} (unmarshal OpenAI chat response: invalid character 'd'`);
    expect(setupError(run)).toContain('set streamingResponse: false (test type random_short), or fix the router');
    expect(setupError(run)).not.toContain('\n');
    expect(output(run)).toContain(line);
    // The streamed probe, then one non-streaming probe that tells a router that cannot stream from a broken model.
    expect(run.simRequests.map((r) => [r.model, r.status])).toEqual([
      ['gpt-4o', 502],
      ['gpt-4o', 200],
    ]);
    expect(run.log).toEqual([]);
    // k6 runs no teardown after a failed setup: the pre-flight released the tenants itself.
    expect(run.simState.apiKeys.length).toBeGreaterThan(0);
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
  });

  it('a model with no route: 500 ROUTING_ERROR', async () => {
    const s = await withSim({});
    const run = await runLoadtest(s, config({ models: { default: 'no-such-model' } }));
    expect(run.code, output(run).slice(-3000)).toBe(107);
    expect(setupError(run)).toContain('model no-such-model has no route (500 ROUTING_ERROR: no routing policy configured)');
    expect(run.simRequests.map((r) => r.status)).toEqual([500]);
    expect(run.log).toEqual([]);
  });

  it('a key the router rejects: 401 AUTH_INVALID', async () => {
    const s = await withSim({});
    const run = await runLoadtest(s, config({ platform: { adapter: 'static' } }), { env: { LOADTEST_API_KEYS: 'sk-not-a-key' } });
    expect(run.code, output(run).slice(-3000)).toBe(107);
    expect(setupError(run)).toContain('key rejected (401 AUTH_INVALID: invalid or missing API key)');
    expect(run.simRequests.map((r) => r.status)).toEqual([401]);
    expect(run.log).toEqual([]);
  });

  it('passes on a healthy platform: the probes are the only requests the load does not count', async () => {
    const s = await withSim({});
    const run = await runLoadtest(s, config());
    expect(run.code, output(run).slice(-3000)).toBe(0);
    expect(output(run)).toContain('pre-flight: gpt-4o streaming answered');
    const requests = (run.summary?.throughput as { requests: number }).requests;
    expect(requests).toBe(run.log.length);
    expect(run.simRequests.length).toBe(requests + 1);
  });

  it('spec.platform.preflight: false or LOADTEST_PREFLIGHT=0 skips it: the load starts and fails', async () => {
    const s = await withSim({ router: { streaming: false } });
    for (const [yaml, env] of [
      [config({ platform: { preflight: false } }), {}],
      [config(), { LOADTEST_PREFLIGHT: '0' }],
    ] as const) {
      const before = run0(s);
      const run = await runLoadtest(s, yaml, { env: { ...env } });
      expect(run.code, output(run).slice(-3000)).not.toBe(107);
      expect(output(run)).not.toContain('pre-flight');
      expect(run.log.length).toBeGreaterThan(0);
      expect(run.simRequests.length - (await before)).toBe(run.log.length);
    }
  });
});

/** The sim's request count so far. */
async function run0(s: RunningSim): Promise<number> {
  return ((await (await fetch(`${s.routerUrl}/_sim/requests?limit=0`)).json()) as { total: number }).total;
}

describe('admin API shortfalls', () => {
  it('a wrong admin password (400 invalid_grant) is named as wrong credentials, before anything is created', async () => {
    const s = await withSim({});
    const run = await runLoadtest(s, config(), { env: { AIAAS_ADMIN_PASSWORD: 'not-the-password' } });
    expect(run.code).toBe(107);
    expect(setupError(run)).toContain('the admin email or password is wrong (HTTP 400 invalid_grant): check the env vars named by spec.platform.adminEmailEnv and adminPasswordEnv');
    expect(run.simState.orgs).toEqual([]);
    expect(run.simRequests).toEqual([]);
  });

  it('no budget API (404): the run warns that the harness alone enforces org budgets, and goes on', async () => {
    const s = await withSim({ budgets: { api: false } });
    const run = await runLoadtest(s, config({ organizations: { count: 1, namePrefix: 'e2e-org', budget: { limitUSD: 5 } } }));
    expect(run.code, output(run).slice(-3000)).toBe(0);
    expect(output(run)).toContain('the platform has no budget API: org budgets are enforced by the harness only');
    expect(run.log.length).toBeGreaterThan(0);
  });
});
