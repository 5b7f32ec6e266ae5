// Budget checks end to end: the real k6 against the sim, with the sim's own spend as ground truth.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import { runLoadtest, sim, type LoadtestRun } from './helpers/loadtest';
import { startPrometheus } from './helpers/prometheus';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function withSim(config: Record<string, unknown>): Promise<RunningSim> {
  running = await sim(config as Parameters<typeof sim>[0]);
  return running;
}

const simSpend = (run: LoadtestRun) => run.simRequests.reduce((sum, r) => sum + r.costUSD, 0);

// Fast, variable-length answers: a request's real cost is usually below the worst case it reserves.
const model = { ...fastModel({ ttftBaseMs: 10, gapMs: 1 }), output: { kind: 'uniform', min: 8, max: 32 } };

describe('maxCostUSD', () => {
  for (const [users, limit] of [[10, 0.3], [100, 1], [500, 3]] as const) {
    it(`${users} concurrent users end with the sim's total spend within 95-105% of the limit`, async () => {
      const s = await withSim({ models: { 'gpt-4o': model } });
      const run = await runLoadtest(
        s,
        scenarioYaml({
          users: { perOrg: { min: users, max: users } },
          request: { maxTokens: { distribution: 'fixed', value: 32 } },
          limits: { maxCostUSD: limit, maxDurationSec: 60 },
          loadPattern: { phases: [{ kind: 'sustain', durationSec: 60, target: users }] },
        }),
        { timeoutMs: 180_000, env: { LOADTEST_REQUEST_LOG: '0' } },
      );
      const spend = simSpend(run);
      console.log(`maxCostUSD ${limit} with ${users} users: sim spend $${spend.toFixed(4)} = ${((100 * spend) / limit).toFixed(2)}% of the limit over ${run.simRequests.length} requests`);
      expect(run.summary?.run && (run.summary.run as { endReason: string }).endReason).toBe('maxCostUSD reached');
      expect(spend / limit).toBeGreaterThanOrEqual(0.95);
      expect(spend / limit).toBeLessThanOrEqual(1.05);
      expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
    });
  }
});

describe('a request that cannot fit maxCostUSD', () => {
  it('ends the run saying no request fits, and why, instead of "maxCostUSD reached" at $0', async () => {
    const s = await withSim({ models: { 'gpt-4o': model } });
    const run = await runLoadtest(
      s,
      scenarioYaml({
        users: { perOrg: { min: 2, max: 2 } },
        request: { maxTokens: { distribution: 'fixed', value: 1e9 } },
        limits: { maxCostUSD: 1, maxDurationSec: 20 },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 5, target: 2 }] },
      }),
    );
    expect(run.simRequests).toEqual([]);
    expect((run.summary?.run as { endReason: string }).endReason).toBe('no request fits maxCostUSD');
    expect(run.stdout + run.stderr).toMatch(/no request fits maxCostUSD: a request's worst-case cost, \$\d+\.\d\d \(max_tokens 1000000000 of gpt-4o output plus the prompt estimate\), is over maxCostUSD of \$1\.00/);
    expect(run.code).not.toBe(0);
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
  });
});

describe('org budgets', () => {
  const smallBudget = 0.01;
  const threeOrgs = (limited: boolean) =>
    scenarioYaml({
      organizations: { count: 3, overrides: limited ? [{ org: 3, budget: { limitUSD: smallBudget } }] : [] },
      users: { perOrg: { min: 5, max: 5 } },
      userBehavior: { thinkTimeSeconds: { base: 0.2, variance: 0, distribution: 'uniform', min: 0.2, max: 0.2 } },
      loadPattern: { phases: [{ kind: 'sustain', durationSec: 10, target: 15 }] },
      limits: { maxDurationSec: 10 },
    });

  it('an org with a small budget stops alone, without a 402 storm; the others keep their request rate', async () => {
    // Both runs go at once, on two sims: CPU contention on the machine then slows both alike, so
    // the comparison measures the small org's effect on the others rather than the machine's mood.
    const base = await sim({ models: { 'gpt-4o': model } } as Parameters<typeof sim>[0]);
    const s = await withSim({ models: { 'gpt-4o': model } });
    let baseline: LoadtestRun, run: LoadtestRun;
    try {
      [baseline, run] = await Promise.all([
        runLoadtest(base, threeOrgs(false), { runId: `e2e-base-${Date.now()}` }),
        runLoadtest(s, threeOrgs(true), { runId: `e2e-small-${Date.now()}` }),
      ]);
    } finally {
      await base.close();
    }
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    expect(baseline.code, baseline.stderr.slice(-1500)).toBe(0);
    const orgId = (r: LoadtestRun, name: string) => r.simState.orgs.find((o) => o.name === name)?.orgId;
    const requestsOf = (r: LoadtestRun, name: string) => r.simRequests.filter((q) => q.orgId === orgId(r, name));

    const small = requestsOf(run, 'e2e-org-3');
    const smallSpend = small.reduce((sum, q) => sum + q.costUSD, 0);
    const denied = small.filter((q) => q.status === 402).length;
    console.log(`small org: ${small.length} requests, $${smallSpend.toFixed(4)} of $${smallBudget}, ${denied} answered 402`);
    expect(smallSpend).toBeLessThanOrEqual(smallBudget);
    expect(denied / small.length).toBeLessThan(0.01);
    const last = Math.max(...run.simRequests.map((q) => q.receivedMonoMs));
    expect(small.filter((q) => q.receivedMonoMs > last - 4000)).toEqual([]);

    // The rate is compared over the steady middle of each run (1-9 s), away from ramp-up and graceful stop.
    const steady = (r: LoadtestRun, name: string) => {
      const t0 = Math.min(...r.simRequests.map((q) => q.receivedMonoMs));
      return requestsOf(r, name).filter((q) => q.receivedMonoMs - t0 >= 1000 && q.receivedMonoMs - t0 < 9000).length;
    };
    for (const name of ['e2e-org-1', 'e2e-org-2']) {
      const with_ = steady(run, name);
      const without = steady(baseline, name);
      console.log(`${name}: ${with_} requests with the small budget next to it, ${without} without`);
      expect(with_ / without).toBeGreaterThanOrEqual(0.9);
    }
  });
});

describe('budgets the platform enforces', () => {
  it('a 402 BUDGET_EXCEEDED from the platform ends that org\'s sessions at once: no 402 storm, its users idle', async () => {
    // The platform's own budget is all that limits spend here: the config sets none, so the ledger never refuses.
    const s = await withSim({ models: { 'gpt-4o': fastModel() }, budgets: { limitUSD: 0.004 } });
    const run = await runLoadtest(
      s,
      scenarioYaml({
        organizations: { count: 2 },
        users: { perOrg: { min: 4, max: 4 } },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 6, target: 8 }] },
      }),
    );
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    for (const org of run.simState.orgs.filter((o) => o.name.startsWith('e2e-org-'))) {
      const reqs = run.simRequests.filter((q) => q.orgId === org.orgId).sort((a, b) => a.receivedMonoMs - b.receivedMonoMs);
      const denied = reqs.filter((q) => q.status === 402);
      const firstDenied = denied[0]?.receivedMonoMs ?? Infinity;
      const after = reqs.filter((q) => q.receivedMonoMs > firstDenied + 1000);
      console.log(`${org.name}: ${reqs.length} requests, ${denied.length} answered 402, ${after.length} sent more than 1 s after the first 402`);
      expect(denied.length, `${org.name} was refused by the platform`).toBeGreaterThan(0);
      // At most one per user whose request was already on its way when the first 402 came back.
      expect(denied.length).toBeLessThanOrEqual(4);
      expect(after).toEqual([]);
    }
    expect(run.log.filter((l) => l.errorType === 'budget_exceeded').length).toBe(run.simRequests.filter((q) => q.status === 402).length);
  });
});

describe('maxErrorRate and maxConcurrentReqs', () => {
  const flaky = () =>
    scenarioYaml({
    users: { perOrg: { min: 8, max: 8 } },
    userBehavior: { errorHandling: { retryAttempts: 0, stopOnErrors: 1000 } },
    limits: { maxErrorRate: 0.1, errorRateWindowSec: 5, errorRateMinSamples: 30, maxDurationSec: 8 },
  });

  it('with the sim answering 503 to 30% of requests the run aborts with that reason', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel({ faults: { http503: 0.3 } }) } });
    const run = await runLoadtest(s, flaky());
    expect(run.code, 'k6 exits 108 when the script aborts the test').toBe(108);
    expect((run.summary?.run as { endReason: string }).endReason).toBe('maxErrorRate exceeded');
  });

  it('at 1% it does not', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel({ faults: { http503: 0.01 } }) } });
    const run = await runLoadtest(s, flaky());
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    expect((run.summary?.run as { endReason: string | null }).endReason).toBeNull();
  });

  it('the sim never sees more requests in flight than maxConcurrentReqs', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel({ gapMs: 5 }) } });
    const run = await runLoadtest(
      s,
      scenarioYaml({
        users: { perOrg: { min: 20, max: 20 } },
        userBehavior: { thinkTimeSeconds: { base: 0.01, variance: 0, distribution: 'uniform', min: 0.01, max: 0.01 } },
        limits: { maxConcurrentReqs: 5, maxDurationSec: 5 },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 5, target: 20 }] },
      }),
    );
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    const inFlight = (run.simState as unknown as { inFlight: { maxInFlight: number } }).inFlight;
    console.log(`maxConcurrentReqs 5 with 20 users: the sim saw at most ${inFlight.maxInFlight} in flight over ${run.simRequests.length} requests`);
    expect(run.simRequests.length).toBeGreaterThan(50);
    expect(inFlight.maxInFlight).toBeLessThanOrEqual(5);
    expect(inFlight.maxInFlight).toBeGreaterThanOrEqual(4);
  });
});

describe('two k6 instances side by side (execution segments, as two pods)', () => {
  const twoPods = (extra: Record<string, unknown>) =>
    scenarioYaml({
      users: { perOrg: { min: 10, max: 10 } },
      request: { maxTokens: { distribution: 'fixed', value: 32 } },
      limits: { maxCostUSD: 0.5, maxDurationSec: 60, ...extra },
      loadPattern: { phases: [{ kind: 'sustain', durationSec: 60, target: 10 }] },
    });
  const seq = ['--execution-segment-sequence', '0,1/2,1'];
  const pod = (i: number, segment: string, extra: string[] = []) => ['--execution-segment', segment, ...seq, '--tag', `instance_id=${i}`, ...extra];

  it('by default each gets its share of maxCostUSD, so together they stay within it', async () => {
    const s = await withSim({ models: { 'gpt-4o': model } });
    const runId = `pods-share-${Date.now()}`;
    const yaml = twoPods({});
    const [a, b] = await Promise.all([runLoadtest(s, yaml, { runId, args: pod(1, '0:1/2') }), runLoadtest(s, yaml, { runId, args: pod(2, '1/2:1') })]);
    const requests = ((await (await fetch(`${s.routerUrl}/_sim/requests`)).json()) as { requests: { costUSD: number }[] }).requests;
    const spend = requests.reduce((sum, r) => sum + r.costUSD, 0);
    console.log(`two pods sharing maxCostUSD 0.5: sim spend $${spend.toFixed(4)} = ${((100 * spend) / 0.5).toFixed(2)}% of the limit`);
    for (const run of [a, b]) expect((run.summary?.run as { endReason: string }).endReason).toBe('maxCostUSD reached');
    expect(spend).toBeLessThanOrEqual(0.5);
    expect(spend / 0.5).toBeGreaterThanOrEqual(0.95);
  });

  it('each gets its share of maxRequests and maxConcurrentReqs, so together they keep both', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel({ gapMs: 5 }) } });
    const runId = `pods-counts-${Date.now()}`;
    const yaml = scenarioYaml({
      users: { perOrg: { min: 10, max: 10 } },
      userBehavior: { thinkTimeSeconds: { base: 0.01, variance: 0, distribution: 'uniform', min: 0.01, max: 0.01 } },
      // maxRequests is a planned cap: the pods idle out the rest of the schedule once it is reached.
      limits: { maxRequests: 40, maxConcurrentReqs: 4, maxDurationSec: 6 },
      loadPattern: { phases: [{ kind: 'sustain', durationSec: 6, target: 10 }] },
    });
    const [a, b] = await Promise.all([runLoadtest(s, yaml, { runId, args: pod(1, '0:1/2') }), runLoadtest(s, yaml, { runId, args: pod(2, '1/2:1') })]);
    const state = (await (await fetch(`${s.adminUrl}/_sim/state`)).json()) as { inFlight: { maxInFlight: number } };
    const requests = ((await (await fetch(`${s.routerUrl}/_sim/requests`)).json()) as { requests: unknown[] }).requests;
    console.log(`two pods sharing maxRequests 40 and maxConcurrentReqs 4: the sim saw ${requests.length} requests, at most ${state.inFlight.maxInFlight} in flight`);
    for (const run of [a, b]) expect((run.summary?.run as { endReason: string }).endReason).toBe('maxRequests reached');
    expect(requests.length).toBeLessThanOrEqual(40);
    // A request takes its maxRequests ticket only once it has a slot, so the tickets are the requests sent; a
    // planned cap aborts nothing, so every ticket reaches the sim.
    expect(requests.length).toBe(40);
    for (const run of [a, b]) expect(run.code, run.stderr.slice(-1000)).toBe(0);
    expect(state.inFlight.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('with the fleet guard, Prometheus sees the fleet spend and the guard stops both', async () => {
    const prom = await startPrometheus();
    try {
      const s = await withSim({ models: { 'gpt-4o': model } });
      const runId = `pods-guard-${Date.now()}`;
      const yaml = twoPods({ fleetGuard: { prometheusUrl: prom.url, intervalSec: 1 } });
      const rw = ['-o', 'experimental-prometheus-rw'];
      const env = { K6_PROMETHEUS_RW_SERVER_URL: `${prom.url}/api/v1/write`, K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s', LOADTEST_REQUEST_LOG: '0' };
      const [a, b] = await Promise.all([
        runLoadtest(s, yaml, { runId, args: pod(1, '0:1/2', rw), env }),
        runLoadtest(s, yaml, { runId, args: pod(2, '1/2:1', rw), env }),
      ]);
      const requests = ((await (await fetch(`${s.routerUrl}/_sim/requests`)).json()) as { requests: { costUSD: number; receivedMonoMs: number }[] }).requests;
      const spend = requests.reduce((sum, r) => sum + r.costUSD, 0);
      const span = (Math.max(...requests.map((r) => r.receivedMonoMs)) - Math.min(...requests.map((r) => r.receivedMonoMs))) / 1000;
      const rate = spend / span;
      // Lag: one push interval (1 s) + one guard interval (1 s), plus a second for flushing and querying.
      const bound = 0.5 + rate * 3;
      console.log(`fleet guard: sim spend $${spend.toFixed(4)} (${((100 * spend) / 0.5).toFixed(1)}% of $0.5) at $${rate.toFixed(3)}/s; worst case by the documented lag $${bound.toFixed(3)}`);
      for (const run of [a, b]) expect((run.summary?.run as { endReason: string }).endReason).toBe('maxCostUSD reached across the fleet');
      expect(spend).toBeGreaterThanOrEqual(0.5 * 0.95);
      expect(spend).toBeLessThanOrEqual(bound);
      const seen = await prom.query(`sum(k6_llm_cost_usd_total{testid="${runId}"}) by (instance_id)`);
      expect(seen.map((r) => r.metric.instance_id).sort()).toEqual(['1', '2']);
    } finally {
      await prom.close();
    }
  });
});
