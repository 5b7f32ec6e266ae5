/**
 * report.html: one self-contained file (inline CSS and SVG, no script to run, no URL) that opens
 * offline. It embeds the summary itself as JSON so the figures behind the charts travel with it.
 */
import { cleanupLines } from './cleanup';
import { escapeMarkup } from './escape';
import { checkLabel, describeDropped, describeOverrun, describeResult, describeTransport, fmtDuration, fmtInt, fmtMs, fmtNum, fmtPct, fmtUSD } from './format';
import { FINISH_REASONS, SALT_SCOPES } from './model';
import type { Stats, Summary } from './model';
import { barChart, emptyChart, histogramChart, timeChart } from './svg-charts';
import { CACHE_UNAVAILABLE, cacheFigure } from './cache-data';
import { describeRevokedKeys } from './revoked-keys';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:20px}
header .meta{color:#c4cad6;font-size:13px}header .meta span{margin-right:18px}
main{padding:20px 28px;max-width:1100px}
h2{font-size:16px;margin:26px 0 10px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.tile{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:10px 12px}
.tile .k{color:#5b6475;font-size:12px}.tile .v{font-size:20px;font-weight:600}
.tile.bad .v{color:#b42318}
table{border-collapse:collapse;background:#fff;border:1px solid #dde1e8;font-variant-numeric:tabular-nums}
th,td{padding:5px 10px;border-bottom:1px solid #eceef2;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f0f2f5;font-weight:600}
.fail{color:#b42318;font-weight:600}.ok{color:#217a3c}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:14px}
.panel{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:10px}
.panel h3{margin:0 0 6px;font-size:14px}
.chart{width:100%;height:auto;display:block}
.nochart{padding:28px 12px;color:#5b6475;text-align:center;background:#fafbfc;border:1px dashed #c9ced8;border-radius:6px}
.tick{font-size:11px;fill:#5b6475}.axis-label,.legend{font-size:11px;fill:#1d2330}.mark-label{font-size:10px;fill:#8a3ffc}
.grid{stroke:#eceef2}.bar{fill:#3b6fd8}.mark{stroke:#8a3ffc;stroke-dasharray:3 3}.budget{stroke:#b42318;stroke-width:2}
.line{fill:none;stroke-width:1.8}.s1{stroke:#3b6fd8;fill:#3b6fd8}.s2{stroke:#e8702a;fill:#e8702a}.s3{stroke:#b42318;fill:#b42318}
.line.s1,.line.s2,.line.s3{fill:none}
.note{color:#5b6475;font-size:13px}
`;

function tile(label: string, value: string, bad = false): string {
  return `<div class="tile${bad ? ' bad' : ''}"><div class="k">${escapeMarkup(label)}</div><div class="v">${escapeMarkup(value)}</div></div>`;
}

function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${escapeMarkup(h)}</th>`).join('');
  const trs = rows.map((row) => `<tr>${row.map((c) => `<td>${escapeMarkup(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

function panel(title: string, content: string): string {
  return `<div class="panel"><h3>${escapeMarkup(title)}</h3>${content}</div>`;
}

function header(sum: Summary): string {
  const r = sum.run;
  const meta: [string, string][] = [
    ['run', r.id],
    ['seed', r.seed === null ? 'not known' : String(r.seed)],
    ['result', describeResult(sum)],
    ['transport', describeTransport(sum)],
    ['started', r.startedAt],
    ['duration', fmtDuration(r.durationSec)],
  ];
  if (r.instance !== null) meta.push(['instance', `${r.instance.index + 1} of ${r.instance.count}`]);
  if (r.setupError !== null) meta.push(['ended by', `setup failed: ${r.setupError}`]);
  else if (r.endReason !== null) meta.push(['ended by', r.endReason]);
  const overran = describeOverrun(sum);
  if (overran !== null) meta.push(['schedule', overran]);
  meta.push(['dropped iterations', describeDropped(sum)]);
  meta.push(['bootstrap', r.bootstrapMs === null ? 'not measured' : `${fmtMs(r.bootstrapMs)} ms`]);
  if (r.revokedKeys !== null) meta.push(['revoked keys', describeRevokedKeys(r.revokedKeys)]);
  const spans = meta.map(([k, v]) => `<span>${escapeMarkup(k)}: <b>${escapeMarkup(v)}</b></span>`).join('');
  return `<header><h1>${escapeMarkup(r.name)}: LLM load test report</h1><div class="meta">${spans}</div></header>`;
}

function kpis(sum: Summary): string {
  const failedThresholds = sum.thresholds.filter((t) => !t.ok).length;
  const p95 = (s: Stats | null): string => (s === null || s.p95 === null ? 'no data' : `${fmtMs(s.p95)} ms`);
  return `<div class="tiles">${[
    tile('requests', fmtInt(sum.throughput.requests)),
    tile('requests/s', fmtNum(sum.throughput.requestsPerSec)),
    tile('TTFT p95', p95(sum.latency.ttft)),
    tile('E2E p95', p95(sum.latency.e2e)),
    tile('output tokens/s', fmtNum(sum.throughput.outputTokensPerSec, 1)),
    tile('error rate', fmtPct(sum.errors.rate), sum.errors.total > 0),
    tile('total cost', fmtUSD(sum.cost.totalUSD)),
    tile('cached tokens', cacheFigure(sum.cache, fmtPct(sum.cache.cachedTokenRatio)), sum.cache.dataAvailable === false),
    tile('thresholds', sum.thresholds.length === 0 ? 'none' : failedThresholds === 0 ? 'all passed' : `${failedThresholds} failed`, failedThresholds > 0),
  ].join('')}</div>`;
}

function latencyTable(sum: Summary): string {
  const l = sum.latency;
  const rows: [string, Stats | null][] = [
    ['TTFT', l.ttft],
    ['TTFO', l.ttfo],
    ['TTFB', l.ttfb],
    ['E2E', l.e2e],
    ['TPOT', l.tpot],
    ['ITL', l.itl],
  ];
  if (l.clientQueue !== null) rows.push(['client queue', l.clientQueue]);
  if (l.ttftFromSched !== null) rows.push(['TTFT from schedule', l.ttftFromSched]);
  if (l.e2eFromSched !== null) rows.push(['E2E from schedule', l.e2eFromSched]);
  const body = rows.map(([name, s]) =>
    s === null
      ? [name, 'no data', '', '', '', '', '', '', '']
      : [name, s.count === null ? '-' : fmtInt(s.count), fmtMs(s.avg), fmtMs(s.min), fmtMs(s.med), fmtMs(s.p90), fmtMs(s.p95), fmtMs(s.p99), fmtMs(s.max)],
  );
  const note = sum.run.transport === 'buffered' ? '<p class="note">Buffered transport (no relay): the body arrives whole, so only TTFB is a true latency; TTFT and ITL are not measured.</p>' : '';
  return table(['latency (ms)', 'count', 'avg', 'min', 'p50', 'p90', 'p95', 'p99', 'max'], body) + note;
}

function missingSeriesMessage(sum: Summary): string {
  return sum.run.transport === 'buffered'
    ? 'Time series and distributions need the shared counters of the stream relay; this run used the buffered transport.'
    : 'No time series or distributions were recorded for this run.';
}

function charts(sum: Summary): string {
  const panels: string[] = [];
  if (sum.histograms === null || sum.series === null) {
    panels.push(panel('Distributions and time series', emptyChart(missingSeriesMessage(sum))));
  } else {
    const s = sum.series;
    const starts = s.windows.map((w) => w.startSec);
    panels.push(panel('TTFT distribution', histogramChart(sum.histograms.ttft, 'TTFT')));
    panels.push(panel('ITL distribution', histogramChart(sum.histograms.itl, 'ITL')));
    panels.push(
      panel(
        `Latency over time (mean per ${s.windowSec}s window)`,
        timeChart(
          starts,
          s.windowSec,
          [
            { name: 'TTFT mean', cls: 's1', values: s.windows.map((w) => w.ttftMeanMs) },
            { name: 'E2E mean', cls: 's2', values: s.windows.map((w) => w.e2eMeanMs) },
          ],
          'ms',
        ),
      ),
    );
    panels.push(
      panel(
        'Requests and errors over time',
        timeChart(
          starts,
          s.windowSec,
          [
            { name: 'requests/s', cls: 's1', values: s.windows.map((w) => w.requests / s.windowSec) },
            { name: 'errors/s', cls: 's3', values: s.windows.map((w) => w.errors / s.windowSec) },
          ],
          'per second',
        ),
      ),
    );
  }
  const bars = sum.cost.byOrg.map((o) => ({ label: o.org, value: o.costUSD, budget: o.budgetUSD }));
  const budgetNote = bars.some((b) => b.budget !== null) ? '<p class="note">Red ticks mark each org’s budget.</p>' : '';
  panels.push(panel('Cost per org', barChart(bars, 'cost per org', fmtUSD) + budgetNote));
  return `<div class="charts">${panels.join('')}</div>`;
}

function breakdowns(sum: Summary): string {
  const errRows = Object.keys(sum.errors.byCategory)
    .filter((k) => (sum.errors.byCategory[k] ?? 0) > 0)
    .map((k) => [k, fmtInt(sum.errors.byCategory[k] ?? 0)]);
  if (sum.errors.uncategorized > 0) errRows.push(['uncategorized', fmtInt(sum.errors.uncategorized)]);
  const top = sum.errors.top ?? [];
  const messages =
    top.length === 0
      ? ''
      : table(
          ['requests', 'category', 'status', 'path', 'message'],
          top.map((e) => [fmtInt(e.count), e.category, e.status === 0 ? 'no response' : String(e.status), e.path, e.message]),
        );
  const b = sum.errors.backoff;
  const backoff = b !== null && b.count > 0 ? `<p class="note">Users paused ${fmtInt(b.count)} time(s) after failed requests, ${fmtDuration(b.totalMs / 1000)} in all.</p>` : '';
  const errors = sum.errors.total === 0 ? '<p class="note">No errors.</p>' : table(['error category', 'requests'], errRows) + messages + backoff;

  const orgs = table(
    ['org', 'cost', 'requests', 'budget', 'utilisation'],
    sum.cost.byOrg.map((o) => [o.org, fmtUSD(o.costUSD), fmtInt(o.requests), fmtUSD(o.budgetUSD), fmtPct(o.utilisation)]),
  );
  const types = table(
    ['test type', 'requests', 'share', 'configured share', 'cached tokens', 'cache hit ratio'],
    Object.keys(sum.testTypes).map((n) => {
      const t = sum.testTypes[n];
      return [n, fmtInt(t?.requests ?? null), fmtPct(t?.share ?? null), fmtPct(t?.configuredShare ?? null), cacheFigure(sum.cache, fmtPct(sum.cache.cachedTokenRatioByTestType[n] ?? null)), cacheFigure(sum.cache, fmtPct(sum.cache.byTestType[n] ?? null))];
    }),
  );
  const c = sum.thinkTime.configured;
  const a = sum.thinkTime.actual;
  const think = table(
    ['think time (ms)', 'mean', 'p50', 'p95', 'min', 'max'],
    [
      c === null ? ['configured', 'not known', '', '', '', ''] : [`configured (${c.distribution})`, fmtMs(c.meanMs), '', '', fmtMs(c.minMs), fmtMs(c.maxMs)],
      a === null ? ['actual', 'no data', '', '', '', ''] : ['actual', fmtMs(a.avg), fmtMs(a.med), fmtMs(a.p95), fmtMs(a.min), fmtMs(a.max)],
    ],
  );
  const tok = sum.tokens;
  const tokens = table(
    ['tokens', 'total'],
    [
      ['prompt', fmtInt(tok.prompt)],
      ['cached prompt', sum.cache.dataAvailable === false ? CACHE_UNAVAILABLE : `${fmtInt(tok.cached)} (${fmtPct(tok.cachedShare)})`],
      ['completion', fmtInt(tok.completion)],
      ...Object.keys(tok.completionBySource).map((k) => [`completion from ${k}`, fmtInt(tok.completionBySource[k] ?? 0)]),
      ['completion estimated from text', fmtPct(tok.estimatedShare)],
      ['token-bearing chunks', fmtInt(tok.chunks)],
      ['cache hit: cached share of the prompt at least', fmtPct(sum.cache.hitMinRatio)],
      ['salt violations', cacheFigure(sum.cache, fmtInt(sum.cache.saltViolations.count))],
    ],
  );
  const salt = table(
    ['cache_salt scope', 'cache hit ratio'],
    SALT_SCOPES.map((s) => [s, cacheFigure(sum.cache, sum.cache.bySaltScope[s] === null ? 'no requests' : fmtPct(sum.cache.bySaltScope[s]))]),
  );
  const finish = table(
    ['finish reason', 'responses'],
    FINISH_REASONS.map((r) => [r, sum.finishReasons[r] === null ? 'not tracked' : fmtInt(sum.finishReasons[r])]),
  );
  const t = sum.throttling;
  const throttling =
    t === null || (t.rateLimited === 0 && t.retryAfterWaitMs === 0)
      ? ''
      : `<h2>Throttling</h2>${table(
          ['org', 'answered 429', 'waited on Retry-After'],
          [...t.byOrg.map((o) => [o.org, fmtInt(o.rateLimited), fmtDuration(o.retryAfterWaitMs / 1000)]), ['all', fmtInt(t.rateLimited), fmtDuration(t.retryAfterWaitMs / 1000)]],
        )}`;
  return `<h2>Errors</h2>${errors}${throttling}<h2>Cost per org</h2>${orgs}<h2>Test types</h2>${types}<h2>Tokens and cache</h2>${tokens}${salt}<h2>Finish reasons</h2>${finish}<h2>Think time</h2>${think}`;
}

function results(sum: Summary): string {
  const th =
    sum.thresholds.length === 0
      ? '<p class="note">No thresholds.</p>'
      : `<table><thead><tr><th>metric</th><th>threshold</th><th>observed</th><th>result</th></tr></thead><tbody>${sum.thresholds
          .map((t) => `<tr><td>${escapeMarkup(t.metric)}</td><td>${escapeMarkup(t.expression)}</td><td>${escapeMarkup(fmtNum(t.observed))}</td><td class="${t.ok ? 'ok' : 'fail'}">${t.ok ? 'pass' : escapeMarkup(t.reason === undefined ? 'FAIL' : `FAIL: ${t.reason}`)}</td></tr>`)
          .join('')}</tbody></table>`;
  const checks =
    sum.checks.length === 0
      ? '<p class="note">No checks.</p>'
      : table(
          ['check', 'passes', 'fails'],
          sum.checks.map((c) => [checkLabel(c), fmtInt(c.passes), fmtInt(c.fails)]),
        );
  return `<h2>Thresholds</h2>${th}<h2>Checks</h2>${checks}${cleanupSection(sum)}`;
}

/** What became of the run's tenants; a run that left some says so in red. */
function cleanupSection(sum: Summary): string {
  const c = sum.run.cleanup;
  if (c === null) return '<h2>Cleanup</h2><p class="note">Not known (a fleet report: each pod\'s own summary.json says what its teardown did).</p>';
  const bad = c.state === 'left' || c.state === 'not-run';
  const [head, ...rest] = cleanupLines(c);
  return `<h2>Cleanup</h2><p class="${bad ? 'fail' : 'ok'}">${escapeMarkup(head ?? '')}</p>${rest.length === 0 ? '' : `<ul>${rest.map((l) => `<li>${escapeMarkup(l)}</li>`).join('')}</ul>`}`;
}

/** The embedded copy of the summary; `<` escaped so no string in it can close the script element. */
function embeddedData(sum: Summary): string {
  return `<script type="application/json" id="summary-data">${JSON.stringify(sum).replace(/</g, '\\u003c')}</script>`;
}

/** The self-contained HTML report of one summary. */
export function renderHtml(sum: Summary): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeMarkup(`${sum.run.name} ${sum.run.id}: LLM load test report`)}</title>`,
    `<style>${CSS}</style></head><body>`,
    header(sum),
    '<main>',
    kpis(sum),
    `<h2>Latency</h2>${latencyTable(sum)}`,
    `<h2>Charts</h2>${charts(sum)}`,
    breakdowns(sum),
    results(sum),
    `<p class="note">summary.json schema version ${sum.schemaVersion}; source: ${escapeMarkup(sum.source)}.</p>`,
    '</main>',
    embeddedData(sum),
    '</body></html>',
    '',
  ].join('\n');
}
