import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, startSim } from '../../sim/index';
import type { RunningSim } from '../../sim/index';
import { adminAuth, chat, http, provision, sendJson, USER_MSG } from './helpers';

let sim: RunningSim;
let auth: Record<string, string>;

beforeAll(async () => {
  sim = await startSim({ config: { admin: { password: 'pw-from-config' } } });
  const r = await sendJson(`${sim.adminUrl}/v1/auth/login`, 'POST', { email: 'admin@sim.local', password: 'pw-from-config' });
  auth = { authorization: `Bearer ${(JSON.parse(r.text) as { access_token: string }).access_token}` };
});
afterAll(() => sim.close());

const json = (t: string): Record<string, unknown> => JSON.parse(t) as Record<string, unknown>;

describe('admin: login', () => {
  it('returns an OAuth token for the seeded admin', async () => {
    const r = await sendJson(`${sim.adminUrl}/v1/auth/login`, 'POST', { email: 'ADMIN@sim.local', password: 'pw-from-config', scope: 'orgs' });
    expect(r.status).toBe(200);
    const body = json(r.text);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'orgs' });
    expect(typeof body.access_token).toBe('string');
    expect(r.headers['x-request-id']).toMatch(/^adm-/);
  });
  it('rejects bad credentials with 400 invalid_grant JSON (as the real service) and a bad body with 400', async () => {
    const bad = await sendJson(`${sim.adminUrl}/v1/auth/login`, 'POST', { email: 'admin@sim.local', password: 'nope' });
    expect(bad.status).toBe(400);
    expect(json(bad.text)).toMatchObject({ error: 'invalid_grant' });
    const malformed = await http(`${sim.adminUrl}/v1/auth/login`, { method: 'POST', body: '{oops' });
    expect(malformed.status).toBe(400);
    const missing = await sendJson(`${sim.adminUrl}/v1/auth/login`, 'POST', { email: 'admin@sim.local' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('password');
  });
  it('falls back to the documented default password when neither config nor env sets one', async () => {
    const other = await startSim({ config: parseConfig({}, 'test', {}) });
    try {
      await expect(adminAuth(other)).resolves.toHaveProperty('authorization');
    } finally {
      await other.close();
    }
  });
});

describe('admin: auth, unknown routes and methods', () => {
  it('requires a bearer token on /v1/orgs/** (401 text/plain)', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic abc' }];
    for (const h of attempts) {
      const r = await sendJson(`${sim.adminUrl}/v1/orgs`, 'POST', { name: 'x', slug: 'x' }, h);
      expect(r.status).toBe(401);
      expect(r.headers['content-type']).toMatch(/^text\/plain/);
    }
    expect((await http(`${sim.adminUrl}/v1/budgets/x/status`)).status).toBe(401);
    expect((await http(`${sim.adminUrl}/v1/orgs/x/unknown`)).status).toBe(401);
  });
  it('answers unknown routes with 404 JSON and wrong methods with 405', async () => {
    const r = await http(`${sim.adminUrl}/v1/nothing`, { headers: auth });
    expect(r.status).toBe(404);
    expect(json(r.text)).toMatchObject({ error: 'route not found' });
    const wrong = await http(`${sim.adminUrl}/v1/auth/login`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
  });
  it('serves health checks', async () => {
    expect((await http(`${sim.adminUrl}/healthz`)).status).toBe(200);
    expect((await http(`${sim.adminUrl}/readyz`)).status).toBe(200);
  });
});

describe('admin: orgs', () => {
  it('creates, reads by id and slug, patches, and rejects duplicates and bad input', async () => {
    const r = await sendJson(`${sim.adminUrl}/v1/orgs`, 'POST', { name: 'Acme', slug: 'Acme-Corp', metadata: { team: 'qa' } }, auth);
    expect(r.status).toBe(201);
    const org = json(r.text);
    expect(org).toMatchObject({ name: 'Acme', slug: 'acme-corp', status: 'active', metadata: { team: 'qa' } });
    for (const k of ['orgId', 'createdAt', 'updatedAt']) expect(typeof org[k]).toBe('string');
    expect((await sendJson(`${sim.adminUrl}/v1/orgs`, 'POST', { name: 'Dup', slug: 'acme-corp' }, auth)).status).toBe(409);
    expect((await sendJson(`${sim.adminUrl}/v1/orgs`, 'POST', { name: 'x' }, auth)).status).toBe(400);
    expect((await sendJson(`${sim.adminUrl}/v1/orgs`, 'POST', { name: 'x', slug: 'bad slug!' }, auth)).status).toBe(400);

    const byId = await http(`${sim.adminUrl}/v1/orgs/${org.orgId as string}`, { headers: auth });
    const bySlug = await http(`${sim.adminUrl}/v1/orgs/acme-corp`, { headers: auth });
    expect(byId.status).toBe(200);
    expect(json(bySlug.text).orgId).toBe(org.orgId);
    expect((await http(`${sim.adminUrl}/v1/orgs/nope`, { headers: auth })).status).toBe(404);

    const p = await sendJson(`${sim.adminUrl}/v1/orgs/acme-corp`, 'PATCH', { displayName: 'ACME', status: 'suspended' }, auth);
    expect(p.status).toBe(200);
    expect(json(p.text)).toMatchObject({ displayName: 'ACME', status: 'suspended' });
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/acme-corp`, 'PATCH', { status: 'deleted' }, auth)).status).toBe(400);
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/missing`, 'PATCH', { status: 'active' }, auth)).status).toBe(404);
    // 409: a display name another org already shows (case-insensitive); the rejected PATCH changes nothing.
    await sendJson(`${sim.adminUrl}/v1/orgs`, 'POST', { name: 'Other', slug: 'other-corp' }, auth);
    const clash = await sendJson(`${sim.adminUrl}/v1/orgs/other-corp`, 'PATCH', { displayName: 'acme', status: 'suspended' }, auth);
    expect(clash.status).toBe(409);
    expect(clash.headers['content-type']).toMatch(/^text\/plain/);
    expect(json((await http(`${sim.adminUrl}/v1/orgs/other-corp`, { headers: auth })).text)).toMatchObject({ displayName: null, status: 'active' });
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/acme-corp`, 'PATCH', { displayName: 'ACME' }, auth)).status).toBe(200);
    const del = await http(`${sim.adminUrl}/v1/orgs/acme-corp`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(405);
  });
});

describe('admin: users, keys, service accounts', () => {
  it('invites a user, requires activation before a key, issues and revokes keys', async () => {
    const orgId = json((await sendJson(`${sim.adminUrl}/v1/orgs`, 'POST', { name: 'U', slug: 'users-org' }, auth)).text).orgId as string;
    const inv = await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/invites`, 'POST', { email: 'Ann@Example.com', roles: ['dev'] }, auth);
    expect(inv.status).toBe(202);
    const invite = json(inv.text);
    expect(invite).toMatchObject({ email: 'ann@example.com', status: 'pending' });
    expect(typeof invite.expiresAt).toBe('string');
    const userId = invite.inviteId as string;
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/invites`, 'POST', { email: 'ann@example.com' }, auth)).status).toBe(409);
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/invites`, 'POST', { email: 'not-an-email' }, auth)).status).toBe(400);
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/nope/invites`, 'POST', { email: 'a@b.io' }, auth)).status).toBe(404);

    const early = await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/users/${userId}/api-keys`, 'POST', {}, auth);
    expect(early.status).toBe(400);
    expect(early.headers['content-type']).toMatch(/^text\/plain/);

    expect((await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/users/${userId}`, 'PATCH', { status: 'bogus' }, auth)).status).toBe(400);
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/users/nobody`, 'PATCH', { status: 'active' }, auth)).status).toBe(404);
    const act = await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/users/${userId}`, 'PATCH', { status: 'active' }, auth);
    expect(act.status).toBe(200);
    expect(json(act.text)).toMatchObject({ userId, status: 'active', roles: ['dev'] });
    expect((await http(`${sim.adminUrl}/v1/orgs/${orgId}/users/${userId}`, { method: 'DELETE', headers: auth })).status).toBe(405);
    const got = await http(`${sim.adminUrl}/v1/orgs/${orgId}/users/${userId}`, { headers: auth });
    expect(got.status).toBe(200);
    expect(json(got.text)).toMatchObject({ userId, orgId, email: 'ann@example.com', status: 'active' });
    expect((await http(`${sim.adminUrl}/v1/orgs/${orgId}/users/nobody`, { headers: auth })).status).toBe(404);
    expect((await http(`${sim.adminUrl}/v1/orgs/%E0%A4%A/users/x`, { headers: auth })).status).toBe(404);

    const kr = await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/users/${userId}/api-keys`, 'POST', { scopes: ['inference'], expiresInDays: 7 }, auth);
    expect(kr.status).toBe(201);
    const key = json(kr.text);
    expect(key).toMatchObject({ status: 'active' });
    for (const k of ['apiKeyId', 'secret', 'fingerprint', 'expiresAt']) expect(typeof key[k]).toBe('string');
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/users/nobody/api-keys`, 'POST', {}, auth)).status).toBe(404);
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/users/${userId}/api-keys`, 'POST', { expiresInDays: -1 }, auth)).status).toBe(400);

    const keyUrl = `${sim.adminUrl}/v1/orgs/${orgId}/api-keys/${key.apiKeyId as string}`;
    expect((await http(keyUrl, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await http(keyUrl, { method: 'DELETE', headers: auth })).status).toBe(409);
    expect((await http(`${sim.adminUrl}/v1/orgs/${orgId}/api-keys/unknown`, { method: 'DELETE', headers: auth })).status).toBe(404);
  });

  it('issues service-account keys that work on the router', async () => {
    const orgId = json((await sendJson(`${sim.adminUrl}/v1/orgs`, 'POST', { name: 'S', slug: 'sa-org' }, auth)).text).orgId as string;
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/service-accounts`, 'POST', {}, auth)).status).toBe(400);
    const sa = await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/service-accounts`, 'POST', { name: 'ci-bot' }, auth);
    expect(sa.status).toBe(201);
    const saId = json(sa.text).serviceAccountId as string;
    const kr = await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/service-accounts/${saId}/api-keys`, 'POST', {}, auth);
    expect(kr.status).toBe(201);
    const secret = json(kr.text).secret as string;
    const r = await chat(sim, secret, { model: 'gpt-3.5-turbo', max_tokens: 2, messages: USER_MSG });
    expect(r.status).toBe(200);
    expect((await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/service-accounts/nope/api-keys`, 'POST', {}, auth)).status).toBe(404);
  });

  it('keeps keys working after suspension until revoked, and /_sim/state shows statuses', async () => {
    const t = await provision(sim, 'suspend-org', auth);
    await sendJson(`${sim.adminUrl}/v1/orgs/${t.orgId}/users/${t.userId}`, 'PATCH', { status: 'suspended' }, auth);
    await sendJson(`${sim.adminUrl}/v1/orgs/${t.orgId}`, 'PATCH', { status: 'suspended' }, auth);
    expect((await chat(sim, t.secret, { model: 'gpt-3.5-turbo', max_tokens: 1, messages: USER_MSG })).status).toBe(200);
    await http(`${sim.adminUrl}/v1/orgs/${t.orgId}/api-keys/${t.apiKeyId}`, { method: 'DELETE', headers: auth });
    const after = await chat(sim, t.secret, { model: 'gpt-3.5-turbo', max_tokens: 1, messages: USER_MSG });
    expect(after.status).toBe(401);
    expect(json(after.text)).toMatchObject({ code: 'AUTH_INVALID' });

    const state = json((await http(`${sim.adminUrl}/_sim/state`)).text) as {
      orgs: Array<{ orgId: string; status: string }>;
      users: Array<{ userId: string; status: string }>;
      apiKeys: Array<{ apiKeyId: string; status: string; secret?: string }>;
    };
    expect(state.orgs.find((o) => o.orgId === t.orgId)?.status).toBe('suspended');
    expect(state.users.find((u) => u.userId === t.userId)?.status).toBe('suspended');
    const key = state.apiKeys.find((k) => k.apiKeyId === t.apiKeyId);
    expect(key?.status).toBe('revoked');
    expect(JSON.stringify(state)).not.toContain(t.secret);
  });
});

describe('admin: budgets', () => {
  it('sets limits with POST /v1/budgets/{org}/overrides (200 with the status) and reports status; 400, 401, 404', async () => {
    const t = await provision(sim, 'budget-admin-org', auth);
    const overrides = (org: string): string => `${sim.adminUrl}/v1/budgets/${org}/overrides`;
    const s0 = await http(`${sim.adminUrl}/v1/budgets/${t.orgId}/status`, { headers: auth });
    expect(s0.status).toBe(200);
    expect(json(s0.text)).toMatchObject({ orgId: t.orgId, limitUSD: null, dailyUSD: null, spentUSD: 0, exceeded: false });
    const set = await sendJson(overrides(t.slug), 'POST', { limitUSD: 5, dailyUSD: 1 }, auth);
    expect(set.status).toBe(200);
    expect(json(set.text)).toMatchObject({ orgId: t.orgId, limitUSD: 5, dailyUSD: 1, remainingUSD: 5, remainingTodayUSD: 1 });
    expect(json((await http(`${sim.adminUrl}/v1/budgets/${t.orgId}/status`, { headers: auth })).text)).toMatchObject({ limitUSD: 5, dailyUSD: 1 });

    for (const bad of [{}, { limitUSD: -1 }, { dailyUSD: 'ten' }]) {
      const r = await sendJson(overrides(t.orgId), 'POST', bad, auth);
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toMatch(/^text\/plain/);
    }
    expect((await http(overrides(t.orgId), { method: 'POST', headers: auth, body: '{oops' })).status).toBe(400);
    expect((await sendJson(overrides(t.orgId), 'POST', { limitUSD: 1 })).status).toBe(401);
    expect((await sendJson(overrides(t.orgId), 'POST', { limitUSD: 1 }, { authorization: 'Bearer stale' })).status).toBe(401);
    expect((await sendJson(overrides('nope'), 'POST', { limitUSD: 1 }, auth)).status).toBe(404);
    expect((await http(`${sim.adminUrl}/v1/budgets/nope/status`, { headers: auth })).status).toBe(404);
    expect((await http(overrides(t.orgId), { headers: auth })).status).toBe(405);
    // A rejected override changed nothing; null removes one limit and keeps the other.
    const cleared = await sendJson(overrides(t.orgId), 'POST', { dailyUSD: null }, auth);
    expect(json(cleared.text)).toMatchObject({ limitUSD: 5, dailyUSD: null });
  });
});

describe('admin: expiry (injected clock)', () => {
  it('expires admin tokens after expires_in seconds and API keys after expiresInDays', async () => {
    let offsetMs = 0;
    const timed = await startSim({ clock: () => new Date(Date.now() + offsetMs) });
    try {
      const h = await adminAuth(timed);
      const t = await provision(timed, 'expiry-org', h);
      const kr = await sendJson(`${timed.adminUrl}/v1/orgs/${t.orgId}/users/${t.userId}/api-keys`, 'POST', { expiresInDays: 1 }, h);
      const expiring = json(kr.text).secret as string;
      const body = { model: 'gpt-3.5-turbo', max_tokens: 1, messages: USER_MSG };
      expect((await chat(timed, expiring, body)).status).toBe(200);

      offsetMs = 3599_000;
      expect((await http(`${timed.adminUrl}/v1/orgs/${t.orgId}`, { headers: h })).status).toBe(200);
      offsetMs = 3601_000;
      const late = await http(`${timed.adminUrl}/v1/orgs/${t.orgId}`, { headers: h });
      expect(late.status).toBe(401);
      expect(late.text).toContain('expired');
      const fresh = await adminAuth(timed);
      expect((await http(`${timed.adminUrl}/v1/orgs/${t.orgId}`, { headers: fresh })).status).toBe(200);

      offsetMs = 86_400_000 - 60_000;
      expect((await chat(timed, expiring, body)).status).toBe(200);
      offsetMs = 86_400_000 + 60_000;
      const gone = await chat(timed, expiring, body);
      expect(gone.status).toBe(401);
      expect(json(gone.text)).toMatchObject({ code: 'AUTH_INVALID' });
      // A key without expiresInDays never expires.
      expect((await chat(timed, t.secret, body)).status).toBe(200);
    } finally {
      await timed.close();
    }
  });
});

describe('admin faults and live tenants (/_sim/admin-faults, /_sim/live)', () => {
  it('fails a route after N requests, then lists what is still live until it is cleaned up', async () => {
    const s = await startSim({});
    try {
      const a = await adminAuth(s);
      const set = await sendJson(`${s.adminUrl}/_sim/admin-faults`, 'POST', [{ route: 'POST /v1/orgs', status: 500, after: 1, times: 1 }]);
      expect(set.status).toBe(200);
      const first = await sendJson(`${s.adminUrl}/v1/orgs`, 'POST', { name: 'o1', slug: 'o1' }, a);
      const second = await sendJson(`${s.adminUrl}/v1/orgs`, 'POST', { name: 'o2', slug: 'o2' }, a);
      const third = await sendJson(`${s.adminUrl}/v1/orgs`, 'POST', { name: 'o3', slug: 'o3' }, a);
      expect([first.status, second.status, third.status]).toEqual([201, 500, 201]);
      const live = json((await http(`${s.adminUrl}/_sim/live`)).text) as { orgs: string[] };
      expect(live.orgs).toHaveLength(2);
      const bad = await sendJson(`${s.adminUrl}/_sim/admin-faults`, 'POST', [{ route: 'everything', status: 500 }]);
      expect(bad.status).toBe(400);
      // "*" takes the whole admin API away, login included; an empty list brings it back.
      await sendJson(`${s.adminUrl}/_sim/admin-faults`, 'POST', [{ route: '*', status: 503 }]);
      expect((await sendJson(`${s.adminUrl}/v1/auth/login`, 'POST', { email: 'admin@sim.local', password: 'x' })).status).toBe(503);
      await sendJson(`${s.adminUrl}/_sim/admin-faults`, 'POST', []);
      const orgId = (JSON.parse(first.text) as { orgId: string }).orgId;
      expect((await sendJson(`${s.adminUrl}/v1/orgs/${orgId}`, 'PATCH', { status: 'suspended' }, a)).status).toBe(200);
      expect((json((await http(`${s.adminUrl}/_sim/live`)).text) as { orgs: string[] }).orgs).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});
