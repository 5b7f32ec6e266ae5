import { describe, expect, it } from 'vitest';
import { thresholdExpressionProblem, thresholdKeyProblem } from '../../../src/config/thresholds';

describe('spec.thresholds', () => {
  it('accepts catalogue and k6 built-in metrics, with or without a tag selector', () => {
    for (const key of ['llm_ttft', 'llm_requests{org:acme}', 'llm_ttft{test_type:cached,model:gpt-4o}', 'llm_request_failed', 'checks']) {
      expect(thresholdKeyProblem(key), key).toBeNull();
    }
  });

  it("refuses k6's http_req_* metrics: they judge the calls to the relay, which answers 200 for a platform's 500", () => {
    for (const key of ['http_req_failed', 'http_req_duration{status:200}', 'http_reqs']) {
      expect(thresholdKeyProblem(key), key).toMatch(/stream relay.*use llm_request_failed/);
    }
  });

  it('accepts the statistics each metric kind has', () => {
    const ok: [string, string][] = [
      ['llm_ttft', 'p(95)<2000'],
      ['llm_ttft', 'p(99.9) <= 5000'],
      ['llm_tpot', 'avg<50'],
      ['llm_cost_usd', 'count<5'],
      ['llm_requests', 'rate>1'],
      ['llm_request_failed', 'rate<0.01'],
      ['vus', 'value>0'],
    ];
    for (const [key, expr] of ok) expect(thresholdExpressionProblem(key, expr), `${key}: ${expr}`).toBeNull();
  });

  it('names what is wrong: an unknown metric, a statistic of another kind, an expression k6 cannot parse', () => {
    expect(thresholdKeyProblem('llm_tfft')).toMatch(/unknown metric "llm_tfft"/);
    expect(thresholdKeyProblem('llm_ttft{')).toMatch(/metric name/);
    expect(thresholdExpressionProblem('llm_cost_usd', 'p(95)<1')).toMatch(/not a statistic of counter metrics \(use count or rate\)/);
    expect(thresholdExpressionProblem('llm_ttft', 'rate<1')).toMatch(/not a statistic of trend metrics/);
    expect(thresholdExpressionProblem('llm_ttft', 'p(95)')).toMatch(/must be <statistic> <operator> <number>/);
  });

  it('gauges take only value, as k6 allows', () => {
    expect(thresholdExpressionProblem('llm_org_budget_usd', 'value>0')).toBeNull();
    expect(thresholdExpressionProblem('vus', 'max<100')).toMatch(/not a statistic of gauge metrics \(use value\)/);
  });

  it('numbers may be written as k6 reads them: 2e3, .01', () => {
    expect(thresholdExpressionProblem('llm_ttft', 'p(95)<2e3')).toBeNull();
    expect(thresholdExpressionProblem('llm_request_failed', 'rate<.01')).toBeNull();
  });

  it('refuses a selector tag that is never set, and spellings k6 would merge with another key', () => {
    expect(thresholdKeyProblem('llm_ttft{testtype:cached}')).toMatch(/tag "testtype" is never set/);
    expect(thresholdKeyProblem('llm_requests{test_type: cached}')).toMatch(/without spaces or quotes/);
    expect(thresholdKeyProblem('llm_requests{test_type:"cached"}')).toMatch(/without spaces or quotes/);
  });
});

describe('the default error guard', () => {
  it('fails a run in which more than limits.failAboveErrorRate of the requests failed, and is off at 1', async () => {
    const { errorGuardThresholds } = await import('../../../src/runtime/k6-options');
    expect(errorGuardThresholds(0.5)).toEqual({ llm_request_failed: ['rate<=0.5'] });
    expect(errorGuardThresholds(1)).toEqual({});
    expect(thresholdExpressionProblem('llm_request_failed', 'rate<=0.5')).toBeNull();
  });
});
