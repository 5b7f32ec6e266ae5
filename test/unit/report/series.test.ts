import { describe, expect, it } from 'vitest';
import { bucketBounds, bucketIndex, DEFAULT_WINDOW_SEC, LOG_BUCKET_BASE_MS, readSeries, recordRequest } from '../../../src/metrics/series';
import { histogramQuantile } from '../../../src/report/histogram';
import { FakeCounters } from '../helpers/fake-counters';
import { fakeRequests, rng } from './fixture';

function record(counters: FakeCounters, reqs: ReturnType<typeof fakeRequests>, windowSec?: number): void {
  for (const q of reqs) {
    recordRequest(
      counters,
      {
        tMs: q.tMs,
        ok: q.ok,
        ttftMs: q.ttftMs ?? undefined,
        e2eMs: q.e2eMs ?? undefined,
        tpotMs: q.tpotMs ?? undefined,
        itlMs: q.itlMs,
        outputTokens: q.outputTokens,
        costUSD: q.costUSD,
      },
      windowSec,
    );
  }
}

function exactQuantile(samples: number[], q: number): number {
  const s = samples.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
}

describe('log buckets', () => {
  const bounds = bucketBounds();

  it('span 0.1 ms to past 10 minutes with a constant ratio of 1.1', () => {
    expect(bounds[0]).toBeCloseTo(LOG_BUCKET_BASE_MS, 12);
    expect(bounds[bounds.length - 1]).toBeGreaterThan(600_000);
    for (let i = 1; i < bounds.length; i++) expect((bounds[i] as number) / (bounds[i - 1] as number)).toBeCloseTo(1.1, 9);
  });

  it('put every value in the bucket whose [lo, hi) holds it, bounds included', () => {
    const values = [0, 0.05, 0.1, 0.11, 1, 3.7, 42, 999.9, 1000, 60_000, 599_999, 10_000_000, ...bounds];
    for (const v of values) {
      const i = bucketIndex(v);
      const lo = i === 0 ? 0 : (bounds[i - 1] as number);
      const hi = i < bounds.length ? (bounds[i] as number) : Infinity;
      expect(v >= lo && v < hi, `${v} in bucket ${i} [${lo}, ${hi})`).toBe(true);
    }
  });
});

describe('recordRequest and readSeries', () => {
  const durationSec = 60;
  const reqs = fakeRequests(2000, durationSec);

  it('p95 read from the histogram is within one bucket width of the exact p95', () => {
    const counters = new FakeCounters();
    record(counters, reqs);
    const snap = readSeries(counters, { durationSec });
    const cases: [string, number[]][] = [
      ['ttft', reqs.flatMap((q) => (q.ttftMs === null ? [] : [q.ttftMs]))],
      ['e2e', reqs.flatMap((q) => (q.e2eMs === null ? [] : [q.e2eMs]))],
      ['itl', reqs.flatMap((q) => q.itlMs)],
      ['tpot', reqs.flatMap((q) => (q.tpotMs === null ? [] : [q.tpotMs]))],
    ];
    for (const [name, samples] of cases) {
      const h = snap.histograms[name as 'ttft'];
      expect(h.count).toBe(samples.length);
      for (const q of [0.5, 0.95, 0.99]) {
        const exact = exactQuantile(samples, q);
        const width = exact * 0.1;
        expect(Math.abs((histogramQuantile(h, q) as number) - exact), `${name} q${q}`).toBeLessThanOrEqual(width);
      }
    }
  });

  it('windows sum to the run totals and each request lands in the window of its finish time', () => {
    const counters = new FakeCounters();
    record(counters, reqs);
    const { series } = readSeries(counters, { durationSec });
    expect(series.windowSec).toBe(DEFAULT_WINDOW_SEC);
    expect(series.windows.map((w) => w.startSec)).toEqual(Array.from({ length: 12 }, (_, i) => i * 5));
    const total = (f: (w: (typeof series.windows)[number]) => number): number => series.windows.reduce((s, w) => s + f(w), 0);
    expect(total((w) => w.requests)).toBe(reqs.length);
    expect(total((w) => w.errors)).toBe(reqs.filter((q) => !q.ok).length);
    expect(total((w) => w.outputTokens)).toBe(reqs.reduce((s, q) => s + q.outputTokens, 0));
    expect(total((w) => w.costUSD)).toBeCloseTo(reqs.reduce((s, q) => s + q.costUSD, 0), 9);
    expect(total((w) => w.ttftCount)).toBe(reqs.filter((q) => q.ttftMs !== null).length);
    const inThird = reqs.filter((q) => q.tMs >= 10_000 && q.tMs < 15_000);
    expect(series.windows[2]?.requests).toBe(inThird.length);
    const ttfts = inThird.flatMap((q) => (q.ttftMs === null ? [] : [q.ttftMs]));
    expect(series.windows[2]?.ttftMeanMs).toBeCloseTo(ttfts.reduce((a, b) => a + b, 0) / ttfts.length, 9);
  });

  it('merges adjacent windows past maxWindows without losing a request', () => {
    const counters = new FakeCounters();
    record(counters, reqs, 1);
    const { series } = readSeries(counters, { durationSec, windowSec: 1, maxWindows: 25 });
    expect(series.windowSec).toBe(3);
    expect(series.windows).toHaveLength(20);
    expect(series.windows.reduce((s, w) => s + w.requests, 0)).toBe(reqs.length);
  });

  it('keeps a request that finished just after the nominal end', () => {
    const counters = new FakeCounters();
    recordRequest(counters, { tMs: 60_400, ok: true, ttftMs: 10, e2eMs: 20, outputTokens: 3, costUSD: 0.001 });
    const { series } = readSeries(counters, { durationSec: 60 });
    expect(series.windows).toHaveLength(13);
    expect(series.windows[12]?.requests).toBe(1);
  });

  it('costs a handful of counter adds per request, however many tokens stream', () => {
    const counters = new FakeCounters();
    const r = rng(3);
    const itlMs = Array.from({ length: 500 }, () => 20 + r() * 4);
    recordRequest(counters, { tMs: 1000, ok: true, ttftMs: 120, e2eMs: 11_000, tpotMs: 22, itlMs, outputTokens: 500, costUSD: 0.01 });
    // 10 adds for the window totals and the TTFT/E2E/TPOT buckets, then one per ITL bucket touched (3 here).
    expect(counters.adds).toBe(10 + new Set(itlMs.map(bucketIndex)).size);
    expect(counters.adds).toBeLessThanOrEqual(13);
    expect(readSeries(counters, { durationSec: 5 }).histograms.itl.count).toBe(500);
  });

  it('reads an untouched process as empty windows and empty histograms, never invented data', () => {
    const snap = readSeries(new FakeCounters(), { durationSec: 10 });
    expect(snap.series.windows).toHaveLength(2);
    expect(snap.series.windows.every((w) => w.requests === 0 && w.ttftMeanMs === null && w.e2eMeanMs === null)).toBe(true);
    expect(snap.histograms.ttft).toEqual({ count: 0, buckets: [] });
  });
});
