/**
 * A realistic handleSummary `data` object in the exact shape k6 v1.8 produces (captured from the
 * project's k6), aggregated from a seeded list of synthetic requests so tests can derive every
 * expected figure independently of the code under test.
 */
import { summaryThresholds } from '../../../src/report/bookkeeping';
import type { K6Group, K6Metric, K6SummaryData } from '../../../src/report/k6-data';
import { ERROR_CATEGORIES } from '../../../src/report/model';
import type { RunInfo } from '../../../src/report/model';

export interface FakeRequest {
  tMs: number;
  org: string;
  testType: string;
  ok: boolean;
  errorType: string | null;
  ttftMs: number | null;
  e2eMs: number | null;
  tpotMs: number | null;
  itlMs: number[];
  promptTokens: number;
  cachedTokens: number;
  outputTokens: number;
  costUSD: number;
  /** null for a failed request: it has no response to finish. */
  finishReason: string | null;
  saltScope: string;
}

/** A deterministic PRNG (mulberry32) so fixtures are identical on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k6's TrendSink percentile: linear interpolation between the sorted samples. */
export function k6Percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  if (sorted.length === 1) return sorted[0] as number;
  const i = p * (sorted.length - 1);
  const j = sorted[Math.floor(i)] as number;
  const k = sorted[Math.ceil(i)] as number;
  return j + (k - j) * (i - Math.floor(i));
}

export function trend(samples: number[], time = true): K6Metric {
  const s = samples.slice().sort((a, b) => a - b);
  const n = s.length;
  return {
    type: 'trend',
    contains: time ? 'time' : 'default',
    values: {
      count: n,
      avg: n === 0 ? 0 : s.reduce((a, b) => a + b, 0) / n,
      min: n === 0 ? 0 : (s[0] as number),
      med: k6Percentile(s, 0.5),
      max: n === 0 ? 0 : (s[n - 1] as number),
      'p(90)': k6Percentile(s, 0.9),
      'p(95)': k6Percentile(s, 0.95),
      'p(99)': k6Percentile(s, 0.99),
    },
  };
}

export function counter(total: number, durationSec: number): K6Metric {
  return { type: 'counter', contains: 'default', values: { count: total, rate: total / durationSec } };
}

function rate(passes: number, fails: number): K6Metric {
  return { type: 'rate', contains: 'default', values: { rate: passes + fails === 0 ? 0 : passes / (passes + fails), passes, fails } };
}

export const ORGS = ['acme-1', 'globex-2', 'initech-3'];
export const TEST_TYPES = ['cached', 'uncached', 'long_context'];
/** Salt scopes the fixture's requests use: "fixed" never occurs, so its hit ratio must be null. */
const USED_SALT_SCOPES = ['none', 'org', 'user'];
/** The one setup() sample of llm_bootstrap_duration, ms. */
export const BOOTSTRAP_MS = 4213.5;

export function runInfo(overrides: Partial<RunInfo> = {}): RunInfo {
  return {
    runId: 'run-20261127-0001',
    scenarioName: 'smoke',
    labels: { team: 'platform' },
    seed: 42,
    transport: 'streaming',
    startedAt: '2026-11-27T04:00:00.000Z',
    orgs: [
      { name: 'acme-1', users: 5, budgetUSD: 2 },
      { name: 'globex-2', users: 3, budgetUSD: 0.5, dailyBudgetUSD: 10 },
      { name: 'initech-3', users: 2 },
    ],
    testTypes: [
      { name: 'cached', weight: 50 },
      { name: 'uncached', weight: 30 },
      { name: 'long_context', weight: 20 },
    ],
    thinkTime: { configuredMeanMs: 2000, minMs: 500, maxMs: 8000, distribution: 'exponential' },
    streamed: 'all',
    schedule: { plannedSec: 120, gracefulStopSec: 30 },
    cacheHitMinRatio: 0.5,
    ...overrides,
  };
}

/** Seeded synthetic requests over `durationSec`; `failAll` makes every request fail before a token. */
export function fakeRequests(n: number, durationSec: number, opts: { seed?: number; failAll?: boolean } = {}): FakeRequest[] {
  const r = rng(opts.seed ?? 7);
  const errorTypes = ['timeout', 'http_5xx', 'rate_limited'];
  const out: FakeRequest[] = [];
  for (let i = 0; i < n; i++) {
    const org = ORGS[Math.floor(r() * ORGS.length)] as string;
    const u = r();
    const testType = (u < 0.5 ? TEST_TYPES[0] : u < 0.8 ? TEST_TYPES[1] : TEST_TYPES[2]) as string;
    const ok = !opts.failAll && r() > 0.08;
    const ttft = 40 * Math.exp(1.2 * (r() + r() + r() - 1.5));
    const chunks = 5 + Math.floor(r() * 40);
    const itl = Array.from({ length: chunks - 1 }, () => 8 + 30 * r() * r());
    const e2e = ttft + itl.reduce((a, b) => a + b, 0);
    const outputTokens = ok ? chunks : 0;
    const prompt = 100 + Math.floor(r() * 900);
    const cached = testType === 'cached' && r() < 0.7 ? Math.floor(prompt * 0.8) : 0;
    out.push({
      tMs: r() * durationSec * 1000,
      org,
      testType,
      ok,
      errorType: ok ? null : (errorTypes[Math.floor(r() * errorTypes.length)] as string),
      ttftMs: ok ? ttft : null,
      e2eMs: ok ? e2e : null,
      tpotMs: ok && outputTokens >= 2 ? (e2e - ttft) / (outputTokens - 1) : null,
      itlMs: ok ? itl : [],
      promptTokens: ok ? prompt : 0,
      cachedTokens: ok ? cached : 0,
      outputTokens,
      costUSD: ok ? prompt * 2.5e-6 + outputTokens * 1e-5 : 0,
      finishReason: ok ? (chunks >= 40 ? 'length' : 'stop') : null,
      saltScope: USED_SALT_SCOPES[i % USED_SALT_SCOPES.length] as string,
    });
  }
  return out;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const num = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);

function withThreshold(m: K6Metric, expr: string, ok: boolean): K6Metric {
  return { ...m, thresholds: { ...(m.thresholds ?? {}), [expr]: { ok } } };
}

/** The handleSummary data k6 would give for these requests, with the summary's bookkeeping thresholds. */
export function k6Data(reqs: FakeRequest[], durationSec: number, thinkSamples: number[] = [1800, 2100, 2500, 900]): K6SummaryData {
  const okReqs = reqs.filter((q) => q.ok);
  const ttft = trend(num(okReqs.map((q) => q.ttftMs)));
  const metrics: Record<string, K6Metric> = {
    llm_ttft: withThreshold(ttft, 'p(95)<60', (ttft.values['p(95)'] ?? 0) < 60),
    llm_ttfo: trend(num(okReqs.map((q) => q.ttftMs))),
    llm_ttfb: trend(num(okReqs.map((q) => (q.ttftMs === null ? null : q.ttftMs * 0.9)))),
    llm_e2e: withThreshold(trend(num(okReqs.map((q) => q.e2eMs))), 'p(99)<60000', true),
    llm_tpot: trend(num(okReqs.map((q) => q.tpotMs))),
    llm_itl: trend(okReqs.reduce<number[]>((a, q) => a.concat(q.itlMs), [])),
    llm_think_time: trend(thinkSamples),
    llm_bootstrap_duration: trend([BOOTSTRAP_MS]),
    llm_finish_reason: counter(okReqs.length, durationSec),
    llm_output_tokens_per_second: trend(
      okReqs.map((q) => q.outputTokens / ((q.e2eMs ?? 1) / 1000)),
      false,
    ),
    llm_output_tokens: trend(okReqs.map((q) => q.outputTokens), false),
    llm_requests: counter(reqs.length, durationSec),
    llm_errors: counter(reqs.length - okReqs.length, durationSec),
    llm_request_failed: withThreshold(rate(reqs.length - okReqs.length, okReqs.length), 'rate<0.5', true),
    llm_prompt_tokens: counter(sum(reqs.map((q) => q.promptTokens)), durationSec),
    llm_completion_tokens: counter(sum(reqs.map((q) => q.outputTokens)), durationSec),
    llm_cached_tokens: counter(sum(reqs.map((q) => q.cachedTokens)), durationSec),
    llm_cost_usd: counter(sum(reqs.map((q) => q.costUSD)), durationSec),
    llm_cache_hit: rate(okReqs.filter((q) => q.cachedTokens > 0).length, okReqs.filter((q) => q.cachedTokens === 0).length),
    llm_salt_violation: rate(0, okReqs.length),
    iterations: counter(reqs.length, durationSec),
    checks: rate(okReqs.length + 3, reqs.length - okReqs.length),
    data_received: { type: 'counter', contains: 'data', values: { count: 123456, rate: 123456 / durationSec } },
    iteration_duration: trend(reqs.map((q) => (q.e2eMs ?? 5) + 2000)),
  };
  const bookkeeping = summaryThresholds(ORGS, TEST_TYPES, ERROR_CATEGORIES, ['usage']);
  for (const key of Object.keys(bookkeeping)) {
    const [, metric, tag, value] = /^([a-z_]+)\{([a-z_]+):(.*)\}$/.exec(key) ?? [];
    // Every completion token is counted from usage in the fixture.
    const tagOf = (q: FakeRequest): string | null | undefined =>
      tag === 'token_source' ? 'usage' : { org: q.org, test_type: q.testType, error_type: q.errorType, reason: q.finishReason, salt_scope: q.saltScope }[tag as string];
    const sel = reqs.filter((q) => tagOf(q) === value);
    const selOk = sel.filter((q) => q.ok);
    const m: K6Metric =
      metric === 'llm_cost_usd'
        ? counter(sum(sel.map((q) => q.costUSD)), durationSec)
        : metric === 'llm_requests'
          ? counter(sel.length, durationSec)
          : metric === 'llm_errors'
            ? counter(sel.filter((q) => !q.ok).length, durationSec)
            : metric === 'llm_completion_tokens'
              ? counter(sum(sel.map((q) => q.outputTokens)), durationSec)
              : metric === 'llm_prompt_tokens'
                ? counter(sum(selOk.map((q) => q.promptTokens)), durationSec)
                : metric === 'llm_cached_tokens'
                  ? counter(sum(selOk.map((q) => q.cachedTokens)), durationSec)
              : metric === 'llm_finish_reason'
                ? counter(sel.length, durationSec)
                : rate(selOk.filter((q) => q.cachedTokens > 0).length, selOk.filter((q) => q.cachedTokens === 0).length);
    metrics[key] = withThreshold(m, (bookkeeping[key] ?? [])[0] as string, true);
  }
  const root: K6Group = {
    name: '',
    path: '',
    id: 'd41d8cd98f00b204e9800998ecf8427e',
    groups: [
      {
        name: 'chat',
        path: '::chat',
        id: '9ccb03cc5acd728a2fe595bbd1f14da3',
        groups: [],
        checks: [{ name: 'stream completed', path: '::chat::stream completed', id: '0a995221afa32d3fb22390c35ada565e', passes: okReqs.length, fails: reqs.length - okReqs.length }],
      },
    ],
    checks: [{ name: 'provisioned <orgs> & "keys"', path: '::provisioned <orgs> & "keys"', id: '489b32463064adc228ae9afc2911250f', passes: 3, fails: 0 }],
  };
  return {
    root_group: root,
    options: { summaryTrendStats: ['count', 'avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationSec * 1000 },
    // k6 serialises a Go map: key order is arbitrary, so the fixture does not hand them over in a tidy order.
    metrics: Object.fromEntries(Object.entries(metrics).reverse()),
  };
}
