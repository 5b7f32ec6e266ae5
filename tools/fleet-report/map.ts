/**
 * Maps what Prometheus holds about one run onto the summary.json model, so the fleet report is the same
 * files as a single run's. Pure: no I/O, so every rule below is unit-tested with made-up query results.
 * Prometheus cannot know what only the config or the end-of-test data held (seed, budgets, configured weights
 * and think time, thresholds, checks, min/max of trends); those stay null, or empty where the model has no null,
 * unless the run's config is given (FleetConfig), which supplies the config's share of them.
 */
import { configuredShares, configuredThinkTime, orgCost, ratio } from '../../src/report/build';
import { unavailableSelfCheck } from '../../src/metrics/self-check';
import { ERROR_CATEGORIES, FINISH_REASONS, SALT_SCOPES, SCHEMA_VERSION } from '../../src/report/model';
import { runResult } from '../../src/report/result';
import type { FinishReason, Histogram, OrgCost, SaltScope, Series, SeriesWindow, Stats, Summary, TestTypeFigures } from '../../src/report/model';
import type { TransportKind } from '../../src/llm/transport/types';
import type { FleetConfig } from './config';
import type { CounterKey, FleetData, MergedTrend, NativeBucket, Sample, TrendKey } from './model';
import { TREND_METRICS } from './model';

/** What the text report says about the figures a fleet report cannot have, with or without the run's config. */
export function notInPrometheus(withConfig: boolean): string {
  const fromConfig = withConfig
    ? 'seed, budgets, configured test-type weights and think time come from --config; thresholds'
    : 'seed, budgets, configured test-type weights and think time (give --config for those), thresholds';
  return `Fleet report from Prometheus: ${fromConfig}, checks, salt-violation counts and trend min/max are not in Prometheus and are shown as not known; start and duration are those of the first and last pushed samples (within a push interval of the real ones).`;
}

function total(samples: Sample[] | undefined): number | null {
  if (samples === undefined || samples.length === 0) return null;
  return samples.reduce((s, x) => s + x.value, 0);
}

function byLabel(samples: Sample[] | undefined, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples ?? []) {
    const v = s.labels[label];
    if (v !== undefined) out.set(v, (out.get(v) ?? 0) + s.value);
  }
  return out;
}

const sorted = (values: Iterable<string>): string[] => Array.from(values).sort();

/** The config's names in its order, then any the run has that the config does not, sorted. */
function configuredFirst(configured: string[], seen: Iterable<string>): string[] {
  const known = new Set(configured);
  return [...configured, ...sorted(Array.from(seen).filter((n) => !known.has(n)))];
}

function finite(v: number | undefined, scale: number): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v * scale;
}

/** Stats of a merged histogram; min and max are not kept by native histograms, so they are null. */
export function trendStats(t: MergedTrend | undefined, time: boolean): Stats | null {
  if (t === undefined || t.count <= 0) return null;
  const scale = time ? 1000 : 1;
  return {
    count: t.count,
    avg: (t.sum / t.count) * scale,
    min: null,
    med: finite(t.quantiles.p50, scale),
    p90: finite(t.quantiles.p90, scale),
    p95: finite(t.quantiles.p95, scale),
    p99: finite(t.quantiles.p99, scale),
    max: null,
  };
}

/** A time histogram in the model's ms buckets; only non-empty buckets, ascending. */
export function toMsHistogram(t: MergedTrend | undefined): Histogram {
  const buckets = (t?.buckets ?? [])
    .filter((b: NativeBucket) => b.count > 0)
    .map((b) => ({ lo: Math.max(0, b.lo * 1000), hi: b.hi * 1000, count: b.count }))
    .sort((a, b) => a.lo - b.lo);
  return { count: buckets.reduce((s, b) => s + b.count, 0), buckets };
}

function trend(data: FleetData, key: TrendKey): Stats | null {
  return trendStats(data.trends[key], TREND_METRICS[key].time);
}

function counter(data: FleetData, key: CounterKey): number | null {
  return total(data.counters[key]);
}

// The window totals are the differences of the fleet's running totals; a gap carries the last known total.
function windows(data: FleetData): Series | null {
  if (data.series === null) return null;
  const { windowSec, cumulative: c } = data.series;
  const n = c.requests.length;
  const at = (arr: (number | null)[], i: number): number => {
    for (let j = Math.min(i, arr.length - 1); j >= 0; j--) {
      const v = arr[j];
      if (v !== null && v !== undefined) return v;
    }
    return 0;
  };
  const diff = (arr: (number | null)[], i: number): number => Math.max(0, at(arr, i) - (i > 0 ? at(arr, i - 1) : 0));
  const out: SeriesWindow[] = [];
  for (let i = 0; i < n; i++) {
    const ttftCount = diff(c.ttftCount, i);
    const e2eCount = diff(c.e2eCount, i);
    out.push({
      startSec: i * windowSec,
      requests: diff(c.requests, i),
      errors: diff(c.errors, i),
      outputTokens: diff(c.outputTokens, i),
      costUSD: diff(c.costUSD, i),
      ttftCount,
      ttftMeanMs: ttftCount > 0 ? (diff(c.ttftSumSec, i) / ttftCount) * 1000 : null,
      e2eCount,
      e2eMeanMs: e2eCount > 0 ? (diff(c.e2eSumSec, i) / e2eCount) * 1000 : null,
    });
  }
  return { windowSec, windows: out };
}

// Budgets and utilisation as a single run's report computes them.
function orgCosts(data: FleetData, config: FleetConfig | undefined): OrgCost[] {
  const cost = byLabel(data.counters.costByOrg, 'org');
  const requests = byLabel(data.counters.requestsByOrg, 'org');
  const orgs = new Map((config?.orgs ?? []).map((o) => [o.name, o]));
  return configuredFirst(Array.from(orgs.keys()), new Set([...cost.keys(), ...requests.keys()])).map((org) =>
    orgCost(org, cost.get(org) ?? null, requests.get(org) ?? null, orgs.get(org)),
  );
}

function errorCategories(data: FleetData): Record<string, number> {
  const counts = byLabel(data.counters.errorsByType, 'error_type');
  const known: readonly string[] = ERROR_CATEGORIES;
  const rank = (k: string): number => (known.indexOf(k) < 0 ? known.length : known.indexOf(k));
  const out: Record<string, number> = {};
  for (const k of sorted(counts.keys()).sort((a, b) => rank(a) - rank(b))) out[k] = counts.get(k) ?? 0;
  return out;
}

// The configured weights live in the config, not in Prometheus; shares as a single run's report works them out.
function testTypes(data: FleetData, requests: number, config: FleetConfig | undefined): Record<string, TestTypeFigures> {
  const counts = byLabel(data.counters.requestsByTestType, 'test_type');
  const weights = new Map((config?.testTypes ?? []).map((t) => [t.name, t.weight]));
  const shares = config ? configuredShares(config) : null;
  const out: Record<string, TestTypeFigures> = {};
  for (const name of configuredFirst(Array.from(weights.keys()), counts.keys())) {
    const n = counts.get(name) ?? null;
    out[name] = { requests: n, share: ratio(n, requests), configuredWeight: weights.get(name) ?? null, configuredShare: shares?.[name] ?? null };
  }
  return out;
}

function cache(data: FleetData, testTypeNames: string[], config: FleetConfig | undefined): Summary['cache'] {
  const finiteOr = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);
  const hits = byLabel(data.cacheHit.byTestType, 'test_type');
  const byTestType: Record<string, number | null> = {};
  for (const t of testTypeNames) byTestType[t] = finiteOr(hits.get(t));
  const scopeHits = byLabel(data.cacheHit.bySaltScope, 'salt_scope');
  const bySaltScope = {} as Record<SaltScope, number | null>;
  for (const scope of SALT_SCOPES) bySaltScope[scope] = finiteOr(scopeHits.get(scope));
  const prompts = byLabel(data.counters.promptByTestType, 'test_type');
  const cachedByType = byLabel(data.counters.cachedByTestType, 'test_type');
  const cachedTokenRatioByTestType: Record<string, number | null> = {};
  for (const t of testTypeNames) cachedTokenRatioByTestType[t] = ratio(cachedByType.get(t) ?? null, prompts.get(t) ?? null);
  return {
    // The fleet query does not read llm_cache_reported yet: whether the platform sent cache data is not known.
    dataAvailable: null,
    reportedShare: null,
    cachedTokenRatio: ratio(counter(data, 'cachedTokens'), counter(data, 'promptTokens')),
    cachedTokenRatioByTestType,
    hitRatio: finiteOr(data.cacheHit.overall[0]?.value),
    hitMinRatio: config?.cacheHitMinRatio ?? null,
    byTestType,
    bySaltScope,
    saltViolations: { rate: null, count: null },
  };
}

// k6 pushes no series for a reason that never occurred: 0 when the run tracked reasons at all, else not known.
function finishReasons(data: FleetData): Record<FinishReason, number | null> {
  const counts = byLabel(data.counters.finishReasons, 'reason');
  const out = {} as Record<FinishReason, number | null>;
  for (const reason of FINISH_REASONS) out[reason] = counts.get(reason) ?? (counts.size > 0 ? 0 : null);
  return out;
}

function transport(data: FleetData): TransportKind {
  return data.transports.length === 1 && data.transports[0] === 'buffered' ? 'buffered' : 'streaming';
}

/** The summary.json model of a run as Prometheus holds it, over all its pods; `config` adds the config's figures. */
export function fleetSummary(data: FleetData, config?: FleetConfig): Summary {
  const durationSec = Math.max(0, (data.lastSampleMs - data.firstSampleMs) / 1000);
  const requests = counter(data, 'requests') ?? 0;
  const errorsTotal = counter(data, 'errors') ?? 0;
  const completion = counter(data, 'completionTokens') ?? 0;
  const prompt = counter(data, 'promptTokens') ?? 0;
  const cached = counter(data, 'cachedTokens') ?? 0;
  const byCategory = errorCategories(data);
  const categorized = Object.keys(byCategory).reduce((s, k) => s + (byCategory[k] ?? 0), 0);
  const perSec = (v: number): number => (durationSec > 0 ? v / durationSec : 0);
  const types = testTypes(data, requests, config);
  const series = windows(data);
  const hasHistograms = data.trends.ttft !== undefined || data.trends.e2e !== undefined;
  const completionBySource: Record<string, number> = {};
  for (const [k, v] of byLabel(data.counters.completionBySource, 'token_source')) completionBySource[k] = v;
  const backoff = data.trends.failureBackoff;
  const errors: Summary['errors'] = {
    total: errorsTotal,
    rate: ratio(errorsTotal, requests),
    byCategory,
    uncategorized: Math.max(0, errorsTotal - categorized),
    // The messages are kept by each pod's relay, not in Prometheus: each pod's summary.json has its own.
    top: null,
    backoff: backoff === undefined ? { count: 0, totalMs: 0 } : { count: backoff.count, totalMs: backoff.sum * 1000 },
    // The fleet query reads no llm_request_failed, so which errors had an ignored status is not known.
    ignored: null,
  };
  const thresholds: Summary['thresholds'] = [];

  return {
    schemaVersion: SCHEMA_VERSION,
    source: 'prometheus',
    run: {
      id: data.runId,
      name: data.name,
      labels: config?.labels ?? {},
      seed: config?.seed ?? null,
      transport: transport(data),
      startedAt: new Date(data.firstSampleMs).toISOString(),
      durationSec,
      instance: null,
      endReason: null,
      setupError: null,
      result: runResult({ run: { setupError: null, endReason: null, cleanup: null }, thresholds, errors }),
      streamed: config?.streamed ?? null,
      droppedIterations: counter(data, 'droppedIterations') ?? 0,
      schedule: null,
      // Native histograms keep no maximum, which is what a single run reports.
      bootstrapMs: null,
      // Each pod's own summary.json says what its teardown did; Prometheus does not.
      cleanup: null,
      // The probe's gauges are one sample per pod in teardown; the fleet report does not query them.
      revokedKeys: null,
    },
    latency: {
      ttft: trend(data, 'ttft'),
      ttfo: trend(data, 'ttfo'),
      ttfb: trend(data, 'ttfb'),
      e2e: trend(data, 'e2e'),
      tpot: trend(data, 'tpot'),
      itl: trend(data, 'itl'),
      clientQueue: trend(data, 'clientQueue'),
      ttftFromSched: trend(data, 'ttftFromSched'),
      e2eFromSched: trend(data, 'e2eFromSched'),
    },
    throughput: {
      requests,
      requestsPerSec: perSec(requests),
      outputTokensPerSec: perSec(completion),
      outputTokensPerSecPerRequest: trend(data, 'outputTokensPerSecond'),
      prefillTokensPerSecPerRequest: trend(data, 'prefillTokensPerSecond'),
    },
    // The fleet query does not read llm_rate_limited or llm_retry_after_wait yet; each pod's summary.json has them.
    throttling: null,
    tokens: {
      prompt,
      completion,
      cached,
      cachedShare: ratio(cached, prompt),
      outputPerRequest: trend(data, 'outputTokens'),
      perChunk: trend(data, 'tokensPerChunk'),
      completionBySource,
      estimatedShare: ratio(completionBySource.estimate ?? (completion > 0 ? 0 : null), completion),
      chunks: counter(data, 'chunks'),
    },
    errors,
    cost: { totalUSD: counter(data, 'cost') ?? 0, byOrg: orgCosts(data, config) },
    cache: cache(data, Object.keys(types), config),
    finishReasons: finishReasons(data),
    testTypes: types,
    thinkTime: { configured: config ? configuredThinkTime(config) : null, actual: trend(data, 'thinkTime') },
    thresholds,
    checks: [],
    series,
    histograms:
      series === null || !hasHistograms
        ? null
        : { ttft: toMsHistogram(data.trends.ttft), itl: toMsHistogram(data.trends.itl), e2e: toMsHistogram(data.trends.e2e), tpot: toMsHistogram(data.trends.tpot) },
    selfCheck: unavailableSelfCheck('a fleet report from Prometheus: each pod’s self-check is in its own summary.json'),
  };
}
