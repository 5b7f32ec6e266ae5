// Budget checks end to end: the real k6 against the sim, with the sim's own spend as ground truth.
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

describe('org budgets', () => {
  const threeOrgs = (smallBudget: boolean) =>
    scenarioYaml({
      organizations: { count: 3, overrides: smallBudget ? [{ org: 3, budget: { limitUSD: 0.02 } }] : [] },
      users: { perOrg: { min: 5, max: 5 } },
      userBehavior: { thinkTimeSeconds: { base: 0.1, variance: 0, distribution: 'uniform', min: 0.1, max: 0.1 } },
      loadPattern: { phases: [{ kind: 'sustain', durationSec: 6, target: 15 }] },
      limits: { maxDurationSec: 6 },
    });

  it('an org with a small budget stops alone, without a 402 storm; the others keep their request rate', async () => {
    const base = await withSim({ models: { 'gpt-4o': model } });
    const baseline = await runLoadtest(base, threeOrgs(false));
    await base.close();
    const s = await withSim({ models: { 'gpt-4o': model } });
    const run = await runLoadtest(s, threeOrgs(true));
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    const orgId = (r: LoadtestRun, name: string) => r.simState.orgs.find((o) => o.name === name)?.orgId;
    const requestsOf = (r: LoadtestRun, name: string) => r.simRequests.filter((q) => q.orgId === orgId(r, name));

    const small = requestsOf(run, 'e2e-org-3');
    const smallSpend = small.reduce((sum, q) => sum + q.costUSD, 0);
    const denied = small.filter((q) => q.status === 402).length;
    console.log(`small org: ${small.length} requests, $${smallSpend.toFixed(4)} of $0.02, ${denied} answered 402`);
    expect(smallSpend).toBeLessThanOrEqual(0.02);
    expect(denied / small.length).toBeLessThan(0.01);
    const last = Math.max(...run.simRequests.map((q) => q.receivedMonoMs));
    expect(small.filter((q) => q.receivedMonoMs > last - 2000)).toEqual([]);

    for (const name of ['e2e-org-1', 'e2e-org-2']) {
      const with_ = requestsOf(run, name).length;
      const without = requestsOf(baseline, name).length;
      console.log(`${name}: ${with_} requests with the small budget next to it, ${without} without`);
      expect(Math.abs(with_ - without) / without).toBeLessThanOrEqual(0.1);
    }
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
    expect(run.code).not.toBe(0);
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
