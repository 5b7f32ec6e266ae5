/**
 * Reads one run's figures from Prometheus into FleetData. The HTTP side is passed in (PromApi), so this
 * file needs no Node APIs and the query plan is testable with a fake.
 */
import type { CounterKey, CumulativeSeries, FleetData, MergedTrend, NativeBucket, Sample, TrendKey } from './model';
import { COUNTER_QUERIES, TREND_METRICS } from './model';
import { counterTotal, fleetCumulative, fleetHistogramCumulative, histogramQuantileQuery, mergedHistogram, quoteLabel, runSelector, weightedRate } from './queries';

/** A native histogram as Prometheus' HTTP API returns it: buckets are [boundary rule, lo, hi, count]. */
interface ApiHistogram {
  count: string;
  sum: string;
  buckets?: [number, string, string, string][];
}

/** One element of an instant-vector or matrix answer. */
export interface ApiSeries {
  metric: Record<string, string>;
  value?: [number, string];
  histogram?: [number, ApiHistogram];
  values?: [number, string][];
}

/** The three calls of Prometheus' HTTP API the report needs; times are unix seconds. */
export interface PromApi {
  instant(expr: string, timeSec: number): Promise<ApiSeries[]>;
  range(expr: string, startSec: number, endSec: number, stepSec: number): Promise<ApiSeries[]>;
  labelValues(label: string, match: string, startSec: number, endSec: number): Promise<string[]>;
}

/** No series carries the testid; `known` lists the testids Prometheus does have in the window. */
export class UnknownRunError extends Error {
  constructor(
    readonly testid: string,
    readonly known: string[],
  ) {
    super(`no k6_llm_* series with testid="${testid}" in Prometheus${known.length > 0 ? `; testids it has: ${known.join(', ')}` : '; it has no k6_llm_* series at all'}`);
  }
}

/** The series whose samples mark the run's time range: every counter, pushed whenever it changed. */
const RUN_COUNTERS = '__name__=~"k6_llm_.+_total"';
/** Labels of the run are read off its request counter, which every pod has. */
const PACE_METRIC = 'k6_llm_requests_total';
/**
 * k6 stamps each push of a series with that series' latest sample, so a request's histogram sample can be
 * a little later than its counters'; evaluating this long after the last counter sample takes it in.
 */
const EVAL_SLACK_SEC = 5;
const ANY_HARNESS_SERIES = '{__name__=~"k6_llm_.+"}';
/** Report windows: about this many across the run, never shorter than a second. */
const TARGET_WINDOWS = 60;

function num(s: string | undefined): number {
  return s === undefined ? NaN : Number(s);
}

function samples(result: ApiSeries[]): Sample[] {
  return result.filter((r) => r.value !== undefined).map((r) => ({ labels: r.metric, value: num(r.value?.[1]) }));
}

function nativeBuckets(h: ApiHistogram): NativeBucket[] {
  return (h.buckets ?? []).map(([, lo, hi, count]) => ({ lo: num(lo), hi: num(hi), count: num(count) }));
}

/** The run's first and last sample times (unix ms), from the raw samples of its counters. */
async function runRange(api: PromApi, testid: string, nowSec: number, lookbackSec: number): Promise<{ first: number; last: number } | null> {
  const raw = await api.instant(`{${RUN_COUNTERS},testid=${quoteLabel(testid)}}[${lookbackSec}s]`, nowSec);
  let first = Infinity;
  let last = -Infinity;
  for (const s of raw) {
    for (const [t] of s.values ?? []) {
      first = Math.min(first, t * 1000);
      last = Math.max(last, t * 1000);
    }
  }
  return Number.isFinite(first) ? { first, last } : null;
}

async function trend(api: PromApi, metric: string, testid: string, atSec: number): Promise<MergedTrend | undefined> {
  const merged = (await api.instant(mergedHistogram(metric, testid), atSec))[0]?.histogram?.[1];
  if (merged === undefined) return undefined;
  const q = async (p: number): Promise<number | undefined> => {
    const v = num((await api.instant(histogramQuantileQuery(p, metric, testid), atSec))[0]?.value?.[1]);
    return Number.isFinite(v) ? v : undefined;
  };
  const [p50, p90, p95, p99] = await Promise.all([q(0.5), q(0.9), q(0.95), q(0.99)]);
  return { count: num(merged.count), sum: num(merged.sum), quantiles: { p50, p90, p95, p99 }, buckets: nativeBuckets(merged) };
}

/** The fleet's running totals at the end of each window, index i at first + (i + 1) x windowSec. */
async function cumulative(api: PromApi, testid: string, firstSec: number, windowSec: number, n: number): Promise<CumulativeSeries> {
  const start = firstSec + windowSec;
  const end = firstSec + n * windowSec;
  const read = async (expr: string): Promise<(number | null)[]> => {
    const out: (number | null)[] = new Array<number | null>(n).fill(null);
    for (const [t, v] of (await api.range(expr, start, end, windowSec))[0]?.values ?? []) {
      const i = Math.round((t - start) / windowSec);
      if (i >= 0 && i < n) out[i] = num(v);
    }
    return out;
  };
  const [requests, errors, outputTokens, costUSD, ttftCount, ttftSumSec, e2eCount, e2eSumSec] = await Promise.all([
    read(fleetCumulative('k6_llm_requests_total', testid)),
    read(fleetCumulative('k6_llm_errors_total', testid)),
    read(fleetCumulative('k6_llm_completion_tokens_total', testid)),
    read(fleetCumulative('k6_llm_cost_usd_total', testid)),
    read(fleetHistogramCumulative('histogram_count', TREND_METRICS.ttft.metric, testid)),
    read(fleetHistogramCumulative('histogram_sum', TREND_METRICS.ttft.metric, testid)),
    read(fleetHistogramCumulative('histogram_count', TREND_METRICS.e2e.metric, testid)),
    read(fleetHistogramCumulative('histogram_sum', TREND_METRICS.e2e.metric, testid)),
  ]);
  return { requests, errors, outputTokens, costUSD, ttftCount, ttftSumSec, e2eCount, e2eSumSec };
}

/**
 * Everything the fleet report needs about run `testid`, looking back `lookbackSec` from `nowSec` for it.
 * Throws UnknownRunError when Prometheus has no sample of the run.
 */
export async function collectFleetData(api: PromApi, opts: { testid: string; name?: string; nowSec: number; lookbackSec: number }): Promise<FleetData> {
  const { testid, nowSec, lookbackSec } = opts;
  const range = await runRange(api, testid, nowSec, lookbackSec);
  if (range === null) throw new UnknownRunError(testid, (await api.labelValues('testid', ANY_HARNESS_SERIES, nowSec - lookbackSec, nowSec)).sort());
  const firstSec = range.first / 1000;
  const lastSec = range.last / 1000;
  const atSec = lastSec + EVAL_SLACK_SEC;
  // The range reaches back past the first sample so each series' last sample in the run is found.
  const rangeSec = atSec - firstSec + 1;
  const labels = (label: string): Promise<string[]> => api.labelValues(label, runSelector(PACE_METRIC, testid), firstSec, atSec).then((v) => v.sort());

  const trendKeys = Object.keys(TREND_METRICS) as TrendKey[];
  const counterKeys = Object.keys(COUNTER_QUERIES) as CounterKey[];
  const durationSec = lastSec - firstSec;
  const windowSec = Math.max(1, Math.ceil(durationSec / TARGET_WINDOWS));
  const windows = Math.max(1, Math.ceil(durationSec / windowSec));
  const [instances, transports, scenarios, trendValues, counterValues, hitOverall, hitByType, hitBySalt, series] = await Promise.all([
    labels('instance_id'),
    labels('transport'),
    labels('scenario'),
    Promise.all(trendKeys.map((k) => trend(api, TREND_METRICS[k].metric, testid, atSec))),
    Promise.all(counterKeys.map((k) => api.instant(counterTotal(COUNTER_QUERIES[k].metric, testid, rangeSec, [...COUNTER_QUERIES[k].by]), atSec))),
    api.instant(weightedRate('k6_llm_cache_hit_rate', TREND_METRICS.outputTokens.metric, testid, rangeSec), atSec),
    api.instant(weightedRate('k6_llm_cache_hit_rate', TREND_METRICS.outputTokens.metric, testid, rangeSec, ['test_type']), atSec),
    api.instant(weightedRate('k6_llm_cache_hit_rate', TREND_METRICS.outputTokens.metric, testid, rangeSec, ['salt_scope']), atSec),
    cumulative(api, testid, firstSec, windowSec, windows),
  ]);
  const trends: FleetData['trends'] = {};
  trendKeys.forEach((k, i) => {
    const t = trendValues[i];
    if (t !== undefined) trends[k] = t;
  });
  const counters: FleetData['counters'] = {};
  counterKeys.forEach((k, i) => (counters[k] = samples(counterValues[i] ?? [])));
  return {
    runId: testid,
    name: opts.name ?? (scenarios.length > 0 ? scenarios.join(', ') : testid),
    firstSampleMs: range.first,
    lastSampleMs: range.last,
    instances,
    transports,
    trends,
    counters,
    cacheHit: { overall: samples(hitOverall), byTestType: samples(hitByType), bySaltScope: samples(hitBySalt) },
    series: { windowSec, cumulative: series },
  };
}
