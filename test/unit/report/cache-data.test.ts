// A platform that never sends cached tokens has no cache figures: the summary says "unavailable", never 0%.
import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../../src/report/build';
import { renderText } from '../../../src/report/text';
import { renderHtml } from '../../../src/report/html';
import { renderJUnit } from '../../../src/report/junit';
import { mergeSummaries } from '../../../src/report/merge/summaries';
import { CACHE_UNAVAILABLE, cacheDataThresholds } from '../../../src/report/cache-data';
import type { K6Metric, K6SummaryData } from '../../../src/report/k6-data';
import { fakeRequests, k6Data, runInfo } from './fixture';

const reported = (passes: number, fails: number): K6Metric => ({ type: 'rate', contains: 'default', values: { rate: passes / (passes + fails), passes, fails } });

/** The fixture's run, as a platform that drops prompt_tokens_details would give it: no cached token, no hit. */
function withoutCacheData(userThreshold = true): K6SummaryData {
  const reqs = fakeRequests(300, 60).map((q) => ({ ...q, cachedTokens: 0 }));
  const data = k6Data(reqs, 60);
  const answered = reqs.filter((q) => q.ok).length;
  data.metrics.llm_cache_reported = { ...reported(0, answered), thresholds: { 'rate>0': { ok: false } } };
  if (userThreshold) data.metrics.llm_cache_hit = { ...(data.metrics.llm_cache_hit as K6Metric), thresholds: { 'rate>0.3': { ok: false } } };
  return data;
}

describe('cache figures of a platform that never reports cached tokens', () => {
  const sum = buildSummary(withoutCacheData(), runInfo());

  it('summary.json: dataAvailable false, every cache figure null rather than 0', () => {
    expect(sum.cache.dataAvailable).toBe(false);
    expect(sum.cache.reportedShare).toBe(0);
    expect(sum.cache.cachedTokenRatio).toBeNull();
    expect(sum.cache.hitRatio).toBeNull();
    expect(Object.values(sum.cache.byTestType).every((v) => v === null)).toBe(true);
    expect(Object.values(sum.cache.cachedTokenRatioByTestType).every((v) => v === null)).toBe(true);
    expect(sum.cache.saltViolations).toEqual({ rate: null, count: null });
    expect(sum.tokens.cachedShare).toBeNull();
  });

  it('a cache threshold fails with the reason, and the run fails naming it', () => {
    const hit = sum.thresholds.find((t) => t.metric === 'llm_cache_hit');
    expect(hit).toMatchObject({ ok: false, reason: CACHE_UNAVAILABLE });
    expect(sum.run.result.passed).toBe(false);
    expect(sum.run.result.failures).toContain(`threshold llm_cache_hit rate>0.3 failed: ${CACHE_UNAVAILABLE}`);
  });

  it('the text summary says unavailable, and no 0% cache figure', () => {
    const text = renderText(sum);
    const cacheLines = text.split('\n').filter((l) => /^\s+(cached tokens|cache hits|tokens) /.test(l));
    expect(text).toMatch(/cached tokens \.*\s+unavailable \(cache data unavailable: the platform never reported usage\.prompt_tokens_details\.cached_tokens\)/);
    expect(text).toMatch(/cache hits \.*\s+unavailable/);
    expect(cacheLines).toHaveLength(3);
    expect(cacheLines.join('\n')).not.toMatch(/\d%/);
  });

  it('the HTML report and junit.xml say unavailable', () => {
    const html = renderHtml(sum);
    expect(html).toContain('<div class="k">cached tokens</div><div class="v">unavailable</div>');
    expect(html).toContain(`FAIL: ${CACHE_UNAVAILABLE}`);
    expect(renderJUnit(sum)).toContain(`threshold rate&gt;0.3 on llm_cache_hit failed: ${CACHE_UNAVAILABLE}`);
  });

  it('a merge of instances that all lacked cache data stays unavailable', () => {
    const part = (instance: string) => ({ instance, where: `results/run/${instance}/summary.json`, summary: buildSummary(withoutCacheData(), runInfo()) });
    const merged = mergeSummaries([part('segment-0-1_2'), part('segment-1_2-1')]).summary;
    expect(merged.cache.dataAvailable).toBe(false);
    expect(merged.cache.hitRatio).toBeNull();
  });
});

describe('cache figures of a platform that reports them', () => {
  it('a reported 0 is a 0% hit rate, not unavailable', () => {
    const reqs = fakeRequests(300, 60).map((q) => ({ ...q, cachedTokens: 0 }));
    const data = k6Data(reqs, 60);
    data.metrics.llm_cache_reported = reported(reqs.filter((q) => q.ok).length, 0);
    const sum = buildSummary(data, runInfo());
    expect(sum.cache).toMatchObject({ dataAvailable: true, reportedShare: 1, hitRatio: 0, cachedTokenRatio: 0 });
    expect(renderText(sum)).toMatch(/cache hits \.*\s+0\.0% of requests/);
  });

  it('a summary from before llm_cache_reported existed keeps its figures (availability not known)', () => {
    const sum = buildSummary(k6Data(fakeRequests(300, 60), 60), runInfo());
    expect(sum.cache.dataAvailable).toBeNull();
    expect(sum.cache.hitRatio).not.toBeNull();
  });
});

describe('the k6 threshold that makes a cache threshold without cache data fail', () => {
  it('is added only when the config judges a cache metric', () => {
    expect(cacheDataThresholds(['llm_ttft', 'llm_request_failed'])).toEqual({});
    expect(cacheDataThresholds(['llm_cache_hit{test_type:cached}'])).toEqual({ llm_cache_reported: ['rate>0'] });
    expect(cacheDataThresholds(['llm_salt_violation'])).toEqual({ llm_cache_reported: ['rate>0'] });
  });
});
