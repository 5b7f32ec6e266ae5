import { describe, expect, it } from 'vitest';
import { ownsOrg, planTenants, slugify, usersInShare, type TenantSpec } from '../../../src/platform/tenants';

const counting = { int: (min: number, max: number) => Math.floor((min + max) / 2) };

const spec: TenantSpec = {
  runTag: 'Run-42',
  organizations: { count: 3, namePrefix: 'perf-org', budget: { limitUSD: 10 }, overrides: [{ org: 1, users: 1 }, { org: 3, users: 3, budget: { limitUSD: 0.5 } }] },
  users: { perOrg: { min: 2, max: 2 }, namePrefix: 'perf-user', emailDomain: 'loadtest.invalid' },
};

describe('tenant plan', () => {
  const plan = planTenants(spec, counting);
  it('names orgs stably and slugs them per run', () => {
    expect(plan.orgs.map((o) => [o.name, o.slug, o.userCount])).toEqual([
      ['perf-org-1', 'perf-org-1-run-42', 1],
      ['perf-org-2', 'perf-org-2-run-42', 2],
      ['perf-org-3', 'perf-org-3-run-42', 3],
    ]);
  });
  it('applies per-org budget overrides over the shared budget', () => {
    expect(plan.orgs.map((o) => o.budget?.limitUSD)).toEqual([10, 10, 0.5]);
  });
  it('interleaves users across orgs with 1-based global indexes', () => {
    expect(plan.users.map((u) => `${u.index}:${u.orgIndex}/${u.indexInOrg}`)).toEqual(['1:1/1', '2:2/1', '3:3/1', '4:2/2', '5:3/2', '6:3/3']);
    expect(plan.users[0]?.email).toBe('perf-user-1-1.run-42@loadtest.invalid');
    expect(new Set(plan.users.map((u) => u.email)).size).toBe(plan.users.length);
  });
  it('maps an instance share to its users and gives each org one owner', () => {
    expect(usersInShare(plan, [2, 5]).map((u) => u.name)).toEqual(['perf-user-2-1', 'perf-user-3-2']);
    expect(() => usersInShare(plan, [7])).toThrow(/VU id 7 has no user/);
    const a = new Set([1, 3, 5]);
    const b = new Set([2, 4, 6]);
    for (const org of plan.orgs) expect(Number(ownsOrg(plan, org.index, a)) + Number(ownsOrg(plan, org.index, b))).toBe(1);
  });
  it('slugify keeps DNS-safe characters only', () => {
    expect(slugify('Perf Test_Org--1!')).toBe('perf-test-org-1');
  });
});
