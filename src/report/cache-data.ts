/**
 * Cache figures a platform may not send: a router that drops usage.prompt_tokens_details (the real AI-AAS router
 * does) would otherwise read as a 0% hit rate, which claims the cache missed rather than that nobody could tell.
 * llm_cache_reported records, per answered request, whether the field was there; when no request carried it the
 * cache figures are unavailable (null), and every threshold on a cache metric fails with that reason.
 */
import type { Summary, ThresholdResult } from './model';

/** Metrics whose values come from usage.prompt_tokens_details.cached_tokens, so a threshold on them needs it. */
const CACHE_METRICS: readonly string[] = ['llm_cache_hit', 'llm_cached_tokens', 'llm_salt_violation', 'llm_cache_reported'];

/** Why cache figures are missing, in the words every report uses. */
export const CACHE_UNAVAILABLE = 'cache data unavailable: the platform never reported usage.prompt_tokens_details.cached_tokens';

const metricOf = (key: string): string => key.split('{')[0] as string;

/**
 * The threshold that makes k6 fail (exit 99) when the config judges a cache metric and no response carried cache
 * data: without it an upper bound such as llm_salt_violation rate==0 would pass on no evidence at all.
 */
export function cacheDataThresholds(userKeys: readonly string[]): Record<string, string[]> {
  return userKeys.some((k) => CACHE_METRICS.indexOf(metricOf(k)) >= 0) ? { llm_cache_reported: ['rate>0'] } : {};
}

/** Whether the run has cache figures, from llm_cache_reported's share: false when none of the answered requests reported cached tokens; null when not known. */
export function cacheDataAvailable(reportedShare: number | null): boolean | null {
  return reportedShare === null ? null : reportedShare > 0;
}

/** The thresholds, with every cache threshold failed and given the reason when the run has no cache data. */
export function judgeCacheThresholds(thresholds: ThresholdResult[], available: boolean | null): ThresholdResult[] {
  if (available !== false) return thresholds;
  return thresholds.map((t) => (CACHE_METRICS.indexOf(metricOf(t.metric)) >= 0 ? { ...t, ok: false, reason: CACHE_UNAVAILABLE } : t));
}

/** The cache and token blocks with every cache figure null when the run has no cache data. */
export function withoutCacheFigures(cache: Summary['cache'], tokens: Summary['tokens']): { cache: Summary['cache']; tokens: Summary['tokens'] } {
  if (cache.dataAvailable !== false) return { cache, tokens };
  const blank = (r: Record<string, number | null>) => Object.fromEntries(Object.keys(r).map((k) => [k, null]));
  return {
    cache: {
      ...cache,
      cachedTokenRatio: null,
      cachedTokenRatioByTestType: blank(cache.cachedTokenRatioByTestType),
      hitRatio: null,
      byTestType: blank(cache.byTestType),
      bySaltScope: blank(cache.bySaltScope) as Summary['cache']['bySaltScope'],
      saltViolations: { rate: null, count: null },
    },
    tokens: { ...tokens, cachedShare: null },
  };
}

/** A cache figure as the reports print it: "unavailable" when the run has no cache data, else the formatted value. */
export function cacheFigure(cache: Pick<Summary['cache'], 'dataAvailable'>, formatted: string): string {
  return cache.dataAvailable === false ? 'unavailable' : formatted;
}
