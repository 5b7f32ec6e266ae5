// The fleet report's mapping of Prometheus query results onto the summary.json model.
import { describe, expect, it } from 'vitest';
import { configMismatch, type FleetConfig } from '../../../../tools/fleet-report/config';
import { fleetSummary, notInPrometheus, toMsHistogram, trendStats } from '../../../../tools/fleet-report/map';
import type { FleetData, MergedTrend } from '../../../../tools/fleet-report/model';

const ttft: MergedTrend = {
  count: 200,
  sum: 5, // seconds
  quantiles: { p50: 0.02, p90: 0.03, p95: 0.035, p99: 0.05 },
  buckets: [
    { lo: 0.02, hi: 0.0218, count: 150 },
    { lo: 0.0218, hi: 0.0238, count: 0 },
    { lo: 0.0238, hi: 0.05, count: 50 },
  ],
};

function data(over: Partial<FleetData> = {}): FleetData {
  return {
    runId: 'run-1',
    name: 'fleet',
    firstSampleMs: Date.UTC(2026, 0, 1, 12, 0, 0),
    lastSampleMs: Date.UTC(2026, 0, 1, 12, 0, 10),
    instances: ['1', '2'],
    transports: ['streaming'],
    trends: { ttft },
    counters: {
      requests: [{ labels: {}, value: 200 }],
      requestsByOrg: [
        { labels: { org: 'b' }, value: 120 },
        { labels: { org: 'a' }, value: 80 },
      ],
      requestsByTestType: [
        { labels: { test_type: 'short' }, value: 150 },
        { labels: { test_type: 'long' }, value: 50 },
      ],
      errors: [{ labels: {}, value: 7 }],
      errorsByType: [
        { labels: { error_type: 'timeout' }, value: 2 },
        { labels: { error_type: 'rate_limited' }, value: 4 },
      ],
      promptTokens: [{ labels: {}, value: 1000 }],
      cachedTokens: [{ labels: {}, value: 250 }],
      completionTokens: [{ labels: {}, value: 3000 }],
      cost: [{ labels: {}, value: 0.5 }],
      costByOrg: [
        { labels: { org: 'b' }, value: 0.3 },
        { labels: { org: 'a' }, value: 0.2 },
      ],
    },
    cacheHit: { overall: [{ labels: {}, value: 0.25 }], byTestType: [{ labels: { test_type: 'long' }, value: 0.9 }], bySaltScope: [{ labels: { salt_scope: 'user' }, value: 0.5 }] },
    series: {
      windowSec: 5,
      cumulative: {
        requests: [90, 200],
        errors: [3, 7],
        outputTokens: [1400, 3000],
        costUSD: [0.2, 0.5],
        ttftCount: [90, 200],
        ttftSumSec: [1.8, 5],
        e2eCount: [null, null],
        e2eSumSec: [null, null],
      },
    },
    ...over,
  };
}

describe('fleetSummary', () => {
  it('takes percentiles from the merged histogram in ms, the mean from sum/count, and leaves min/max unknown', () => {
    const s = fleetSummary(data());
    expect(s.source).toBe('prometheus');
    expect(s.latency.ttft).toEqual({ count: 200, avg: 25, min: null, med: 20, p90: 30, p95: 35, p99: 50, max: null });
    expect(trendStats({ ...ttft, sum: 400 }, false)?.avg).toBe(2);
  });

  it('sums counters over pods: requests, tokens, rates per second of the run, and cost per org', () => {
    const s = fleetSummary(data());
    expect(s.run.durationSec).toBe(10);
    expect(s.run.startedAt).toBe('2026-01-01T12:00:00.000Z');
    expect(s.throughput.requests).toBe(200);
    expect(s.throughput.requestsPerSec).toBe(20);
    expect(s.throughput.outputTokensPerSec).toBe(300);
    expect(s.tokens.cachedShare).toBe(0.25);
    expect(s.cost.totalUSD).toBe(0.5);
    expect(s.cost.byOrg).toEqual([
      { org: 'a', costUSD: 0.2, requests: 80, budgetUSD: null, dailyBudgetUSD: null, utilisation: null },
      { org: 'b', costUSD: 0.3, requests: 120, budgetUSD: null, dailyBudgetUSD: null, utilisation: null },
    ]);
  });

  it('lists error categories from the error_type label in the harness order, and counts the rest as uncategorized', () => {
    const s = fleetSummary(data());
    expect(Object.keys(s.errors.byCategory)).toEqual(['rate_limited', 'timeout']);
    expect(s.errors).toMatchObject({ total: 7, rate: 7 / 200, byCategory: { rate_limited: 4, timeout: 2 }, uncategorized: 1 });
  });

  it('takes test types from their label values, with shares but no configured weight', () => {
    const s = fleetSummary(data());
    expect(s.testTypes).toEqual({
      long: { requests: 50, share: 0.25, configuredWeight: null, configuredShare: null },
      short: { requests: 150, share: 0.75, configuredWeight: null, configuredShare: null },
    });
    expect(s.cache).toMatchObject({ hitRatio: 0.25, hitMinRatio: null, byTestType: { long: 0.9, short: null }, bySaltScope: { none: null, org: null, user: 0.5, fixed: null }, saltViolations: { rate: null, count: null } });
  });

  it('turns running totals into per-window figures and the native buckets into ms histograms', () => {
    const s = fleetSummary(data());
    expect(s.series?.windows.map((w) => [w.startSec, w.requests, w.errors, w.ttftCount])).toEqual([
      [0, 90, 3, 90],
      [5, 110, 4, 110],
    ]);
    expect(s.series?.windows[1]?.ttftMeanMs).toBeCloseTo(((5 - 1.8) / 110) * 1000, 9);
    expect(s.series?.windows[0]?.e2eMeanMs).toBeNull();
    expect(s.histograms?.ttft.count).toBe(200);
    expect(s.histograms?.ttft.buckets.map((b) => [b.lo, b.count])).toEqual([
      [20, 150],
      [23.8, 50],
    ]);
    expect(toMsHistogram(undefined)).toEqual({ count: 0, buckets: [] });
  });

  it('a gap in the running totals carries the last value instead of counting the run again', () => {
    const d = data();
    const c = d.series?.cumulative;
    if (c === undefined) throw new Error('fixture has a series');
    const s = fleetSummary({ ...d, series: { windowSec: 5, cumulative: { ...c, requests: [90, null, 200] } } });
    expect(s.series?.windows.map((w) => w.requests)).toEqual([90, 0, 110]);
  });

  it('tolerates every missing series: zeros for totals, null for what was not measured, no charts', () => {
    const s = fleetSummary(data({ trends: {}, counters: {}, cacheHit: { overall: [], byTestType: [], bySaltScope: [] }, series: null }));
    expect(s.throughput.requests).toBe(0);
    expect(s.errors).toEqual({ total: 0, rate: null, byCategory: {}, uncategorized: 0, top: null, backoff: { count: 0, totalMs: 0 }, ignored: null });
    expect(s.throttling).toBeNull();
    expect(s.cache.dataAvailable).toBeNull();
    expect(s.cost).toEqual({ totalUSD: 0, byOrg: [] });
    expect(Object.values(s.latency).every((v) => v === null)).toBe(true);
    expect(s.cache.hitRatio).toBeNull();
    expect(s.finishReasons.stop).toBeNull();
    expect(s.testTypes).toEqual({});
    expect(s.series).toBeNull();
    expect(s.histograms).toBeNull();
  });

  it('leaves what only the config knows unknown, never made up', () => {
    const s = fleetSummary(data());
    expect(s.run).toMatchObject({ id: 'run-1', name: 'fleet', instance: null, endReason: null, seed: null });
    expect(s.thinkTime.configured).toBeNull();
    expect(s.cache.saltViolations.count).toBeNull();
    expect(s.thresholds).toEqual([]);
    expect(s.checks).toEqual([]);
    expect(s.thinkTime.actual).toBeNull();
  });

  it('a percentile Prometheus could not compute (NaN) is null', () => {
    const s = fleetSummary(data({ trends: { ttft: { ...ttft, quantiles: { p50: NaN } } } }));
    expect(s.latency.ttft?.med).toBeNull();
    expect(s.latency.ttft?.p95).toBeNull();
  });

  it('counts finish reasons from their label, 0 for a reason k6 pushed no series for', () => {
    const s = fleetSummary(data({ counters: { ...data().counters, finishReasons: [{ labels: { reason: 'stop' }, value: 190 }, { labels: { reason: 'length' }, value: 3 }] } }));
    expect(s.finishReasons).toEqual({ stop: 190, length: 3, content_filter: 0, tool_calls: 0, other: 0, none: 0 });
  });
});

describe('fleetSummary with the run’s config (--config)', () => {
  const config: FleetConfig = {
    scenarioName: 'fleet',
    labels: {},
    seed: 42,
    orgs: [
      { name: 'a', users: 2, budgetUSD: 0.8, dailyBudgetUSD: 5 },
      { name: 'b', users: 2 },
      { name: 'c', users: 1, budgetUSD: 1 },
    ],
    testTypes: [
      { name: 'short', weight: 3 },
      { name: 'long', weight: 1 },
      { name: 'idle', weight: 4 },
    ],
    thinkTime: { configuredMeanMs: 1500, minMs: 500, maxMs: 3000, distribution: 'uniform' },
  };

  it('fills budgets and utilisation per org as a single run does, in the config’s order, orgs without requests included', () => {
    expect(fleetSummary(data(), config).cost.byOrg).toEqual([
      { org: 'a', costUSD: 0.2, requests: 80, budgetUSD: 0.8, dailyBudgetUSD: 5, utilisation: 0.25 },
      { org: 'b', costUSD: 0.3, requests: 120, budgetUSD: null, dailyBudgetUSD: null, utilisation: null },
      { org: 'c', costUSD: null, requests: null, budgetUSD: 1, dailyBudgetUSD: null, utilisation: null },
    ]);
  });

  it('fills configured weights and shares per test type; one the config lacks keeps nulls', () => {
    const types = fleetSummary(data({ counters: { ...data().counters, requestsByTestType: [...(data().counters.requestsByTestType ?? []), { labels: { test_type: 'extra' }, value: 1 }] } }), config).testTypes;
    expect(Object.keys(types)).toEqual(['short', 'long', 'idle', 'extra']);
    expect(types.short).toEqual({ requests: 150, share: 0.75, configuredWeight: 3, configuredShare: 3 / 8 });
    expect(types.idle).toEqual({ requests: null, share: null, configuredWeight: 4, configuredShare: 0.5 });
    expect(types.extra).toMatchObject({ configuredWeight: null, configuredShare: null });
  });

  it('takes the seed and configured think time from the config, and says so in the text caveat', () => {
    const s = fleetSummary(data(), config);
    expect(s.run.seed).toBe(42);
    expect(s.thinkTime.configured).toEqual({ meanMs: 1500, minMs: 500, maxMs: 3000, distribution: 'uniform' });
    expect(notInPrometheus(true)).toContain('come from --config');
    expect(notInPrometheus(false)).toContain('give --config');
  });

  it('names a config whose orgs the run never used', () => {
    expect(configMismatch(data(), config)).toBeNull();
    const other = { ...config, orgs: [{ name: 'x', users: 1 }] };
    expect(configMismatch(data(), other)).toBe("the config's orgs (x) are not those of run run-1 (a, b): is --config the run's config?");
    expect(configMismatch(data({ counters: {} }), other)).toBeNull();
  });
});
