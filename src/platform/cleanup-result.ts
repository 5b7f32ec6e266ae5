/**
 * The outcome of cleaning up tenants, tallied from the admin API's answers: what was revoked or suspended, what
 * was already gone, and the ids (never secrets) of what is still active and why. Pure, so it is unit tested.
 */

/** A tenant a cleanup deals with, by id: an API key, a user (invited or active) or an org. */
export interface TenantRef {
  kind: 'key' | 'user' | 'org';
  id: string;
  /** The org the tenant lives in (an org's own id for an org). */
  orgId: string;
}

/** One kind of tenant's tally: revoked (keys) or suspended (users, orgs), already gone, failed. */
export interface CleanupCounts {
  done: number;
  alreadyGone: number;
  failed: number;
}

/** A tenant cleanup could not deal with: still active on the platform, as far as the harness knows. */
export interface LeftTenant extends TenantRef {
  reason: string;
}

/** What one cleanup did, kind by kind, and what it left. */
export interface CleanupResult {
  keys: CleanupCounts;
  users: CleanupCounts;
  orgs: CleanupCounts;
  left: LeftTenant[];
}

/** An admin call's outcome as the tally reads it (src/platform/admin-http.ts AdminOutcome). */
type Outcome = { ok: true; status: number } | { ok: false; status: number; error: string };

const COUNTS_OF = { key: 'keys', user: 'users', org: 'orgs' } as const;

/** A cleanup that has done nothing yet. */
export function emptyCleanup(): CleanupResult {
  return { keys: { done: 0, alreadyGone: 0, failed: 0 }, users: { done: 0, alreadyGone: 0, failed: 0 }, orgs: { done: 0, alreadyGone: 0, failed: 0 }, left: [] };
}

/**
 * Adds each tenant's outcome to `into`: 404 is "already gone" (the platform does not know the id, so it is no
 * longer active there), a revoke's 409 is "already revoked", which is gone too; any other accepted status is done.
 */
export function tallyCleanup(into: CleanupResult, refs: TenantRef[], outcomes: Outcome[]): CleanupResult {
  refs.forEach((ref, i) => {
    const out = outcomes[i];
    const counts = into[COUNTS_OF[ref.kind]];
    if (out === undefined || !out.ok) {
      counts.failed++;
      into.left.push({ ...ref, reason: out === undefined ? 'not attempted' : out.error });
    } else if (out.status === 404 || (ref.kind === 'key' && out.status === 409)) counts.alreadyGone++;
    else counts.done++;
  });
  return into;
}

/** Every tenant counted as failed with one reason: the cleanup could not start (no login, platform gone). */
export function failAll(into: CleanupResult, refs: TenantRef[], reason: string): CleanupResult {
  return tallyCleanup(into, refs, refs.map(() => ({ ok: false, status: 0, error: reason })));
}

/** One line for the log: "revoked 6 key(s) (1 already gone), suspended 4 user(s), 1 org(s); 2 left: key k1, user u2". */
export function describeCleanup(r: CleanupResult, maxIds = 10): string {
  const part = (c: CleanupCounts, verb: string, noun: string) => `${verb} ${c.done} ${noun}(s)${c.alreadyGone > 0 ? ` (${c.alreadyGone} already gone)` : ''}`;
  const head = `${part(r.keys, 'revoked', 'key')}, ${part(r.users, 'suspended', 'user')}, ${part(r.orgs, 'suspended', 'org')}`;
  if (r.left.length === 0) return `${head}; nothing left`;
  const ids = r.left.slice(0, maxIds).map((t) => `${t.kind} ${t.id}`);
  const more = r.left.length > maxIds ? `, and ${r.left.length - maxIds} more` : '';
  return `${head}; ${r.left.length} LEFT ACTIVE: ${ids.join(', ')}${more} (first failure: ${(r.left[0] as LeftTenant).reason})`;
}
