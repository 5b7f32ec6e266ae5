// The PromQL the fleet report sends, and how it finds (or fails to find) a run, against a fake Prometheus.
import { describe, expect, it } from 'vitest';
import { collectFleetData, UnknownRunError, type ApiSeries, type PromApi } from '../../../../tools/fleet-report/collect';
import { counterTotal, histogramQuantileQuery, quoteLabel, weightedRate } from '../../../../tools/fleet-report/queries';

describe('PromQL builders', () => {
  it('sum each series last sample of the run, split by the requested labels', () => {
    expect(counterTotal('k6_llm_cost_usd_total', 'r1', 12.3, ['org'])).toBe('sum by (org) (last_over_time(k6_llm_cost_usd_total{testid="r1"}[13s]))');
  });

  it('take percentiles of the histograms merged over pods, never an average of percentiles', () => {
    expect(histogramQuantileQuery(0.95, 'k6_llm_ttft_seconds', 'r1')).toBe('histogram_quantile(0.95, sum(k6_llm_ttft_seconds{testid="r1"}))');
  });

  it('weight each series of a Rate by its sample count', () => {
    expect(weightedRate('k6_llm_cache_hit_rate', 'k6_llm_output_tokens', 'r1', 10, ['test_type'])).toBe(
      'sum by (test_type) (last_over_time(k6_llm_cache_hit_rate{testid="r1"}[10s]) * histogram_count(k6_llm_output_tokens{testid="r1"})) / sum by (test_type) (histogram_count(k6_llm_output_tokens{testid="r1"}))',
    );
  });

  it('cannot be broken out of by a testid with quotes or backslashes', () => {
    expect(quoteLabel('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});

/** A Prometheus that holds one run, "r1", whose counters were pushed at t = 100 s and 110 s. */
function fakeProm(seen: string[]): PromApi {
  const raw: ApiSeries[] = [{ metric: { __name__: 'k6_llm_requests_total' }, values: [[100, '5'], [110, '9']] }];
  return {
    instant: async (expr) => {
      seen.push(expr);
      if (expr.includes('[1000s]')) return expr.includes('testid="r1"') ? raw : [];
      if (expr === 'sum(k6_llm_ttft_seconds{testid="r1"})') return [{ metric: {}, histogram: [115, { count: '9', sum: '0.18', buckets: [[0, '0.01', '0.03', '9']] }] }];
      if (expr.startsWith('histogram_quantile(0.95, sum(k6_llm_ttft_seconds')) return [{ metric: {}, value: [115, '0.029'] }];
      if (expr.startsWith('sum (last_over_time(k6_llm_requests_total')) return [{ metric: {}, value: [115, '9'] }];
      return [];
    },
    range: async () => [],
    labelValues: async (label, match) => (label === 'testid' ? ['r2', 'r0'] : label === 'instance_id' && match.includes('r1') ? ['2', '1'] : []),
  };
}

describe('collectFleetData', () => {
  it('finds the run from its first to its last counter sample and evaluates there', async () => {
    const seen: string[] = [];
    const d = await collectFleetData(fakeProm(seen), { testid: 'r1', nowSec: 2000, lookbackSec: 1000 });
    expect([d.firstSampleMs, d.lastSampleMs]).toEqual([100_000, 110_000]);
    expect(d.instances).toEqual(['1', '2']);
    expect(d.name).toBe('r1');
    expect(d.counters.requests).toEqual([{ labels: {}, value: 9 }]);
    expect(d.trends.ttft).toEqual({ count: 9, sum: 0.18, quantiles: { p95: 0.029 }, buckets: [{ lo: 0.01, hi: 0.03, count: 9 }] });
    expect(d.trends.e2e).toBeUndefined();
    // Every whole-run range reaches from the last sample (plus slack) back past the first.
    expect(seen.filter((q) => q.includes('last_over_time')).every((q) => q.includes('[16s]'))).toBe(true);
  });

  it('an unknown testid fails with the testids Prometheus does have', async () => {
    const err = await collectFleetData(fakeProm([]), { testid: 'nope', nowSec: 2000, lookbackSec: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownRunError);
    expect((err as Error).message).toBe('no k6_llm_* series with testid="nope" in Prometheus; testids it has: r0, r2');
  });
});
