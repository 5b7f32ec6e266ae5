import { createHash } from 'node:crypto';
import type { Rng } from './random';

type Status = 'active' | 'suspended';

interface Org {
  orgId: string;
  name: string;
  slug: string;
  displayName: string | null;
  status: Status;
  budgetPolicyId: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

interface User {
  userId: string;
  orgId: string;
  email: string;
  roles: string[];
  status: 'pending' | Status;
  inviteExpiresAt: string;
  createdAt: string;
  updatedAt: string;
}

interface ServiceAccount {
  serviceAccountId: string;
  orgId: string;
  name: string;
  status: Status;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey {
  apiKeyId: string;
  orgId: string;
  principalType: 'user' | 'service_account';
  principalId: string;
  fingerprint: string;
  status: 'active' | 'revoked';
  scopes: string[];
  annotations: Record<string, string>;
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/** Outcome of a tenant operation that can fail with a contract status. */
export type Result<T> = { ok: true; value: T } | { ok: false; status: 400 | 404 | 409; message: string };

const fail = (status: 400 | 404 | 409, message: string): { ok: false; status: 400 | 404 | 409; message: string } => ({
  ok: false,
  status,
  message,
});

/** Orgs, users, service accounts and API keys: the admin service's state, which the router authenticates against. */
export class Tenants {
  private readonly orgs = new Map<string, Org>();
  private readonly slugs = new Map<string, string>();
  private readonly users = new Map<string, User>();
  private readonly accounts = new Map<string, ServiceAccount>();
  private readonly keys = new Map<string, ApiKey>();
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly ids: Rng,
    private readonly now: () => Date = () => new Date(),
    /** How long a revoked key still authenticates after its revocation (router.revocationDelaySeconds). */
    private readonly revocationDelayMs = 0,
  ) {}

  /** Creates an org; the slug is lower-cased and must be unique. */
  createOrg(input: { name: string; slug: string; metadata?: Record<string, unknown> }): Result<Org> {
    const slug = input.slug.toLowerCase();
    if (this.slugs.has(slug)) return fail(409, `org slug ${slug} already exists`);
    const ts = this.now().toISOString();
    const org: Org = {
      orgId: this.ids.uuid(),
      name: input.name,
      slug,
      displayName: null,
      status: 'active',
      budgetPolicyId: null,
      metadata: input.metadata ?? {},
      createdAt: ts,
      updatedAt: ts,
    };
    this.orgs.set(org.orgId, org);
    this.slugs.set(slug, org.orgId);
    return { ok: true, value: org };
  }

  /** An org by id or slug. */
  org(idOrSlug: string): Org | undefined {
    return this.orgs.get(idOrSlug) ?? this.orgs.get(this.slugs.get(idOrSlug.toLowerCase()) ?? '');
  }

  /** Applies a PATCH to an org: 404 if unknown, 409 if the displayName is another org's (nothing is changed then). */
  patchOrg(
    idOrSlug: string,
    patch: { displayName?: string; status?: Status; budgetPolicyId?: string | null; metadata?: Record<string, unknown> },
  ): Result<Org> {
    const org = this.org(idOrSlug);
    if (!org) return fail(404, `org ${idOrSlug} not found`);
    if (patch.displayName !== undefined) {
      const holder = this.orgWithDisplayName(patch.displayName);
      if (holder && holder.orgId !== org.orgId) return fail(409, `display name ${patch.displayName} is used by org ${holder.slug}`);
      org.displayName = patch.displayName;
    }
    if (patch.status !== undefined) org.status = patch.status;
    if (patch.budgetPolicyId !== undefined) org.budgetPolicyId = patch.budgetPolicyId;
    if (patch.metadata !== undefined) org.metadata = patch.metadata;
    org.updatedAt = this.now().toISOString();
    return { ok: true, value: org };
  }

  /** The org showing this display name, compared case-insensitively: two orgs that read the same in a UI would be confused. */
  private orgWithDisplayName(name: string): Org | undefined {
    const wanted = name.toLowerCase();
    for (const o of this.orgs.values()) if (o.displayName?.toLowerCase() === wanted) return o;
    return undefined;
  }

  /** Invites a user (status pending); the invite id is the user id. Emails are unique within an org. */
  invite(idOrSlug: string, input: { email: string; roles?: string[]; expiresInHours?: number }): Result<User> {
    const org = this.org(idOrSlug);
    if (!org) return fail(404, `org ${idOrSlug} not found`);
    const email = input.email.toLowerCase();
    for (const u of this.users.values()) if (u.orgId === org.orgId && u.email === email) return fail(409, `user ${email} already exists`);
    const now = this.now();
    const user: User = {
      userId: this.ids.uuid(),
      orgId: org.orgId,
      email,
      roles: input.roles ?? ['member'],
      status: 'pending',
      inviteExpiresAt: new Date(now.getTime() + (input.expiresInHours ?? 72) * 3_600_000).toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    this.users.set(user.userId, user);
    return { ok: true, value: user };
  }

  /** A user of an org. */
  user(idOrSlug: string, userId: string): Result<User> {
    const org = this.org(idOrSlug);
    if (!org) return fail(404, `org ${idOrSlug} not found`);
    const user = this.users.get(userId);
    if (!user || user.orgId !== org.orgId) return fail(404, `user ${userId} not found`);
    return { ok: true, value: user };
  }

  /** Applies a PATCH (status, roles) to a user. */
  patchUser(idOrSlug: string, userId: string, patch: { status?: Status; roles?: string[] }): Result<User> {
    const found = this.user(idOrSlug, userId);
    if (!found.ok) return found;
    if (patch.status !== undefined) found.value.status = patch.status;
    if (patch.roles !== undefined) found.value.roles = patch.roles;
    found.value.updatedAt = this.now().toISOString();
    return found;
  }

  /** Creates a service account in an org. */
  createServiceAccount(idOrSlug: string, name: string): Result<ServiceAccount> {
    const org = this.org(idOrSlug);
    if (!org) return fail(404, `org ${idOrSlug} not found`);
    const ts = this.now().toISOString();
    const sa: ServiceAccount = { serviceAccountId: this.ids.uuid(), orgId: org.orgId, name, status: 'active', createdAt: ts, updatedAt: ts };
    this.accounts.set(sa.serviceAccountId, sa);
    return { ok: true, value: sa };
  }

  /** Issues a key for an active user or a service account; the secret is returned once and only its hash kept in listings. */
  issueKey(
    idOrSlug: string,
    principal: { type: 'user' | 'service_account'; id: string },
    input: { scopes?: string[]; expiresInDays?: number; annotations?: Record<string, string> },
  ): Result<{ key: ApiKey; secret: string }> {
    const org = this.org(idOrSlug);
    if (!org) return fail(404, `org ${idOrSlug} not found`);
    if (principal.type === 'user') {
      const user = this.users.get(principal.id);
      if (!user || user.orgId !== org.orgId) return fail(404, `user ${principal.id} not found`);
      if (user.status !== 'active') return fail(400, `user ${principal.id} is not active (status ${user.status})`);
    } else {
      const sa = this.accounts.get(principal.id);
      if (!sa || sa.orgId !== org.orgId) return fail(404, `service account ${principal.id} not found`);
    }
    const now = this.now();
    const secret = `sk-sim-${this.ids.hex(40)}`;
    const key: ApiKey = {
      apiKeyId: this.ids.uuid(),
      orgId: org.orgId,
      principalType: principal.type,
      principalId: principal.id,
      fingerprint: createHash('sha256').update(secret).digest('hex').slice(0, 16),
      status: 'active',
      scopes: input.scopes ?? ['inference'],
      annotations: input.annotations ?? {},
      expiresAt: input.expiresInDays !== undefined ? new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString() : null,
      createdAt: now.toISOString(),
      revokedAt: null,
    };
    this.keys.set(key.apiKeyId, key);
    this.secrets.set(secret, key.apiKeyId);
    return { ok: true, value: { key, secret } };
  }

  /** Revokes a key of an org: 404 if unknown, 409 if already revoked. */
  revokeKey(idOrSlug: string, apiKeyId: string): Result<ApiKey> {
    const org = this.org(idOrSlug);
    if (!org) return fail(404, `org ${idOrSlug} not found`);
    const key = this.keys.get(apiKeyId);
    if (!key || key.orgId !== org.orgId) return fail(404, `api key ${apiKeyId} not found`);
    if (key.status === 'revoked') return fail(409, `api key ${apiKeyId} already revoked`);
    key.status = 'revoked';
    key.revokedAt = this.now().toISOString();
    return { ok: true, value: key };
  }

  /**
   * The key a secret authenticates, if active (or revoked less than the revocation delay ago) and unexpired. Org
   * and user suspension are deliberately not checked: the real platform does not disable keys on suspension, so
   * cleanup must revoke them.
   */
  authenticate(secret: string): ApiKey | undefined {
    const id = this.secrets.get(secret);
    const key = id === undefined ? undefined : this.keys.get(id);
    if (!key) return undefined;
    if (key.status !== 'active' && !(key.revokedAt !== null && this.now().getTime() - Date.parse(key.revokedAt) < this.revocationDelayMs)) return undefined;
    if (key.expiresAt !== null && Date.parse(key.expiresAt) <= this.now().getTime()) return undefined;
    return key;
  }

  /** Everything, for /_sim/state (no secrets). */
  snapshot(): { orgs: Org[]; users: User[]; serviceAccounts: ServiceAccount[]; apiKeys: ApiKey[] } {
    return {
      orgs: [...this.orgs.values()],
      users: [...this.users.values()],
      serviceAccounts: [...this.accounts.values()],
      apiKeys: [...this.keys.values()],
    };
  }
}
