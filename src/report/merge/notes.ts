/**
 * What a merged report says under its text summary: the figures the merge left out or approximated, one sentence
 * each, so that a null in summary.json is never read as "none".
 */
import type { Stats, Summary } from '../model';
import { SALT_SCOPES } from '../model';
import { uncoveredOrgs, type InstanceShare } from '../instance';
import type { MergePart } from './checks';
import { instanceLabel } from './run';

type Figures = Omit<Summary, 'source'>;

/** Every distribution of the summary, by the name the notes give it. */
const DISTRIBUTIONS: [string, (s: Figures) => Stats | null][] = [
  ['TTFT', (s) => s.latency.ttft],
  ['TTFO', (s) => s.latency.ttfo],
  ['TTFB', (s) => s.latency.ttfb],
  ['E2E', (s) => s.latency.e2e],
  ['TPOT', (s) => s.latency.tpot],
  ['ITL', (s) => s.latency.itl],
  ['client queue', (s) => s.latency.clientQueue],
  ['TTFT from schedule', (s) => s.latency.ttftFromSched],
  ['E2E from schedule', (s) => s.latency.e2eFromSched],
  ['output tokens/s per request', (s) => s.throughput.outputTokensPerSecPerRequest],
  ['prefill tokens/s per request', (s) => s.throughput.prefillTokensPerSecPerRequest],
  ['output tokens per request', (s) => s.tokens.outputPerRequest],
  ['tokens per chunk', (s) => s.tokens.perChunk],
  ['think time', (s) => s.thinkTime.actual],
];

type Ratio = [string, (s: Figures) => number | null];

/** Every ratio whose denominators the summary may not hold. */
function ratios(merged: Figures): Ratio[] {
  return [
    ...Object.keys(merged.cache.byTestType).map((t): Ratio => [`cache hit ratio of test type ${t}`, (s) => s.cache.byTestType[t] ?? null]),
    ...Object.keys(merged.cache.cachedTokenRatioByTestType).map((t): Ratio => [`cached-token ratio of test type ${t}`, (s) => s.cache.cachedTokenRatioByTestType[t] ?? null]),
    ...SALT_SCOPES.map((scope): Ratio => [`cache hit ratio of salt scope ${scope}`, (s) => s.cache.bySaltScope[scope]]),
    ['salt-violation rate', (s) => s.cache.saltViolations.rate],
  ];
}

/** The notes of a merge of `parts` (distinct instances with these shares) into `merged`. */
export function mergeNotes(merged: Figures, parts: MergePart[], shares: InstanceShare[], opts: { errorTopComplete: boolean }): string[] {
  const all = parts.map((p) => p.summary);
  const out = [`Merged ${parts.length} k6 instance report(s) of run ${merged.run.id}: counts and costs are summed; ratios, and rates per second over the wall time from the first start to the last end, are recomputed from the sums.`];
  const missing = uncoveredOrgs(shares, merged.cost.byOrg.length);
  if (missing.length > 0) out.push(`The instances merged do not cover the whole run: org(s) ${missing.join(', ')} lack some or all of their users' share; the figures are those of the instances found.`);
  const p95 = (s: Stats | null) => (s === null ? null : s.p95);
  const noPercentiles = DISTRIBUTIONS.filter(([, of]) => p95(of(merged)) === null && all.some((s) => p95(of(s)) !== null)).map(([name]) => name);
  if (noPercentiles.length > 0) {
    out.push(`Percentiles not known for ${noPercentiles.join(', ')}: an instance's percentiles come without its samples and do not average (count, min, max and mean are exact). TTFT, ITL, E2E and TPOT percentiles come from the relay's histograms when every instance has them and they hold exactly the samples counted.`);
  }
  const noRatio = ratios(merged).filter(([, of]) => of(merged) === null && all.some((s) => of(s) !== null)).map(([name]) => name);
  if (noRatio.length > 0) out.push(`Not known: ${noRatio.join(', ')}: the instances' summaries do not hold how many requests or tokens each was taken over, and ratios do not average.`);
  if (parts.length > 1 && merged.thresholds.length > 0) out.push("Thresholds: each instance's k6 judged its own figures; a threshold passes here only if it passed on every instance, and its observed value is not merged.");
  if (new Set(all.map((s) => s.run.endReason)).size > 1) {
    out.push(`The instances ended differently: ${parts.map((p) => `${instanceLabel(p)}: ${p.summary.run.endReason ?? 'played its schedule out'}`).join('; ')}.`);
  }
  if (!opts.errorTopComplete) out.push("Most frequent errors: each instance kept only its top messages, so a message's count leaves out the instances where it fell below that cut.");
  if (merged.series === null && all.some((s) => s.series !== null)) out.push('Time series not merged: an instance has none, or the instances used windows of different lengths.');
  else if (merged.series !== null && parts.length > 1) out.push(`Time series: each instance's windows are shifted by its start's offset from the first, to the nearest ${merged.series.windowSec} s window.`);
  return out;
}
