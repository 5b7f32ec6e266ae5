import { describe, expect, it } from 'vitest';
import { chunksInWindow, compareRequests, concurrencySamples, coresOver, cpuAt, distribution, errorStats, gatewayFigures, linearFit, quantileSorted, wallMinusMono, type TruthRecord, countFailures, rampStartMs } from '../../../bench/stats';

const truth = (id: string, receivedMonoMs: number, atMs: number[], outcome = 'complete'): TruthRecord => ({
  requestId: id,
  outcome,
  receivedMonoMs,
  endMs: atMs[atMs.length - 1] ?? null,
  chunks: atMs.map((a) => ({ atMs: a })),
});

describe('error statistics', () => {
  it('nearest-rank quantiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileSorted(xs, 0.5)).toBe(50);
    expect(quantileSorted(xs, 0.99)).toBe(99);
    expect(quantileSorted(xs, 1)).toBe(100);
    expect(quantileSorted([7], 0.99)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('signed and absolute median, p99 and max', () => {
    const errs = [...Array.from({ length: 98 }, () => 0.2), -3, 10];
    const s = errorStats(errs);
    expect(s).toEqual({ n: 100, median: 0.2, p99: 0.2, medianAbs: 0.2, p99Abs: 3, maxAbs: 10 });
    expect(errorStats([])).toBeNull();
  });
});

describe('matching the harness to ground truth', () => {
  const byId = new Map([
    ['a', truth('a', 1000, [20, 60, 100])],
    ['b', truth('b', 2000, [25, 65])],
    ['c', truth('c', 3000, [20], 'client_closed')],
  ]);

  it('one-to-one by request id: TTFT, E2E and every gap', () => {
    const e = compareRequests(
      [
        { requestId: 'a', ok: true, ttftMs: 20.5, e2eMs: 100.4, itlMs: [40.1, 39.8] },
        { requestId: 'b', ok: true, ttftMs: 25.2, e2eMs: 65.3, itlMs: [40.2] },
        { requestId: 'c', ok: true, ttftMs: 21, e2eMs: 21, itlMs: [] },
        { requestId: 'zz', ok: true, ttftMs: 1, e2eMs: 1, itlMs: [] },
        { requestId: 'a', ok: false, ttftMs: null, e2eMs: null, itlMs: [] },
      ],
      byId,
    );
    expect(e.matched).toBe(2);
    expect(e.unmatched).toBe(1);
    expect(e.ttftVsArrival.map((v) => +v.toFixed(3))).toEqual([0.5, 0.2]);
    expect(e.e2eVsArrival.map((v) => +v.toFixed(3))).toEqual([0.4, 0.3]);
    expect(e.ttft).toEqual([]); // no sentAt, no clock offset: no one-clock figures
    expect(e.gap.map((v) => +v.toFixed(3))).toEqual([0.1, -0.2, 0.2]);
    expect(e.gapCountMismatch).toBe(0);
  });

  it('counts a different number of gaps and honours the window filter', () => {
    const e = compareRequests([{ requestId: 'a', ok: true, ttftMs: 20, e2eMs: 100, itlMs: [80] }], byId);
    expect(e.gapCountMismatch).toBe(1);
    expect(e.gap).toHaveLength(1);
    const none = compareRequests([{ requestId: 'a', ok: true, ttftMs: 20, e2eMs: 100, itlMs: [40, 40] }], byId, (t) => t.receivedMonoMs > 1500);
    expect(none.matched).toBe(0);
  });

  it('buffered runs without TTFT or gaps compare E2E only', () => {
    const e = compareRequests([{ requestId: 'b', ok: true, ttftMs: null, e2eMs: 66, itlMs: [] }], byId);
    expect(e.ttftVsArrival).toEqual([]);
    expect(e.gap).toEqual([]);
    expect(e.e2eVsArrival.map((v) => +v.toFixed(3))).toEqual([1]);
  });

  it('on one clock: the request-write time moved onto the sim clock, transit excluded', () => {
    // Wall clock = monotonic + 1e6 ms. Written at mono 1999.0, arrived at 2000 (1 ms transit); first token
    // written at 2025, stamped at 2025.3 => TTFT 26.3 by the harness, 25 from arrival.
    const e = compareRequests([{ requestId: 'b', ok: true, sentAtMs: 1_000_000 + 1999, ttftMs: 26.3, e2eMs: 66.2, itlMs: [39.9] }], byId, () => true, 1_000_000);
    expect(e.ttft.map((v) => +v.toFixed(3))).toEqual([0.3]);
    expect(e.e2e.map((v) => +v.toFixed(3))).toEqual([0.2]);
    expect(e.ttftVsArrival.map((v) => +v.toFixed(3))).toEqual([1.3]);
  });
});

describe('wall minus monotonic clock', () => {
  it('takes the largest difference: the sample right after Date.now() ticked', () => {
    let mono = 0;
    const monoFn = () => (mono += 0.01);
    const wall = () => Math.floor(mono + 5000.3); // true offset 5000.3, wall truncated to ms
    expect(wallMinusMono(wall, monoFn, 5)).toBeGreaterThan(5000.28);
    expect(wallMinusMono(wall, monoFn, 5)).toBeLessThanOrEqual(5000.3);
    const real = wallMinusMono();
    expect(Math.abs(real - (Date.now() - Number(process.hrtime.bigint()) / 1e6))).toBeLessThan(2);
  });
});

describe('window figures', () => {
  it('streams in flight from request intervals', () => {
    const iv = [
      { startMs: 0, endMs: 1000 },
      { startMs: 250, endMs: 600 },
      { startMs: 500, endMs: 2000 },
    ];
    expect(concurrencySamples(iv, 0, 1200, 200)).toEqual([1, 1, 2, 2, 2, 1]);
  });

  it('chunks written inside a window, on the absolute clock', () => {
    const t = [truth('a', 1000, [20, 60, 100]), truth('b', 1050, [20, 60])];
    expect(chunksInWindow(t, 1050, 1100)).toBe(2); // a@1060, b@1070; a@1100 is outside [.., 1100)
  });

  it('least-squares slope (per-VU init, RSS)', () => {
    expect(linearFit([{ x: 10, y: 120 }, { x: 40, y: 180 }, { x: 100, y: 300 }])).toEqual({ slope: 2, intercept: 100 });
    expect(linearFit([{ x: 5, y: 1 }])).toBeNull();
    expect(linearFit([{ x: 5, y: 1 }, { x: 5, y: 2 }])).toBeNull();
  });

  it('CPU cores over a window, interpolated between /proc samples', () => {
    const s = [
      { tMs: 0, cpuSec: 0 },
      { tMs: 1000, cpuSec: 0.5 },
      { tMs: 2000, cpuSec: 1.5 },
    ];
    expect(cpuAt(s, 500)).toBeCloseTo(0.25);
    expect(cpuAt(s, 3000)).toBeNull();
    expect(coresOver(s, 500, 1500)).toBeCloseTo(0.75);
    expect(coresOver(s, 0, 2000)).toBeCloseTo(0.75);
    expect(coresOver(s, -1, 2000)).toBeNull();
  });

  it('counts requests k6 cut off at its graceful stop as interrupted, not failed; a gone relay is a failure', () => {
    const ok = { ok: true, errorType: null };
    const log = [ok, { ok: false, errorType: 'relay_unavailable' }, ok, { ok: false, errorType: 'http_5xx' }, ok, { ok: false, errorType: 'aborted' }, { ok: false, errorType: 'aborted' }];
    expect(countFailures(log)).toEqual({ failed: 2, interruptedAtEnd: 2 });
  });

  it('finds the ramp start from the first arrivals, not the first arrival alone', () => {
    // 10 VUs over 3 s from t = 1000: VU i arrives at 1000 + 300 i (+ jitter); later ones include second requests.
    const arrivals = [1300.4, 1599.8, 1900.2, 2200, 2499.9, 2800.1, 3100, 3400, 3700, 4000, 3850];
    expect(rampStartMs(arrivals, 10, 3000)).toBeCloseTo(1000, 0);
    expect(rampStartMs([500], 10, 3000)).toBe(200);
    expect(rampStartMs([], 10, 3000)).toBeNull();
    // Bounded: never after the first arrival, never more than two steps before it.
    expect(rampStartMs([1000, 1001, 1002, 5000, 5001, 5002], 12, 3000)).toBeLessThanOrEqual(1000);
    expect(rampStartMs([1000, 2000, 2001, 2002, 2003, 2004], 12, 3000)).toBeGreaterThanOrEqual(500);
  });
});

describe('a gateway in front of the sim', () => {
  const truthOf = (id: string, firstMs: number, lastMs: number, outcome = 'complete'): [string, TruthRecord] => [id, { requestId: id, outcome, receivedMonoMs: 1000, endMs: lastMs + 1, chunks: [{ atMs: firstMs }, { atMs: lastMs }] }];
  const truth = new Map([truthOf('a', 20, 60), truthOf('b', 30, 90), truthOf('c', 25, 70, 'client_closed')]);

  it('takes, per matched complete stream, the harness TTFT and E2E minus the sim’s', () => {
    const g = gatewayFigures(
      [
        { requestId: 'a', ok: true, ttftMs: 70, e2eMs: 111, itlMs: [] },
        { requestId: 'b', ok: true, ttftMs: 82, e2eMs: 142, itlMs: [] },
        { requestId: 'c', ok: true, ttftMs: 500, e2eMs: 900, itlMs: [] },
        { requestId: 'zz', ok: true, ttftMs: 1, e2eMs: 2, itlMs: [] },
        { requestId: null, ok: true, ttftMs: 1, e2eMs: 2, itlMs: [] },
        { requestId: 'a', ok: false, ttftMs: null, e2eMs: null, itlMs: [] },
      ],
      truth,
    );
    expect(g).toMatchObject({ ok: 5, matched: 2, unmatched: 2 });
    expect(g.addedTtft).toEqual({ n: 2, median: 50, p90: 52, p99: 52, min: 50, max: 52 });
    expect(g.addedE2e).toEqual({ n: 2, median: 51, p90: 52, p99: 52, min: 51, max: 52 });
    expect(g.simTtft?.median).toBe(20);
    expect(g.ttft?.max).toBe(82);
  });

  it('has no figures when no stream matched, as when a gateway drops x-request-id', () => {
    const g = gatewayFigures([{ requestId: null, ok: true, ttftMs: 70, e2eMs: 111, itlMs: [] }], truth);
    expect(g).toEqual({ ok: 1, matched: 0, unmatched: 1, ttft: null, simTtft: null, addedTtft: null, addedE2e: null });
    expect(distribution([])).toBeNull();
    expect(distribution([3, 1, 2])).toEqual({ n: 3, median: 2, p90: 3, p99: 3, min: 1, max: 3 });
  });
});
