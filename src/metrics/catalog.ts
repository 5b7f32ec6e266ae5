/**
 * The harness's k6 custom metrics: one list that the k6 metric objects (src/metrics/record.ts), the
 * summaries and the dashboards are all derived from. Definitions follow ../shared/DESIGN.md.
 * Through Prometheus remote-write a metric `llm_x` becomes `k6_llm_x...` (see README's catalogue).
 */
export type MetricKind = 'trend' | 'counter' | 'rate' | 'gauge';

interface MetricSpec {
  name: string;
  kind: MetricKind;
  /** For trends: true when values are milliseconds (k6 `isTime`). */
  time?: boolean;
  unit: string;
  help: string;
}

/** Tags every llm_* sample may carry; `user` only when per-user tags are switched on (cardinality). */
export const METRIC_TAGS = ['org', 'model', 'test_type', 'salt_scope', 'status', 'error_type', 'transport', 'reason', 'token_source', 'alert', 'user'] as const;
type MetricTag = (typeof METRIC_TAGS)[number];

export const METRICS = [
  { name: 'llm_ttft', kind: 'trend', time: true, unit: 'ms', help: 'time to first token: first content/reasoning/tool-call delta minus request written' },
  { name: 'llm_ttfo', kind: 'trend', time: true, unit: 'ms', help: 'time to first output: first non-reasoning content or tool call minus request written' },
  { name: 'llm_ttfb', kind: 'trend', time: true, unit: 'ms', help: 'time to first byte of the response (diagnostic; the only latency the stock build measures)' },
  { name: 'llm_e2e', kind: 'trend', time: true, unit: 'ms', help: 'last token-bearing event minus request written' },
  { name: 'llm_tpot', kind: 'trend', time: true, unit: 'ms', help: 'time per output token after the first: (E2E - TTFT) / (N - 1), N >= 2' },
  { name: 'llm_itl', kind: 'trend', time: true, unit: 'ms', help: 'inter-token latency: gap between consecutive token-bearing events (per chunk)' },
  { name: 'llm_client_queue', kind: 'trend', time: true, unit: 'ms', help: "request written minus when its iteration was due by the executor's plan (open model, an iteration's first request)" },
  { name: 'llm_ttft_from_sched', kind: 'trend', time: true, unit: 'ms', help: 'TTFT measured from when the iteration was due (open model; see coordinated omission in docs/metrics.md)' },
  { name: 'llm_e2e_from_sched', kind: 'trend', time: true, unit: 'ms', help: 'E2E measured from when the iteration was due (open model)' },
  { name: 'llm_think_time', kind: 'trend', time: true, unit: 'ms', help: 'think time actually slept between questions' },
  { name: 'llm_failure_backoff', kind: 'trend', time: true, unit: 'ms', help: "pause a user took after a failed request, doubled for each failure in a row (errorHandling.failureBackoffMs)" },
  { name: 'llm_bootstrap_duration', kind: 'trend', time: true, unit: 'ms', help: 'time setup() took to provision this instance’s orgs, users and keys' },
  { name: 'llm_tokens_per_chunk', kind: 'trend', unit: 'tokens', help: 'output tokens per token-bearing chunk (N / chunks), from usage only' },
  { name: 'llm_output_tokens_per_second', kind: 'trend', unit: 'tokens/s', help: 'per request: N / E2E, tagged token_source' },
  { name: 'llm_prefill_tokens_per_second', kind: 'trend', unit: 'tokens/s', help: 'per request: prompt tokens / TTFT, tagged token_source (of the prompt count)' },
  { name: 'llm_output_tokens', kind: 'trend', unit: 'tokens', help: 'output tokens N per request, tagged token_source' },
  { name: 'llm_chunks', kind: 'counter', unit: 'chunks', help: 'token-bearing chunks of answered requests, tagged token_source: the count to read beside estimated tokens' },
  { name: 'llm_requests', kind: 'counter', unit: 'requests', help: 'chat requests sent (every attempt, retries included)' },
  { name: 'llm_errors', kind: 'counter', unit: 'requests', help: 'failed chat requests, tagged error_type' },
  { name: 'llm_request_failed', kind: 'rate', unit: 'ratio', help: 'share of chat requests that failed; statuses in errorHandling.ignoreErrorCodes are left out (no sample)' },
  { name: 'llm_rate_limited', kind: 'counter', unit: 'requests', help: 'chat requests answered 429 (every attempt): the platform throttling the run' },
  { name: 'llm_retry_after_wait', kind: 'counter', unit: 'ms', help: "time users waited before retrying an answer that carried Retry-After (the delay honoured: the longer of it and the backoff)" },
  { name: 'llm_prompt_tokens', kind: 'counter', unit: 'tokens', help: 'prompt tokens (usage.prompt_tokens, else the prompt estimate), tagged token_source' },
  { name: 'llm_completion_tokens', kind: 'counter', unit: 'tokens', help: 'output tokens, tagged token_source (usage, or the documented fallback)' },
  { name: 'llm_cached_tokens', kind: 'counter', unit: 'tokens', help: 'prompt tokens served from the prefix cache (usage.prompt_tokens_details.cached_tokens)' },
  { name: 'llm_cost_usd', kind: 'counter', unit: 'USD', help: "cost from token counts and the price table, tagged token_source (estimate when either count was)" },
  { name: 'llm_finish_reason', kind: 'counter', unit: 'requests', help: 'answered requests by finish_reason (tag reason: stop, length, content_filter, tool_calls, other, none)' },
  { name: 'llm_cache_hit', kind: 'rate', unit: 'ratio', help: 'share of requests whose cached share of the prompt (cached / prompt tokens) reached metrics.cacheHitMinRatio' },
  { name: 'llm_cache_reported', kind: 'rate', unit: 'ratio', help: 'share of answered requests whose usage carried prompt_tokens_details.cached_tokens; 0 means the platform sends no cache data' },
  { name: 'llm_salt_violation', kind: 'rate', unit: 'ratio', help: 'share of requests reporting a cache hit on a prompt no request with the same salt sent before' },
  { name: 'llm_sessions', kind: 'counter', unit: 'sessions', help: 'user sessions ended, tagged reason' },
  { name: 'llm_org_budget_usd', kind: 'gauge', unit: 'USD', help: 'each org\'s whole budget (limitUSD, not an instance\'s share), set each iteration, so dashboards can put spend against it' },
  { name: 'llm_budget_warnings', kind: 'counter', unit: 'warnings', help: 'orgs whose spend crossed warnAtUSD (once per org and k6 instance), tagged alert=true when the org has enableAlerts; the budget alert keys on it' },
  { name: 'llm_revoked_key_accepted_seconds', kind: 'gauge', unit: 's', help: 'longest a probed revoked key was still accepted after cleanup began revoking (0: refused at once), set once in teardown (cleanup.revocationProbe); above 0 is a security finding' },
  { name: 'llm_revoked_keys_still_accepted', kind: 'gauge', unit: 'keys', help: 'probed revoked keys still accepted when the revocation probe reached its bound (cleanup.revocationProbe.maxSeconds)' },
] as const satisfies readonly MetricSpec[];

export type MetricName = (typeof METRICS)[number]['name'];
