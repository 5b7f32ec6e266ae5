import { describe, expect, it } from 'vitest';
import { readSeries, recordRequest } from '../../../src/metrics/series';
import { END_REASONS, isPlannedEnd } from '../../../src/spend/limits';
import { buildSummary } from '../../../src/report/build';
import { fmtMs, fmtUSD } from '../../../src/report/format';
import { renderHtml } from '../../../src/report/html';
import { renderJUnit } from '../../../src/report/junit';
import type { Summary } from '../../../src/report/model';
import { renderText } from '../../../src/report/text';
import { FakeCounters } from '../helpers/fake-counters';
import { BOOTSTRAP_MS, fakeRequests, k6Data, runInfo } from './fixture';
import type { FakeRequest } from './fixture';
import { findAll, parseXml } from './xml';

const durationSec = 60;
const reqs = fakeRequests(800, durationSec);
const data = k6Data(reqs, durationSec);

function seriesOf(reqs: FakeRequest[], durationSec: number): ReturnType<typeof readSeries> {
  const counters = new FakeCounters();
  for (const q of reqs) {
    recordRequest(counters, {
      tMs: q.tMs,
      ok: q.ok,
      ttftMs: q.ttftMs ?? undefined,
      e2eMs: q.e2eMs ?? undefined,
      tpotMs: q.tpotMs ?? undefined,
      itlMs: q.itlMs,
      outputTokens: q.outputTokens,
      costUSD: q.costUSD,
    });
  }
  return readSeries(counters, { durationSec });
}

const full = buildSummary(data, runInfo(), seriesOf(reqs, durationSec));
const stock = buildSummary(data, runInfo({ transport: 'buffered' }));
const failed = fakeRequests(40, 20, { failAll: true });
const allFailed = buildSummary(k6Data(failed, 20), runInfo(), seriesOf(failed, 20));

describe('renderText', () => {
  const text = renderText(full, { reports: 'results/run-20261127-0001/ (summary.json, junit.xml, report.html)' });

  it('has a labelled TTFT p95 line and a total cost line', () => {
    const lines = text.split('\n');
    expect(lines).toContain(`  TTFT p95 ............. ${fmtMs(full.latency.ttft?.p95 ?? null)} ms`);
    expect(lines).toContain(`  total cost ........... ${fmtUSD(full.cost.totalUSD)}`);
    expect(full.latency.ttft?.p95).toBeGreaterThan(0);
  });

  it('tabulates every latency with p50 to p99', () => {
    expect(text).toMatch(/latency \(ms\) +count +avg +min +p50 +p90 +p95 +p99 +max/);
    for (const name of ['TTFT', 'TTFO', 'TTFB', 'E2E', 'TPOT', 'ITL']) expect(text).toMatch(new RegExp(`^ {2}${name} +[0-9,]+ +[0-9.]+`, 'm'));
  });

  it('shows throughput, errors by category, cost per org, cache, think time and the failed threshold', () => {
    expect(text).toMatch(/requests \.+ 800 \(13\.33\/s\)/);
    expect(text).toMatch(/errors \.+ \d+ \(\d+\.\d%\): .*timeout \d+/);
    expect(text).toMatch(/^ {4}acme-1 +\$\d\.\d{4} +\d+ req {2}\d+\.\d% of \$2\.00 budget$/m);
    expect(text).toMatch(/cached tokens \.+ \d+\.\d% of prompt tokens; cached \d+\.\d%/);
    expect(text).toMatch(/cache hits \.+ \d+\.\d% of requests \(a hit: 50\.0%\+ of the prompt cached\); cached \d+\.\d%/);
    expect(text.split('\n')[1]).toBe('  result ............... FAILED: threshold llm_ttft p(95)<60 failed');
    expect(text).toMatch(/think time \.+ configured mean 2000 ms \(exponential, 500\.\.8000\); actual mean 1825 ms/);
    expect(text).toMatch(/thresholds \.+ 2 of 3 passed; FAILED: llm_ttft p\(95\)<60 \(was \d+\.\d\d\)/);
  });

  it('shows the bootstrap time, finish reasons and the cache hit ratio per salt scope used', () => {
    expect(text).toMatch(new RegExp(`^ {2}bootstrap \\.+ ${fmtMs(BOOTSTRAP_MS)} ms \\(setup: orgs, users, keys\\)$`, 'm'));
    expect(text).toMatch(new RegExp(`^ {2}finish reasons \\.+ stop ${full.finishReasons.stop}, length ${full.finishReasons.length}$`, 'm'));
    expect(text).toMatch(/cache hits \.+ .*; by salt scope: none \d+\.\d%, org \d+\.\d%, user \d+\.\d%$/m);
    expect(text).not.toMatch(/fixed \d/);
    const bare = renderText(buildSummary({ metrics: {} }, runInfo()));
    expect(bare).toMatch(/bootstrap \.+ not measured/);
    expect(bare).toMatch(/finish reasons \.+ not tracked/);
    expect(bare).not.toContain('by salt scope');
  });

  it('says where the reports went, in plain ASCII without colour codes', () => {
    expect(text).toMatch(/^ {2}reports \.+ results\/run-20261127-0001\/ \(summary\.json, junit\.xml, report\.html\)$/m);
    expect([...text].every((c) => c.charCodeAt(0) < 128)).toBe(true);
  });

  it('says "no data" when no request produced a token', () => {
    const t = renderText(allFailed);
    expect(t).toMatch(/^ {2}TTFT +no data$/m);
    expect(t).toMatch(/TTFT p95 \.+ no data/);
  });

  it('explains a stock-k6 run has no TTFT rather than showing TTFB in its place', () => {
    const stockData = k6Data(reqs, durationSec);
    for (const m of ['llm_ttft', 'llm_ttfo', 'llm_e2e', 'llm_tpot', 'llm_itl']) delete stockData.metrics[m];
    const buffered = renderText(buildSummary(stockData, runInfo({ transport: 'buffered' })));
    expect(buffered).toMatch(/^ {2}TTFT +no data \(buffered transport: only TTFB is a true latency\)$/m);
    expect(buffered).toMatch(/^ {2}TTFB +[0-9,]+ +[0-9.]+/m);
    expect(buffered).toMatch(/TTFT p95 \.+ no data/);
  });
});

describe('renderJUnit', () => {
  const xml = renderJUnit(full);
  const doc = parseXml(xml);

  it('is well-formed XML with suites for thresholds, checks and the run', () => {
    expect(doc.name).toBe('testsuites');
    expect(findAll(doc, 'testsuite').map((s) => s.attrs.name)).toEqual(['thresholds', 'checks', 'run']);
    // 3 thresholds + 2 checks + setup + guard + interrupted + cleanup + the two orgs with a budget.
    expect(doc.attrs.tests).toBe('11');
    expect(doc.attrs.failures).toBe('2');
  });

  it('has one testcase per real threshold and none for bookkeeping sub-metrics', () => {
    const [thresholds] = findAll(doc, 'testsuite');
    const names = findAll(thresholds ?? doc, 'testcase').map((c) => c.attrs.name);
    expect(names).toEqual(['llm_e2e: p(99)<60000', 'llm_request_failed: rate<0.5', 'llm_ttft: p(95)<60']);
    expect(xml).not.toContain('count&gt;=0');
    expect(xml).not.toContain('{org:');
  });

  it('gives a failed threshold and a failed check a <failure>, passing ones none', () => {
    const cases = findAll(doc, 'testcase');
    const failing = cases.filter((c) => findAll(c, 'failure').length > 0).map((c) => c.attrs.name);
    expect(failing).toEqual(['llm_ttft: p(95)<60', 'chat::stream completed']);
    const ttft = cases.find((c) => c.attrs.name === 'llm_ttft: p(95)<60');
    expect(findAll(ttft ?? doc, 'failure')[0]?.attrs.message).toMatch(/^threshold p\(95\)<60 on llm_ttft failed \(observed \d+\.\d{3}\)$/);
  });

  it('escapes names so markup in a check name survives as text', () => {
    expect(findAll(doc, 'testcase').map((c) => c.attrs.name)).toContain('provisioned <orgs> & "keys"');
  });

  it('has run-level test cases on a summary with no thresholds and no checks', () => {
    const empty: Summary = { ...full, thresholds: [], checks: [] };
    const d = parseXml(renderJUnit(empty));
    expect(Number(d.attrs.tests)).toBeGreaterThan(0);
    expect(findAll(d, 'testcase').map((c) => c.attrs.name)).toEqual([
      'setup provisioned the run',
      'no guard stopped the run',
      'the run was not interrupted',
      'cleanup left nothing active',
      'org acme-1 stayed within its budget',
      'org globex-2 stayed within its budget',
    ]);
    expect(d.attrs.failures).toBe('0');
  });

  function runSuite(sum: Summary): ReturnType<typeof parseXml>[] {
    const suite = findAll(parseXml(renderJUnit(sum)), 'testsuite').find((s) => s.attrs.name === 'run');
    return suite === undefined ? [] : findAll(suite, 'testcase');
  }

  it('fails "no guard stopped the run" for every guard that can end a run, naming it, and passes a planned cap', () => {
    for (const reason of END_REASONS.filter((r) => r !== '')) {
      const limit = runSuite({ ...full, run: { ...full.run, endReason: reason } })[1];
      expect(limit?.attrs.name).toBe('no guard stopped the run');
      const failure = findAll(limit ?? parseXml('<x/>'), 'failure')[0]?.attrs.message;
      expect(failure).toBe(isPlannedEnd(reason) ? undefined : `run ended early: ${reason}`);
    }
    expect(isPlannedEnd('maxRequests reached')).toBe(true);
    expect(findAll(runSuite(full)[1] ?? parseXml('<x/>'), 'failure')).toHaveLength(0);
  });

  it('fails "setup provisioned the run" with setup\'s error when setup failed', () => {
    const setup = runSuite({ ...full, run: { ...full.run, setupError: 'log in to the admin API: HTTP 401' } })[0];
    expect(setup?.attrs.name).toBe('setup provisioned the run');
    expect(findAll(setup ?? parseXml('<x/>'), 'failure')[0]?.attrs.message).toBe('setup failed: log in to the admin API: HTTP 401');
  });

  it('skips "no guard stopped the run" in a fleet report, which cannot know why the pods stopped', () => {
    const limit = runSuite({ ...full, source: 'prometheus' })[1] ?? parseXml('<x/>');
    expect(findAll(limit, 'failure')).toHaveLength(0);
    expect(findAll(limit, 'skipped')[0]?.attrs.message).toMatch(/fleet report cannot tell/);
  });

  it('fails an org only beyond the 5% overspend bound, skips one without a cost figure, ignores one without a budget', () => {
    const withOrgs = (byOrg: Summary['cost']['byOrg']): Summary => ({ ...full, cost: { ...full.cost, byOrg } });
    const org = (name: string, costUSD: number | null, budgetUSD: number | null) => ({
      org: name,
      costUSD,
      requests: 10,
      budgetUSD,
      dailyBudgetUSD: null,
      utilisation: costUSD === null || budgetUSD === null ? null : costUSD / budgetUSD,
    });
    const cases = runSuite(withOrgs([org('at-bound', 1.05, 1), org('over', 1.06, 1), org('unknown', null, 1), org('free', 5, null)]));
    expect(cases.map((c) => c.attrs.name)).toEqual([
      'setup provisioned the run',
      'no guard stopped the run',
      'the run was not interrupted',
      'cleanup left nothing active',
      'org at-bound stayed within its budget',
      'org over stayed within its budget',
      'org unknown stayed within its budget',
    ]);
    const failures = cases.map((c) => findAll(c, 'failure')[0]?.attrs.message ?? null);
    expect(failures).toEqual([null, null, null, null, null, 'org over spent $1.06 of its $1.00 budget (106.0%), beyond the 5.0% overspend bound', null]);
    expect(findAll(cases[6] ?? parseXml('<x/>'), 'skipped')[0]?.attrs.message).toBe('no cost figure for org unknown');
    const d = parseXml(renderJUnit(withOrgs([org('over', 1.06, 1), org('unknown', null, 1)])));
    // The failed threshold and check of `full`, plus the overspent org; the skipped org counts as skipped only.
    // The fixture has no cleanup section, so its cleanup case is skipped too.
    expect([d.attrs.failures, d.attrs.skipped]).toEqual(['3', '2']);
  });
});

describe('renderHtml', () => {
  const html = renderHtml(full);

  it('is one self-contained file: no URL, no external resource', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('embeds the summary as JSON that parses back to the same model', () => {
    const m = /<script type="application\/json" id="summary-data">([\s\S]*?)<\/script>/.exec(html);
    expect(JSON.parse(m?.[1] ?? 'null')).toEqual(JSON.parse(JSON.stringify(full)));
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });

  it('draws the TTFT and ITL distributions, latency and requests over time, and cost per org with budgets', () => {
    for (const title of ['TTFT distribution', 'ITL distribution', 'Latency over time', 'Requests and errors over time', 'Cost per org']) expect(html).toContain(title);
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
    expect((html.match(/<polyline /g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect((html.match(/class="budget"/g) ?? []).length).toBe(2);
    expect(html).toContain('TTFT p95');
  });

  it('shows the bootstrap time, finish reasons and the cache hit ratio per salt scope', () => {
    expect(html).toContain(`<span>bootstrap: <b>${fmtMs(BOOTSTRAP_MS)} ms</b></span>`);
    expect(html).toContain(`<h2>Finish reasons</h2>`);
    expect(html).toContain(`<tr><td>stop</td><td>${full.finishReasons.stop}</td></tr>`);
    expect(html).toContain('<tr><td>content_filter</td><td>0</td></tr>');
    expect(html).toContain('<tr><td>fixed</td><td>no requests</td></tr>');
    expect(html).toMatch(/<tr><td>org<\/td><td>\d+\.\d%<\/td><\/tr>/);
  });

  it('says the stock build has no series instead of drawing any', () => {
    const h = renderHtml(stock);
    expect(h).toContain('Time series and distributions need the shared counters of the stream relay');
    expect(h).not.toContain('TTFT distribution');
    expect((h.match(/<svg /g) ?? []).length).toBe(1);
  });

  it('says "no data" for a run where every request failed', () => {
    const h = renderHtml(allFailed);
    expect(h).toContain('<td>TTFT</td><td>no data</td>');
    expect(h).toContain('TTFT: no data');
  });

  it('escapes every text, including in the embedded data', () => {
    const evil = '</script><script>alert(1)</script><img onerror=x>';
    const s = buildSummary(data, runInfo({ scenarioName: evil, orgs: [{ name: 'x<y&z', users: 1 }] }), seriesOf(reqs, durationSec));
    const h = renderHtml(s);
    expect(h).not.toContain('<img');
    expect(h).not.toContain('<script>alert');
    expect(h.match(/<script\b/g)).toHaveLength(1);
    expect(h).toContain('x&lt;y&amp;z');
  });
});
