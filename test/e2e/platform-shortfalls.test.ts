// What a platform does not send or does not allow, reported as such: the real k6, the relay and the sim.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import { runLoadtest, sim, type LoadtestRun } from './helpers/loadtest';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const summaryOf = (run: LoadtestRun): Record<string, any> => {
  if (run.summary === null) throw new Error(`no summary.json; k6 exited ${run.code}: ${run.stderr.slice(-1500)}`);
  return run.summary;
};

/** Repeated prompts, so a platform that reports its cache would show hits. */
const cachedScenario = () =>
  scenarioYaml({
    testTypes: [{ name: 'cached', weight: 100, cacheBehavior: 'prefer', questionStrategy: 'historical' }],
    loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 2 }] },
    users: { perOrg: { min: 2, max: 2 } },
    limits: { maxDurationSec: 3 },
    thresholds: { llm_cache_hit: ['rate>0.05'] },
  });

describe('a platform that drops usage.prompt_tokens_details (router.dropPromptTokensDetails)', () => {
  it('reports cache figures as unavailable, not a 0% hit rate, and fails the cache threshold saying why', async () => {
    running = await sim({ models: { 'gpt-4o': fastModel() }, router: { dropPromptTokensDetails: true } });
    const run = await runLoadtest(running, cachedScenario());
    const sum = summaryOf(run);
    // The sim's cache did serve prefixes: the figures exist, the platform just does not send them.
    const simCached = run.simRequests.reduce((s, r) => s + r.cachedTokens, 0);
    expect(simCached).toBeGreaterThan(0);
    expect(sum.throughput.requests).toBeGreaterThan(3);
    expect(sum.cache).toMatchObject({ dataAvailable: false, reportedShare: 0, cachedTokenRatio: null, hitRatio: null });
    expect(sum.tokens.cachedShare).toBeNull();
    expect(run.stdout).toMatch(/cached tokens \.+ unavailable \(cache data unavailable: the platform never reported usage\.prompt_tokens_details\.cached_tokens\)/);
    expect(run.stdout).toMatch(/cache hits \.+ unavailable/);
    expect(run.code, run.stderr.slice(-1500)).toBe(99);
    expect(sum.run.result.failures).toContain(
      'threshold llm_cache_hit rate>0.05 failed: cache data unavailable: the platform never reported usage.prompt_tokens_details.cached_tokens',
    );
    expect(run.files['junit.xml']).toContain('failed: cache data unavailable');
    expect(run.files['report.html']).toContain('<div class="k">cached tokens</div><div class="v">unavailable</div>');
    console.log(`cache unavailable: ${sum.throughput.requests} requests; the sim's cache served ${simCached} tokens the harness was never told of`);
  });

  it('the same run against a sim that sends the field reports real cache figures', async () => {
    running = await sim({ models: { 'gpt-4o': fastModel() } });
    const run = await runLoadtest(running, cachedScenario());
    const sum = summaryOf(run);
    expect(sum.cache.dataAvailable).toBe(true);
    expect(sum.cache.reportedShare).toBe(1);
    expect(sum.cache.cachedTokenRatio).toBeGreaterThan(0);
    expect(run.stdout).not.toMatch(/cache hits \.+ unavailable/);
  });
});

describe('a rate-limited platform (sim rateLimits.org) with ignoreErrorCodes [429]', () => {
  it('runs to the end and passes, with its 429s per org and its Retry-After waits reported as a result', async () => {
    running = await sim({ models: { 'gpt-4o': fastModel() }, rateLimits: { org: { perSecond: 1 } } });
    const yaml = scenarioYaml({
      organizations: { count: 2, namePrefix: 'e2e-org' },
      users: { perOrg: { min: 4, max: 4 } },
      userBehavior: {
        thinkTimeSeconds: { base: 0, variance: 0, distribution: 'uniform', min: 0, max: 0 },
        // A short own backoff, so the waits measured are the platform's Retry-After (1 s).
        errorHandling: { retryAttempts: 2, retryBackoffMs: 50, ignoreErrorCodes: [429], failureBackoffMs: 50, failureBackoffMaxMs: 200 },
      },
      // A small minimum sample: before ignored codes left the window, the opening 429s tripped it within a second or two.
      limits: { maxDurationSec: 5, maxErrorRate: 0.5, errorRateMinSamples: 8 },
      loadPattern: { phases: [{ kind: 'sustain', durationSec: 5, target: 8 }] },
    });
    const run = await runLoadtest(running, yaml);
    const sum = summaryOf(run);
    const sim429 = run.simRequests.filter((r) => r.status === 429).length;
    console.log(
      `rate-limited: ${sum.throughput.requests} requests, ${sum.throttling?.rateLimited} answered 429 (sim: ${sim429}), ` +
        `${((sum.throttling?.retryAfterWaitMs ?? 0) / 1000).toFixed(1)} s waited on Retry-After; exit ${run.code}`,
    );
    expect(run.code, run.stdout.slice(-2500) + run.stderr.slice(-1500)).toBe(0);
    expect(sum.run.endReason).toBeNull();
    expect(sum.run.result).toEqual({ passed: true, failures: [] });
    expect(sim429).toBeGreaterThan(8);
    // Every 429 the sim sent is one the harness counted, attributed to the org that got it.
    expect(sum.throttling.rateLimited).toBe(sim429);
    expect(sum.throttling.byOrg.map((o: { org: string }) => o.org)).toEqual(['e2e-org-1', 'e2e-org-2']);
    for (const o of sum.throttling.byOrg) {
      expect(o.rateLimited, o.org).toBeGreaterThan(0);
      expect(o.retryAfterWaitMs, o.org).toBeGreaterThanOrEqual(1000);
    }
    expect(sum.throttling.retryAfterWaitMs).toBe(sum.throttling.byOrg.reduce((s: number, o: { retryAfterWaitMs: number }) => s + o.retryAfterWaitMs, 0));
    // Counted under errors, left out of the error rate.
    expect(sum.errors.ignored).toBe(sum.errors.byCategory.rate_limited);
    expect(sum.errors.rate).toBe(0);
    expect(run.stdout).toMatch(/throttling \.+ \d+ answered 429 \(e2e-org-1 \d+, e2e-org-2 \d+\); \d+\.\ds waited on Retry-After \(e2e-org-1 \d+\.\ds, e2e-org-2 \d+\.\ds\)/);
    expect(run.files['report.html']).toContain('<h2>Throttling</h2>');
  });
});
