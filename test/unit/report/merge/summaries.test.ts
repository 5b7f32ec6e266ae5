// The local merge against ground truth: two instances' summaries, each built from its own synthetic requests, must
// merge into the figures a single k6 process would have reported for all the requests together.
import { describe, expect, it } from 'vitest';
import { MergeError, mergeSummaries, type MergePart } from '../../../../src/report/merge/summaries';
import { readSeries, recordRequest } from '../../../../src/metrics/series';
import { buildSummary, histogramQuantile, type RunInfo, type Summary } from '../../../../src/report/index';
import { FakeCounters } from '../../helpers/fake-counters';
import { fakeRequests, k6Data, runInfo, type FakeRequest } from '../fixture';

const DURATION_SEC = 30;

function seriesOf(reqs: FakeRequest[]) {
  const counters = new FakeCounters();
  for (const q of reqs) {
    recordRequest(counters, { tMs: q.tMs, ok: q.ok, ttftMs: q.ttftMs ?? undefined, e2eMs: q.e2eMs ?? undefined, tpotMs: q.tpotMs ?? undefined, itlMs: q.itlMs, outputTokens: q.outputTokens, costUSD: q.costUSD });
  }
  return readSeries(counters, { durationSec: DURATION_SEC });
}

/** The summary one k6 process reports for these requests; `histograms: false` is the buffered transport. */
function summaryOf(reqs: FakeRequest[], think: number[], opts: { info?: Partial<RunInfo>; histograms?: boolean } = {}): Summary {
  return buildSummary(k6Data(reqs, DURATION_SEC, think), runInfo(opts.info), opts.histograms === false ? undefined : seriesOf(reqs));
}

const part = (instance: string, summary: Summary): MergePart => ({ instance, where: `results/run/${instance}/summary.json`, summary });

const reqsA = fakeRequests(300, DURATION_SEC, { seed: 11 });
const reqsB = fakeRequests(200, DURATION_SEC, { seed: 12 });
const thinkA = [1800, 2100, 2500];
const thinkB = [900, 4000];
const a = summaryOf(reqsA, thinkA);
const b = summaryOf(reqsB, thinkB);
const whole = summaryOf([...reqsA, ...reqsB], [...thinkA, ...thinkB]);
const merged = mergeSummaries([part('segment-0-1_2', a), part('segment-1_2-1', b)]);
const m = merged.summary;

describe('merging the summaries of two instances of one run', () => {
  it('is the run: source k6-merged, no instance, the earliest start and the span to the last end', () => {
    expect(m.source).toBe('k6-merged');
    expect({ ...m.run, result: null }).toEqual({ ...whole.run, instance: null, result: null });
    const later = mergeSummaries([part('segment-0-1_2', a), part('segment-1_2-1', { ...b, run: { ...b.run, startedAt: '2026-11-27T04:00:10.000Z' } })]).summary;
    expect(later.run.startedAt).toBe('2026-11-27T04:00:00.000Z');
    expect(later.run.durationSec).toBe(DURATION_SEC + 10);
    expect(later.throughput.requestsPerSec).toBeCloseTo(500 / 40, 12);
  });

  it('sums every count and recomputes every rate from the sums, as one process over all requests would report them', () => {
    expect(m.throughput.requests).toBe(whole.throughput.requests);
    expect(m.throughput.requestsPerSec).toBeCloseTo(whole.throughput.requestsPerSec, 12);
    expect(m.throughput.outputTokensPerSec).toBeCloseTo(whole.throughput.outputTokensPerSec, 12);
    expect({ ...m.tokens, outputPerRequest: null, perChunk: null }).toEqual({ ...whole.tokens, outputPerRequest: null, perChunk: null });
    expect(m.errors).toEqual(whole.errors);
    expect(m.finishReasons).toEqual(whole.finishReasons);
    expect(m.testTypes).toEqual(whole.testTypes);
    expect(m.cache.hitRatio).toBeCloseTo(whole.cache.hitRatio as number, 12);
    expect(m.cache.cachedTokenRatio).toBeCloseTo(whole.cache.cachedTokenRatio as number, 12);
    expect(m.cache.saltViolations).toEqual(whole.cache.saltViolations);
  });

  it('sums the cost per org and judges it against the org budget', () => {
    expect(m.cost.totalUSD).toBeCloseTo(whole.cost.totalUSD, 12);
    expect(m.cost.byOrg.map((o) => [o.org, o.requests, o.budgetUSD, o.dailyBudgetUSD])).toEqual(whole.cost.byOrg.map((o) => [o.org, o.requests, o.budgetUSD, o.dailyBudgetUSD]));
    m.cost.byOrg.forEach((o, i) => {
      const w = whole.cost.byOrg[i] as (typeof whole.cost.byOrg)[number];
      expect(o.costUSD).toBeCloseTo(w.costUSD as number, 12);
      if (w.utilisation === null) expect(o.utilisation).toBeNull();
      else expect(o.utilisation).toBeCloseTo(w.utilisation, 12);
    });
  });

  it('merges count, min, max and the mean of every distribution exactly', () => {
    const pairs: [string, Summary['latency']['ttft'], Summary['latency']['ttft']][] = [
      ...Object.keys(whole.latency).map((k): [string, Summary['latency']['ttft'], Summary['latency']['ttft']] => [k, m.latency[k as 'ttft'], whole.latency[k as 'ttft']]),
      ['outputPerRequest', m.tokens.outputPerRequest, whole.tokens.outputPerRequest],
      ['think time', m.thinkTime.actual, whole.thinkTime.actual],
    ];
    for (const [name, got, want] of pairs) {
      if (want === null) {
        expect(got, name).toBeNull();
        continue;
      }
      expect(got?.count, name).toBe(want.count);
      expect(got?.min, name).toBe(want.min);
      expect(got?.max, name).toBe(want.max);
      expect(got?.avg, name).toBeCloseTo(want.avg as number, 9);
    }
  });

  it("reads TTFT, ITL, E2E and TPOT percentiles from the merged histograms, within one bucket of the pooled requests' percentile", () => {
    expect(m.histograms).toEqual(whole.histograms);
    for (const name of ['ttft', 'itl', 'e2e', 'tpot'] as const) {
      const h = whole.histograms?.[name];
      if (h === undefined) throw new Error('the fixture has histograms');
      expect(m.latency[name]?.p95, name).toBe(histogramQuantile(h, 0.95));
      expect(m.latency[name]?.med, name).toBe(histogramQuantile(h, 0.5));
      const exact = whole.latency[name]?.p95 as number;
      expect(Math.abs((m.latency[name]?.p95 as number) - exact), name).toBeLessThanOrEqual(exact * 0.1);
    }
  });

  it('never averages percentiles: a distribution without histograms merges with null percentiles, and a note says so', () => {
    for (const s of [m.latency.ttfo, m.latency.ttfb, m.tokens.outputPerRequest, m.thinkTime.actual]) expect([s?.med, s?.p90, s?.p95, s?.p99]).toEqual([null, null, null, null]);
    const buffered = mergeSummaries([part('orgs-1', summaryOf(reqsA, thinkA, { histograms: false })), part('orgs-2-3', summaryOf(reqsB, thinkB, { histograms: false }))]);
    expect(buffered.summary.histograms).toBeNull();
    expect(buffered.summary.latency.ttft?.p95).toBeNull();
    expect(buffered.summary.latency.ttft?.count).toBe(whole.latency.ttft?.count);
    expect(buffered.notes.join('\n')).toMatch(/Percentiles not known for TTFT, TTFO, TTFB, E2E, TPOT, ITL.*do not average/);
  });

  it('keeps the only instance that saw a distribution exactly, percentiles included', () => {
    const idle = summaryOf([], [], { histograms: false });
    const one = mergeSummaries([part('orgs-1-2', a), part('orgs-3', idle)]).summary;
    expect(one.latency.ttft).toEqual(a.latency.ttft);
    expect(one.latency.ttfb).toEqual(a.latency.ttfb);
  });

  it('adds the time series window by window', () => {
    expect(m.series).toEqual({
      windowSec: whole.series?.windowSec,
      windows: whole.series?.windows.map((w, i) => ({ ...w, costUSD: expect.closeTo(w.costUSD, 12), ttftMeanMs: w.ttftMeanMs === null ? null : expect.closeTo(w.ttftMeanMs, 9), e2eMeanMs: w.e2eMeanMs === null ? null : expect.closeTo(w.e2eMeanMs, 9), startSec: i * (whole.series?.windowSec ?? 0) })),
    });
  });

  it('sums checks, and passes a threshold only where every instance passed it', () => {
    expect(m.checks).toEqual(a.checks.map((c, i) => ({ ...c, passes: c.passes + (b.checks[i]?.passes ?? 0), fails: c.fails + (b.checks[i]?.fails ?? 0) })));
    const failing = { ...b, thresholds: b.thresholds.map((t) => ({ ...t, ok: false })) };
    const judged = mergeSummaries([part('segment-0-1_2', a), part('segment-1_2-1', failing)]).summary.thresholds;
    expect(judged.map((t) => [t.metric, t.expression, t.ok, t.observed])).toEqual(a.thresholds.map((t) => [t.metric, t.expression, false, null]));
  });

  it('fails when any instance failed, naming the instance of every reason', () => {
    expect(m.run.result).toEqual({ passed: false, failures: ['segment-0-1_2: threshold llm_ttft p(95)<60 failed', 'segment-1_2-1: threshold llm_ttft p(95)<60 failed'] });
    const passing = (s: Summary): Summary => ({ ...s, run: { ...s.run, result: { passed: true, failures: [] } } });
    expect(mergeSummaries([part('orgs-1', passing(a)), part('orgs-2', passing(b))]).summary.run.result).toEqual({ passed: true, failures: [] });
  });

  it('ends by the guard that stopped an instance before a planned cap, says how each instance ended, and keeps the slowest bootstrap', () => {
    const ended = (endReason: string | undefined, bootstrapMs: number): Summary => {
      const s = summaryOf(reqsB, thinkB, endReason === undefined ? {} : { info: { endReason } });
      return { ...s, run: { ...s.run, bootstrapMs } };
    };
    const { summary, notes } = mergeSummaries([part('orgs-1', ended('maxRequests reached', 900)), part('orgs-2', ended(undefined, 1200)), part('orgs-3', ended('maxCostUSD reached', 10))]);
    expect(summary.run.endReason).toBe('maxCostUSD reached');
    expect(summary.run.result.failures).toContain('orgs-3: stopped by a guard: maxCostUSD reached');
    expect(summary.run.bootstrapMs).toBe(1200);
    expect(notes).toContain('The instances ended differently: orgs-1: maxRequests reached; orgs-2: played its schedule out; orgs-3: maxCostUSD reached.');
  });

  it('gives per-test-type cache ratios only when the summaries hold their denominators, and says which it could not', () => {
    // With errors, a type's answered requests are not in the summary; ratios that are 0 everywhere are 0 whatever they are.
    expect(m.cache.byTestType).toEqual({ cached: null, uncached: 0, long_context: 0 });
    expect(merged.notes.join('\n')).toMatch(/Not known: cache hit ratio of test type cached, .*salt scope none/);
    const okA = reqsA.filter((q) => q.ok);
    const okB = reqsB.filter((q) => q.ok);
    const clean = mergeSummaries([part('segment-0-1_2', summaryOf(okA, thinkA)), part('segment-1_2-1', summaryOf(okB, thinkB))]).summary;
    const cleanWhole = summaryOf([...okA, ...okB], [...thinkA, ...thinkB]);
    for (const t of Object.keys(cleanWhole.cache.byTestType)) expect(clean.cache.byTestType[t]).toBeCloseTo(cleanWhole.cache.byTestType[t] as number, 12);
  });

  it('notes when the instances do not cover the whole run', () => {
    const notes = mergeSummaries([part('orgs-1', a), part('orgs-2', b)]).notes.join('\n');
    expect(notes).toContain('org(s) 3 lack some or all');
    expect(merged.notes.join('\n')).not.toContain('do not cover');
  });
});

describe('refusing what is not one run split into distinct instances', () => {
  const refused = (parts: MergePart[]) => {
    try {
      mergeSummaries(parts);
    } catch (e) {
      expect(e).toBeInstanceOf(MergeError);
      return (e as Error).message;
    }
    throw new Error('merged');
  };

  it('summaries of different run ids', () => {
    const other = summaryOf(reqsB, thinkB, { info: { runId: 'another-run' } });
    expect(refused([part('orgs-1', a), part('orgs-2', other)])).toBe('summaries of different runs: results/run/orgs-1/summary.json is run "run-20261127-0001", results/run/orgs-2/summary.json is run "another-run"');
  });

  it('the same instance twice', () => {
    expect(refused([part('orgs-1', a), { ...part('orgs-1', b), where: 'elsewhere/orgs-1/summary.json' }])).toBe('instance "orgs-1" of run "run-20261127-0001" appears twice: results/run/orgs-1/summary.json and elsewhere/orgs-1/summary.json');
  });

  it('instances that played some of the same users, a whole-run report beside instances among them', () => {
    expect(refused([part('orgs-1-2', a), part('orgs-2-3', b)])).toBe(
      'results/run/orgs-1-2/summary.json (orgs 1-2) and results/run/orgs-2-3/summary.json (orgs 2-3) played some of the same users: their figures would be counted twice',
    );
    expect(refused([part('', a), part('segment-1_2-1', b)])).toMatch(/\(the whole run\) and .* \(segment 1\/2:1\) played some of the same users/);
  });

  it('a fleet or merged report, another scenario, or a folder name no instance writes', () => {
    expect(refused([part('orgs-1', a), part('orgs-2', { ...b, source: 'prometheus' })])).toMatch(/source "prometheus" is not one k6 instance's report/);
    expect(refused([part('orgs-1', a), part('orgs-2', summaryOf(reqsB, thinkB, { info: { scenarioName: 'other' } }))])).toMatch(/different names: .* has "smoke", .* has "other"/);
    expect(refused([part('orgs-1', a), part('copy', b)])).toMatch(/"copy" is not an instance folder name/);
    expect(refused([])).toBe('no instance reports to merge');
  });
});
