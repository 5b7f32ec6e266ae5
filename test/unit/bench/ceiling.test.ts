import { describe, expect, it } from 'vitest';
import { ACCURACY_LIMITS, ceilingOf, judgeStep, nextLevel, TARGET_LIMITS, type StepFigures, type StepVerdict } from '../../../bench/ceiling';
import type { ErrorStats } from '../../../bench/stats';

const err = (medianAbs: number, p99Abs: number): ErrorStats => ({ n: 100, median: medianAbs, p99: p99Abs, medianAbs, p99Abs, maxAbs: p99Abs });
const fig = (over: Partial<StepFigures> = {}): StepFigures => ({
  streams: 1000,
  ttft: err(0.3, 2),
  gap: err(0.1, 1),
  concurrencyMedian: 1000,
  errorRate: 0,
  simCores: 0.5,
  chunksPerSec: 20000,
  simCeilingChunksPerSec: 40000,
  ...over,
});
const pass: StepVerdict = { pass: true, held: true, simLimited: false, reasons: [] };
const fail: StepVerdict = { pass: false, held: true, simLimited: false, reasons: ['x'] };
const lost: StepVerdict = { pass: false, held: false, simLimited: false, reasons: ['x'] };
const simFail: StepVerdict = { pass: false, held: true, simLimited: true, reasons: ['x'] };

describe('judging a capacity step', () => {
  it('passes within 1 ms median / 5 ms p99, streams held, no failures', () => {
    expect(judgeStep(fig())).toEqual({ pass: true, held: true, simLimited: false, reasons: [] });
  });

  it('names every breach', () => {
    const v = judgeStep(fig({ ttft: err(1.5, 2), gap: err(0.2, 7), concurrencyMedian: 900, errorRate: 0.01 }));
    expect(v.pass).toBe(false);
    expect(v.held).toBe(false);
    expect(judgeStep(fig({ ttft: err(3, 9) })).held).toBe(true);
    expect(v.reasons).toEqual(['TTFT error median 1.5 ms > 1 ms', 'gap error p99 7 ms > 5 ms', 'held 900 of 1000 streams', '1.00% of requests failed']);
    expect(judgeStep(fig({ gap: null })).reasons).toEqual(['no gap figures']);
  });

  it('keeps the original 1 / 5 ms bounds as the default and judges issue 13\'s 0.5 / 2 ms bounds apart', () => {
    expect(ACCURACY_LIMITS).toEqual({ medianAbsMs: 1, p99AbsMs: 5 });
    expect(TARGET_LIMITS).toEqual({ medianAbsMs: 0.5, p99AbsMs: 2 });
    const f = fig({ ttft: err(0.7, 3), gap: err(0.1, 1) });
    expect(judgeStep(f).pass).toBe(true);
    expect(judgeStep(f, TARGET_LIMITS)).toEqual({ pass: false, held: true, simLimited: false, reasons: ['TTFT error median 0.7 ms > 0.5 ms', 'TTFT error p99 3 ms > 2 ms'] });
    expect(judgeStep(fig({ ttft: err(0.5, 2), gap: err(0.5, 2) }), TARGET_LIMITS).pass).toBe(true);
  });

  it('marks the sim as the limit when its core is saturated or it delivers what it does alone', () => {
    expect(judgeStep(fig({ simCores: 0.95 })).simLimited).toBe(true);
    expect(judgeStep(fig({ chunksPerSec: 37000 })).simLimited).toBe(true);
    expect(judgeStep(fig({ simCores: null, simCeilingChunksPerSec: null })).simLimited).toBe(false);
  });
});

describe('the ceiling search', () => {
  const plan = [500, 1000, 1500, 2000];

  it('climbs the plan while the load is held, accuracy failures included, and stops at its top', () => {
    expect(nextLevel([], plan)).toBe(500);
    expect(nextLevel([{ streams: 500, verdict: pass }], plan)).toBe(1000);
    expect(nextLevel([{ streams: 500, verdict: fail }], plan)).toBe(1000); // no pass below: nothing to bisect
    expect(nextLevel(plan.map((streams) => ({ streams, verdict: pass })), plan)).toBeNull();
  });

  it('bisects once between the highest pass and the lowest failure above it', () => {
    const done = [
      { streams: 500, verdict: pass },
      { streams: 1000, verdict: pass },
      { streams: 1500, verdict: fail },
    ];
    expect(nextLevel(done, plan)).toBe(1300); // (1000 + 1500) / 2 rounded to 100
    expect(nextLevel([...done, { streams: 1300, verdict: pass }], plan)).toBe(2000);
    expect(nextLevel([...done, { streams: 1300, verdict: fail }, { streams: 2000, verdict: fail }], plan)).toBeNull();
  });

  it('stops climbing where the load was not held or the sim was the limit (after the bisection)', () => {
    expect(nextLevel([{ streams: 500, verdict: lost }], plan)).toBeNull();
    expect(nextLevel([{ streams: 500, verdict: simFail }], plan)).toBeNull();
    expect(nextLevel([{ streams: 500, verdict: pass }, { streams: 1000, verdict: lost }], plan)).toBe(800);
    expect(nextLevel([{ streams: 500, verdict: pass }, { streams: 1000, verdict: lost }, { streams: 800, verdict: pass }], plan)).toBeNull();
  });

  it('reports both ceilings and what limited each', () => {
    const c = ceilingOf([
      { streams: 500, chunksPerSec: 9000, verdict: pass },
      { streams: 1000, chunksPerSec: 18000, verdict: fail },
      { streams: 1500, chunksPerSec: 20000, verdict: lost },
    ]);
    expect(c).toEqual({ streams: 500, chunksPerSec: 9000, limitedBy: 'k6', held: { streams: 1000, chunksPerSec: 18000, limitedBy: 'k6' } });
    expect(ceilingOf([{ streams: 500, chunksPerSec: 9000, verdict: pass }, { streams: 1000, chunksPerSec: 17000, verdict: simFail }]).limitedBy).toBe('sim');
    expect(ceilingOf([{ streams: 500, chunksPerSec: 9000, verdict: pass }]).limitedBy).toBe('levels');
    expect(ceilingOf([{ streams: 500, chunksPerSec: 9000, verdict: fail }])).toMatchObject({ streams: 0, chunksPerSec: 0, limitedBy: 'k6', held: { streams: 500, limitedBy: 'levels' } });
  });
});
