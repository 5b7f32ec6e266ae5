/**
 * Ratios of several instances combined: a ratio merges exactly only as the sum of its numerators over the sum of
 * its denominators, so each rule here needs the denominators; where the summary does not hold them the ratio is
 * null, never a mean of the instances' ratios.
 */

/** One instance's k6 Rate (null: it had no samples) and the number of samples behind it (null: not known). */
interface Weighted {
  ratio: number | null;
  samples: number | null;
}

/**
 * Σ ratio × samples / Σ samples over the parts that had samples. One such part gives its own ratio, and parts
 * that are all 0 give 0, whatever their sample counts; otherwise a count not known makes the result null.
 */
export function mergeRatio(parts: Weighted[]): number | null {
  const measured = parts.filter((p) => p.ratio !== null);
  if (measured.length === 0) return null;
  if (measured.length === 1) return (measured[0] as Weighted).ratio;
  if (measured.every((p) => p.ratio === 0)) return 0;
  if (measured.some((p) => p.samples === null)) return null;
  const samples = measured.reduce((s, p) => s + (p.samples as number), 0);
  // Each part's numerator is a whole number of samples: rounding undoes the division k6 did.
  const hits = measured.reduce((s, p) => s + Math.round((p.ratio as number) * (p.samples as number)), 0);
  return samples > 0 ? hits / samples : null;
}

/** The samples behind a k6 Rate recovered from its passes: passes / rate, exact when rate > 0, else not known. */
export function samplesFromPasses(rate: number | null, passes: number | null): number | null {
  return rate === null || passes === null || rate <= 0 ? null : Math.round(passes / rate);
}
