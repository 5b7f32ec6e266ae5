/** The LLM section k6 prints on stdout at the end of a run: compact, aligned, plain ASCII. */
import { cleanupLines } from './cleanup';
import { describeDropped, describeOverrun, describeResult, describeTransport, fmtDuration, fmtInt, fmtMs, fmtNum, fmtPct, fmtUSD } from './format';
import { selfCheckLine } from '../metrics/self-check';
import { isPlannedEnd } from '../spend/limits';
import { describeRevokedKeys } from './revoked-keys';
import { FINISH_REASONS, SALT_SCOPES } from './model';
import type { Stats, Summary } from './model';
import { CACHE_UNAVAILABLE, cacheFigure } from './cache-data';

/** Orgs listed one per line before the rest are folded into "... and N more". */
const MAX_ORG_LINES = 10;
/** Error messages listed before the rest are left to summary.json. */
const MAX_ERROR_LINES = 5;
const LABEL_WIDTH = 22;
const COL = 9;

function line(label: string, value: string): string {
  return `  ${`${label} `.padEnd(LABEL_WIDTH, '.')} ${value}`.replace(/\s+$/, '');
}

function latencyRow(name: string, s: Stats | null, whyMissing: string): string {
  const head = `  ${name.padEnd(14)}`;
  if (s === null) return `${head}no data${whyMissing}`;
  const cells = [s.count === null ? '-' : fmtInt(s.count), fmtMs(s.avg), fmtMs(s.min), fmtMs(s.med), fmtMs(s.p90), fmtMs(s.p95), fmtMs(s.p99), fmtMs(s.max)];
  return head + cells.map((c) => c.padStart(COL)).join('');
}

function latencyTable(sum: Summary): string[] {
  const l = sum.latency;
  const buffered = sum.run.transport === 'buffered' ? ' (buffered transport: only TTFB is a true latency)' : '';
  const header = `  ${'latency (ms)'.padEnd(14)}${['count', 'avg', 'min', 'p50', 'p90', 'p95', 'p99', 'max'].map((c) => c.padStart(COL)).join('')}`;
  const rows = [
    header,
    latencyRow('TTFT', l.ttft, buffered),
    latencyRow('TTFO', l.ttfo, buffered),
    latencyRow('TTFB', l.ttfb, ''),
    latencyRow('E2E', l.e2e, buffered),
    latencyRow('TPOT', l.tpot, buffered),
    latencyRow('ITL', l.itl, buffered),
  ];
  // Open-loop figures only exist for arrival-rate runs; a row of "no data" elsewhere would mislead.
  if (l.clientQueue !== null) rows.push(latencyRow('client queue', l.clientQueue, ''));
  if (l.ttftFromSched !== null) rows.push(latencyRow('TTFT (sched)', l.ttftFromSched, ''));
  if (l.e2eFromSched !== null) rows.push(latencyRow('E2E (sched)', l.e2eFromSched, ''));
  return rows;
}

function p95(s: Stats | null): string {
  return s === null || s.p95 === null ? 'no data' : `${fmtMs(s.p95)} ms`;
}

/** Lines of the most frequent error messages, each with its category, status and URL path. */
function topErrorLines(sum: Summary): string[] {
  const top = sum.errors.top;
  if (top === null || top.length === 0) return [];
  const shown = top.slice(0, MAX_ERROR_LINES).map((e) => `    ${fmtInt(e.count).padStart(COL - 2)} x ${e.category} ${e.status === 0 ? 'no response' : e.status} ${e.path}: ${e.message}`);
  if (top.length > MAX_ERROR_LINES) shown.push(`    ... and ${top.length - MAX_ERROR_LINES} more messages (see summary.json)`);
  return shown;
}

function backoffLine(sum: Summary): string | null {
  const b = sum.errors.backoff;
  if (b === null || b.count === 0) return null;
  return `${fmtInt(b.count)} pause(s) after failed requests, ${fmtDuration(b.totalMs / 1000)} in all`;
}

function errorsLine(sum: Summary): string {
  const e = sum.errors;
  const parts: string[] = [];
  for (const k of Object.keys(e.byCategory)) {
    const n = e.byCategory[k] ?? 0;
    if (n > 0) parts.push(`${k} ${fmtInt(n)}`);
  }
  if (e.uncategorized > 0) parts.push(`uncategorized ${fmtInt(e.uncategorized)}`);
  const ignored = e.ignored !== null && e.ignored > 0 ? `; ${fmtInt(e.ignored)} with a status in ignoreErrorCodes, left out of the rate` : '';
  return `${fmtInt(e.total)} (${fmtPct(e.rate)})${parts.length > 0 ? `: ${parts.join(', ')}` : ''}${ignored}`;
}

/** The platform's throttling as a result: 429s and Retry-After waits, overall and per org; null when there was none. */
function throttlingLine(sum: Summary): string | null {
  const t = sum.throttling;
  if (t === null || (t.rateLimited === 0 && t.retryAfterWaitMs === 0)) return null;
  const orgs = t.byOrg.filter((o) => o.rateLimited > 0 || o.retryAfterWaitMs > 0);
  const per = (f: (o: (typeof orgs)[number]) => string) => (orgs.length > 0 ? ` (${orgs.map((o) => `${o.org} ${f(o)}`).join(', ')})` : '');
  return `${fmtInt(t.rateLimited)} answered 429${per((o) => fmtInt(o.rateLimited))}; ${fmtDuration(t.retryAfterWaitMs / 1000)} waited on Retry-After${per((o) => fmtDuration(o.retryAfterWaitMs / 1000))}`;
}

function orgLines(sum: Summary): string[] {
  const orgs = sum.cost.byOrg.slice().sort((a, b) => (b.costUSD ?? 0) - (a.costUSD ?? 0));
  const out = orgs.slice(0, MAX_ORG_LINES).map((o) => {
    const budget = o.budgetUSD === null ? '' : `  ${fmtPct(o.utilisation)} of ${fmtUSD(o.budgetUSD)} budget`;
    return `    ${o.org.padEnd(LABEL_WIDTH - 2)} ${fmtUSD(o.costUSD).padStart(COL + 1)} ${fmtInt(o.requests).padStart(COL)} req${budget}`;
  });
  if (orgs.length > MAX_ORG_LINES) out.push(`    ... and ${orgs.length - MAX_ORG_LINES} more (see summary.json)`);
  return out;
}

// Scopes no request used stay out of the line: a "-" for each would only be noise.
function saltScopeParts(sum: Summary): string {
  const bySalt = sum.cache.bySaltScope;
  const parts = SALT_SCOPES.filter((s) => bySalt[s] !== null).map((s) => `${s} ${fmtPct(bySalt[s])}`);
  return parts.length > 0 ? `; by salt scope: ${parts.join(', ')}` : '';
}

function cachedTokensLine(sum: Summary): string {
  const c = sum.cache;
  if (c.dataAvailable === false) return `unavailable (${CACHE_UNAVAILABLE})`;
  const parts = Object.keys(c.cachedTokenRatioByTestType).map((t) => `${t} ${fmtPct(c.cachedTokenRatioByTestType[t] ?? null)}`);
  return `${fmtPct(c.cachedTokenRatio)} of prompt tokens${parts.length > 0 ? `; ${parts.join(', ')}` : ''}`;
}

function cacheLine(sum: Summary): string {
  if (sum.cache.dataAvailable === false) return 'unavailable (the platform sent no cache data, so no hit rate)';
  const parts = Object.keys(sum.cache.byTestType).map((t) => `${t} ${fmtPct(sum.cache.byTestType[t] ?? null)}`);
  const salt = (sum.cache.saltViolations.count ?? 0) > 0 ? `; SALT VIOLATIONS ${fmtInt(sum.cache.saltViolations.count)}` : '';
  const rule = sum.cache.hitMinRatio === null ? '' : ` (a hit: ${fmtPct(sum.cache.hitMinRatio)}+ of the prompt cached)`;
  return `${fmtPct(sum.cache.hitRatio)} of requests${rule}${parts.length > 0 ? `; ${parts.join(', ')}` : ''}${saltScopeParts(sum)}${salt}`;
}

function tokensLine(sum: Summary): string {
  const t = sum.tokens;
  const estimated =
    t.estimatedShare !== null && t.estimatedShare > 0
      ? ` (${fmtPct(t.estimatedShare)} ESTIMATED from text, not the platform's usage; ${fmtInt(t.chunks)} token-bearing chunks)`
      : '';
  return `prompt ${fmtInt(t.prompt)} (cached ${cacheFigure(sum.cache, fmtPct(t.cachedShare))}), completion ${fmtInt(t.completion)}${estimated}`;
}


function finishReasonsLine(sum: Summary): string {
  const tracked = FINISH_REASONS.filter((r) => sum.finishReasons[r] !== null);
  if (tracked.length === 0) return 'not tracked';
  const seen = tracked.filter((r) => (sum.finishReasons[r] ?? 0) > 0);
  return seen.length === 0 ? 'none recorded' : seen.map((r) => `${r} ${fmtInt(sum.finishReasons[r])}`).join(', ');
}

function testTypesLine(sum: Summary): string {
  const names = Object.keys(sum.testTypes);
  if (names.length === 0) return 'none configured';
  return names
    .map((n) => {
      const t = sum.testTypes[n];
      return t === undefined ? n : `${n} ${fmtPct(t.share)} (configured ${fmtPct(t.configuredShare)})`;
    })
    .join(', ');
}

function thinkTimeLine(sum: Summary): string {
  const c = sum.thinkTime.configured;
  const a = sum.thinkTime.actual;
  const actual = a === null ? 'actual: no data' : `actual mean ${fmtMs(a.avg)} ms, p50 ${fmtMs(a.med)}, p95 ${fmtMs(a.p95)}`;
  const configured = c === null ? 'configured: not known' : `configured mean ${fmtMs(c.meanMs)} ms (${c.distribution}, ${fmtMs(c.minMs)}..${fmtMs(c.maxMs)})`;
  return `${configured}; ${actual}`;
}

function thresholdsLine(sum: Summary): string {
  const t = sum.thresholds;
  if (t.length === 0) return 'none';
  const failed = t.filter((x) => !x.ok).map((x) => `${x.metric} ${x.expression}${x.reason !== undefined ? ` (${x.reason})` : x.observed === null ? '' : ` (was ${fmtNum(x.observed)})`}`);
  return `${t.length - failed.length} of ${t.length} passed${failed.length > 0 ? `; FAILED: ${failed.join('; ')}` : ''}`;
}

function checksLine(sum: Summary): string {
  const passes = sum.checks.reduce((s, c) => s + c.passes, 0);
  const total = sum.checks.reduce((s, c) => s + c.passes + c.fails, 0);
  return sum.checks.length === 0 ? 'none' : `${fmtInt(passes)} of ${fmtInt(total)} passed`;
}

function perRequestTokens(sum: Summary): string {
  const s = sum.throughput.outputTokensPerSecPerRequest;
  return s === null ? '' : `; per request p50 ${fmtNum(s.med, 1)}, p95 ${fmtNum(s.p95, 1)}`;
}

/** The LLM section of the end-of-test summary; `reports` adds the line saying where the files went. */
export function renderText(sum: Summary, opts: { reports?: string } = {}): string {
  const r = sum.run;
  const head = `LLM summary: ${r.name} (run ${r.id}, seed ${r.seed === null ? 'not known' : String(r.seed)}, ${describeTransport(sum)}, ${fmtDuration(r.durationSec)})`;
  const lines = [head, line('result', describeResult(sum))];
  if (r.instance !== null) lines.push(line('instance', `${r.instance.index + 1} of ${r.instance.count} (figures are this instance's only)`));
  if (r.setupError !== null) lines.push(line('ended by', `setup failed: ${r.setupError}`));
  else if (r.endReason !== null) lines.push(line('ended by', isPlannedEnd(r.endReason) ? `${r.endReason} (a planned cap: no request was sent after it)` : r.endReason));
  const overran = describeOverrun(sum);
  if (overran !== null) lines.push(line('schedule', overran));
  if (sum.selfCheck.verdict === 'warn') {
    lines.push(`  WARNING: the load generator neared its own ceiling, so the latencies below are inflated: ${sum.selfCheck.warnings.join('; ')}`);
  }
  lines.push(line('bootstrap', r.bootstrapMs === null ? 'not measured' : `${fmtMs(r.bootstrapMs)} ms (setup: orgs, users, keys)`));
  if (r.revokedKeys !== null) lines.push(line('revoked keys', describeRevokedKeys(r.revokedKeys)));
  lines.push('', ...latencyTable(sum), '');
  lines.push(line('TTFT p95', p95(sum.latency.ttft)));
  lines.push(line('E2E p95', p95(sum.latency.e2e)));
  lines.push(line('requests', `${fmtInt(sum.throughput.requests)} (${fmtNum(sum.throughput.requestsPerSec)}/s)`));
  lines.push(line('output tokens/s', `${fmtNum(sum.throughput.outputTokensPerSec, 1)} aggregate${perRequestTokens(sum)}`));
  lines.push(line('dropped iterations', describeDropped(sum)));
  lines.push(line('tokens', tokensLine(sum)));
  lines.push(line('errors', errorsLine(sum)), ...topErrorLines(sum));
  const throttled = throttlingLine(sum);
  if (throttled !== null) lines.push(line('throttling', throttled));
  const backoff = backoffLine(sum);
  if (backoff !== null) lines.push(line('failure backoff', backoff));
  lines.push(line('finish reasons', finishReasonsLine(sum)));
  lines.push(line('total cost', fmtUSD(sum.cost.totalUSD)));
  if (sum.cost.byOrg.length > 0) lines.push(line('cost by org', ''), ...orgLines(sum));
  lines.push(line('cached tokens', cachedTokensLine(sum)));
  lines.push(line('cache hits', cacheLine(sum)));
  lines.push(line('test types', testTypesLine(sum)));
  lines.push(line('think time', thinkTimeLine(sum)));
  lines.push(line('thresholds', thresholdsLine(sum)));
  lines.push(line('checks', checksLine(sum)));
  lines.push(line('self-check', selfCheckLine(sum.selfCheck)));
  if (r.cleanup !== null) {
    const [head, ...rest] = cleanupLines(r.cleanup);
    lines.push(line('cleanup', head ?? ''), ...rest.map((l) => `    ${l}`));
  }
  if (opts.reports !== undefined) lines.push(line('reports', opts.reports));
  return `${lines.join('\n')}\n`;
}
