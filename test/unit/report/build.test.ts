import { describe, expect, it } from 'vitest';
import { isBookkeepingThreshold, summaryThresholds } from '../../../src/report/bookkeeping';
import { buildSummary } from '../../../src/report/build';
import type { K6SummaryData } from '../../../src/report/k6-data';
import { ERROR_CATEGORIES, FINISH_REASONS, SALT_SCOPES, SCHEMA_VERSION } from '../../../src/report/model';
import type { RunInfo } from '../../../src/report/model';
import { BOOTSTRAP_MS, fakeRequests, k6Data, k6Percentile, ORGS, runInfo, TEST_TYPES } from './fixture';

const durationSec = 120;
const reqs = fakeRequests(1500, durationSec);
const data = k6Data(reqs, durationSec);
const sum = buildSummary(data, runInfo());
const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('buildSummary', () => {
  it('stamps the schema version and the run description', () => {
    expect(sum.schemaVersion).toBe(SCHEMA_VERSION);
    expect(sum.schemaVersion).toBe(2);
    expect(sum.run).toEqual({
      id: 'run-20261127-0001',
      name: 'smoke',
      labels: { team: 'platform' },
      seed: 42,
      transport: 'streaming',
      startedAt: '2026-11-27T04:00:00.000Z',
      durationSec: 120,
      instance: null,
      endReason: null,
      setupError: null,
      result: { passed: false, failures: ['threshold llm_ttft p(95)<60 failed'] },
      streamed: 'all',
      droppedIterations: 0,
      schedule: { plannedSec: 120, gracefulStopSec: 30, overranSec: 0 },
      bootstrapMs: BOOTSTRAP_MS,
      cleanup: null,
      revokedKeys: null,
    });
  });

  it('takes the bootstrap time as the max of llm_bootstrap_duration (the slowest setup gates the start)', () => {
    const two = { ...data, metrics: { ...data.metrics, llm_bootstrap_duration: { ...data.metrics.llm_bootstrap_duration!, values: { count: 2, avg: 150, min: 100, max: 200 } } } };
    expect(buildSummary(two, runInfo()).run.bootstrapMs).toBe(200);
  });

  it('counts responses per finish reason, every reason listed, 0 for one never seen', () => {
    const ok = reqs.filter((q) => q.ok);
    expect(Object.keys(sum.finishReasons)).toEqual([...FINISH_REASONS]);
    expect(sum.finishReasons).toEqual({
      stop: ok.filter((q) => q.finishReason === 'stop').length,
      length: ok.filter((q) => q.finishReason === 'length').length,
      content_filter: 0,
      tool_calls: 0,
      other: 0,
      none: 0,
    });
    expect(sum.finishReasons.length).toBeGreaterThan(0);
  });

  it('gives the cache hit ratio per salt scope, null for a scope no request used', () => {
    expect(Object.keys(sum.cache.bySaltScope)).toEqual([...SALT_SCOPES]);
    for (const scope of ['none', 'org', 'user']) {
      const ok = reqs.filter((q) => q.ok && q.saltScope === scope);
      expect(sum.cache.bySaltScope[scope as 'org']).toBeCloseTo(ok.filter((q) => q.cachedTokens > 0).length / ok.length, 12);
    }
    expect(sum.cache.bySaltScope.fixed).toBeNull();
  });

  it('puts each k6 trend stat in its own latency field', () => {
    const ttfts = reqs.flatMap((q) => (q.ttftMs === null ? [] : [q.ttftMs])).sort((a, b) => a - b);
    expect(sum.latency.ttft).toEqual({
      count: ttfts.length,
      avg: total(ttfts) / ttfts.length,
      min: ttfts[0],
      med: k6Percentile(ttfts, 0.5),
      p90: k6Percentile(ttfts, 0.9),
      p95: k6Percentile(ttfts, 0.95),
      p99: k6Percentile(ttfts, 0.99),
      max: ttfts[ttfts.length - 1],
    });
    expect(sum.latency.itl?.count).toBe(total(reqs.map((q) => q.itlMs.length)));
    expect(sum.latency.e2e?.p99).toBe(data.metrics.llm_e2e?.values['p(99)']);
    expect(sum.latency.clientQueue).toBeNull();
  });

  it('reports throughput, tokens and errors by category', () => {
    const failed = reqs.filter((q) => !q.ok);
    expect(sum.throughput.requests).toBe(1500);
    expect(sum.throughput.requestsPerSec).toBeCloseTo(1500 / durationSec, 9);
    expect(sum.throughput.outputTokensPerSec).toBeCloseTo(total(reqs.map((q) => q.outputTokens)) / durationSec, 9);
    expect(sum.tokens.cached).toBe(total(reqs.map((q) => q.cachedTokens)));
    expect(sum.tokens.completionBySource).toEqual({ usage: total(reqs.map((q) => q.outputTokens)) });
    expect(sum.errors.total).toBe(failed.length);
    expect(sum.errors.rate).toBeCloseTo(failed.length / 1500, 9);
    expect(Object.keys(sum.errors.byCategory)).toEqual([...ERROR_CATEGORIES]);
    expect(sum.errors.byCategory.timeout).toBe(failed.filter((q) => q.errorType === 'timeout').length);
    expect(sum.errors.byCategory.auth).toBe(0);
    expect(sum.errors.uncategorized).toBe(0);
  });

  it('gives cost per org with budget utilisation, and the total', () => {
    expect(sum.cost.totalUSD).toBeCloseTo(total(reqs.map((q) => q.costUSD)), 9);
    expect(sum.cost.byOrg.map((o) => o.org)).toEqual(ORGS);
    const acme = sum.cost.byOrg[0];
    const acmeCost = total(reqs.filter((q) => q.org === 'acme-1').map((q) => q.costUSD));
    expect(acme?.costUSD).toBeCloseTo(acmeCost, 9);
    expect(acme?.requests).toBe(reqs.filter((q) => q.org === 'acme-1').length);
    expect(acme?.budgetUSD).toBe(2);
    expect(acme?.utilisation).toBeCloseTo(acmeCost / 2, 9);
    expect(sum.cost.byOrg[1]?.dailyBudgetUSD).toBe(10);
    expect(sum.cost.byOrg[2]).toMatchObject({ budgetUSD: null, utilisation: null });
  });

  it('gives each test type its share of requests next to its configured weight, and its cache hit ratio', () => {
    const cached = reqs.filter((q) => q.testType === 'cached');
    expect(sum.testTypes.cached).toEqual({
      requests: cached.length,
      share: cached.length / 1500,
      configuredWeight: 50,
      configuredShare: 0.5,
    });
    expect(total(TEST_TYPES.map((t) => sum.testTypes[t]?.share ?? 0))).toBeCloseTo(1, 9);
    const cachedOk = cached.filter((q) => q.ok);
    expect(sum.cache.byTestType.cached).toBeCloseTo(cachedOk.filter((q) => q.cachedTokens > 0).length / cachedOk.length, 9);
    expect(sum.cache.byTestType.uncached).toBe(0);
    expect(sum.cache.saltViolations).toEqual({ rate: 0, count: 0 });
  });

  it('configured share follows scenarioMix as the sampler does (seed 75/25 mix), not the raw weights', () => {
    const seedLike = runInfo({
      testTypes: [
        { name: 'random_short', weight: 60 },
        { name: 'long_document', weight: 30, documentLibrary: { enabled: true } },
        { name: 'cached', weight: 10 },
      ],
      scenarioMix: { scenarios: [{ name: 'simple-question-answering', weight: 75 }, { name: 'document-analysis', weight: 25 }] },
    });
    const t = buildSummary(data, seedLike).testTypes;
    expect(t.random_short?.configuredWeight).toBe(60);
    expect(t.random_short?.configuredShare).toBeCloseTo(0.75 * (60 / 70), 12);
    expect(t.cached?.configuredShare).toBeCloseTo(0.75 * (10 / 70), 12);
    expect(t.long_document?.configuredShare).toBeCloseTo(0.25, 12);
  });

  it('leaves configured share null for a mix the sampler would refuse, and still builds', () => {
    const refused = runInfo({ scenarioMix: { scenarios: [{ name: 'document-analysis', weight: 1 }] } });
    const t = buildSummary(data, refused).testTypes;
    expect(t.cached).toMatchObject({ configuredWeight: 50, configuredShare: null });
  });

  it('compares actual think time with the configured one', () => {
    expect(sum.thinkTime.configured).toEqual({ meanMs: 2000, minMs: 500, maxMs: 8000, distribution: 'exponential' });
    expect(sum.thinkTime.actual?.avg).toBe(1825);
  });

  it('lists real thresholds with the value they tested, and none of the bookkeeping ones', () => {
    const p95 = data.metrics.llm_ttft?.values['p(95)'] as number;
    expect(sum.thresholds).toEqual([
      { metric: 'llm_e2e', expression: 'p(99)<60000', ok: true, observed: data.metrics.llm_e2e?.values['p(99)'] },
      { metric: 'llm_request_failed', expression: 'rate<0.5', ok: true, observed: sum.errors.rate },
      { metric: 'llm_ttft', expression: 'p(95)<60', ok: p95 < 60, observed: p95 },
    ]);
    expect(sum.thresholds.some((t) => !t.ok)).toBe(true);
  });

  it('flattens checks of nested groups', () => {
    expect(sum.checks.map((c) => c.path)).toEqual(['::provisioned <orgs> & "keys"', '::chat::stream completed']);
    expect(sum.checks[1]).toMatchObject({ name: 'stream completed', fails: reqs.filter((q) => !q.ok).length });
  });

  it('copies run info and histories only when given: the stock build has no series', () => {
    const distributed = buildSummary(data, runInfo({ instance: { index: 1, count: 4 }, endReason: 'maxCostUSD reached' }));
    expect(distributed.run.instance).toEqual({ index: 1, count: 4 });
    expect(distributed.run.endReason).toBe('maxCostUSD reached');
    expect(sum.series).toBeNull();
    expect(sum.histograms).toBeNull();
  });
});

describe('the sub-metric thresholds and the builder cannot drift', () => {
  it('buildSummary reads exactly the sub-metrics summaryThresholds declares', () => {
    const read = new Set<string>();
    const watched: K6SummaryData = {
      ...data,
      metrics: new Proxy(data.metrics, {
        get(target, key, receiver) {
          if (typeof key === 'string' && key.indexOf('{') > 0) read.add(key);
          return Reflect.get(target, key, receiver) as unknown;
        },
      }),
    };
    buildSummary(watched, runInfo());
    const declared = Object.keys(summaryThresholds(ORGS, TEST_TYPES, ERROR_CATEGORIES, ['usage']));
    expect([...read].sort()).toEqual(declared.sort());
  });

  it('every declared threshold is bookkeeping, a real sub-metric threshold is not', () => {
    const declared = summaryThresholds(ORGS, TEST_TYPES);
    for (const key of Object.keys(declared)) for (const expr of declared[key] ?? []) expect(isBookkeepingThreshold(key, expr)).toBe(true);
    expect(isBookkeepingThreshold('llm_ttft{org:acme-1}', 'p(95)<500')).toBe(false);
    expect(isBookkeepingThreshold('llm_errors', 'count>=0')).toBe(false);
  });

  it('covers every org, test type and error category', () => {
    const keys = Object.keys(summaryThresholds(['a'], ['t']));
    expect(keys).toContain('llm_cost_usd{org:a}');
    expect(keys).toContain('llm_requests{org:a}');
    expect(keys).toContain('llm_requests{test_type:t}');
    expect(keys).toContain('llm_cache_hit{test_type:t}');
    for (const c of ERROR_CATEGORIES) expect(keys).toContain(`llm_errors{error_type:${c}}`);
  });

  it('registers every finish reason and salt scope by default, so callers need no change', () => {
    const declared = summaryThresholds(['a'], ['t']);
    for (const r of FINISH_REASONS) expect(declared[`llm_finish_reason{reason:${r}}`]).toEqual(['count>=0']);
    for (const s of SALT_SCOPES) expect(declared[`llm_cache_hit{salt_scope:${s}}`]).toEqual(['rate>=0']);
    expect(Object.keys(summaryThresholds(['a'], ['t'], [], [], ['stop'], ['org']))).toEqual([
      'llm_cost_usd{org:a}',
      'llm_requests{org:a}',
      'llm_rate_limited{org:a}',
      'llm_retry_after_wait{org:a}',
      'llm_requests{test_type:t}',
      'llm_cache_hit{test_type:t}',
      'llm_prompt_tokens{test_type:t}',
      'llm_cached_tokens{test_type:t}',
      'llm_finish_reason{reason:stop}',
      'llm_cache_hit{salt_scope:org}',
    ]);
  });

  it('refuses names k6 cannot select as a tag value', () => {
    for (const bad of ['a:b', 'a,b', 'a}', ' a', '']) expect(() => summaryThresholds([bad], [])).toThrow(/sub-metric tag value/);
  });
});

describe('buildSummary on thin data', () => {
  it('survives a run where every request failed: latencies are null, not zero', () => {
    const failed = fakeRequests(50, 30, { failAll: true });
    const s = buildSummary(k6Data(failed, 30), runInfo());
    expect(s.latency.ttft).toBeNull();
    expect(s.latency.e2e).toBeNull();
    expect(s.errors.total).toBe(50);
    expect(s.errors.rate).toBe(1);
    expect(s.cache.hitRatio).toBeNull();
  });

  it('survives data with no llm metrics at all', () => {
    const s = buildSummary({ metrics: {} }, runInfo());
    expect(s.throughput.requests).toBe(0);
    expect(s.errors.rate).toBeNull();
    expect(s.cost.byOrg[0]).toMatchObject({ org: 'acme-1', costUSD: null, requests: null });
    expect(s.testTypes.cached?.share).toBeNull();
    expect(s.errors.byCategory).toEqual({});
    expect(s.run.durationSec).toBe(0);
    expect(s.run.bootstrapMs).toBeNull();
    expect(Object.values(s.finishReasons).every((v) => v === null)).toBe(true);
    expect(Object.values(s.cache.bySaltScope).every((v) => v === null)).toBe(true);
  });
});

describe('no secret reaches the summary', () => {
  it('copies only named fields of the run info, so a stray key on it goes nowhere', () => {
    const leaky = { ...runInfo(), apiKey: 'sk-live-0123456789abcdef', adminToken: 'Bearer abcdef' } as RunInfo;
    leaky.orgs = leaky.orgs.map((o) => ({ ...o, key: 'sk-org-secret' })) as RunInfo['orgs'];
    const json = JSON.stringify(buildSummary(data, leaky));
    expect(json).not.toMatch(/sk-|Bearer|apiKey|adminToken|secret/i);
  });
});
