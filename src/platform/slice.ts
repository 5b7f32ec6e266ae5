/**
 * Org slices: a run split across clusters gives each cluster a contiguous range of orgs, so org budgets,
 * org creation and cleanup never straddle two clusters. Pure logic shared by the k6 side (LOADTEST_ORGS)
 * and the Kubernetes renderer (--split).
 */

/** 1-based, inclusive range of org indexes. */
export interface OrgRange {
  from: number;
  to: number;
}

/** Env var carrying a cluster's org range into k6 ("3-5", or "4" for one org). */
export const ORG_RANGE_ENV = 'LOADTEST_ORGS';

/** Parses "a-b" or "a" against the plan's org count; errors name the env var and the bad part. */
export function parseOrgRange(text: string, orgCount: number): OrgRange {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw new Error(`${ORG_RANGE_ENV}="${text}": expected an org range such as "1-3" or "2"`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to < from || to > orgCount) {
    throw new Error(`${ORG_RANGE_ENV}="${text}": must lie within 1-${orgCount} (the config's organizations.count) with from <= to`);
  }
  return { from, to };
}

/** "a-b", the form parseOrgRange reads. */
export function formatOrgRange(r: OrgRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

/** Global user indexes (plan order) of the users whose org is in the range. */
export function usersInRange(users: readonly { index: number; orgIndex: number }[], r: OrgRange): number[] {
  const out: number[] = [];
  for (const u of users) if (u.orgIndex >= r.from && u.orgIndex <= r.to) out.push(u.index);
  return out;
}

/**
 * Cuts the orgs (their user counts, in order) into one contiguous range per weight, each as close to
 * its weight's share of the users as whole orgs allow, and each with at least one org.
 */
export function splitOrgs(userCounts: readonly number[], weights: readonly number[]): OrgRange[] {
  if (weights.length === 0) throw new Error('split: no parts given');
  if (weights.some((w) => !(w > 0))) throw new Error('split: every weight must be a positive number');
  if (userCounts.length < weights.length) {
    throw new Error(`split: ${weights.length} parts but only ${userCounts.length} org(s); each part needs at least one org (raise organizations.count)`);
  }
  const totalUsers = userCounts.reduce((a, b) => a + b, 0);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  userCounts.reduce((sum, n, i) => (cumulative[i] = sum + n), 0);
  const ranges: OrgRange[] = [];
  let from = 1;
  let weightSoFar = 0;
  for (let k = 0; k < weights.length; k++) {
    weightSoFar += weights[k] as number;
    const partsLeft = weights.length - k - 1;
    if (partsLeft === 0) {
      ranges.push({ from, to: userCounts.length });
      break;
    }
    const target = (totalUsers * weightSoFar) / totalWeight;
    // The cut after org `to` may not take orgs the remaining parts need.
    let best = from;
    for (let to = from; to <= userCounts.length - partsLeft; to++) {
      if (Math.abs((cumulative[to - 1] as number) - target) < Math.abs((cumulative[best - 1] as number) - target)) best = to;
    }
    ranges.push({ from, to: best });
    from = best + 1;
  }
  return ranges;
}

/** The load pattern fields a slice scales (structurally the config's LoadPattern). */
interface ScalablePattern {
  model: 'closed' | 'open';
  phases: readonly { target: number }[];
  preAllocatedVUs?: number | undefined;
  maxVUs?: number | undefined;
}

/**
 * A load pattern scaled to a slice's share of the users: VU targets (closed) or arrival rates (open)
 * and VU pools shrink by `fraction`, rounding to whole numbers but never to 0 from a positive target,
 * and closed targets never above the slice's users.
 */
export function scalePattern<P extends ScalablePattern>(lp: P, fraction: number, sliceUsers: number): P {
  const scale = (n: number, cap = Infinity) => (n === 0 ? 0 : Math.min(cap, Math.max(1, Math.round(n * fraction))));
  const cap = lp.model === 'closed' ? sliceUsers : Infinity;
  const out: P = { ...lp, phases: lp.phases.map((p) => ({ ...p, target: scale(p.target, cap) })) };
  if (lp.preAllocatedVUs !== undefined) out.preAllocatedVUs = Math.max(1, Math.ceil(lp.preAllocatedVUs * fraction));
  if (lp.maxVUs !== undefined) out.maxVUs = Math.max(1, Math.ceil(lp.maxVUs * fraction));
  return out;
}
