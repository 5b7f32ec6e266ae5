import { describe, expect, it } from 'vitest';
import { FleetGuard, type SpendReading } from '../../../src/spend/fleet-guard';
import { fleetSpendQuery, parseInstantValue } from '../../../src/spend/fleet-query';
import { FakeCounters } from '../helpers/fake-counters';

const spec = { prometheusUrl: 'http://127.0.0.1:9090', intervalSec: 5 };

/** A guard over fake counters whose Prometheus answers from a script, one reading per query. */
function guardWith(readings: SpendReading[]) {
  const counters = new FakeCounters();
  const warnings: string[] = [];
  let now = 1_000_000;
  let queries = 0;
  const guard = new FleetGuard(spec, 10, 2.5, counters, () => readings[Math.min(queries++, readings.length - 1)] as SpendReading, (m) => warnings.push(m), () => now);
  const admit = () => counters.group(guard.preOps());
  const tick = (ms: number) => (now += ms);
  return { guard, counters, warnings, admit, tick, queries: () => queries };
}

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
  it('is not live, and warns once naming the fallback share, while Prometheus has no series', () => {
    const g = guardWith([{ problem: 'Prometheus has no llm_cost_usd series for testid t' }]);
    for (let i = 0; i < 3; i++) {
      const r = g.admit();
      expect(r.values[FleetGuard.LIVE_OP]).toBe(0);
      g.guard.refreshIfDue(r.values[0] as number);
      g.tick(6000);
    }
    expect(g.queries()).toBe(3);
    expect(g.warnings).toHaveLength(1);
    expect(g.warnings[0]).toMatch(/no llm_cost_usd series.*its own share of maxCostUSD \(\$2\.5000 of \$10\)/);
  });
  it('goes live with the first spend it reads, and back to the share when Prometheus stops answering', () => {
    const g = guardWith([{ problem: 'body that is not JSON' }, { spendUSD: 3 }, { problem: 'Prometheus answered 503' }]);
    const live: number[] = [];
    for (let i = 0; i < 3; i++) {
      g.guard.refreshIfDue(g.admit().values[0] as number);
      live.push(g.admit().values[FleetGuard.LIVE_OP] as number);
      g.tick(6000);
    }
    expect(live).toEqual([0, 1, 0]);
  });
  it('asks Prometheus once per interval, however many requests come in between', () => {
    const g = guardWith([{ spendUSD: 1 }]);
    for (let i = 0; i < 50; i++) {
      g.guard.refreshIfDue(g.admit().values[0] as number);
      g.tick(100);
    }
    expect(g.queries()).toBe(1);
  });
  it('refuses admission once the fleet has spent the limit', () => {
    const g = guardWith([{ spendUSD: 10.01 }]);
    g.guard.refreshIfDue(g.admit().values[0] as number);
    const r = g.admit();
    expect(r.ok).toBe(false);
    expect(r.failed).toBe(FleetGuard.EXHAUSTED_OP);
  });
});
