/**
 * The object k6 (v1) passes to handleSummary, as far as the reports read it (@types/k6 does not
 * declare it), and small readers that turn its metrics into the model's numbers.
 */
import type { CheckResult, Stats } from './model';

export interface K6Metric {
  type: 'trend' | 'counter' | 'rate' | 'gauge';
  contains: 'time' | 'data' | 'default';
  /** Trend: count, avg, min, med, max, p(N) (as summaryTrendStats asks); counter: count, rate; rate: rate, passes, fails; gauge: value, min, max. */
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

interface K6Check {
  name: string;
  path: string;
  id?: string;
  passes: number;
  fails: number;
}

export interface K6Group {
  name: string;
  path: string;
  id?: string;
  groups: K6Group[];
  checks: K6Check[];
}

/** handleSummary's argument: metrics by key (sub-metrics as `name{tag:value}`), checks by group, run state. */
export interface K6SummaryData {
  metrics: Record<string, K6Metric | undefined>;
  root_group?: K6Group;
  state?: { testRunDurationMs: number; isStdOutTTY?: boolean; isStdErrTTY?: boolean };
  options?: { summaryTrendStats?: string[]; summaryTimeUnit?: string; noColor?: boolean };
}

/** The trend stats the options builder should set (k6's summaryTrendStats) so every Stats field is filled. */
export const SUMMARY_TREND_STATS = ['count', 'avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

function stat(values: Record<string, number>, key: string): number | null {
  const v = values[key];
  return typeof v === 'number' && isFinite(v) ? v : null;
}

/** A Trend's stats, or null when the metric is absent or saw no samples (k6 then reports zeros). */
export function readTrend(data: K6SummaryData, key: string): Stats | null {
  const m = data.metrics[key];
  if (m === undefined || m.type !== 'trend') return null;
  const v = m.values;
  const count = stat(v, 'count');
  if (count === 0) return null;
  // Without a count stat, all-zero extremes are how k6 shows a trend that never saw a sample.
  if (count === null && stat(v, 'max') === 0 && stat(v, 'min') === 0) return null;
  return {
    count,
    avg: stat(v, 'avg'),
    min: stat(v, 'min'),
    med: stat(v, 'med'),
    p90: stat(v, 'p(90)'),
    p95: stat(v, 'p(95)'),
    p99: stat(v, 'p(99)'),
    max: stat(v, 'max'),
  };
}

/** A Counter's total, or null when the metric is absent. */
export function readCount(data: K6SummaryData, key: string): number | null {
  const m = data.metrics[key];
  return m === undefined || m.type !== 'counter' ? null : stat(m.values, 'count');
}

/** A Counter's total per second of test run, or null when the metric is absent. */
export function readCountRate(data: K6SummaryData, key: string): number | null {
  const m = data.metrics[key];
  return m === undefined || m.type !== 'counter' ? null : stat(m.values, 'rate');
}

/** A Rate's ratio and its passes (non-zero samples); ratio null when absent or never sampled. */
export function readRate(data: K6SummaryData, key: string): { ratio: number | null; passes: number } {
  const m = data.metrics[key];
  if (m === undefined || m.type !== 'rate') return { ratio: null, passes: 0 };
  const passes = stat(m.values, 'passes') ?? 0;
  const fails = stat(m.values, 'fails') ?? 0;
  return { ratio: passes + fails > 0 ? stat(m.values, 'rate') : null, passes };
}

/** The key k6 uses for a sub-metric with one tag, e.g. `llm_cost_usd{org:acme-1}`. */
export function subMetricKey(metric: string, tag: string, value: string): string {
  return `${metric}{${tag}:${value}}`;
}

/** Tag values of every `metric{tag:value}` sub-metric present, in key order. */
export function subMetricValues(data: K6SummaryData, metric: string, tag: string): string[] {
  const prefix = `${metric}{${tag}:`;
  const out: string[] = [];
  for (const key of Object.keys(data.metrics)) {
    if (key.indexOf(prefix) === 0 && key.charAt(key.length - 1) === '}') {
      const value = key.slice(prefix.length, -1);
      if (value.indexOf(',') < 0) out.push(value);
    }
  }
  return out;
}

/** Every check of the run, groups flattened depth-first. */
export function flattenChecks(group: K6Group | undefined): CheckResult[] {
  if (group === undefined) return [];
  const out: CheckResult[] = group.checks.map((c) => ({ name: c.name, path: c.path, passes: c.passes, fails: c.fails }));
  for (const g of group.groups) out.push(...flattenChecks(g));
  return out;
}
