// A rate-limited platform's 429s and Retry-After waits are a result of the run, reported per org; ignored statuses
// are counted as errors but left out of the error rate.
import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../../src/report/build';
import { renderText } from '../../../src/report/text';
import { renderHtml } from '../../../src/report/html';
import { mergeSummaries } from '../../../src/report/merge/summaries';
import type { K6Metric, K6SummaryData } from '../../../src/report/k6-data';
import { counter, fakeRequests, k6Data, runInfo } from './fixture';

const DURATION = 60;

/** The fixture's run plus 40 ignored 429s (30 for acme-1, 10 for globex-2) and 25 s of Retry-After waits. */
function throttled(): K6SummaryData {
  const data = k6Data(fakeRequests(300, DURATION), DURATION);
  const m = data.metrics;
  const plus = (key: string, n: number) => {
    const c = m[key] as K6Metric;
    m[key] = { ...c, values: { ...c.values, count: (c.values.count ?? 0) + n, rate: ((c.values.count ?? 0) + n) / DURATION } };
  };
  // An ignored 429 is a request and an error, with no llm_request_failed sample.
  plus('llm_requests', 40);
  plus('llm_errors', 40);
  m.llm_rate_limited = counter(40, DURATION);
  m['llm_rate_limited{org:acme-1}'] = counter(30, DURATION);
  m['llm_rate_limited{org:globex-2}'] = counter(10, DURATION);
  m.llm_retry_after_wait = counter(25_000, DURATION);
  m['llm_retry_after_wait{org:acme-1}'] = counter(20_000, DURATION);
  m['llm_retry_after_wait{org:globex-2}'] = counter(5_000, DURATION);
  return data;
}

describe('the throttling a run met', () => {
  const plain = buildSummary(k6Data(fakeRequests(300, DURATION), DURATION), runInfo());
  const sum = buildSummary(throttled(), runInfo());

  it('summary.json: 429s and Retry-After waits, overall and per org, in the run’s org order', () => {
    expect(sum.throttling).toEqual({
      rateLimited: 40,
      retryAfterWaitMs: 25_000,
      byOrg: [
        { org: 'acme-1', rateLimited: 30, retryAfterWaitMs: 20_000 },
        { org: 'globex-2', rateLimited: 10, retryAfterWaitMs: 5_000 },
        { org: 'initech-3', rateLimited: 0, retryAfterWaitMs: 0 },
      ],
    });
  });

  it('the ignored errors are counted, and the error rate is the one without them', () => {
    expect(sum.errors.total).toBe(plain.errors.total + 40);
    expect(sum.errors.ignored).toBe(40);
    expect(plain.errors.ignored).toBe(0);
    expect(sum.errors.rate).toBe(plain.errors.rate);
    expect(sum.run.result.passed).toBe(plain.run.result.passed);
  });

  it('the text summary has a throttling line, and a run without any has none', () => {
    const text = renderText(sum);
    expect(text).toMatch(/throttling \.+ 40 answered 429 \(acme-1 30, globex-2 10\); 25\.0s waited on Retry-After \(acme-1 20\.0s, globex-2 5\.0s\)/);
    expect(text).toMatch(/errors \.+ .*; 40 with a status in ignoreErrorCodes, left out of the rate/);
    expect(renderText(plain)).not.toMatch(/throttling/);
  });

  it('the HTML report has a throttling table', () => {
    expect(renderHtml(sum)).toContain('<h2>Throttling</h2>');
    expect(renderHtml(plain)).not.toContain('<h2>Throttling</h2>');
  });

  it('a merge sums the instances’ throttling per org and keeps the ignored errors out of the rate', () => {
    const part = (instance: string) => ({ instance, where: `results/run/${instance}/summary.json`, summary: sum });
    const merged = mergeSummaries([part('segment-0-1_2'), part('segment-1_2-1')]).summary;
    expect(merged.throttling?.rateLimited).toBe(80);
    expect(merged.throttling?.byOrg[0]).toEqual({ org: 'acme-1', rateLimited: 60, retryAfterWaitMs: 40_000 });
    expect(merged.errors.ignored).toBe(80);
    expect(merged.errors.rate).toBeCloseTo(sum.errors.rate as number, 10);
  });
});
