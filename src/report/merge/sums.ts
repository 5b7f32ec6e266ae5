/** Sums over the instances of a split run, with the two meanings of null a summary uses kept apart. */

/** The plain sum. */
export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** For a figure null only when the run did not track it (the same on every instance): the sum of those known. */
export function sumTracked(xs: (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : sum(known);
}

/** For a figure null when an instance did not know it: the sum, or null when any instance did not know. */
export function sumAll(xs: (number | null)[]): number | null {
  return xs.some((x) => x === null) ? null : sum(xs as number[]);
}

/** Keys in order of first appearance, with their values summed. */
export function sumRecords(records: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Names in order of first appearance. */
export function unionOf(lists: string[][]): string[] {
  return Array.from(new Set(lists.reduce<string[]>((all, l) => all.concat(l), [])));
}

/** The value every instance has, or null when they differ. */
export function common<T>(xs: T[]): T | null {
  const first = xs[0];
  return first !== undefined && xs.every((x) => x === first) ? first : null;
}
