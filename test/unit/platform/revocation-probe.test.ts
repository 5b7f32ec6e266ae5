import { describe, expect, it } from 'vitest';
import { RevocationWatch, sampleRevokedKeys } from '../../../src/platform/revocation-probe';
import type { ProvisionedUser } from '../../../src/platform/types';

const user = (orgIndex: number, n: number, keys = 1): ProvisionedUser => ({
  index: n,
  name: `u${orgIndex}-${n}`,
  org: `o${orgIndex}`,
  orgIndex,
  orgId: `org-${orgIndex}`,
  userId: `user-${orgIndex}-${n}`,
  keys: Array.from({ length: keys }, (_, k) => ({ id: `k${orgIndex}-${n}-${k}`, secret: `s${orgIndex}-${n}-${k}` })),
});

describe('sampleRevokedKeys', () => {
  it("takes users' first keys from each org in turn, up to n", () => {
    const users = [user(1, 1, 2), user(1, 2), user(1, 3), user(2, 1), user(3, 1)];
    expect(sampleRevokedKeys(users, 3)).toEqual(['s1-1-0', 's2-1-0', 's3-1-0']);
    expect(sampleRevokedKeys(users, 4)).toEqual(['s1-1-0', 's2-1-0', 's3-1-0', 's1-2-0']);
    expect(sampleRevokedKeys(users, 10)).toHaveLength(5);
  });
  it('skips users without a key, and keyless secrets', () => {
    expect(sampleRevokedKeys([user(1, 1, 0), { ...user(1, 2), keys: [{ id: 'k', secret: '' }] }], 3)).toEqual([]);
  });
});

describe('RevocationWatch', () => {
  it('none when every key is refused at once', () => {
    const w = new RevocationWatch(2, 1000);
    w.record(0, 401, 1010);
    w.record(1, 403, 1010);
    expect(w.pending()).toEqual([]);
    expect(w.outcome(1020)).toEqual({ probed: 2, acceptedSec: 0, stillAccepted: 0 });
  });
  it('the longest a key was accepted, to its first refusal, in tenths of a second', () => {
    const w = new RevocationWatch(2, 1000);
    w.record(0, 200, 1100);
    w.record(1, 429, 1100);
    w.record(0, 401, 2300);
    expect(w.pending()).toEqual([1]);
    w.record(1, 500, 2300);
    w.record(1, 401, 4140);
    w.record(1, 200, 4500);
    expect(w.outcome(5000)).toEqual({ probed: 2, acceptedSec: 3.1, stillAccepted: 0 });
  });
  it('a key still accepted at the bound counts until then; no answer tells nothing', () => {
    const w = new RevocationWatch(2, 0);
    w.record(0, 200, 100);
    w.record(1, 0, 100);
    expect(w.pending()).toEqual([0, 1]);
    expect(w.outcome(10_000)).toEqual({ probed: 2, acceptedSec: 10, stillAccepted: 1 });
  });
});
