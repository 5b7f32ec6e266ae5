import { describe, expect, it } from 'vitest';
import { RunLimits, shareOfLimits } from '../../../src/spend/limits';
import { FakeCounters } from '../helpers/fake-counters';

const counters = () => new FakeCounters();

const base = { errorRateWindowSec: 10, errorRateMinSamples: 5 };
const never = () => {
  throw new Error('should not wait');
};

describe('test-wide limits', () => {
  it('maxRequests admits exactly that many requests, then names the limit', () => {
    const l = new RunLimits({ ...base, maxRequests: 3 }, counters());
    expect([l.admit(never), l.admit(never), l.admit(never)]).toEqual([null, null, null]);
    expect(l.admit(never)).toBe('maxRequests reached');
    expect(l.ended()).toBe('maxRequests reached');
  });
  it('maxConcurrentReqs waits for a free slot', () => {
    const c = counters();
    const l = new RunLimits({ ...base, maxConcurrentReqs: 2 }, c);
    expect(l.admit(never)).toBeNull();
    expect(l.admit(never)).toBeNull();
    let waits = 0;
    expect(
      l.admit(() => {
        waits++;
        if (waits === 3) l.settle('answered');
      }),
    ).toBeNull();
    expect(waits).toBe(3);
    expect(c.get('limit:inflight')).toBe(2);
  });
  it('maxErrorRate judges a sliding window only once it has the minimum sample', () => {
    let now = 100_000;
    const l = new RunLimits({ ...base, maxErrorRate: 0.5 }, counters(), () => now);
    for (let i = 0; i < 4; i++) expect(l.settle('failed')).toBeNull();
    expect(l.settle('failed')).toBe('maxErrorRate exceeded');
    const fresh = new RunLimits({ ...base, maxErrorRate: 0.5 }, counters(), () => now);
    for (let i = 0; i < 6; i++) fresh.settle('answered');
    for (let i = 0; i < 5; i++) expect(fresh.settle('failed')).toBeNull();
    now += 20_000;
    for (let i = 0; i < 4; i++) fresh.settle('failed');
    expect(fresh.settle('failed')).toBe('maxErrorRate exceeded');
  });
  it('ignored statuses stay out of the window: an opening burst of them neither trips the guard nor fills its minimum sample', () => {
    const now = 100_000;
    const l = new RunLimits({ ...base, maxErrorRate: 0.5 }, counters(), () => now);
    for (let i = 0; i < 50; i++) expect(l.settle('ignored')).toBeNull();
    // The window holds only the counted requests: 4 answered, then failures judged once 5 are in.
    for (let i = 0; i < 4; i++) l.settle('answered');
    expect(l.settle('failed')).toBeNull();
    expect(l.settle('failed')).toBeNull();
    expect(l.settle('failed')).toBeNull();
    expect(l.settle('failed')).toBeNull();
    expect(l.settle('failed'), '5 failed of 9 counted').toBe('maxErrorRate exceeded');
  });
  it('the window is errorRateWindowSec long: failures older than it no longer count', () => {
    let now = 100_000;
    const l = new RunLimits({ ...base, maxErrorRate: 0.5 }, counters(), () => now);
    for (let i = 0; i < 4; i++) expect(l.settle('failed')).toBeNull();
    now += 10_000;
    for (let i = 0; i < 4; i++) l.settle('answered');
    // The 4 old failures slid out: 1 failure in 5 counted requests.
    expect(l.settle('failed')).toBeNull();
    now += 1_000;
    for (let i = 0; i < 3; i++) expect(l.settle('failed'), 'at most half failed').toBeNull();
    expect(l.settle('failed'), '5 failed of 9 in the last 10 s').toBe('maxErrorRate exceeded');
  });
  it('the first breach is the reason that sticks', () => {
    const l = new RunLimits({ ...base, maxRequests: 1 }, counters());
    l.admit(never);
    expect(l.stop('maxCostUSD reached')).toBe('maxCostUSD reached');
    expect(l.admit(never)).toBe('maxCostUSD reached');
    expect(l.stop('maxErrorRate exceeded')).toBe('maxCostUSD reached');
  });
});

describe('maxRequests with maxConcurrentReqs', () => {
  it('a request waiting for a slot holds no maxRequests ticket, and a refused one gives its slot back', () => {
    const c = counters();
    const l = new RunLimits({ ...base, maxRequests: 2, maxConcurrentReqs: 1 }, c);
    expect(l.admit(never)).toBeNull();
    let waited = 0;
    const waitThenFreeTheSlot = () => {
      waited++;
      expect(c.get('limit:requests'), 'no ticket is taken while waiting').toBe(1);
      l.release();
    };
    expect(l.admit(waitThenFreeTheSlot)).toBeNull();
    expect(waited).toBe(1);
    l.release();
    expect(l.admit(never)).toBe('maxRequests reached');
    expect(c.get('limit:inflight')).toBe(0);
  });
});

describe("an instance's share of the count limits", () => {
  it('halves maxRequests and maxConcurrentReqs for half the run, rounding down so two halves keep the limit', () => {
    expect(shareOfLimits({ ...base, maxRequests: 41, maxConcurrentReqs: 5 }, 0.5)).toMatchObject({ maxRequests: 20, maxConcurrentReqs: 2 });
  });
  it('keeps at least one of each, and leaves unset limits and the error-rate settings alone', () => {
    expect(shareOfLimits({ ...base, maxRequests: 3 }, 0.1)).toEqual({ ...base, maxRequests: 1, maxConcurrentReqs: undefined });
  });
  it('a whole run keeps the limits exactly, despite float noise in the fraction', () => {
    expect(shareOfLimits({ ...base, maxRequests: 30, maxConcurrentReqs: 3 }, (1 / 3) * 3)).toMatchObject({ maxRequests: 30, maxConcurrentReqs: 3 });
  });
});
