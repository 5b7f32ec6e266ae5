/**
 * spec.thresholds: the run's pass/fail criteria as k6 threshold expressions (k6 exits 99 when one fails,
 * and junit.xml lists each as a test case). Checked here, before k6 sees them, so a misspelt metric or a
 * statistic the metric does not have is a config error naming its path, not a silent never-failing threshold.
 */
import { METRIC_TAGS, METRICS, type MetricKind } from '../metrics/catalog';

/**
 * k6's built-in metrics a threshold may name, by kind. The http_req_* family is left out on purpose: with the
 * stream relay, k6's own HTTP requests go to the relay (which answers 200 for a platform's 500 too) and to the
 * admin API, so a threshold on them would judge the harness, not the platform, and could never fail on a 5xx.
 */
const K6_BUILTINS: Record<string, MetricKind> = {
  iterations: 'counter',
  iteration_duration: 'trend',
  dropped_iterations: 'counter',
  data_sent: 'counter',
  data_received: 'counter',
  checks: 'rate',
  vus: 'gauge',
  vus_max: 'gauge',
};

/** The statistics k6 evaluates per metric kind. */
const STATS_BY_KIND: Record<MetricKind, RegExp> = {
  trend: /^(avg|min|max|med|p\((\d{1,2}(\.\d+)?|100)\))$/,
  counter: /^(count|rate)$/,
  rate: /^rate$/,
  gauge: /^value$/,
};

/**
 * Tags a selector may name: the harness's own, the run-level ones, and k6's system tags. A misspelt tag
 * selects nothing, and k6 judges an empty metric as passing, so the threshold could never fail.
 */
const SELECTABLE_TAGS: readonly string[] = [
  ...METRIC_TAGS,
  'testid',
  'scenario_name',
  'instance_id',
  'testrun_name',
  'scenario',
  'name',
  'method',
  'url',
  'group',
  'check',
  'expected_response',
  'error_code',
  'proto',
  'tls_version',
];

const KEY = /^([a-z][a-z0-9_]*)(\{([^{}]+)\})?$/;
// No spaces or quotes: k6 would read `{tag: v}` as the same sub-metric as `{tag:v}`, and the config's
// thresholds are merged with the summary's own by key, so two spellings of one selector must not exist.
const PAIR = /^([a-z_][a-z0-9_]*):([^\s:'"`{},]+)$/;
const EXPRESSION = /^\s*([a-z]+(\([0-9.]+\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*$/;

function kindOf(metric: string): MetricKind | undefined {
  const custom = METRICS.find((m) => m.name === metric);
  return custom ? custom.kind : K6_BUILTINS[metric];
}

/** The tag:value pairs of a threshold key's selector (empty without one); null when the key is malformed. */
export function thresholdSelector(key: string): [string, string][] | null {
  const m = KEY.exec(key);
  if (!m) return null;
  if (m[3] === undefined) return [];
  const pairs: [string, string][] = [];
  for (const pair of m[3].split(',')) {
    const p = PAIR.exec(pair);
    if (!p) return null;
    pairs.push([p[1] as string, p[2] as string]);
  }
  return pairs;
}

/** Why a threshold key (`metric` or `metric{tag:value,...}`) cannot be used, or null when it can. */
export function thresholdKeyProblem(key: string): string | null {
  const m = KEY.exec(key);
  if (!m) return 'must be a metric name, optionally with one {tag:value,...} selector, e.g. llm_ttft{test_type:cached}';
  const metric = m[1] as string;
  if (/^http_reqs?(_|$)/.test(metric)) {
    return `"${metric}" measures k6's calls to the stream relay and the admin API, not the platform's answers; use llm_request_failed (rate), llm_requests (count), llm_e2e or llm_ttfb (trends) from docs/metrics.md`;
  }
  if (!kindOf(metric)) return `unknown metric "${metric}"; use an llm_* metric from docs/metrics.md or a k6 built-in such as checks or iterations`;
  const pairs = thresholdSelector(key);
  if (pairs === null) return `selector "{${m[3]}}" must be tag:value pairs separated by commas, without spaces or quotes`;
  const unknown = pairs.find(([tag]) => SELECTABLE_TAGS.indexOf(tag) < 0);
  if (unknown) return `tag "${unknown[0]}" is never set, so the threshold would select nothing and always pass; tags: ${SELECTABLE_TAGS.join(', ')}`;
  return null;
}

/** Why an expression cannot be evaluated on the metric of `key`, or null when it can. */
export function thresholdExpressionProblem(key: string, expression: string): string | null {
  const m = EXPRESSION.exec(expression);
  if (!m) return `"${expression}" must be <statistic> <operator> <number>, e.g. p(95)<2000 or rate<0.01`;
  const kind = kindOf(KEY.exec(key)?.[1] ?? '');
  if (kind && !STATS_BY_KIND[kind].test(m[1] as string)) {
    return `${m[1]} is not a statistic of ${kind} metrics (use ${kind === 'trend' ? 'avg, min, max, med or p(N)' : kind === 'counter' ? 'count or rate' : kind === 'rate' ? 'rate' : 'value'})`;
  }
  return null;
}
