import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from '../../../src/runtime/schedule';

describe('the open model schedule', () => {
  it('a constant 20/s plan is due every 50 ms from the start', () => {
    const s = new ArrivalSchedule([{ durationSec: 0, target: 20 }, { durationSec: 3, target: 20 }], 1);
    expect(s.dueBy(1)).toBeCloseTo(20);
    expect(s.timeOf(0)).toBe(0);
    expect(s.timeOf(7)).toBeCloseTo(0.35);
    expect(s.latestDueAt(0.351)).toBeCloseTo(0.35);
    expect(s.latestDueAt(0.397)).toBeCloseTo(0.35);
    // Stamped a millisecond before its due instant (whole-ms clocks): still that iteration, 0 late.
    expect(s.latestDueAt(0.349)).toBeCloseTo(0.349);
    expect(s.timeOf(61)).toBe(Infinity);
  });
  it('a linear ramp from 0 to 10/s over 10 s is due at t = sqrt(2n)', () => {
    const s = new ArrivalSchedule([{ durationSec: 10, target: 10 }], 1);
    expect(s.dueBy(10)).toBeCloseTo(50);
    for (const n of [1, 2, 8, 18, 50]) expect(s.timeOf(n)).toBeCloseTo(Math.sqrt(2 * n), 9);
    expect(s.latestDueAt(4.1)).toBeCloseTo(4);
  });
  it('counts the rate per timeUnitSec and scales it to an instance\'s share', () => {
    const half = new ArrivalSchedule([{ durationSec: 0, target: 120 }, { durationSec: 60, target: 120 }], 60, 0.5);
    expect(half.dueBy(10)).toBeCloseTo(10);
    expect(half.timeOf(3)).toBeCloseTo(3);
  });
  it('an iteration started late by more than the gap is still measured from a due point at or before it', () => {
    const s = new ArrivalSchedule([{ durationSec: 0, target: 4 }, { durationSec: 5, target: 4 }], 1);
    for (const t of [0, 0.2, 0.25, 0.26, 1.99, 4.9]) {
      // Never in the future, never more than one gap (plus the clock's resolution) back.
      const due = s.latestDueAt(t);
      expect(due).toBeLessThanOrEqual(t + 1e-9);
      expect(t - due).toBeLessThan(0.25 + 0.002 + 1e-9);
    }
  });
});
