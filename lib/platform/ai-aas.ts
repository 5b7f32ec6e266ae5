import { orgsOf, type OrgPlan, type TenantPlan, type UserPlan } from '../tenants';
import { AdminHttp, type AdminCall } from './admin-http';
import type { RetryPolicy } from './retry';
import type { Provisioned, ProvisionedOrg, ProvisionedUser } from './types';

/** What provisioning on the AI-AAS admin API needs. */
export interface AiAasProvisionSpec {
  adminUrl: string;
  credentials: { email: string; password: string };
  retry: RetryPolicy;
  timeoutMs: number;
  plan: TenantPlan;
  /** This instance's users, in the order its VUs take them. */
  share: UserPlan[];
  /** Orgs whose budget and suspension this instance owns. */
  ownedOrgs: Set<number>;
  keys: { perUser: number; namePrefix?: string; expiryDays?: number };
  log: (msg: string) => void;
}

const idOf = (json: unknown, field: string, step: string): string => {
  const v = (json as Record<string, unknown> | null)?.[field];
  if (typeof v !== 'string' || v === '') throw new Error(`${step}: the response has no "${field}"`);
  return v;
};

/**
 * Provisions this instance's share on the AI-AAS admin API, as its contract requires: log in,
 * create (or, when another instance got there first, look up) each org, set budgets on owned orgs
 * where the platform has the API, invite each user, activate them, issue their keys.
 */
export function provisionAiAas(spec: AiAasProvisionSpec): Provisioned {
  const api = new AdminHttp(spec.adminUrl, spec.credentials, spec.retry, spec.timeoutMs);
  const warnings: string[] = [];
  api.login();

  const orgIndexes = orgsOf(spec.share);
  const orgPlans = orgIndexes.map((i) => spec.plan.orgs[i - 1] as OrgPlan);
  const created = api.run(
    orgPlans.map((o) => ({ step: `create org ${o.name}`, method: 'POST', path: '/v1/orgs', body: { name: o.name, slug: o.slug }, ok: [201, 409] })),
  );
  const lookups: AdminCall[] = [];
  orgPlans.forEach((o, k) => {
    if ((created[k] as { status: number }).status === 409) lookups.push({ step: `look up org ${o.name}`, method: 'GET', path: `/v1/orgs/${o.slug}`, ok: [200] });
  });
  const looked = api.run(lookups);
  let lookupIndex = 0;
  const orgs: ProvisionedOrg[] = orgPlans.map((o, k) => {
    const res = created[k] as { status: number; json: unknown };
    const json = res.status === 409 ? (looked[lookupIndex++] as { json: unknown }).json : res.json;
    return { index: o.index, name: o.name, orgId: idOf(json, 'orgId', `create org ${o.name}`), owned: spec.ownedOrgs.has(o.index) };
  });
  const orgIdByIndex = new Map(orgs.map((o) => [o.index, o.orgId]));
  spec.log(`provisioning: ${orgs.length} org(s) ready`);

  const budgeted = orgPlans.filter((o) => o.budget && spec.ownedOrgs.has(o.index));
  if (budgeted.length > 0) {
    const res = api.run(
      budgeted.map((o) => ({
        step: `set budget of org ${o.name}`,
        method: 'PUT',
        path: `/v1/budgets/${orgIdByIndex.get(o.index)}`,
        body: { limitUSD: o.budget?.limitUSD, dailyUSD: o.budget?.dailyUSD },
        // The platform specifies budgets but has not implemented them: 404/405/501 mean "no budget API".
        ok: [200, 201, 204, 404, 405, 501],
      })),
    );
    if (res.some((r) => r.status >= 400)) {
      warnings.push('the platform has no budget API: org budgets are enforced by the harness only');
    }
  }

  const invites = api.run(
    spec.share.map((u) => ({
      step: `invite user ${u.name} to org ${orgName(spec.plan, u)}`,
      method: 'POST',
      path: `/v1/orgs/${orgIdByIndex.get(u.orgIndex)}/invites`,
      body: { email: u.email, roles: ['member'], expiresInHours: 24 },
      ok: [202, 201],
    })),
  );
  const userIds = invites.map((r, k) => idOf(r.json, 'inviteId', `invite user ${(spec.share[k] as UserPlan).name}`));
  api.run(
    spec.share.map((u, k) => ({
      step: `activate user ${u.name}`,
      method: 'PATCH',
      path: `/v1/orgs/${orgIdByIndex.get(u.orgIndex)}/users/${userIds[k]}`,
      body: { status: 'active' },
      ok: [200],
    })),
  );
  spec.log(`provisioning: ${spec.share.length} user(s) invited and activated`);

  const keyCalls: AdminCall[] = [];
  spec.share.forEach((u, k) => {
    for (let n = 1; n <= spec.keys.perUser; n++) {
      const body: Record<string, unknown> = { scopes: ['inference'], annotations: { name: `${spec.keys.namePrefix ?? 'loadtest-key'}-${u.orgIndex}-${u.indexInOrg}-${n}` } };
      if (spec.keys.expiryDays !== undefined) body.expiresInDays = spec.keys.expiryDays;
      keyCalls.push({ step: `issue key ${n} for user ${u.name}`, method: 'POST', path: `/v1/orgs/${orgIdByIndex.get(u.orgIndex)}/users/${userIds[k]}/api-keys`, body, ok: [201] });
    }
  });
  const keys = api.run(keyCalls);
  const users: ProvisionedUser[] = spec.share.map((u, k) => ({
    index: u.index,
    name: u.name,
    org: orgName(spec.plan, u),
    orgIndex: u.orgIndex,
    orgId: orgIdByIndex.get(u.orgIndex) as string,
    userId: userIds[k] as string,
    keys: keys.slice(k * spec.keys.perUser, (k + 1) * spec.keys.perUser).map((r) => ({
      id: idOf(r.json, 'apiKeyId', `issue key for user ${u.name}`),
      secret: idOf(r.json, 'secret', `issue key for user ${u.name}`),
    })),
  }));
  spec.log(`provisioning: ${keys.length} key(s) issued`);
  return { adapter: 'ai-aas', orgs, users, warnings };
}

/** What cleanup needs: where, who, and the same retry rules. */
export interface AiAasCleanupSpec {
  adminUrl: string;
  credentials: { email: string; password: string };
  retry: RetryPolicy;
  timeoutMs: number;
  provisioned: Provisioned;
  log: (msg: string) => void;
}

/**
 * Revokes every key this instance issued, then suspends its users and the orgs it owns: the
 * platform cannot delete them, and suspension alone leaves keys working, so revocation comes first.
 */
export function cleanupAiAas(spec: AiAasCleanupSpec): void {
  const api = new AdminHttp(spec.adminUrl, spec.credentials, spec.retry, spec.timeoutMs);
  api.login();
  const { users, orgs } = spec.provisioned;
  const revoke: AdminCall[] = [];
  for (const u of users) {
    for (const k of u.keys) {
      // 404/409: already gone or already revoked, which is the state cleanup wants.
      revoke.push({ step: `revoke a key of user ${u.name}`, method: 'DELETE', path: `/v1/orgs/${u.orgId}/api-keys/${k.id}`, ok: [204, 404, 409] });
    }
  }
  api.run(revoke);
  api.run(users.map((u) => ({ step: `suspend user ${u.name}`, method: 'PATCH', path: `/v1/orgs/${u.orgId}/users/${u.userId}`, body: { status: 'suspended' }, ok: [200, 404] })));
  const owned = orgs.filter((o) => o.owned);
  api.run(owned.map((o) => ({ step: `suspend org ${o.name}`, method: 'PATCH', path: `/v1/orgs/${o.orgId}`, body: { status: 'suspended' }, ok: [200, 404] })));
  spec.log(`cleanup: revoked ${revoke.length} key(s), suspended ${users.length} user(s) and ${owned.length} org(s)`);
}

function orgName(plan: TenantPlan, u: UserPlan): string {
  return (plan.orgs[u.orgIndex - 1] as OrgPlan).name;
}
