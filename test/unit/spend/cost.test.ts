import { describe, expect, it } from 'vitest';
import { requestCostUSD, resolvePrice } from '../../../src/spend/cost';

describe('cost from token usage and the price table', () => {
  it('uses the platform prices per 1K tokens', () => {
    expect(requestCostUSD(resolvePrice('gpt-4o'), 1000, 1000)).toBeCloseTo(0.005 + 0.015, 12);
    expect(requestCostUSD(resolvePrice('gpt-3.5-turbo'), 2000, 500)).toBeCloseTo(0.001 + 0.00075, 12);
  });
  it('charges cached prompt tokens at the cached price where the table has one', () => {
    const price = resolvePrice('m', { unit: 'per1M', models: { m: { input: 2, output: 8, cachedInput: 0.5 } } });
    expect(requestCostUSD(price, 1_000_000, 0, 400_000)).toBeCloseTo(0.6 * 2 + 0.4 * 0.5, 9);
  });
  it('charges cached tokens at the input price when there is no cached price', () => {
    expect(requestCostUSD(resolvePrice('gpt-4o'), 1000, 0, 600)).toBeCloseTo(0.005, 12);
  });
  it('config prices override the platform defaults', () => {
    expect(resolvePrice('gpt-4o', { unit: 'per1K', models: { 'gpt-4o': { input: 1, output: 2 } } }).inputPerToken).toBe(0.001);
  });
  it('an unknown model gets the default price, flagged, never zero', () => {
    const p = resolvePrice('mystery-model');
    expect(p.isDefault).toBe(true);
    expect(p.inputPerToken).toBeGreaterThan(0);
    expect(requestCostUSD(p, 1000, 1000)).toBeCloseTo(0.003, 12);
    expect(resolvePrice('mystery', { unit: 'per1M', models: {}, default: { input: 5, output: 5 } }).inputPerToken).toBe(5e-6);
  });
});
