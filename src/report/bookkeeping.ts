/**
 * Per-org, per-test-type, per-category, per-finish-reason and per-salt-scope figures come from k6
 * sub-metrics, and k6 only keeps a sub-metric that has a threshold. The options builder adds the
 * always-true thresholds listed here; buildSummary reads the same keys, and the reports leave them out
 * of the threshold results.
 */
import { subMetricKey } from './k6-data';
import { ERROR_CATEGORIES, FINISH_REASONS, SALT_SCOPES } from './model';

const ALWAYS_TRUE = { counter: 'count>=0', rate: 'rate>=0' } as const;
const BOOKKEEPING_EXPRESSIONS: readonly string[] = [ALWAYS_TRUE.counter, ALWAYS_TRUE.rate];

/** The sub-metrics buildSummary reads, with their tag; the single list both sides derive from. */
export const SUMMARY_SUBMETRICS = {
  costByOrg: { metric: 'llm_cost_usd', tag: 'org', kind: 'counter' },
  requestsByOrg: { metric: 'llm_requests', tag: 'org', kind: 'counter' },
  requestsByTestType: { metric: 'llm_requests', tag: 'test_type', kind: 'counter' },
  cacheHitByTestType: { metric: 'llm_cache_hit', tag: 'test_type', kind: 'rate' },
  errorsByCategory: { metric: 'llm_errors', tag: 'error_type', kind: 'counter' },
  completionBySource: { metric: 'llm_completion_tokens', tag: 'token_source', kind: 'counter' },
  finishReasons: { metric: 'llm_finish_reason', tag: 'reason', kind: 'counter' },
  cacheHitBySaltScope: { metric: 'llm_cache_hit', tag: 'salt_scope', kind: 'rate' },
  promptByTestType: { metric: 'llm_prompt_tokens', tag: 'test_type', kind: 'counter' },
  cachedByTestType: { metric: 'llm_cached_tokens', tag: 'test_type', kind: 'counter' },
  rateLimitedByOrg: { metric: 'llm_rate_limited', tag: 'org', kind: 'counter' },
  retryAfterWaitByOrg: { metric: 'llm_retry_after_wait', tag: 'org', kind: 'counter' },
} as const;

type SubMetric = (typeof SUMMARY_SUBMETRICS)[keyof typeof SUMMARY_SUBMETRICS];

// k6 splits a sub-metric selector on ',' and ':' and the braces end it; such a value cannot be selected.
const UNSELECTABLE = /[{}:,"'`]/;

function add(out: Record<string, string[]>, sub: SubMetric, values: readonly string[]): void {
  for (const v of values) {
    if (UNSELECTABLE.test(v) || v.trim() !== v || v === '') {
      throw new Error(`"${v}" cannot be a k6 sub-metric tag value (${sub.tag}): avoid braces, colons, commas, quotes and edge spaces`);
    }
    out[subMetricKey(sub.metric, sub.tag, v)] = [ALWAYS_TRUE[sub.kind]];
  }
}

/**
 * The always-true sub-metric thresholds the options builder must add so buildSummary finds its figures.
 * Finish reasons and salt scopes are bounded lists, so by default every value is registered.
 */
export function summaryThresholds(
  orgNames: readonly string[],
  testTypeNames: readonly string[],
  errorCategories: readonly string[] = ERROR_CATEGORIES,
  tokenSources: readonly string[] = [],
  finishReasons: readonly string[] = FINISH_REASONS,
  saltScopes: readonly string[] = SALT_SCOPES,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  add(out, SUMMARY_SUBMETRICS.costByOrg, orgNames);
  add(out, SUMMARY_SUBMETRICS.requestsByOrg, orgNames);
  add(out, SUMMARY_SUBMETRICS.rateLimitedByOrg, orgNames);
  add(out, SUMMARY_SUBMETRICS.retryAfterWaitByOrg, orgNames);
  add(out, SUMMARY_SUBMETRICS.requestsByTestType, testTypeNames);
  add(out, SUMMARY_SUBMETRICS.cacheHitByTestType, testTypeNames);
  add(out, SUMMARY_SUBMETRICS.promptByTestType, testTypeNames);
  add(out, SUMMARY_SUBMETRICS.cachedByTestType, testTypeNames);
  add(out, SUMMARY_SUBMETRICS.errorsByCategory, errorCategories);
  add(out, SUMMARY_SUBMETRICS.completionBySource, tokenSources);
  add(out, SUMMARY_SUBMETRICS.finishReasons, finishReasons);
  add(out, SUMMARY_SUBMETRICS.cacheHitBySaltScope, saltScopes);
  return out;
}

/** True for a threshold that only exists to keep a sub-metric: not a test case, not a result. */
export function isBookkeepingThreshold(metricKey: string, expression: string): boolean {
  return metricKey.indexOf('{') > 0 && BOOKKEEPING_EXPRESSIONS.indexOf(expression) >= 0;
}
