// The rules by which single figures of several instances combine, each against the figure of the pooled samples.
import { describe, expect, it } from 'vitest';
import { ERROR_TALLY_LIMIT, type ErrorSample } from '../../../../src/metrics/error-tally';
import { mergeErrorTops } from '../../../../src/report/merge/error-top';
import { mergeRatio, samplesFromPasses } from '../../../../src/report/merge/rates';
import { mergeSelfChecks } from '../../../../src/report/merge/self-check';
import { mergeSeries } from '../../../../src/report/merge/series';
import { mergeHistograms, mergeStats } from '../../../../src/report/merge/stats';
import { unavailableSelfCheck, type SelfCheck, type SelfCheckCpu } from '../../../../src/metrics/self-check';
import type { Histogram, SeriesWindow, Stats } from '../../../../src/report/model';

const stats = (count: number, avg: number, min: number, max: number, p95: number): Stats => ({ count, avg, min, med: p95, p90: p95, p95, p99: p95, max });

describe('distributions', () => {
  it('pool count, min, max and the count-weighted mean', () => {
    // Samples 1, 2, 3 and 10, 20.
    const s = mergeStats([stats(3, 2, 1, 3, 3), stats(2, 15, 10, 20, 20)]);
    expect([s?.count, s?.min, s?.max, s?.avg]).toEqual([5, 1, 20, 36 / 5]);
  });

  it('leave a figure null when any instance did not report it', () => {
    const s = mergeStats([stats(3, 2, 1, 3, 3), { ...stats(2, 15, 10, 20, 20), min: null, count: null }]);
    expect([s?.count, s?.min, s?.avg, s?.max]).toEqual([null, null, null, 20]);
  });

  it('take percentiles only from a histogram holding exactly the samples counted', () => {
    const h: Histogram = { count: 5, buckets: [{ lo: 0, hi: 10, count: 3 }, { lo: 10, hi: 20, count: 2 }] };
    // Rank 4.75 of 5 lies 1.75 of 2 samples into [10, 20).
    expect(mergeStats([stats(3, 2, 1, 3, 3), stats(2, 15, 10, 20, 20)], h)?.p95).toBe(18.75);
    expect(mergeStats([stats(3, 2, 1, 3, 3), stats(2, 15, 10, 20, 20)], { ...h, count: 6 })?.p95).toBeNull();
    expect(mergeStats([stats(3, 2, 1, 3, 3), stats(2, 15, 10, 20, 20)])?.p95).toBeNull();
  });

  it('add histograms bucket by bucket, and refuse buckets of another scheme', () => {
    const a: Histogram = { count: 3, buckets: [{ lo: 0, hi: 10, count: 1 }, { lo: 20, hi: null, count: 2 }] };
    const b: Histogram = { count: 2, buckets: [{ lo: 10, hi: 20, count: 1 }, { lo: 20, hi: null, count: 1 }] };
    expect(mergeHistograms([a, b])).toEqual({ count: 5, buckets: [{ lo: 0, hi: 10, count: 1 }, { lo: 10, hi: 20, count: 1 }, { lo: 20, hi: null, count: 3 }] });
    expect(mergeHistograms([a, { count: 1, buckets: [{ lo: 5, hi: 15, count: 1 }] }])).toBeNull();
    expect(mergeHistograms([a, null])).toBeNull();
  });
});

describe('ratios', () => {
  it('are the sum of the numerators over the sum of the denominators', () => {
    // 1 of 4 and 3 of 4: 4 of 8, not the mean of 0.25 and 0.75 weighted any other way.
    expect(mergeRatio([{ ratio: 0.25, samples: 4 }, { ratio: 0.75, samples: 4 }])).toBe(0.5);
    expect(mergeRatio([{ ratio: 0.25, samples: 4 }, { ratio: 1, samples: 1 }])).toBe(0.4);
  });

  it('are null when a denominator is not known, except where it cannot matter', () => {
    expect(mergeRatio([{ ratio: 0.25, samples: 4 }, { ratio: 0.75, samples: null }])).toBeNull();
    expect(mergeRatio([{ ratio: 0.25, samples: null }, { ratio: null, samples: null }])).toBe(0.25);
    expect(mergeRatio([{ ratio: 0, samples: null }, { ratio: 0, samples: null }])).toBe(0);
    expect(mergeRatio([{ ratio: null, samples: null }])).toBeNull();
  });

  it("recover a Rate's samples from its passes only when the rate is above 0", () => {
    expect(samplesFromPasses(3 / 7, 3)).toBe(7);
    expect(samplesFromPasses(0, 0)).toBeNull();
    expect(samplesFromPasses(null, 0)).toBeNull();
  });
});

describe('most frequent errors', () => {
  const e = (message: string, count: number): ErrorSample => ({ category: 'http_5xx', status: 502, path: '/v1/chat/completions', message, count });

  it('sum each message over the instances, largest first, exact while no instance cut its list', () => {
    expect(mergeErrorTops([[e('bad gateway', 3), e('upstream reset', 1)], [e('upstream reset', 4)]])).toEqual({ top: [e('upstream reset', 5), e('bad gateway', 3)], complete: true });
    const full = Array.from({ length: ERROR_TALLY_LIMIT }, (_, i) => e(`m${i}`, 100 - i));
    const merged = mergeErrorTops([full, [e('rare', 1)]]);
    expect(merged.top).toHaveLength(ERROR_TALLY_LIMIT);
    expect(merged.complete).toBe(false);
    expect(mergeErrorTops([[e('x', 1)], null]).top).toBeNull();
  });
});

describe('time series', () => {
  const w = (startSec: number, requests: number, ttftMeanMs: number | null): SeriesWindow => ({
    startSec, requests, errors: 0, outputTokens: requests, costUSD: requests / 100, ttftCount: ttftMeanMs === null ? 0 : requests, ttftMeanMs, e2eCount: 0, e2eMeanMs: null,
  });

  it('lay each instance on the wall clock, shifted to the nearest window, with means weighted by their counts', () => {
    const merged = mergeSeries([
      { series: { windowSec: 5, windows: [w(0, 2, 10), w(5, 4, 20)] }, startedAtMs: 1_000_000 },
      // Started 6 s later: one window later.
      { series: { windowSec: 5, windows: [w(0, 2, 40), w(5, 1, null)] }, startedAtMs: 1_006_000 },
    ]);
    expect(merged).toEqual({ windowSec: 5, windows: [w(0, 2, 10), { ...w(5, 6, 80 / 3), costUSD: 0.06 }, w(10, 1, null)] });
  });

  it('are not merged when an instance has none or counts other windows', () => {
    const one = { series: { windowSec: 5, windows: [w(0, 1, 1)] }, startedAtMs: 0 };
    expect(mergeSeries([one, { series: null, startedAtMs: 0 }])).toBeNull();
    expect(mergeSeries([one, { series: { windowSec: 10, windows: [] }, startedAtMs: 0 }])).toBeNull();
  });
});

describe('self-check', () => {
  const cpu = (avgShare: number): SelfCheckCpu => ({ coresAvailable: 2, cpuSeconds: 1, wallSeconds: 1, avgCores: avgShare * 2, avgShare, peakCores: null, peakShare: null, windows: 1, busyWindows: 0 });
  const ok = (avgShare: number): SelfCheck => ({ ...unavailableSelfCheck(''), verdict: 'ok', reason: null, cpu: cpu(avgShare) });
  const warn = (msg: string): SelfCheck => ({ ...ok(0.95), verdict: 'warn', warnings: [msg] });

  it('warns when any instance warned, naming the instance of every warning', () => {
    const merged = mergeSelfChecks([{ instance: 'orgs-1', selfCheck: ok(0.2) }, { instance: 'orgs-2', selfCheck: warn('relay CPU high') }, { instance: 'orgs-3', selfCheck: warn('lag high') }]);
    expect(merged.verdict).toBe('warn');
    expect(merged.warnings).toEqual(['orgs-2: relay CPU high', 'orgs-3: lag high']);
  });

  it('is unavailable when an instance could not measure, else ok with the busiest relay', () => {
    expect(mergeSelfChecks([{ instance: 'orgs-1', selfCheck: ok(0.2) }, { instance: 'orgs-2', selfCheck: unavailableSelfCheck('no relay') }])).toMatchObject({ verdict: 'unavailable', reason: 'orgs-2: no relay' });
    expect(mergeSelfChecks([{ instance: 'orgs-1', selfCheck: ok(0.2) }, { instance: 'orgs-2', selfCheck: ok(0.6) }]).cpu?.avgShare).toBe(0.6);
  });
});
