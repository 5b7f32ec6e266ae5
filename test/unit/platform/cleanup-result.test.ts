import { describe, expect, it } from 'vitest';
import { describeCleanup, emptyCleanup, failAll, tallyCleanup, type TenantRef } from '../../../src/platform/cleanup-result';

const key = (id: string): TenantRef => ({ kind: 'key', id, orgId: 'o1' });

describe('tallyCleanup', () => {
  it('counts a 404 (and a revoke’s 409) as already gone, not as revoked, and names each failure by id', () => {
    const r = tallyCleanup(emptyCleanup(), [key('k1'), key('k2'), key('k3'), key('k4')], [
      { ok: true, status: 204 },
      { ok: true, status: 404 },
      { ok: true, status: 409 },
      { ok: false, status: 500, error: 'revoke key k4: answered HTTP 500' },
    ]);
    expect(r.keys).toEqual({ done: 1, alreadyGone: 2, failed: 1 });
    expect(r.left).toEqual([{ kind: 'key', id: 'k4', orgId: 'o1', reason: 'revoke key k4: answered HTTP 500' }]);
    tallyCleanup(r, [{ kind: 'user', id: 'u1', orgId: 'o1' }, { kind: 'org', id: 'o1', orgId: 'o1' }], [{ ok: true, status: 200 }, { ok: true, status: 404 }]);
    expect([r.users, r.orgs]).toEqual([{ done: 1, alreadyGone: 0, failed: 0 }, { done: 0, alreadyGone: 1, failed: 0 }]);
    expect(describeCleanup(r)).toBe('revoked 1 key(s) (2 already gone), suspended 1 user(s), suspended 0 org(s) (1 already gone); 1 LEFT ACTIVE: key k4 (first failure: revoke key k4: answered HTTP 500)');
  });

  it('fails every tenant when the cleanup cannot start, and lists at most maxIds of them', () => {
    const r = failAll(emptyCleanup(), ['a', 'b', 'c'].map(key), 'cannot log in: HTTP 503');
    expect(r.keys.failed).toBe(3);
    expect(describeCleanup(r, 2)).toContain('3 LEFT ACTIVE: key a, key b, and 1 more (first failure: cannot log in: HTTP 503)');
    expect(describeCleanup(emptyCleanup())).toMatch(/nothing left$/);
  });
});
