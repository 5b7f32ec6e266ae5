/**
 * Builds the summary.json model from k6's handleSummary data, the run's own description and, on the
 * relay transport, the series read from the relay's shared counters. Only named figures are copied: nothing
 * from setup data, and no caller object is copied whole, so no key can reach a report.
 */
import { isBookkeepingThreshold, SUMMARY_SUBMETRICS } from './bookkeeping';
import { cacheDataAvailable, judgeCacheThresholds, withoutCacheFigures } from './cache-data';
import { flattenChecks, readCount, readCountRate, readRate, readTrend, subMetricKey, subMetricValues } from './k6-data';
import type { K6SummaryData } from './k6-data';
import { testTypeShares } from '../behaviour/questions/test-types';
import { judgeSelfCheck, unavailableSelfCheck } from '../metrics/self-check';
import { ERROR_CATEGORIES, FINISH_REASONS, SALT_SCOPES, SCHEMA_VERSION } from './model';
import { overranSec, runResult } from './result';
import { readRevokedKeys } from './revoked-keys';
import type { FinishReason, OrgCost, RunInfo, SaltScope, SeriesSnapshot, Summary, TestTypeFigures, ThresholdResult, Throttling } from './model';

type SubMetric = (typeof SUMMARY_SUBMETRICS)[keyof typeof SUMMARY_SUBMETRICS];

function subCount(data: K6SummaryData, sub: SubMetric, value: string): number | null {
  return readCount(data, subMetricKey(sub.metric, sub.tag, value));
}

// k6 hands metrics over in map order, which changes between runs; reports list tag values in a fixed order.
function inOrder(values: string[], preferred: readonly string[]): string[] {
  const rank = (v: string): number => {
    const i = preferred.indexOf(v);
    return i < 0 ? preferred.length : i;
  };
  return values.slice().sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function countsByTag(data: K6SummaryData, sub: SubMetric, preferred: readonly string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of inOrder(subMetricValues(data, sub.metric, sub.tag), preferred)) {
    const c = subCount(data, sub, v);
    if (c !== null) out[v] = c;
  }
  return out;
}

/** part / whole, or null when either is unknown or the whole is not positive. */
export function ratio(part: number | null, whole: number | null): number | null {
  return part === null || whole === null || whole <= 0 ? null : part / whole;
}

// "p(95)<500" tests the stat "p(95)"; the summary holds it under the same key.
const EXPRESSION = /^\s*([a-z]+(?:\([0-9.]+\))?)\s*(?:<=|>=|===|==|!=|<|>)/;

function observedValue(data: K6SummaryData, metricKey: string, expression: string): number | null {
  const m = EXPRESSION.exec(expression);
  const values = data.metrics[metricKey]?.values;
  if (m === null || values === undefined) return null;
  const v = values[m[1] as string];
  return typeof v === 'number' && isFinite(v) ? v : null;
}

function thresholdResults(data: K6SummaryData): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const key of Object.keys(data.metrics).sort()) {
    const thresholds = data.metrics[key]?.thresholds;
    if (thresholds === undefined) continue;
    for (const expression of Object.keys(thresholds).sort()) {
      if (isBookkeepingThreshold(key, expression)) continue;
      out.push({ metric: key, expression, ok: thresholds[expression]?.ok === true, observed: observedValue(data, key, expression) });
    }
  }
  return out;
}

/** One org's spend figures, against its configured budget when it has one. */
export function orgCost(org: string, costUSD: number | null, requests: number | null, budget: Pick<RunInfo['orgs'][number], 'budgetUSD' | 'dailyBudgetUSD'> | undefined): OrgCost {
  const budgetUSD = budget?.budgetUSD ?? null;
  return { org, costUSD, requests, budgetUSD, dailyBudgetUSD: budget?.dailyBudgetUSD ?? null, utilisation: ratio(costUSD, budgetUSD) };
}

function orgCosts(data: K6SummaryData, run: RunInfo): OrgCost[] {
  return run.orgs.map((o) => orgCost(o.name, subCount(data, SUMMARY_SUBMETRICS.costByOrg, o.name), subCount(data, SUMMARY_SUBMETRICS.requestsByOrg, o.name), o));
}

/** The configured think time as the summary reports it. */
export function configuredThinkTime(run: Pick<RunInfo, 'thinkTime'>): NonNullable<Summary['thinkTime']['configured']> {
  const t = run.thinkTime;
  return { meanMs: t.configuredMeanMs, minMs: t.minMs, maxMs: t.maxMs, distribution: t.distribution };
}

/** Each test type's configured share by the sampler's own arithmetic (scenarioMix included); null for a mix it refuses. */
export function configuredShares(run: Pick<RunInfo, 'testTypes' | 'scenarioMix'>): Record<string, number> | null {
  try {
    return testTypeShares(run.testTypes, run.scenarioMix);
  } catch {
    // A mix the sampler refuses sent no requests; the report must still render rather than fail handleSummary.
    return null;
  }
}

function testTypeFigures(data: K6SummaryData, run: RunInfo, totalRequests: number): Record<string, TestTypeFigures> {
  const shares = configuredShares(run);
  const out: Record<string, TestTypeFigures> = {};
  for (const t of run.testTypes) {
    const requests = subCount(data, SUMMARY_SUBMETRICS.requestsByTestType, t.name);
    out[t.name] = {
      requests,
      share: ratio(requests, totalRequests),
      configuredWeight: t.weight,
      configuredShare: shares?.[t.name] ?? null,
    };
  }
  return out;
}

function cacheByTestType(data: K6SummaryData, run: RunInfo): Record<string, number | null> {
  const sub = SUMMARY_SUBMETRICS.cacheHitByTestType;
  const out: Record<string, number | null> = {};
  for (const t of run.testTypes) out[t.name] = readRate(data, subMetricKey(sub.metric, sub.tag, t.name)).ratio;
  return out;
}

function cachedRatioByTestType(data: K6SummaryData, run: RunInfo): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const t of run.testTypes) out[t.name] = ratio(subCount(data, SUMMARY_SUBMETRICS.cachedByTestType, t.name), subCount(data, SUMMARY_SUBMETRICS.promptByTestType, t.name));
  return out;
}

/** Pauses taken after failed requests: how many, and their total (count x mean of the trend). */
function throttling(data: K6SummaryData, run: RunInfo): Throttling {
  return {
    rateLimited: readCount(data, 'llm_rate_limited') ?? 0,
    retryAfterWaitMs: readCount(data, 'llm_retry_after_wait') ?? 0,
    byOrg: run.orgs.map((o) => ({
      org: o.name,
      rateLimited: subCount(data, SUMMARY_SUBMETRICS.rateLimitedByOrg, o.name) ?? 0,
      retryAfterWaitMs: subCount(data, SUMMARY_SUBMETRICS.retryAfterWaitByOrg, o.name) ?? 0,
    })),
  };
}

function backoff(data: K6SummaryData): Summary['errors']['backoff'] {
  const t = readTrend(data, 'llm_failure_backoff');
  if (t === null || t.count === null) return { count: 0, totalMs: 0 };
  return { count: t.count, totalMs: t.count * (t.avg ?? 0) };
}

function cacheBySaltScope(data: K6SummaryData): Record<SaltScope, number | null> {
  const sub = SUMMARY_SUBMETRICS.cacheHitBySaltScope;
  const out = {} as Record<SaltScope, number | null>;
  for (const scope of SALT_SCOPES) out[scope] = readRate(data, subMetricKey(sub.metric, sub.tag, scope)).ratio;
  return out;
}

function finishReasons(data: K6SummaryData): Record<FinishReason, number | null> {
  const out = {} as Record<FinishReason, number | null>;
  for (const reason of FINISH_REASONS) out[reason] = subCount(data, SUMMARY_SUBMETRICS.finishReasons, reason);
  return out;
}

/** The summary.json model of one k6 process's run; tolerates any metric being absent. */
export function buildSummary(data: K6SummaryData, run: RunInfo, series?: SeriesSnapshot): Summary {
  const requests = readCount(data, 'llm_requests') ?? 0;
  const errorsTotal = readCount(data, 'llm_errors') ?? 0;
  const byCategory = countsByTag(data, SUMMARY_SUBMETRICS.errorsByCategory, ERROR_CATEGORIES);
  const categorized = Object.keys(byCategory).reduce((s, k) => s + (byCategory[k] ?? 0), 0);
  const prompt = readCount(data, 'llm_prompt_tokens') ?? 0;
  const cached = readCount(data, 'llm_cached_tokens') ?? 0;
  const salt = readRate(data, 'llm_salt_violation');
  const costByOrg = orgCosts(data, run);
  const completion = readCount(data, 'llm_completion_tokens') ?? 0;
  const completionBySource = countsByTag(data, SUMMARY_SUBMETRICS.completionBySource);
  const durationSec = (data.state?.testRunDurationMs ?? 0) / 1000;
  const reportedShare = readRate(data, 'llm_cache_reported').ratio;
  const dataAvailable = cacheDataAvailable(reportedShare);
  const thresholds = judgeCacheThresholds(thresholdResults(data), dataAvailable);
  const cacheFigures = withoutCacheFigures(
    {
      dataAvailable,
      reportedShare,
      cachedTokenRatio: ratio(cached, prompt),
      cachedTokenRatioByTestType: cachedRatioByTestType(data, run),
      hitRatio: readRate(data, 'llm_cache_hit').ratio,
      hitMinRatio: run.cacheHitMinRatio ?? null,
      byTestType: cacheByTestType(data, run),
      bySaltScope: cacheBySaltScope(data),
      saltViolations: { rate: salt.ratio, count: salt.passes },
    },
    {
      prompt,
      completion,
      cached,
      cachedShare: ratio(cached, prompt),
      outputPerRequest: readTrend(data, 'llm_output_tokens'),
      perChunk: readTrend(data, 'llm_tokens_per_chunk'),
      completionBySource,
      estimatedShare: ratio(completionBySource.estimate ?? (Object.keys(completionBySource).length > 0 ? 0 : null), completion),
      chunks: readCount(data, 'llm_chunks') ?? 0,
    },
  );
  // llm_request_failed has no sample for an ignored status: the errors it does not count are the ignored ones.
  const failed = readRate(data, 'llm_request_failed');
  const ignored = Math.max(0, errorsTotal - failed.passes);
  const errors: Summary['errors'] = {
    total: errorsTotal,
    rate: failed.ratio ?? ratio(errorsTotal - ignored, requests - ignored),
    byCategory,
    uncategorized: Math.max(0, errorsTotal - categorized),
    top: run.errorSamples ?? null,
    backoff: backoff(data),
    ignored,
  };
  const setupError = run.setupError ?? null;
  const endReason = run.endReason ?? null;

  return {
    schemaVersion: SCHEMA_VERSION,
    source: 'k6',
    run: {
      id: run.runId,
      name: run.scenarioName,
      labels: run.labels,
      seed: run.seed,
      transport: run.transport,
      startedAt: run.startedAt,
      durationSec,
      instance: run.instance === undefined ? null : { index: run.instance.index, count: run.instance.count },
      endReason,
      setupError,
      result: runResult({ run: { setupError, endReason, cleanup: run.cleanup ?? null }, thresholds, errors }),
      streamed: run.streamed ?? null,
      droppedIterations: readCount(data, 'dropped_iterations') ?? 0,
      schedule: run.schedule === undefined ? null : { ...run.schedule, overranSec: setupError === null ? overranSec(durationSec, run.schedule.plannedSec) : 0 },
      // One setup() per process, so one sample; max is also the right merge across instances (the slowest gates).
      bootstrapMs: readTrend(data, 'llm_bootstrap_duration')?.max ?? null,
      cleanup: run.cleanup ?? null,
      revokedKeys: readRevokedKeys(data),
    },
    latency: {
      ttft: readTrend(data, 'llm_ttft'),
      ttfo: readTrend(data, 'llm_ttfo'),
      ttfb: readTrend(data, 'llm_ttfb'),
      e2e: readTrend(data, 'llm_e2e'),
      tpot: readTrend(data, 'llm_tpot'),
      itl: readTrend(data, 'llm_itl'),
      clientQueue: readTrend(data, 'llm_client_queue'),
      ttftFromSched: readTrend(data, 'llm_ttft_from_sched'),
      e2eFromSched: readTrend(data, 'llm_e2e_from_sched'),
    },
    throughput: {
      requests,
      requestsPerSec: readCountRate(data, 'llm_requests') ?? 0,
      outputTokensPerSec: readCountRate(data, 'llm_completion_tokens') ?? 0,
      outputTokensPerSecPerRequest: readTrend(data, 'llm_output_tokens_per_second'),
      prefillTokensPerSecPerRequest: readTrend(data, 'llm_prefill_tokens_per_second'),
    },
    tokens: cacheFigures.tokens,
    errors,
    cost: { totalUSD: readCount(data, 'llm_cost_usd') ?? 0, byOrg: costByOrg },
    cache: cacheFigures.cache,
    throttling: throttling(data, run),
    finishReasons: finishReasons(data),
    testTypes: testTypeFigures(data, run, requests),
    thinkTime: { configured: configuredThinkTime(run), actual: readTrend(data, 'llm_think_time') },
    thresholds,
    checks: flattenChecks(data.root_group),
    series: series === undefined ? null : series.series,
    histograms: series === undefined ? null : series.histograms,
    selfCheck: run.selfCheck === undefined ? unavailableSelfCheck('the run did not read its self-check') : judgeSelfCheck(run.selfCheck, run.transport),
  };
}
