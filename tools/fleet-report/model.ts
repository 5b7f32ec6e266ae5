/** What the fleet report reads back from Prometheus for one run, before it becomes a Summary. */

/** One bucket of a native histogram, in the metric's own unit (seconds for time metrics). */
export interface NativeBucket {
  lo: number;
  hi: number;
  count: number;
}

/** A native histogram merged over every pod and label set, with the quantiles Prometheus computed from it. */
export interface MergedTrend {
  count: number;
  sum: number;
  /** histogram_quantile results; a missing or NaN one is left out. */
  quantiles: { p50?: number; p90?: number; p95?: number; p99?: number };
  buckets: NativeBucket[];
}

/** One element of an instant vector: its labels and its value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The trends the report reads; time trends are in seconds as k6 writes them. */
export const TREND_METRICS = {
  ttft: { metric: 'k6_llm_ttft_seconds', time: true },
  ttfo: { metric: 'k6_llm_ttfo_seconds', time: true },
  ttfb: { metric: 'k6_llm_ttfb_seconds', time: true },
  e2e: { metric: 'k6_llm_e2e_seconds', time: true },
  tpot: { metric: 'k6_llm_tpot_seconds', time: true },
  itl: { metric: 'k6_llm_itl_seconds', time: true },
  clientQueue: { metric: 'k6_llm_client_queue_seconds', time: true },
  ttftFromSched: { metric: 'k6_llm_ttft_from_sched_seconds', time: true },
  e2eFromSched: { metric: 'k6_llm_e2e_from_sched_seconds', time: true },
  thinkTime: { metric: 'k6_llm_think_time_seconds', time: true },
  failureBackoff: { metric: 'k6_llm_failure_backoff_seconds', time: true },
  outputTokens: { metric: 'k6_llm_output_tokens', time: false },
  tokensPerChunk: { metric: 'k6_llm_tokens_per_chunk', time: false },
  outputTokensPerSecond: { metric: 'k6_llm_output_tokens_per_second', time: false },
  prefillTokensPerSecond: { metric: 'k6_llm_prefill_tokens_per_second', time: false },
} as const;
export type TrendKey = keyof typeof TREND_METRICS;

/** The counter queries the report runs, each a vector (split by the labels in `by`). */
export const COUNTER_QUERIES = {
  requests: { metric: 'k6_llm_requests_total', by: [] },
  requestsByOrg: { metric: 'k6_llm_requests_total', by: ['org'] },
  requestsByTestType: { metric: 'k6_llm_requests_total', by: ['test_type'] },
  errors: { metric: 'k6_llm_errors_total', by: [] },
  errorsByType: { metric: 'k6_llm_errors_total', by: ['error_type'] },
  promptTokens: { metric: 'k6_llm_prompt_tokens_total', by: [] },
  completionTokens: { metric: 'k6_llm_completion_tokens_total', by: [] },
  completionBySource: { metric: 'k6_llm_completion_tokens_total', by: ['token_source'] },
  cachedTokens: { metric: 'k6_llm_cached_tokens_total', by: [] },
  promptByTestType: { metric: 'k6_llm_prompt_tokens_total', by: ['test_type'] },
  cachedByTestType: { metric: 'k6_llm_cached_tokens_total', by: ['test_type'] },
  chunks: { metric: 'k6_llm_chunks_total', by: [] },
  droppedIterations: { metric: 'k6_dropped_iterations_total', by: [] },
  cost: { metric: 'k6_llm_cost_usd_total', by: [] },
  costByOrg: { metric: 'k6_llm_cost_usd_total', by: ['org'] },
  finishReasons: { metric: 'k6_llm_finish_reason_total', by: ['reason'] },
} as const;
export type CounterKey = keyof typeof COUNTER_QUERIES;

/** The fleet's running totals at the end of each report window, for the time series. */
export interface CumulativeSeries {
  /** Element i holds at (i + 1) x windowSec after the first sample; null where the fleet had no series yet. */
  requests: (number | null)[];
  errors: (number | null)[];
  outputTokens: (number | null)[];
  costUSD: (number | null)[];
  ttftCount: (number | null)[];
  ttftSumSec: (number | null)[];
  e2eCount: (number | null)[];
  e2eSumSec: (number | null)[];
}

export interface FleetData {
  runId: string;
  /** Report name (--name), else the k6 scenario label(s), else the run id. */
  name: string;
  /** Unix ms of the run's first and last sample in Prometheus. */
  firstSampleMs: number;
  lastSampleMs: number;
  /** Label values seen on the run's series. */
  instances: string[];
  transports: string[];
  trends: Partial<Record<TrendKey, MergedTrend>>;
  counters: Partial<Record<CounterKey, Sample[]>>;
  cacheHit: { overall: Sample[]; byTestType: Sample[]; bySaltScope: Sample[] };
  /** Cumulative totals at the end of each window of `windowSec`; absent when the range query returned nothing. */
  series: { windowSec: number; cumulative: CumulativeSeries } | null;
}
