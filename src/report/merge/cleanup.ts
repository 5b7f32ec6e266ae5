/** The cleanup section of a merged run: the instances' counts summed, their leftovers listed, the worst state. */
import type { CleanupCounts } from '../../platform/cleanup-result';
import type { CleanupSummary } from '../model';

// Worst first: a report must not say "cleaned" when one instance left tenants or never cleaned up.
const WORST: CleanupSummary['state'][] = ['not-run', 'left', 'unknown', 'kept', 'cleaned', 'none'];

function addCounts(a: CleanupCounts | null, b: CleanupCounts | null): CleanupCounts | null {
  if (a === null) return b;
  if (b === null) return a;
  return { done: a.done + b.done, alreadyGone: a.alreadyGone + b.alreadyGone, failed: a.failed + b.failed };
}

/** One cleanup section from the instances'; null when none of them knew. */
export function mergeCleanup(parts: (CleanupSummary | null)[]): CleanupSummary | null {
  const known = parts.filter((p): p is CleanupSummary => p !== null);
  const first = known[0];
  if (first === undefined) return null;
  const state = WORST.find((s) => known.some((k) => k.state === s)) ?? first.state;
  const counts = known.some((k) => k.leftCount === null) ? null : known.reduce((n, k) => n + (k.leftCount ?? 0), 0);
  return {
    state,
    keys: known.map((k) => k.keys).reduce(addCounts, null),
    users: known.map((k) => k.users).reduce(addCounts, null),
    orgs: known.map((k) => k.orgs).reduce(addCounts, null),
    leftCount: counts,
    left: known.flatMap((k) => k.left),
    ledger: known.find((k) => k.ledger !== null)?.ledger ?? null,
    command: known.find((k) => k.command !== null)?.command ?? null,
  };
}
