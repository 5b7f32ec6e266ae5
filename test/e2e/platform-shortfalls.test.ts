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
