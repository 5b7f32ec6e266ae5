import { orgsOf, type OrgPlan, type TenantPlan, type UserPlan } from './tenants';
import { AdminHttp, type AdminCall, type AdminOutcome } from './admin-http';
import { describeCleanup, emptyCleanup, failAll, tallyCleanup, type CleanupResult, type TenantRef } from './cleanup-result';
import type { RetryPolicy } from './retry';
import type { Provisioned, ProvisionedOrg, ProvisionedUser } from './types';

/** What provisioning on the AI-AAS admin API needs. */
interface AiAasProvisionSpec {
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
  /** Called with each tenant as soon as it exists (the cleanup ledger); ids only. */
  created?: (refs: TenantRef[]) => void;
  /** Called with the result of the rollback after a failed provisioning. */
  rolledBack?: (result: CleanupResult) => void;
}

/** Admin calls in flight at once. */
const BATCH = 20;

const idOf = (json: unknown, field: string, step: string): string => {
  const v = (json as Record<string, unknown> | null)?.[field];
  if (typeof v !== 'string' || v === '') throw new Error(`${step}: the response has no "${field}"`);
  return v;
};

/** The id in a response, or the reason there is none, for steps that go on past a failure. */
function idOrFailure(out: AdminOutcome, field: string, step: string, failures: string[]): string | null {
  if (!out.ok) {
    failures.push(out.error);
    return null;
  }
  try {
    return idOf(out.json, field, step);
  } catch (err) {
    failures.push((err as Error).message);
    return null;
  }
}

/**
 * Provisions this instance's share on the AI-AAS admin API, as its contract requires: log in,
 * create (or, when another instance got there first, look up) each org, set budgets on owned orgs
 * where the platform has the API, invite each user, activate them, issue their keys. Each tenant is
 * kept (and handed to `created`, the cleanup ledger) as soon as it exists, even when others of its
 * batch failed; if a step fails, what was created is cleaned up before the error is rethrown, and the
 * error says what that cleanup removed and what it left, by id.
 */
export function provisionAiAas(spec: AiAasProvisionSpec): Provisioned {
  const api = new AdminHttp(spec.adminUrl, spec.credentials, spec.retry, spec.timeoutMs);
  const done: Provisioned = { adapter: 'ai-aas', orgs: [], users: [], warnings: [] };
  try {
    api.login();
    provisionInto(api, spec, done);
    return done;
  } catch (err) {
    let note = '';
    let result = emptyCleanup();
    if (done.orgs.some((o) => o.owned) || done.users.length > 0) {
      result = cleanupAiAas({ ...spec, provisioned: done });
      note = ` (rollback of what was created: ${describeCleanup(result)})`;
    }
    spec.rolledBack?.(result);
    throw new Error(`provisioning failed: ${(err as Error).message}${note}`);
  }
}

/** Throws one error naming every failed step of a batch (the first few by name), after what succeeded was kept. */
function throwIfFailed(failures: string[]): void {
  if (failures.length === 0) return;
  const shown = failures.slice(0, 3).join('; ');
  throw new Error(failures.length === 1 ? shown : `${failures.length} steps failed: ${shown}${failures.length > 3 ? '; ...' : ''}`);
}

function provisionInto(api: AdminHttp, spec: AiAasProvisionSpec, done: Provisioned): void {
  const created = (refs: TenantRef[]) => {
    if (refs.length > 0) spec.created?.(refs);
  };
  const failures: string[] = [];
  const orgPlans = orgsOf(spec.share).map((i) => spec.plan.orgs[i - 1] as OrgPlan);
  const creates = api.runAll(
    orgPlans.map((o) => ({ step: `create org ${o.name}`, method: 'POST', path: '/v1/orgs', body: { name: o.name, slug: o.slug }, ok: [201, 409] })),
  );
  const lookups: AdminCall[] = [];
  orgPlans.forEach((o, k) => {
    const c = creates[k] as AdminOutcome;
    if (c.ok && c.status === 409) lookups.push({ step: `look up org ${o.name}`, method: 'GET', path: `/v1/orgs/${o.slug}`, ok: [200] });
  });
  const looked = api.runAll(lookups);
  let lookupIndex = 0;
  orgPlans.forEach((o, k) => {
    const c = creates[k] as AdminOutcome;
    const res = c.ok && c.status === 409 ? (looked[lookupIndex++] as AdminOutcome) : c;
    const orgId = idOrFailure(res, 'orgId', `create org ${o.name}`, failures);
    if (orgId === null) return;
    const org: ProvisionedOrg = { index: o.index, name: o.name, orgId, owned: spec.ownedOrgs.has(o.index) };
    done.orgs.push(org);
    if (org.owned) created([{ kind: 'org', id: orgId, orgId }]);
  });
  throwIfFailed(failures);
  const orgIdByIndex = new Map(done.orgs.map((o) => [o.index, o.orgId]));
  spec.log(`provisioning: ${done.orgs.length} org(s) ready`);

  const budgeted = orgPlans.filter((o) => o.budget && spec.ownedOrgs.has(o.index));
  if (budgeted.length > 0) {
    const res = api.run(
      budgeted.map((o) => ({
        step: `set budget of org ${o.name}`,
        method: 'POST',
        path: `/v1/budgets/${orgIdByIndex.get(o.index)}/overrides`,
        body: { limitUSD: o.budget?.limitUSD, dailyUSD: o.budget?.dailyUSD },
        // The platform specifies budgets but has not implemented them: 404/405/501 mean "no budget API".
        ok: [200, 201, 204, 404, 405, 501],
      })),
    );
    if (res.some((r) => r.status >= 400)) done.warnings.push('the platform has no budget API: org budgets are enforced by the harness only');
  }

  // Users go through invite, activate and keys in batches, each joining `done` as soon as it exists.
  for (let i = 0; i < spec.share.length; i += BATCH) {
    const batch = spec.share.slice(i, i + BATCH);
    const invites = api.runAll(
      batch.map((u) => ({
        step: `invite user ${u.name} to org ${orgName(spec.plan, u)}`,
        method: 'POST',
        path: `/v1/orgs/${orgIdByIndex.get(u.orgIndex)}/invites`,
        body: { email: u.email, roles: ['member'], expiresInHours: 24 },
        ok: [202, 201],
      })),
      BATCH,
    );
    const users: ProvisionedUser[] = [];
    batch.forEach((u, k) => {
      const userId = idOrFailure(invites[k] as AdminOutcome, 'inviteId', `invite user ${u.name}`, failures);
      if (userId === null) return;
      const orgId = orgIdByIndex.get(u.orgIndex) as string;
      users.push({ index: u.index, name: u.name, org: orgName(spec.plan, u), orgIndex: u.orgIndex, orgId, userId, keys: [] });
    });
    for (const u of users) done.users.push(u);
    created(users.map((u) => ({ kind: 'user', id: u.userId, orgId: u.orgId })));
    const activations = api.runAll(users.map((u) => ({ step: `activate user ${u.name}`, method: 'PATCH', path: `/v1/orgs/${u.orgId}/users/${u.userId}`, body: { status: 'active' }, ok: [200] })), BATCH);
    const active = users.filter((_, k) => {
      const a = activations[k] as AdminOutcome;
      if (!a.ok) failures.push(a.error);
      return a.ok;
    });
    const keyCalls: AdminCall[] = [];
    const owners: ProvisionedUser[] = [];
    const planOf = new Map(batch.map((u) => [u.index, u]));
    for (const owner of active) {
      const u = planOf.get(owner.index) as UserPlan;
      for (let n = 1; n <= spec.keys.perUser; n++) {
        const body: Record<string, unknown> = { scopes: ['inference'], annotations: { name: `${spec.keys.namePrefix ?? 'loadtest-key'}-${u.orgIndex}-${u.indexInOrg}-${n}` } };
        if (spec.keys.expiryDays !== undefined) body.expiresInDays = spec.keys.expiryDays;
        keyCalls.push({ step: `issue key ${n} for user ${u.name}`, method: 'POST', path: `/v1/orgs/${owner.orgId}/users/${owner.userId}/api-keys`, body, ok: [201] });
        owners.push(owner);
      }
    }
    const issued: TenantRef[] = [];
    api.runAll(keyCalls, BATCH).forEach((r, k) => {
      const owner = owners[k] as ProvisionedUser;
      const step = `issue key for user ${owner.name}`;
      const id = idOrFailure(r, 'apiKeyId', step, failures);
      if (id === null) return;
      const secret = idOrFailure(r, 'secret', step, failures);
      // A key without its secret is useless but live: it is kept (with no secret) so that cleanup revokes it.
      owner.keys.push({ id, secret: secret ?? '' });
      issued.push({ kind: 'key', id, orgId: owner.orgId });
    });
    created(issued);
    throwIfFailed(failures);
    spec.log(`provisioning: ${done.users.length}/${spec.share.length} user(s) ready`);
  }
}

/** What cleanup needs: where, who, and the same retry rules. */
interface AiAasCleanupSpec {
  adminUrl: string;
  credentials: { email: string; password: string };
  retry: RetryPolicy;
  timeoutMs: number;
  provisioned: Provisioned;
  log: (msg: string) => void;
}

/** The revoke, user and org calls of a cleanup, each with the tenant it deals with. */
function cleanupSteps(p: Provisioned): { refs: TenantRef[]; calls: AdminCall[] }[] {
  const keys: TenantRef[] = [];
  const keyCalls: AdminCall[] = [];
  for (const u of p.users) {
    for (const k of u.keys) {
      keys.push({ kind: 'key', id: k.id, orgId: u.orgId });
      // 404/409: already gone or already revoked, which is the state cleanup wants.
      keyCalls.push({ step: `revoke key ${k.id} of user ${u.name}`, method: 'DELETE', path: `/v1/orgs/${u.orgId}/api-keys/${k.id}`, ok: [204, 404, 409] });
    }
  }
  const owned = p.orgs.filter((o) => o.owned);
  return [
    { refs: keys, calls: keyCalls },
    {
      refs: p.users.map((u) => ({ kind: 'user', id: u.userId, orgId: u.orgId })),
      calls: p.users.map((u) => ({ step: `suspend user ${u.name} (${u.userId})`, method: 'PATCH', path: `/v1/orgs/${u.orgId}/users/${u.userId}`, body: { status: 'suspended' }, ok: [200, 404] })),
    },
    {
      refs: owned.map((o) => ({ kind: 'org', id: o.orgId, orgId: o.orgId })),
      calls: owned.map((o) => ({ step: `suspend org ${o.name} (${o.orgId})`, method: 'PATCH', path: `/v1/orgs/${o.orgId}`, body: { status: 'suspended' }, ok: [200, 404] })),
    },
  ];
}

/**
 * Revokes every key this instance issued, then suspends its users and the orgs it owns: the platform cannot
 * delete them, and suspension alone leaves keys working, so revocation comes first. Best effort: every step is
 * tried whatever failed before it, and the result names what is left.
 */
export function cleanupAiAas(spec: AiAasCleanupSpec): CleanupResult {
  const api = new AdminHttp(spec.adminUrl, spec.credentials, spec.retry, spec.timeoutMs);
  const result = emptyCleanup();
  const steps = cleanupSteps(spec.provisioned);
  try {
    api.login();
  } catch (err) {
    for (const s of steps) failAll(result, s.refs, `cannot log in: ${(err as Error).message}`);
    spec.log(`cleanup: ${describeCleanup(result)}`);
    return result;
  }
  for (const s of steps) tallyCleanup(result, s.refs, api.runAll(s.calls));
  spec.log(`cleanup: ${describeCleanup(result)}`);
  return result;
}

function orgName(plan: TenantPlan, u: UserPlan): string {
  return (plan.orgs[u.orgIndex - 1] as OrgPlan).name;
}
