/**
 * The local merge: the summaries of the k6 instances that split one run (results/<run id>/<instance>/summary.json)
 * made into the run's one summary, source "k6-merged". Counts and costs are summed; ratios and per-second rates are
 * recomputed from the summed counts; distributions merge as src/report/merge/stats.ts says. A figure the instances' summaries
 * cannot give exactly is null, and the notes say why. Pure: tools/report-merge.ts reads and writes the files.
 */
import { orgCost, ratio } from '../build';
import { withoutCacheFigures } from '../cache-data';
import { FINISH_REASONS, SALT_SCOPES, SCHEMA_VERSION } from '../model';
import type { CheckResult, FinishReason, Histograms, OrgCost, SaltScope, Stats, Summary, TestTypeFigures, ThresholdResult, Throttling } from '../model';
import { checkParts, type MergePart } from './checks';
import { mergeErrorTops } from './error-top';
import { mergeNotes } from './notes';
import { mergeRatio, samplesFromPasses } from './rates';
import { instanceLabel, mergeRun } from './run';
import { mergeSelfChecks } from './self-check';
import { mergeSeries } from './series';
import { mergeHistograms, mergeStats } from './stats';
import { common, sum, sumAll, sumRecords, sumTracked, unionOf } from './sums';

export { MergeError, type MergePart } from './checks';

/** A merged summary: the model of summary.json, from several k6 instances. */
export type MergedSummary = Summary & { source: 'k6-merged' };

function orgCosts(parts: Summary[]): OrgCost[] {
  return unionOf(parts.map((s) => s.cost.byOrg.map((o) => o.org))).map((org) => {
    const rows = parts.map((s) => s.cost.byOrg.find((o) => o.org === org)).filter((o): o is OrgCost => o !== undefined);
    // The budget is the org's whole budget on every instance; the spend is each instance's, so it sums.
    const budget = rows[0] as OrgCost;
    return orgCost(org, sumTracked(rows.map((o) => o.costUSD)), sumTracked(rows.map((o) => o.requests)), {
      budgetUSD: budget.budgetUSD ?? undefined,
      dailyBudgetUSD: budget.dailyBudgetUSD ?? undefined,
    });
  });
}

function testTypes(parts: Summary[], requests: number): Record<string, TestTypeFigures> {
  const out: Record<string, TestTypeFigures> = {};
  for (const name of unionOf(parts.map((s) => Object.keys(s.testTypes)))) {
    const rows = parts.map((s) => s.testTypes[name]).filter((t): t is TestTypeFigures => t !== undefined);
    const typeRequests = sumTracked(rows.map((t) => t.requests));
    const configured = rows[0] as TestTypeFigures;
    out[name] = { requests: typeRequests, share: ratio(typeRequests, requests), configuredWeight: configured.configuredWeight, configuredShare: configured.configuredShare };
  }
  return out;
}

// llm_cache_hit has one sample per answered request: requests minus errors.
const answered = (s: Summary): number => s.throughput.requests - s.errors.total;

/** A per-test-type ratio; `samples` gives an instance's denominator for a type, null when its summary does not hold it. */
function byTestType(parts: Summary[], of: (s: Summary) => Record<string, number | null>, samples: (s: Summary, type: string) => number | null): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const name of unionOf(parts.map((s) => Object.keys(of(s))))) out[name] = mergeRatio(parts.map((s) => ({ ratio: of(s)[name] ?? null, samples: samples(s, name) })));
  return out;
}

function cacheBySaltScope(parts: Summary[]): Record<SaltScope, number | null> {
  const out = {} as Record<SaltScope, number | null>;
  // The summary does not hold a scope's answered requests.
  for (const scope of SALT_SCOPES) out[scope] = mergeRatio(parts.map((s) => ({ ratio: s.cache.bySaltScope[scope], samples: null })));
  return out;
}

function finishReasons(parts: Summary[]): Record<FinishReason, number | null> {
  const out = {} as Record<FinishReason, number | null>;
  for (const reason of FINISH_REASONS) out[reason] = sumTracked(parts.map((s) => s.finishReasons[reason]));
  return out;
}

// k6 judged each threshold on each instance's own figures: the run passes one only where every instance did.
function thresholds(parts: Summary[]): ThresholdResult[] {
  const byKey = new Map<string, ThresholdResult[]>();
  for (const s of parts) {
    for (const t of s.thresholds) {
      const key = `${t.metric}\n${t.expression}`;
      byKey.set(key, [...(byKey.get(key) ?? []), t]);
    }
  }
  return Array.from(byKey.values()).map((ts) => {
    const t = ts[0] as ThresholdResult;
    const reason = ts.find((x) => x.reason !== undefined)?.reason;
    return { metric: t.metric, expression: t.expression, ok: ts.every((x) => x.ok), observed: ts.length === 1 ? t.observed : null, ...(reason === undefined ? {} : { reason }) };
  });
}

// Each instance owns its own orgs, so an org's figures are the sum of the instances that list it.
function mergeThrottling(parts: Summary[]): Throttling | null {
  const known = parts.map((s) => s.throttling);
  if (known.some((t) => t === null)) return null;
  const all = known as Throttling[];
  const orgs = unionOf(all.map((t) => t.byOrg.map((o) => o.org)));
  const of = (org: string, pick: (o: Throttling['byOrg'][number]) => number) => sum(all.map((t) => t.byOrg.filter((o) => o.org === org).reduce((s, o) => s + pick(o), 0)));
  return {
    rateLimited: sum(all.map((t) => t.rateLimited)),
    retryAfterWaitMs: sum(all.map((t) => t.retryAfterWaitMs)),
    byOrg: orgs.map((org) => ({ org, rateLimited: of(org, (o) => o.rateLimited), retryAfterWaitMs: of(org, (o) => o.retryAfterWaitMs) })),
  };
}

function checks(parts: Summary[]): CheckResult[] {
  const byPath = new Map<string, CheckResult>();
  for (const s of parts) {
    for (const c of s.checks) {
      const seen = byPath.get(c.path);
      byPath.set(c.path, { name: c.name, path: c.path, passes: (seen?.passes ?? 0) + c.passes, fails: (seen?.fails ?? 0) + c.fails });
    }
  }
  return Array.from(byPath.values());
}

function histograms(parts: Summary[]): Histograms | null {
  const ttft = mergeHistograms(parts.map((s) => s.histograms?.ttft ?? null));
  const itl = mergeHistograms(parts.map((s) => s.histograms?.itl ?? null));
  const e2e = mergeHistograms(parts.map((s) => s.histograms?.e2e ?? null));
  const tpot = mergeHistograms(parts.map((s) => s.histograms?.tpot ?? null));
  return ttft === null || itl === null || e2e === null || tpot === null ? null : { ttft, itl, e2e, tpot };
}

/**
 * The run's one summary from its instances' summaries, with notes on what could not be merged exactly; MergeError
 * when they are not distinct instances of one run.
 */
export function mergeSummaries(parts: MergePart[]): { summary: MergedSummary; notes: string[] } {
  const shares = checkParts(parts);
  const all = parts.map((p) => p.summary);
  const first = all[0] as Summary;
  const run = mergeRun(parts);
  const perSec = (n: number) => (run.durationSec > 0 ? n / run.durationSec : 0);
  const requests = sum(all.map((s) => s.throughput.requests));
  const errorsTotal = sum(all.map((s) => s.errors.total));
  const prompt = sum(all.map((s) => s.tokens.prompt));
  const cached = sum(all.map((s) => s.tokens.cached));
  const completion = sum(all.map((s) => s.tokens.completion));
  const completionBySource = sumRecords(all.map((s) => s.tokens.completionBySource));
  const hist = histograms(all);
  const stats = (pick: (s: Summary) => Stats | null, h: keyof Histograms | null = null) => mergeStats(all.map(pick), h === null || hist === null ? null : hist[h]);
  const errorTop = mergeErrorTops(all.map((s) => s.errors.top));
  const backoffs = all.map((s) => s.errors.backoff);
  const salt = all.map((s) => s.cache.saltViolations);

  const ignored = sumTracked(all.map((s) => s.errors.ignored));
  const available = all.map((s) => s.cache.dataAvailable);
  // One instance that saw cache data makes the figures real; none did only when every instance knows it saw none.
  const dataAvailable = available.some((a) => a === true) ? true : available.every((a) => a === false) ? false : null;
  const summary: MergedSummary = {
    schemaVersion: SCHEMA_VERSION,
    source: 'k6-merged',
    run,
    latency: {
      ttft: stats((s) => s.latency.ttft, 'ttft'),
      ttfo: stats((s) => s.latency.ttfo),
      ttfb: stats((s) => s.latency.ttfb),
      e2e: stats((s) => s.latency.e2e, 'e2e'),
      tpot: stats((s) => s.latency.tpot, 'tpot'),
      itl: stats((s) => s.latency.itl, 'itl'),
      clientQueue: stats((s) => s.latency.clientQueue),
      ttftFromSched: stats((s) => s.latency.ttftFromSched),
      e2eFromSched: stats((s) => s.latency.e2eFromSched),
    },
    throughput: {
      requests,
      requestsPerSec: perSec(requests),
      outputTokensPerSec: perSec(completion),
      outputTokensPerSecPerRequest: stats((s) => s.throughput.outputTokensPerSecPerRequest),
      prefillTokensPerSecPerRequest: stats((s) => s.throughput.prefillTokensPerSecPerRequest),
    },
    tokens: {
      prompt,
      completion,
      cached,
      cachedShare: ratio(cached, prompt),
      outputPerRequest: stats((s) => s.tokens.outputPerRequest),
      perChunk: stats((s) => s.tokens.perChunk),
      completionBySource,
      estimatedShare: ratio(completionBySource.estimate ?? (Object.keys(completionBySource).length > 0 ? 0 : null), completion),
      chunks: sumAll(all.map((s) => s.tokens.chunks)),
    },
    errors: {
      total: errorsTotal,
      // llm_request_failed has one sample per request whose status is not ignored: counted errors over those requests.
      rate: ratio(errorsTotal - (ignored ?? 0), requests - (ignored ?? 0)),
      byCategory: sumRecords(all.map((s) => s.errors.byCategory)),
      uncategorized: sum(all.map((s) => s.errors.uncategorized)),
      top: errorTop.top,
      backoff: backoffs.some((b) => b === null) ? null : { count: sum(backoffs.map((b) => b?.count ?? 0)), totalMs: sum(backoffs.map((b) => b?.totalMs ?? 0)) },
      ignored,
    },
    throttling: mergeThrottling(all),
    cost: { totalUSD: sum(all.map((s) => s.cost.totalUSD)), byOrg: orgCosts(all) },
    cache: {
      dataAvailable,
      reportedShare: mergeRatio(all.map((s) => ({ ratio: s.cache.reportedShare, samples: answered(s) }))),
      cachedTokenRatio: ratio(cached, prompt),
      // A type's prompt tokens are not in the summary.
      cachedTokenRatioByTestType: byTestType(all, (s) => s.cache.cachedTokenRatioByTestType, () => null),
      hitRatio: mergeRatio(all.map((s) => ({ ratio: s.cache.hitRatio, samples: answered(s) }))),
      hitMinRatio: common(all.map((s) => s.cache.hitMinRatio)),
      // A type's answered requests are its requests only when the instance had no errors at all.
      byTestType: byTestType(all, (s) => s.cache.byTestType, (s, t) => (s.errors.total === 0 ? (s.testTypes[t]?.requests ?? null) : null)),
      bySaltScope: cacheBySaltScope(all),
      saltViolations: {
        rate: mergeRatio(salt.map((v) => ({ ratio: v.rate, samples: samplesFromPasses(v.rate, v.count) }))),
        count: sumTracked(salt.map((v) => v.count)),
      },
    },
    finishReasons: finishReasons(all),
    testTypes: testTypes(all, requests),
    thinkTime: { configured: first.thinkTime.configured, actual: stats((s) => s.thinkTime.actual) },
    thresholds: thresholds(all),
    checks: checks(all),
    series: mergeSeries(all.map((s) => ({ series: s.series, startedAtMs: Date.parse(s.run.startedAt) }))),
    histograms: hist,
    selfCheck: mergeSelfChecks(parts.map((p) => ({ instance: instanceLabel(p), selfCheck: p.summary.selfCheck }))),
  };
  const figures = withoutCacheFigures(summary.cache, summary.tokens);
  summary.cache = figures.cache;
  summary.tokens = figures.tokens;
  return { summary, notes: mergeNotes(summary, parts, shares, { errorTopComplete: errorTop.complete }) };
}
