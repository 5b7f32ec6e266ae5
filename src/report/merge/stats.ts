/**
 * Distributions of several k6 instances combined. Count, min, max and the count-weighted mean combine exactly;
 * percentiles do not (a mean of p95s is no p95 of anything), so they come only from merged histograms that hold
 * exactly the samples the stats describe, and are otherwise null.
 */
import { histogramQuantile } from '../histogram';
import type { Histogram, HistogramBucket, Stats } from '../model';

/** Every value known, or null: one unknown part leaves the whole unknown. */
function allKnown(values: (number | null)[]): number[] | null {
  return values.every((v): v is number => v !== null) ? values : null;
}

/**
 * The Stats of the parts' samples pooled. A part with no samples (null) adds nothing; with one part left it is
 * returned as it is. Percentiles come from `pooled`, the parts' histograms merged, when its count is the pooled count.
 */
export function mergeStats(parts: (Stats | null)[], pooled: Histogram | null = null): Stats | null {
  const present = parts.filter((s): s is Stats => s !== null);
  if (present.length <= 1) return present.length === 0 ? null : { ...(present[0] as Stats) };
  const counts = allKnown(present.map((s) => s.count));
  const avgs = allKnown(present.map((s) => s.avg));
  const mins = allKnown(present.map((s) => s.min));
  const maxes = allKnown(present.map((s) => s.max));
  const count = counts === null ? null : counts.reduce((a, b) => a + b, 0);
  const weighted = counts === null || avgs === null || count === null || count <= 0 ? null : avgs.reduce((sum, avg, i) => sum + avg * (counts[i] as number), 0) / count;
  // A histogram that also holds other samples (a failed stream's TTFT) is not this distribution.
  const h = pooled !== null && count !== null && pooled.count === count ? pooled : null;
  const q = (p: number) => (h === null ? null : histogramQuantile(h, p));
  return {
    count,
    avg: weighted,
    min: mins === null ? null : Math.min(...mins),
    med: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    max: maxes === null ? null : Math.max(...maxes),
  };
}

/**
 * The parts' histograms added bucket by bucket; null when a part has none, or when the parts' buckets do not
 * line up (another bucket scheme), since counts split across overlapping buckets cannot be placed.
 */
export function mergeHistograms(parts: (Histogram | null)[]): Histogram | null {
  if (parts.length === 0 || parts.some((h) => h === null)) return null;
  const byBounds = new Map<string, HistogramBucket>();
  for (const h of parts as Histogram[]) {
    for (const b of h.buckets) {
      const key = `${b.lo}:${b.hi}`;
      const seen = byBounds.get(key);
      byBounds.set(key, { lo: b.lo, hi: b.hi, count: (seen?.count ?? 0) + b.count });
    }
  }
  const buckets = Array.from(byBounds.values()).sort((a, b) => a.lo - b.lo);
  for (let i = 1; i < buckets.length; i++) {
    const prev = buckets[i - 1] as HistogramBucket;
    if (prev.hi === null || prev.hi > (buckets[i] as HistogramBucket).lo) return null;
  }
  return { count: buckets.reduce((s, b) => s + b.count, 0), buckets };
}
