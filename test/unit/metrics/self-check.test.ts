import { describe, expect, it } from 'vitest';
import { judgeSelfCheck, selfCheckLine, unavailableSelfCheck } from '../../../src/metrics/self-check';
import type { SelfCheckSnapshot } from '../../../src/llm/transport/types';

function snap(over: Partial<SelfCheckSnapshot> = {}): SelfCheckSnapshot {
  return {
    started: true,
    wallSeconds: 10,
    cpuSeconds: 4,
    cpuSecondsTotal: 6,
    gomaxprocs: 1,
    numCpu: 2,
    windowSeconds: 1,
    windowCores: [0.3, 0.4, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4],
    lagIntervalMs: 10,
    lagSamples: 1000,
    lagMeanMs: 0.08,
    lagP50Ms: 0.06,
    lagP99Ms: 0.4,
    lagMaxMs: 2,
    k6: null,
    ...over,
  };
}

describe('self-check verdicts', () => {
  it('ok with headroom: figures per core of GOMAXPROCS', () => {
    const c = judgeSelfCheck(snap(), 'streaming');
    expect(c.verdict).toBe('ok');
    expect(c.warnings).toEqual([]);
    expect(c.cpu).toMatchObject({ coresAvailable: 1, avgCores: 0.4, avgShare: 0.4, peakCores: 0.5, windows: 9, busyWindows: 0 });
    expect(c.lag).toMatchObject({ p50Ms: 0.06, p99Ms: 0.4, samples: 1000 });
    expect(selfCheckLine(c)).toBe('ok: relay CPU 0.40 of 1 core(s), peak 0.50; scheduler lag p50 0.06 ms, p99 0.40 ms');
  });

  it('warns when the relay averages 85% of its cores', () => {
    const c = judgeSelfCheck(snap({ cpuSeconds: 8.8, windowCores: [0.9, 0.88] }), 'streaming');
    expect(c.verdict).toBe('warn');
    expect(c.warnings).toEqual(['the relay used 88% of its 1 core(s) on average (limit 85%)']);
    expect(selfCheckLine(c)).toMatch(/^WARNING: /);
  });

  it('warns on saturated seconds even when the average is lower', () => {
    const c = judgeSelfCheck(snap({ cpuSeconds: 6, windowCores: [0.3, 0.95, 0.97, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3] }), 'streaming');
    expect(c.warnings).toEqual(['the relay used 90%+ of its 1 core(s) in 2 of 10 seconds (peak 97%)']);
    // One busy second in ten is a blip, not a ceiling.
    expect(judgeSelfCheck(snap({ windowCores: [0.95, ...Array(10).fill(0.3)] }), 'streaming').verdict).toBe('ok');
  });

  it('judges the k6 process too when the relay can see it, against the machine\'s cores', () => {
    const c = judgeSelfCheck(snap({ k6: { pid: 42, cpuSeconds: 18, windowCores: [1.8, 1.9] } }), 'streaming');
    expect(c.k6Cpu).toMatchObject({ coresAvailable: 2, avgCores: 1.8, avgShare: 0.9, peakCores: 1.9 });
    expect(c.warnings).toEqual(['k6 used 90% of its 2 core(s) on average (limit 85%)']);
    expect(selfCheckLine(c)).toBe('WARNING: relay CPU 0.40 of 1 core(s), peak 0.50; k6 CPU 1.80 of 2 core(s), peak 1.90; scheduler lag p50 0.06 ms, p99 0.40 ms');
    expect(judgeSelfCheck(snap(), 'streaming').k6Cpu).toBeNull();
  });

  it('counts cores as min(GOMAXPROCS, CPUs)', () => {
    const c = judgeSelfCheck(snap({ gomaxprocs: 8, numCpu: 2, cpuSeconds: 18 }), 'streaming');
    expect(c.cpu?.coresAvailable).toBe(2);
    expect(c.cpu?.avgShare).toBe(0.9);
    expect(c.verdict).toBe('warn');
  });

  it('warns on scheduler lag: p99 over 2.5 ms, or median over 1 ms', () => {
    expect(judgeSelfCheck(snap({ lagP99Ms: 12 }), 'streaming').warnings).toEqual(['scheduler lag p99 12 ms (limit 2.5 ms)']);
    expect(judgeSelfCheck(snap({ lagP50Ms: 1.5, lagP99Ms: 2 }), 'streaming').warnings).toEqual(['scheduler lag median 1.5 ms (limit 1 ms)']);
  });

  it('is unavailable, and says why, without the relay, before any request, or without CPU figures', () => {
    const stock = judgeSelfCheck(null, 'buffered');
    expect(stock.verdict).toBe('unavailable');
    expect(stock.reason).toMatch(/no relay/);
    expect(selfCheckLine(stock)).toMatch(/^unavailable: the buffered transport has no relay/);
    expect(judgeSelfCheck(snap({ started: false }), 'streaming').reason).toMatch(/never started/);
    const noCpu = judgeSelfCheck(snap({ cpuSeconds: -1 }), 'streaming');
    expect(noCpu.cpu).toBeNull();
    expect(noCpu.verdict).toBe('ok');
    expect(unavailableSelfCheck('x')).toMatchObject({ verdict: 'unavailable', reason: 'x', cpu: null, lag: null, warnings: [] });
  });
});
