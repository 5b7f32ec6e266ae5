import type { Histogram } from './model';

/**
 * The q-quantile (0..1) of a bucketed histogram, interpolated linearly inside the bucket that holds it;
 * null for an empty histogram. In the open-ended top bucket it returns that bucket's lower bound.
 */
export function histogramQuantile(h: Histogram, q: number): number | null {
  if (h.count <= 0 || h.buckets.length === 0) return null;
  const rank = Math.min(1, Math.max(0, q)) * h.count;
  let below = 0;
  for (const b of h.buckets) {
    if (below + b.count >= rank) {
      if (b.hi === null) return b.lo;
      const within = b.count > 0 ? (rank - below) / b.count : 0;
      return b.lo + within * (b.hi - b.lo);
    }
    below += b.count;
  }
  const last = h.buckets[h.buckets.length - 1];
  return last === undefined ? null : (last.hi ?? last.lo);
}
