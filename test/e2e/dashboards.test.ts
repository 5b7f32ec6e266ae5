// Dashboards and alert rules against a real Prometheus fed by a real k6 run: every query must parse and
// return data, the native-histogram TTFT must agree with k6's own summary, the Go harness's loadtest_* recording
// rules (evaluated by that Prometheus) must agree with our series, and the committed manifests must be what
// tools/k8s/dashboards-configmap.ts renders.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MONITORING_DIR, RENDERED } from '../../tools/k8s/dashboards-configmap';
import { METRICS } from '../../src/metrics/catalog';
import type { RunningSim } from '../../sim/index';
import { runLoadtest, sim, type LoadtestRun } from './helpers/loadtest';
import { startPrometheus, type TestPrometheus } from './helpers/prometheus';
import { alertQueries, dashboardQueries, labelValues, panelsOf, queryAt, readDashboards, substitute, variableQueries } from './helpers/promql';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

const DASHBOARDS = join(MONITORING_DIR, 'dashboards');
const RULES = join(MONITORING_DIR, 'prometheus-rules.yml');
const GO_RULES = join(MONITORING_DIR, 'go-harness-rules.yml');
const METRICS_DOC = readFileSync(join(MONITORING_DIR, '..', '..', '..', 'docs', 'metrics.md'), 'utf8');
const panelQueries = dashboardQueries(DASHBOARDS);
const alerts = alertQueries(RULES);
const variables = variableQueries(DASHBOARDS);

/** One recording rule of the Go-harness file, named with its le so the buckets' tests differ. */
interface GoRule {
  name: string;
  record: string;
  expr: string;
  labels: Record<string, string>;
}
const goRules: GoRule[] = (parse(readFileSync(GO_RULES, 'utf8')) as { groups: { rules: Omit<GoRule, 'name'>[] }[] }).groups.flatMap((g) =>
  g.rules.map((r) => ({ ...r, labels: r.labels ?? {}, name: r.record + (r.labels?.le ? `{le="${r.labels.le}"}` : '') })),
);

// The "Key Metrics to Query" of the Go harness's USAGE-GUIDE.md, verbatim.
const GO_GUIDE_QUERIES = [
  { name: 'request rate', expr: 'rate(loadtest_requests_total[5m])' },
  { name: 'P95 latency', expr: 'histogram_quantile(0.95, rate(loadtest_request_latency_seconds_bucket[5m]))' },
  { name: 'error rate', expr: 'rate(loadtest_errors_total[5m]) / rate(loadtest_requests_total[5m])' },
  { name: 'TTFT median', expr: 'histogram_quantile(0.5, rate(loadtest_llm_time_to_first_token_milliseconds_bucket[5m]))' },
  { name: 'TPS median', expr: 'histogram_quantile(0.5, rate(loadtest_llm_tokens_per_second_bucket[5m]))' },
];

interface RunSummary {
  latency: { ttft: { count: number; avg: number; p95: number }; e2e: { count: number; avg: number; p95: number } };
  throughput: { outputTokensPerSecPerRequest: { count: number; avg: number; p95: number } };
}
// Each classic family, the summary figures of the same samples, and the factor from the summary's unit to its.
const GO_FAMILIES = [
  { name: 'loadtest_llm_time_to_first_token_milliseconds', stats: (s: RunSummary) => s.latency.ttft, scale: 1 },
  { name: 'loadtest_request_latency_seconds', stats: (s: RunSummary) => s.latency.e2e, scale: 1 / 1000 },
  { name: 'loadtest_llm_tokens_per_second', stats: (s: RunSummary) => s.throughput.outputTokensPerSecPerRequest, scale: 1 },
];

/** The k6_* series selectors of a query that do not keep to the dashboard's run: no testid=~"$testid" matcher. */
function unscopedSelectors(expr: string): string[] {
  const selectors = expr.match(/\bk6_\w+(\{[^}]*\})?/g) ?? [];
  return selectors.filter((sel) => !sel.includes('testid=~"$testid"'));
}

describe('monitoring manifests', () => {
  it('the committed ConfigMap and PrometheusRule are what dashboards-configmap.ts renders', () => {
    for (const [file, render] of Object.entries(RENDERED)) {
      expect(readFileSync(join(MONITORING_DIR, file), 'utf8'), `${file} is stale: run npx tsx tools/k8s/dashboards-configmap.ts`).toBe(render());
    }
  });

  it('the ConfigMap carries the sidecar label and every dashboard, unchanged', () => {
    const cm = parse(readFileSync(join(MONITORING_DIR, 'grafana-dashboards-configmap.yaml'), 'utf8')) as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    const dashboards = readDashboards(DASHBOARDS);
    expect(Object.keys(dashboards)).toEqual(['cache.json', 'cost-budgets.json', 'errors.json', 'models.json', 'overview.json', 'performance.json']);
    for (const file of Object.keys(dashboards)) expect(JSON.parse(cm.data[`llm-${file}`] ?? 'null')).toEqual(dashboards[file]);
  });

  // it.each below makes no test at all from an empty list, so a broken reader would pass silently.
  it('finds the panel queries, alert expressions and variables the tests below run', () => {
    expect(panelQueries.length).toBeGreaterThanOrEqual(30);
    expect(alerts.length).toBeGreaterThan(0);
    expect(variables.length).toBeGreaterThan(0);
    expect(unscopedSelectors('sum(k6_vus) / sum(k6_llm_requests_total{testid=~"$testid"})')).toEqual(['k6_vus']);
  });

  it('every dashboard has the datasource and testid variables, every panel a unit and every k6_* query scoped to $testid', () => {
    for (const [file, d] of Object.entries(readDashboards(DASHBOARDS))) {
      expect(d.schemaVersion, file).toBe(39);
      const vars = d.templating.list.map((v) => v.name);
      expect(vars.slice(0, 2), file).toEqual(['datasource', 'testid']);
      for (const p of panelsOf(d)) {
        expect(p.fieldConfig?.defaults?.unit, `${file} / ${p.title}: unit`).toBeTruthy();
        // k6 built-ins (k6_vus) included: npm run k6 -- run --prometheus and the TestRun tag them with testid too.
        for (const t of p.targets ?? []) expect(unscopedSelectors(t.expr), `${file} / ${p.title}: ${t.expr}`).toEqual([]);
      }
    }
  });

  it('docs/metrics.md lists every catalogue metric', () => {
    for (const m of METRICS) expect(METRICS_DOC, m.name).toContain(`| \`${m.name}\` |`);
  });

  it("the README's catalogue lists every catalogue metric with the Prometheus name docs/metrics.md gives it", () => {
    const readme = readFileSync(join(MONITORING_DIR, '..', '..', '..', 'README.md'), 'utf8');
    const promName = (text: string, metric: string) => text.split('\n').find((l) => l.startsWith(`| \`${metric}\` |`))?.split('|')[5]?.trim();
    for (const m of METRICS) {
      expect(promName(readme, m.name), m.name).toBeTruthy();
      expect(promName(readme, m.name), m.name).toBe(promName(METRICS_DOC, m.name));
    }
  });

  // promtool ships with Debian's prometheus package, which these tests need anyway.
  it('promtool accepts the plain rules file', () => {
    const out = execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(out).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it("promtool accepts the Go harness's recording rules, which cover every loadtest_* name of its guide", () => {
    const out = execFileSync('promtool', ['check', 'rules', GO_RULES], { encoding: 'utf8' });
    expect(out).toContain(`SUCCESS: ${goRules.length} rules found`);
    const recorded = new Set(goRules.map((r) => r.record));
    for (const q of GO_GUIDE_QUERIES) for (const name of q.expr.match(/\bloadtest_\w+/g) ?? []) expect(recorded, q.expr).toContain(name);
    for (const f of GO_FAMILIES) expect(goRules.filter((r) => r.record === `${f.name}_bucket`).map((r) => r.labels.le)).toContain('+Inf');
  });
});

describe('against a Prometheus fed by a k6 run', () => {
  let prom: TestPrometheus;
  let s: RunningSim;
  let run: LoadtestRun;
  let evalTime: number;
  const runId = `dash-${Date.now()}`;

  beforeAll(async () => {
    prom = await startPrometheus([GO_RULES]);
    // Three models, each there to light up a part of the dashboards and make every alert fire:
    // gpt-4o answers 503 to 15% of requests (errors, LLMHighErrorRate), gpt-3.5-turbo serves the salted,
    // cache-preferring test type from a leaky cache (hits, salt violations), gpt-4 is slow to its first token
    // (LLMTTFTDegraded) and picked often enough that the run's TTFT p95 lies well inside its cluster, not on the
    // gap between fast and slow answers. Both orgs cross warnAtUSD within seconds (LLMBudgetWarning).
    s = await sim({
      cache: { leaky: true },
      models: {
        'gpt-4o': fastModel({ faults: { http503: 0.15 } }),
        'gpt-3.5-turbo': fastModel({ gapMs: 2 }),
        'gpt-4': fastModel({ ttftBaseMs: 1200 }),
      },
    } as Parameters<typeof sim>[0]);
    run = await runLoadtest(
      s,
      scenarioYaml({
        organizations: { count: 2, budget: { limitUSD: 10, warnAtUSD: 0.002, enableAlerts: true } },
        users: { perOrg: { min: 6, max: 6 } },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 8, target: 12 }] },
        userBehavior: { errorHandling: { retryAttempts: 0, stopOnErrors: 1000 } },
        testTypes: [
          { name: 'random_short', weight: 30, cacheBehavior: 'avoid', modelTargeting: { mediumModels: ['gpt-4o'] } },
          { name: 'cached', weight: 30, questionStrategy: 'historical', cacheBehavior: 'prefer', cacheSalt: { scope: 'user' }, modelTargeting: { slmModels: ['gpt-3.5-turbo'] } },
          { name: 'long_form', weight: 40, cacheBehavior: 'avoid', modelTargeting: { largeModels: ['gpt-4'] } },
        ],
      }),
      {
        runId,
        // The documented switch (`npm run k6 -- run --prometheus URL`); only the push interval is shortened.
        args: ['--prometheus', prom.url, '--tag', 'instance_id=1'],
        env: { K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s', LOADTEST_REQUEST_LOG: '0' },
        timeoutMs: 60_000,
      },
    );
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    // k6 pushes once more when it stops; wait until Prometheus holds every TTFT sample the summary counted.
    const want = (run.summary as { latency: { ttft: { count: number } } }).latency.ttft.count;
    for (let i = 0; i < 50; i++) {
      const got = await prom.query(`sum(histogram_count(k6_llm_ttft_seconds{testid="${runId}"}))`);
      if (Number(got[0]?.value[1]) === want) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // The recording rules run every second: wait until they have seen the last push too.
    const caughtUp = async () => {
      const [ours] = await prom.query(`sum(k6_llm_requests_total{testid="${runId}"})`);
      const [theirs] = await prom.query(`sum(loadtest_requests_total{testid="${runId}"})`);
      const [ttftCount] = await prom.query(`sum(loadtest_llm_time_to_first_token_milliseconds_count{testid="${runId}"})`);
      return ours?.value[1] !== undefined && ours.value[1] === theirs?.value[1] && Number(ttftCount?.value[1]) === want;
    };
    for (let i = 0; i < 50 && !(await caughtUp()); i++) await new Promise((r) => setTimeout(r, 200));
    evalTime = Date.now() / 1000;
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    await prom?.close();
  });

  // What Grafana would send for "this run, all orgs/models/test types"; $__range covers the whole run.
  const vars = { testid: runId, org: '.*', model: '.*', test_type: '.*', __rate_interval: '1m', __range: '2m' };

  it.each(variables)('variable $name offers values, the run among them', async ({ selector, label }) => {
    const values = await labelValues(prom.url, substitute(selector, vars), label);
    expect(values.length).toBeGreaterThan(0);
    if (label === 'testid') expect(values).toContain(runId);
  });

  it.each(panelQueries)('panel $name parses and returns data', async ({ expr }) => {
    const res = await queryAt(prom.url, substitute(expr, vars), evalTime);
    expect(res.status, res.error).toBe('success');
    expect(res.data?.result.length, substitute(expr, vars)).toBeGreaterThan(0);
  });

  it.each(alerts)('alert $name fires on this run', async ({ expr }) => {
    const res = await queryAt(prom.url, expr, evalTime);
    expect(res.status, res.error).toBe('success');
    expect(res.data?.result.filter((r) => r.metric.testid === runId).length, expr).toBeGreaterThan(0);
  });

  it('every k6_llm_* series name k6 wrote is documented in docs/metrics.md', async () => {
    const res = (await (await fetch(`${prom.url}/api/v1/label/__name__/values`)).json()) as { data: string[] };
    const written = res.data.filter((n) => n.startsWith('k6_llm_'));
    expect(written).toContain('k6_llm_ttft_seconds');
    for (const name of written) expect(METRICS_DOC, name).toContain(`\`${name}\``);
  });

  it('Prometheus holds every TTFT sample, and its native-histogram p95 is within one bucket of k6’s', async () => {
    const ttft = (run.summary as { latency: { ttft: { count: number; p95: number } } }).latency.ttft;
    // k6's histogram is cumulative from the run's start and never reset, so its last sample is the whole run.
    const [count] = await prom.query(`sum(histogram_count(k6_llm_ttft_seconds{testid="${runId}"}))`);
    expect(Number(count?.value[1])).toBe(ttft.count);
    const [p95] = await prom.query(`histogram_quantile(0.95, sum(k6_llm_ttft_seconds{testid="${runId}"}))`);
    const promMs = Number(p95?.value[1]) * 1000;
    // k6 asks for NativeHistogramBucketFactor 1.1, which client_golang rounds to schema 3: buckets grow by 2^(1/8).
    const factor = 2 ** (2 ** -3);
    console.log(`TTFT p95: Prometheus ${promMs.toFixed(2)} ms, k6 ${ttft.p95.toFixed(2)} ms over ${ttft.count} requests (tolerance ${(ttft.p95 * (factor - 1)).toFixed(2)} ms)`);
    expect(Math.abs(promMs - ttft.p95)).toBeLessThanOrEqual(ttft.p95 * (factor - 1) + 0.01);
  });

  /** The sum over the run's series of an instant query at evalTime. */
  const runTotal = async (expr: string) => {
    const res = await queryAt(prom.url, expr, evalTime);
    expect(res.status, `${expr}: ${res.error}`).toBe('success');
    const mine = (res.data?.result ?? []).filter((r) => r.metric.testid === runId);
    expect(mine.length, expr).toBeGreaterThan(0);
    return mine.reduce((acc, r) => acc + Number(r.value?.[1]), 0);
  };

  // A loop, not it.each: it.each would cut the names short, and the buckets of one family differ only in le.
  for (const { name, record, expr, labels } of goRules) {
    it(`recording rule ${name} holds the run, equal to its expression on our series`, async () => {
      const selector = `${record}{${Object.entries({ ...labels, testid: runId }).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
      const recorded = await runTotal(selector);
      expect(recorded).toBeCloseTo(await runTotal(expr), 6);
    });
  }

  it.each(GO_GUIDE_QUERIES)("the Go guide's $name query returns a positive figure for the run", async ({ expr }) => {
    const res = await queryAt(prom.url, expr, evalTime);
    expect(res.status, res.error).toBe('success');
    const values = (res.data?.result ?? []).filter((r) => r.metric.testid === runId).map((r) => Number(r.value?.[1]));
    expect(values.filter((v) => Number.isFinite(v) && v > 0).length, `${expr}: ${values.join(', ')}`).toBeGreaterThan(0);
  });

  it('loadtest_requests_total and loadtest_errors_total count what k6_llm_requests_total and k6_llm_errors_total count', async () => {
    const requests = await runTotal(`loadtest_requests_total{testid="${runId}"}`);
    expect(requests).toBe(await runTotal(`k6_llm_requests_total{testid="${runId}"}`));
    const errors = await runTotal(`loadtest_errors_total{testid="${runId}"}`);
    expect(errors).toBe(await runTotal(`k6_llm_errors_total{testid="${runId}"}`));
    // gpt-4o answers 503 to 15% of its requests, so the guide's error rate has something to show.
    expect(errors).toBeGreaterThan(0);
  });

  it.each(GO_FAMILIES)('$name: count, sum and p95 agree with k6’s summary of the same samples', async ({ name, stats, scale }) => {
    const k6 = stats(run.summary as unknown as RunSummary);
    const count = await runTotal(`${name}_count{testid="${runId}"}`);
    expect(count).toBe(k6.count);
    expect(await runTotal(`${name}_bucket{testid="${runId}",le="+Inf"}`)).toBe(count);
    // Native histograms keep the exact sum, so the mean is k6's to rounding.
    expect((await runTotal(`${name}_sum{testid="${runId}"}`)) / count).toBeCloseTo(k6.avg * scale, 3);
    const buckets = goRules.filter((r) => r.record === `${name}_bucket`).map((r) => (r.labels.le === '+Inf' ? Infinity : Number(r.labels.le)));
    let previous = 0;
    for (const le of buckets) {
      const cumulative = await runTotal(`${name}_bucket{testid="${runId}",le="${le === Infinity ? '+Inf' : le}"}`);
      expect(cumulative, `le=${le}`).toBeGreaterThanOrEqual(previous - 1e-9);
      previous = cumulative;
    }
    // The classic p95 interpolates inside one of our buckets; the native histogram it came from is exact to a
    // factor of 2^(1/8), so it lies in the bucket of k6's p95 or, near a bound, in the neighbouring one.
    const [p95] = await prom.query(`histogram_quantile(0.95, sum by (le) (${name}_bucket{testid="${runId}"}))`);
    const classic = Number(p95?.value[1]);
    const f = 2 ** (2 ** -3);
    const want = k6.p95 * scale;
    const lo = [0, ...buckets].filter((b) => b < want / f).pop() as number;
    const hi = buckets.find((b) => b >= want * f) as number;
    console.log(`${name}: classic p95 ${classic.toFixed(3)}, k6 p95 ${want.toFixed(3)}, allowed [${lo}, ${hi}]`);
    expect(classic).toBeGreaterThanOrEqual(lo);
    expect(classic).toBeLessThanOrEqual(hi);
  });
});
