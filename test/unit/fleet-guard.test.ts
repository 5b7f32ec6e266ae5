import { describe, expect, it } from 'vitest';
import { fleetSpendQuery, parseInstantValue } from '../../lib/fleet-query';

describe('fleet guard', () => {
  it('sums the remote-written cost counter of one run across instances', () => {
    expect(fleetSpendQuery('demo-1')).toBe('sum(k6_llm_cost_usd_total{testid="demo-1"})');
    expect(fleetSpendQuery('a"b\\c')).toBe('sum(k6_llm_cost_usd_total{testid="abc"})');
  });
  it('reads an instant vector, and says when there is no sample yet', () => {
    expect(parseInstantValue({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.42'] }] } })).toBe(0.42);
    expect(parseInstantValue({ status: 'success', data: { resultType: 'vector', result: [] } })).toBeNull();
    expect(parseInstantValue({ data: { result: [{ value: [1, 'NaN'] }] } })).toBeNull();
    expect(parseInstantValue(null)).toBeNull();
  });
});
