/**
 * Recording rules that keep the earlier Go harness's `loadtest_*` Prometheus queries working from this harness's
 * `k6_llm_*` series (README "Coming from the Go harness"). dashboards-configmap.ts renders them as a plain rules
 * file and as a PrometheusRule; test/e2e/dashboards.test.ts evaluates them on a real Prometheus.
 */

interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** A classic `_bucket`/`_sum`/`_count` family made from one of our native histograms. */
interface HistogramFamily {
  name: string;
  source: string;
  /** Our histograms are in seconds; the Go harness's TTFT was in milliseconds. */
  scale: number;
  /**
   * Upper bounds in the family's own unit; +Inf is added. histogram_quantile() interpolates linearly inside a
   * classic bucket, so these step by about 1.5-2x where LLM latencies and rates usually lie.
   */
  bounds: number[];
}

const HISTOGRAMS: HistogramFamily[] = [
  { name: 'loadtest_request_latency_seconds', source: 'k6_llm_e2e_seconds', scale: 1, bounds: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120] },
  { name: 'loadtest_llm_time_to_first_token_milliseconds', source: 'k6_llm_ttft_seconds', scale: 1000, bounds: [10, 25, 50, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000] },
  { name: 'loadtest_llm_tokens_per_second', source: 'k6_llm_output_tokens_per_second', scale: 1, bounds: [1, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2500] },
];

// The Go harness's error rate, rate(loadtest_errors_total[5m]) / rate(loadtest_requests_total[5m]), divides
// series one-to-one, so both counters drop the one label that tells them apart (status, error_type). k6 pushes a
// series only while it gets samples, so a status that stops occurring would fall out of a plain sum after the
// 5 minute lookback and rate() would read the drop as a counter reset: last_over_time keeps it for an hour.
const COUNTERS: RecordingRule[] = [
  { record: 'loadtest_requests_total', expr: 'sum without (status) (last_over_time(k6_llm_requests_total[1h]))' },
  { record: 'loadtest_errors_total', expr: 'sum without (error_type) (last_over_time(k6_llm_errors_total[1h]))' },
];

function histogramRules(h: HistogramFamily): RecordingRule[] {
  const count = `histogram_count(${h.source})`;
  const scaled = (expr: string) => (h.scale === 1 ? expr : `${expr} * ${h.scale}`);
  return [
    // k6's native histograms are cumulative from the start of the run, so each bucket is a counter as the Go
    // harness's were: rate() and histogram_quantile() over it work as they did.
    ...h.bounds.map((le) => ({ record: `${h.name}_bucket`, expr: `histogram_fraction(-Inf, ${le / h.scale}, ${h.source}) * ${count}`, labels: { le: String(le) } })),
    { record: `${h.name}_bucket`, expr: count, labels: { le: '+Inf' } },
    { record: `${h.name}_sum`, expr: scaled(`histogram_sum(${h.source})`) },
    { record: `${h.name}_count`, expr: count },
  ];
}

/** The rule groups, in Prometheus' rules-file shape. */
export function goHarnessRuleGroups(): { name: string; rules: RecordingRule[] }[] {
  return [{ name: 'go-harness-compat', rules: [...COUNTERS, ...HISTOGRAMS.flatMap(histogramRules)] }];
}
