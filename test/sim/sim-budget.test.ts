import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index';
import type { RunningSim } from '../../sim/index';
import { adminAuth, chat, groundTruth, http, provision, sendJson, USER_MSG } from './helpers';

const json = (s: string): Record<string, unknown> => JSON.parse(s) as Record<string, unknown>;

describe('budgets', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSim({
      config: {
        models: {
          'gpt-4o': { ttftBaseMs: 1, prefillMsPerToken: 0, gapMs: 0.2, output: { kind: 'fixed', tokens: 100 } },
          embed: { kind: 'embedding', ttftBaseMs: 1 },
        },
      },
    });
  });
  afterAll(() => sim.close());

  it('stops an org at its limit with 402 BUDGET_EXCEEDED while others keep getting 200s, with exact spend', async () => {
    const auth = await adminAuth(sim);
    const capped = await provision(sim, 'capped', auth);
    const free = await provision(sim, 'free', auth);
    // One request costs prompt * 0.005/1K + 100 * 0.015/1K, about 0.0016 USD: the cap allows 3 requests.
    await sendJson(`${sim.adminUrl}/v1/budgets/${capped.orgId}/overrides`, 'POST', { limitUSD: 0.0045 }, auth);
    const statuses: number[] = [];
    let denial: Record<string, unknown> | undefined;
    for (let i = 0; i < 6; i++) {
      const r = await chat(sim, capped.secret, { model: 'gpt-4o', messages: USER_MSG });
      statuses.push(r.status);
      if (r.status === 402) denial = json(r.text);
    }
    expect(statuses).toEqual([200, 200, 200, 402, 402, 402]);
    expect(denial).toMatchObject({ code: 'BUDGET_EXCEEDED', retry_after_seconds: null, limit_context: { limit: 0.0045, remaining: 0, quota_type: 'total' } });
    expect((denial?.limit_context as { current_usage: number }).current_usage).toBeGreaterThanOrEqual(0.0045);
    for (let i = 0; i < 3; i++) expect((await chat(sim, free.secret, { model: 'gpt-4o', messages: USER_MSG })).status).toBe(200);

    const records = (await groundTruth(sim)).filter((r) => r.orgId === capped.orgId && r.status === 200);
    const spent = records.reduce((s, r) => s + (r.costUSD as number), 0);
    const status = json((await http(`${sim.adminUrl}/v1/budgets/${capped.orgId}/status`, { headers: auth })).text);
    expect(status).toMatchObject({ exceeded: true, deniedRequests: 3, requests: 6, remainingUSD: 0, inFlight: 0, maxInFlight: 1 });
    expect(status.spentUSD).toBeCloseTo(spent, 12);
    const state = json((await http(`${sim.routerUrl}/_sim/state`)).text) as { orgs: Array<{ orgId: string; budget: { spentUSD: number } }> };
    expect(state.orgs.find((o) => o.orgId === capped.orgId)?.budget.spentUSD).toBeCloseTo(spent, 12);
    // Raising the limit lets the org back in.
    await sendJson(`${sim.adminUrl}/v1/budgets/${capped.orgId}/overrides`, 'POST', { limitUSD: 1 }, auth);
    expect((await chat(sim, capped.secret, { model: 'gpt-4o', messages: USER_MSG })).status).toBe(200);
  });

  it('enforces the daily limit with a retry hint until UTC midnight', async () => {
    const t = await provision(sim, 'daily');
    const auth = await adminAuth(sim);
    await sendJson(`${sim.adminUrl}/v1/budgets/${t.orgId}/overrides`, 'POST', { dailyUSD: 0.001 }, auth);
    expect((await chat(sim, t.secret, { model: 'gpt-4o', messages: USER_MSG })).status).toBe(200);
    const r = await chat(sim, t.secret, { model: 'gpt-4o', messages: USER_MSG });
    expect(r.status).toBe(402);
    const body = json(r.text);
    expect(body).toMatchObject({ code: 'BUDGET_EXCEEDED', limit_context: { quota_type: 'daily', limit: 0.001 } });
    expect(body.retry_after_seconds).toBeGreaterThan(0);
    expect(body.retry_after_seconds).toBeLessThanOrEqual(86_400);
  });

  it('answers 402 BUDGET_EXCEEDED on /v1/completions and /v1/embeddings once their own spend reaches the limit', async () => {
    const auth = await adminAuth(sim);
    const calls = {
      completions: { model: 'gpt-4o', prompt: 'Say hello', max_tokens: 2 },
      embeddings: { model: 'embed', input: 'alpha beta' },
    };
    for (const [route, body] of Object.entries(calls)) {
      const t = await provision(sim, `budget-${route}`, auth);
      // Any spend exceeds a limit this small: the first request passes (nothing spent yet), its cost closes the org.
      await sendJson(`${sim.adminUrl}/v1/budgets/${t.orgId}/overrides`, 'POST', { limitUSD: 1e-9 }, auth);
      const call = (): ReturnType<typeof sendJson> => sendJson(`${sim.routerUrl}/v1/${route}`, 'POST', body, { 'x-api-key': t.secret });
      expect((await call()).status).toBe(200);
      const denied = await call();
      expect(denied.status).toBe(402);
      expect(json(denied.text)).toMatchObject({ code: 'BUDGET_EXCEEDED', limit_context: { limit: 1e-9, quota_type: 'total', remaining: 0 } });
      const status = json((await http(`${sim.adminUrl}/v1/budgets/${t.orgId}/status`, { headers: auth })).text);
      expect(status).toMatchObject({ exceeded: true, deniedRequests: 1 });
      expect(status.spentUSD).toBeGreaterThan(0);
    }
  });

  it('tracks max in-flight requests per org and globally', async () => {
    const t = await provision(sim, 'inflight');
    await Promise.all(Array.from({ length: 5 }, () => chat(sim, t.secret, { model: 'gpt-4o', stream: true, messages: USER_MSG })));
    const state = json((await http(`${sim.routerUrl}/_sim/state`)).text) as {
      orgs: Array<{ orgId: string; budget: { maxInFlight: number; inFlight: number } }>;
      inFlight: { inFlight: number; maxInFlight: number };
    };
    const org = state.orgs.find((o) => o.orgId === t.orgId);
    expect(org?.budget.maxInFlight).toBe(5);
    expect(org?.budget.inFlight).toBe(0);
    expect(state.inFlight.maxInFlight).toBeGreaterThanOrEqual(5);
  });
});

describe('rate limits', () => {
  it('limits per key and per org with 429 RATE_LIMIT_EXCEEDED, Retry-After and X-RateLimit headers', async () => {
    const sim = await startSim({
      config: {
        rateLimits: { key: { perMinute: 3 }, org: { perMinute: 5 } },
        models: { 'gpt-4o': { ttftBaseMs: 0, gapMs: 0, output: { kind: 'fixed', tokens: 1 } } },
      },
    });
    try {
      const auth = await adminAuth(sim);
      const a = await provision(sim, 'rl-a', auth);
      const other = await provision(sim, 'rl-b', auth);
      const r1 = await chat(sim, a.secret, { model: 'gpt-4o', messages: USER_MSG });
      expect(r1.status).toBe(200);
      expect(r1.headers['x-ratelimit-limit']).toBe('3');
      expect(r1.headers['x-ratelimit-remaining']).toBe('2');
      await chat(sim, a.secret, { model: 'gpt-4o', messages: USER_MSG });
      await chat(sim, a.secret, { model: 'gpt-4o', messages: USER_MSG });
      const limited = await chat(sim, a.secret, { model: 'gpt-4o', messages: USER_MSG });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      expect(json(limited.text)).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', limit_context: { quota_type: 'key_requests_per_minute', limit: 3 } });
      expect(json(limited.text).retry_after_seconds).toBe(Number(limited.headers['retry-after']));

      // A second key of the same org still has key budget left, but the org window (5) fills up.
      const inv = await sendJson(`${sim.adminUrl}/v1/orgs/${a.orgId}/invites`, 'POST', { email: 'second@rl-a.test' }, auth);
      const userId = json(inv.text).inviteId as string;
      await sendJson(`${sim.adminUrl}/v1/orgs/${a.orgId}/users/${userId}`, 'PATCH', { status: 'active' }, auth);
      const k2 = json((await sendJson(`${sim.adminUrl}/v1/orgs/${a.orgId}/users/${userId}/api-keys`, 'POST', {}, auth)).text).secret as string;
      expect((await chat(sim, k2, { model: 'gpt-4o', messages: USER_MSG })).status).toBe(200);
      expect((await chat(sim, k2, { model: 'gpt-4o', messages: USER_MSG })).status).toBe(200);
      const orgLimited = await chat(sim, k2, { model: 'gpt-4o', messages: USER_MSG });
      expect(orgLimited.status).toBe(429);
      expect(json(orgLimited.text)).toMatchObject({ limit_context: { quota_type: 'org_requests_per_minute', limit: 5 } });
      // Another org is unaffected.
      expect((await chat(sim, other.secret, { model: 'gpt-4o', messages: USER_MSG })).status).toBe(200);

      // current_usage is the real count in the window: each further attempt adds one.
      const again = await chat(sim, a.secret, { model: 'gpt-4o', messages: USER_MSG });
      expect(json(limited.text)).toMatchObject({ limit_context: { current_usage: 4 } });
      expect(json(again.text)).toMatchObject({ limit_context: { current_usage: 5, limit: 3, remaining: 0 } });
      expect(json(orgLimited.text)).toMatchObject({ limit_context: { current_usage: 6 } });
    } finally {
      await sim.close();
    }
  });
});

describe('rate limits on every inference route', () => {
  it('answers 429 RATE_LIMIT_EXCEEDED on /v1/completions and /v1/embeddings, counting all routes in one window', async () => {
    const sim = await startSim({
      config: {
        rateLimits: { key: { perMinute: 2 } },
        models: { 'gpt-4o': { ttftBaseMs: 0, gapMs: 0, output: { kind: 'fixed', tokens: 1 } }, embed: { kind: 'embedding', ttftBaseMs: 0 } },
      },
    });
    try {
      const t = await provision(sim, 'rl-routes');
      const post = (route: string, body: Record<string, unknown>): ReturnType<typeof sendJson> =>
        sendJson(`${sim.routerUrl}/v1/${route}`, 'POST', body, { 'x-api-key': t.secret });
      const completion = { model: 'gpt-4o', prompt: 'hi', max_tokens: 1 };
      const embedding = { model: 'embed', input: 'hi' };
      expect((await post('completions', completion)).status).toBe(200);
      expect((await post('embeddings', embedding)).status).toBe(200);
      for (const [route, body, count] of [['completions', completion, 3], ['embeddings', embedding, 4]] as const) {
        const r = await post(route, body);
        expect(r.status).toBe(429);
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        expect(json(r.text)).toMatchObject({
          code: 'RATE_LIMIT_EXCEEDED',
          limit_context: { quota_type: 'key_requests_per_minute', limit: 2, current_usage: count, remaining: 0 },
        });
      }
    } finally {
      await sim.close();
    }
  });
});
