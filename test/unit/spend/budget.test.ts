import { describe, expect, it } from 'vitest';
import { BudgetLedger, segmentFraction, unfitReason, worstCaseCostUSD, type BudgetScope } from '../../../src/spend/budget';
import { FakeCounters } from '../helpers/fake-counters';

const test: BudgetScope = { kind: 'test', key: 'test', limitUSD: 1 };
const org: BudgetScope = { kind: 'org', key: 'org:a', limitUSD: 0.5 };

describe('a request that can never fit', () => {
  it('is named with its worst case, its max_tokens and the limit, only when its worst case alone exceeds the whole limit', () => {
    expect(unfitReason(test, 1, { model: 'gpt-4o', maxTokens: 256 })).toBeNull();
    expect(unfitReason(test, 15000.12, { model: 'gpt-4o', maxTokens: 1e9 })).toBe(
      "a request's worst-case cost, $15000.12 (max_tokens 1000000000 of gpt-4o output plus the prompt estimate), is over maxCostUSD of $1.00 (this instance's share) on its own: lower max_tokens or raise the limit",
    );
    expect(unfitReason({ ...org, limitUSD: 0.001 }, 0.0123, { model: 'm', maxTokens: 9000 })).toContain("is over the org's limitUSD of $0.00100");
  });
});

describe('cost ledger', () => {
  it('reserves worst-case cost in every scope and settles to the real cost', () => {
    const l = new BudgetLedger(new FakeCounters());
    const r = l.reserve([test, org], 0.3);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(l.settle(r.reservation, 0.1)).toEqual([0.1, 0.1]);
    expect(l.spentUSD(org)).toBeCloseTo(0.1, 12);
    expect(l.reserve([test, org], 0.4).ok).toBe(true);
  });
  it('concurrent reservations can never book more than the limit together', () => {
    const l = new BudgetLedger(new FakeCounters());
    const wins = Array.from({ length: 10 }, () => l.reserve([test], 0.3)).filter((r) => r.ok);
    expect(wins).toHaveLength(3);
  });
  it('a refusing scope rolls back the scopes reserved before it, and says whether waiting can help', () => {
    const c = new FakeCounters();
    const l = new BudgetLedger(c);
    const first = l.reserve([test, org], 0.4);
    const refused = l.reserve([test, org], 0.2);
    expect(refused).toEqual({ ok: false, scope: org, othersInFlight: true });
    expect(c.get('budget:booked:test')).toBeCloseTo(0.4, 12);
    if (first.ok) l.settle(first.reservation, 0.45);
    expect(l.reserve([test, org], 0.2)).toEqual({ ok: false, scope: org, othersInFlight: false });
  });
  it('worst case covers the prompt estimate with headroom and max_tokens of output', () => {
    expect(worstCaseCostUSD({ inputPerToken: 0.001, outputPerToken: 0.01 }, 100, 50)).toBeCloseTo((125 + 16) * 0.001 + 50 * 0.01, 12);
  });
});

describe('execution segments', () => {
  it('an instance’s share of a test-wide limit is its segment’s length', () => {
    expect(segmentFraction(undefined)).toBe(1);
    expect(segmentFraction('0:1/2')).toBe(0.5);
    expect(segmentFraction('1/4:1')).toBe(0.75);
    expect(segmentFraction('0:1')).toBe(1);
    expect(() => segmentFraction('1/2:1/2')).toThrow(/empty/);
    expect(() => segmentFraction('half')).toThrow(/from:to/);
  });
});
