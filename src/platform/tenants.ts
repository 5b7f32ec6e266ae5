/** The part of a random stream the tenant plan needs (src/behaviour/random.ts's Rng fits). */
interface IntSource {
  int(min: number, max: number): number;
}

/** Budget of one org as the config states it. */
interface OrgBudget {
  limitUSD: number;
  dailyUSD?: number;
  warnAtUSD?: number;
  enableAlerts?: boolean;
}

/** What the plan reads from the config (structurally the zod-inferred config's fields). */
export interface TenantSpec {
  runTag: string;
  organizations: {
    count: number;
    namePrefix: string;
    budget?: OrgBudget;
    overrides?: { org: number; users?: number; budget?: OrgBudget }[];
  };
  users: {
    perOrg: { min: number; max: number };
    namePrefix: string;
    emailDomain: string;
  };
}

export interface OrgPlan {
  /** 1-based. */
  index: number;
  /** Stable across runs: the `org` metric tag. */
  name: string;
  /** Unique per run so a re-run never collides with tenants a previous run retained. */
  slug: string;
  userCount: number;
  budget?: OrgBudget;
}

export interface UserPlan {
  /** 1-based position in the test-wide user list; VU id N plays user N. */
  index: number;
  orgIndex: number;
  indexInOrg: number;
  name: string;
  email: string;
}

export interface TenantPlan {
  orgs: OrgPlan[];
  /** Interleaved across orgs, so a ramp-up brings every org's users in together. */
  users: UserPlan[];
}

/** Lower-case slug of letters, digits and dashes. */
export function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Draws every org's user count and lays out the test-wide list of orgs and users. */
export function planTenants(spec: TenantSpec, rng: IntSource): TenantPlan {
  const orgs: OrgPlan[] = [];
  for (let i = 1; i <= spec.organizations.count; i++) {
    const over = spec.organizations.overrides?.find((o) => o.org === i);
    const name = `${spec.organizations.namePrefix}-${i}`;
    const drawn = rng.int(spec.users.perOrg.min, spec.users.perOrg.max);
    const org: OrgPlan = { index: i, name, slug: slugify(`${name}-${spec.runTag}`), userCount: over?.users ?? drawn };
    const budget = over?.budget ?? spec.organizations.budget;
    if (budget) org.budget = budget;
    orgs.push(org);
  }
  const users: UserPlan[] = [];
  const next = orgs.map(() => 1);
  let placed = true;
  while (placed) {
    placed = false;
    orgs.forEach((org, k) => {
      const u = next[k] as number;
      if (u > org.userCount) return;
      next[k] = u + 1;
      placed = true;
      const name = `${spec.users.namePrefix}-${org.index}-${u}`;
      users.push({
        index: users.length + 1,
        orgIndex: org.index,
        indexInOrg: u,
        name,
        email: `${slugify(name)}.${slugify(spec.runTag)}@${spec.users.emailDomain}`,
      });
    });
  }
  return { orgs, users };
}

/** The plan's users whose 1-based index is in share, in share order. */
export function usersInShare(plan: TenantPlan, share: number[]): UserPlan[] {
  return share.map((id) => {
    const u = plan.users[id - 1];
    if (!u) throw new Error(`VU id ${id} has no user: the plan has ${plan.users.length} users`);
    return u;
  });
}

/**
 * The instance that owns an org's first user creates its budget and suspends it at cleanup;
 * other instances only look it up, so two pods never fight over one org.
 */
export function ownsOrg(plan: TenantPlan, orgIndex: number, share: Set<number>): boolean {
  const first = plan.users.find((u) => u.orgIndex === orgIndex);
  return first !== undefined && share.has(first.index);
}

/** The distinct org indexes of these users, in first-seen order. */
export function orgsOf(users: UserPlan[]): number[] {
  const seen: number[] = [];
  for (const u of users) if (seen.indexOf(u.orgIndex) < 0) seen.push(u.orgIndex);
  return seen;
}
