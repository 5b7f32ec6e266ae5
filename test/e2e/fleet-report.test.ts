// The fleet report end to end: two k6 processes as two pods of one run remote-write to a real Prometheus,
// and `tools/report.ts` must rebuild the run's totals and percentiles from it; both the fleet's and a
// single pod's report.html must render their charts in a real browser without errors.
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import type { Summary } from '../../src/report/model';
import { repoRoot } from './helpers/k6';
import { percentile, runReport } from './helpers/report-cli';
import { runLoadtest, sim, type LoadtestRun } from './helpers/loadtest';
import { startPrometheus, type TestPrometheus } from './helpers/prometheus';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

/** k6's native histograms use schema 3: each bucket's upper bound is 2^(1/8) times its lower bound. */
const BUCKET_FACTOR = Math.pow(2, 1 / 8);



/** A loopback port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0));
    });
  });
}

/** Opens a report.html in headless Chromium; returns console/page errors and the chart marks it drew. */
async function openInBrowser(file: string): Promise<{ errors: string[]; histogramBars: number; lines: number; costBars: number }> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const count = (title: string, sel: string) => page.locator('.panel', { has: page.locator('h3', { hasText: title }) }).locator(sel).count();
    return {
      errors,
      histogramBars: (await count('TTFT distribution', 'svg.chart rect.bar')) + (await count('ITL distribution', 'svg.chart rect.bar')),
      lines: await count('over time', 'svg.chart polyline.line'),
      costBars: await count('Cost per org', 'svg.chart rect.bar'),
    };
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('fleet report from Prometheus (two pods of one run)', () => {
  let prom: TestPrometheus;
  let s: RunningSim;
  let pods: LoadtestRun[];
  let out: string;
  let fleet: { code: number; stdout: string; stderr: string };
  const runId = `fleet-report-${Date.now()}`;

  beforeAll(async () => {
    prom = await startPrometheus();
    s = await sim({ models: { 'gpt-4o': { ...fastModel(), output: { kind: 'uniform', min: 8, max: 24 } } } });
    const yaml = scenarioYaml({
      // A budget far above the run's spend, so --config has a utilisation to fill in and nothing is stopped.
      organizations: { count: 2, budget: { limitUSD: 100 } },
      users: { perOrg: { min: 2, max: 2 } },
      limits: { maxDurationSec: 6 },
      loadPattern: { phases: [{ kind: 'sustain', durationSec: 6, target: 4 }] },
    });
    const env = { K6_PROMETHEUS_RW_SERVER_URL: `${prom.url}/api/v1/write`, K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s', K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' };
    const pod = (i: number, segment: string) => ['--execution-segment', segment, '--execution-segment-sequence', '0,1/2,1', '--tag', `instance_id=${i}`, '-o', 'experimental-prometheus-rw'];
    pods = await Promise.all([runLoadtest(s, yaml, { runId, env, args: pod(1, '0:1/2') }), runLoadtest(s, yaml, { runId, env, args: pod(2, '1/2:1') })]);
    out = mkdtempSync(join(tmpdir(), 'fleet-report-'));
    fleet = await runReport(['--prometheus', prom.url, '--testid', runId, '--out', out]);
  }, 180_000);

  afterAll(async () => {
    await s?.close();
    await prom?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const podSummaries = (): Summary[] => pods.map((p) => p.summary as unknown as Summary);
  const fleetSummary = (): Summary => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;

  it('exits 0 and prints the fleet text summary', () => {
    for (const p of pods) expect(p.code, p.stderr.slice(-1500)).toBe(0);
    expect(fleet.code, fleet.stderr).toBe(0);
    expect(fleet.stdout).toContain(`run ${runId}`);
    expect(fleet.stdout).toContain('k6 instances: 2 (instance_id 1, 2)');
    expect(fleet.stdout).toContain('not in Prometheus');
    expect(fleetSummary().source).toBe('prometheus');
  });

  it('counts every request of both pods, and their cost to within 1e-6', () => {
    const [a, b] = podSummaries() as [Summary, Summary];
    const f = fleetSummary();
    console.log(`fleet: ${f.throughput.requests} requests (pods ${a.throughput.requests} + ${b.throughput.requests}), $${f.cost.totalUSD.toFixed(6)}`);
    expect(a.throughput.requests).toBeGreaterThan(0);
    expect(b.throughput.requests).toBeGreaterThan(0);
    expect(f.throughput.requests).toBe(a.throughput.requests + b.throughput.requests);
    const cost = a.cost.totalUSD + b.cost.totalUSD;
    expect(Math.abs(f.cost.totalUSD - cost) / cost).toBeLessThanOrEqual(1e-6);
    const orgCost = f.cost.byOrg.reduce((sum, o) => sum + (o.costUSD ?? 0), 0);
    expect(f.cost.byOrg.map((o) => o.org)).toEqual(['e2e-org-1', 'e2e-org-2']);
    expect(Math.abs(orgCost - cost) / cost).toBeLessThanOrEqual(1e-6);
  });

  it('TTFT p95 of the merged histograms is within one bucket of the pooled per-request p95', () => {
    const pooled = pods.flatMap((p) => p.log.map((r) => r.ttftMs).filter((t): t is number => t !== null));
    const exact = percentile(pooled, 95);
    const fleetP95 = fleetSummary().latency.ttft?.p95 ?? null;
    console.log(`TTFT p95: fleet ${fleetP95} ms, pooled request log ${exact.toFixed(3)} ms over ${pooled.length} requests`);
    expect(fleetP95).not.toBeNull();
    expect(fleetP95 as number).toBeGreaterThanOrEqual(exact / BUCKET_FACTOR);
    expect(fleetP95 as number).toBeLessThanOrEqual(exact * BUCKET_FACTOR);
  });

  it("opens the fleet's and a pod's report.html in Chromium with data in every chart and no errors", async () => {
    for (const file of [join(out, 'report.html'), join(pods[0]?.reports ?? '', 'report.html')]) {
      const page = await openInBrowser(file);
      expect(page.errors, file).toEqual([]);
      expect(page.histogramBars, file).toBeGreaterThan(0);
      expect(page.lines, file).toBeGreaterThan(0);
      expect(page.costBars, file).toBeGreaterThan(0);
    }
  }, 60_000);

  it("the local merge of the pods' own reports (--from each pod's folder) agrees with the fleet report, and its report.html renders", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-report-merge-'));
    try {
      const r = await runReport([...pods.flatMap((p) => ['--from', join(p.dir, 'results', runId)]), '--out', dir]);
      expect(r.code, r.stderr).toBe(0);
      const merged = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { source: string } & Omit<Summary, 'source'>;
      expect(merged.source).toBe('k6-merged');
      expect(merged.throughput.requests).toBe(fleetSummary().throughput.requests);
      expect(merged.cost.totalUSD).toBeCloseTo(fleetSummary().cost.totalUSD, 6);
      const page = await openInBrowser(join(dir, 'report.html'));
      expect(page.errors).toEqual([]);
      expect(page.histogramBars).toBeGreaterThan(0);
      expect(page.lines).toBeGreaterThan(0);
      expect(page.costBars).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('an unknown testid exits 1 and lists the testids Prometheus has', async () => {
    const r = await runReport(['--prometheus', prom.url, '--testid', 'no-such-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no k6_llm_* series with testid="no-such-run" in Prometheus; testids it has: ${runId}`);
  });

  it('an unreachable Prometheus exits 1 and says so', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await runReport(['--prometheus', url, '--testid', runId]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach Prometheus at ${url}: ECONNREFUSED`);
  });

  it('with --config, fills each org’s budget and utilisation and each test type’s configured weight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-report-config-'));
    try {
      const r = await runReport(['--prometheus', prom.url, '--testid', runId, '--config', join(pods[0]?.dir ?? '', 'config.yaml'), '--out', dir]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('come from --config');
      const f = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
      expect(f.cost.byOrg.map((o) => [o.org, o.budgetUSD])).toEqual([
        ['e2e-org-1', 100],
        ['e2e-org-2', 100],
      ]);
      for (const o of f.cost.byOrg) expect(o.utilisation).toBeCloseTo((o.costUSD as number) / 100, 12);
      for (const t of Object.values(f.testTypes)) expect(t.configuredShare).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing or invalid --config exits 2 and says why; another run’s config exits 1', async () => {
    const missing = await runReport(['--prometheus', prom.url, '--testid', runId, '--config', '/nonexistent/config.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('report: --config: cannot read the config /nonexistent/config.yaml: ENOENT');
    const invalid = await runReport(['--prometheus', prom.url, '--testid', runId, '--config', join(repoRoot, 'package.json')]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('invalid config');
    const other = await runReport(['--prometheus', prom.url, '--testid', runId, '--config', join(repoRoot, 'configs', 'multi-org.yaml')]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("is --config the run's config?");
  });

  it('bad flags exit 2 with the usage', async () => {
    for (const args of [['--testid', runId], ['--prometheus', prom.url, '--testid', runId, '--bogus'], ['--prometheus', 'localhost:9090', '--testid', runId]]) {
      const r = await runReport(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: npm run report -- --prometheus URL --testid ID [--config FILE] [--out DIR] [--name NAME]');
    }
  });
});
