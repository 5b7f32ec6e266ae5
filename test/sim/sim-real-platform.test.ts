// The sim's switches that mirror what the real AI-AAS services were seen to do (issue 16): a router that cannot
// stream, key validations cached past revocation, OAuth-style login errors, the router's words for an unknown
// model, a budget API that is not there, and vLLM's /health and /v1/models.
import { afterEach, describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index';
import type { RunningSim, SimConfigInput } from '../../sim/index';
import { adminAuth, chat, groundTruth, http, provision, sendJson, USER_MSG } from './helpers';

const FAST = { ttftBaseMs: 5, prefillMsPerToken: 0, gapMs: 1, output: { kind: 'fixed', tokens: 4 } } as const;
let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(config: SimConfigInput = {}, clock?: () => Date): Promise<RunningSim> {
  sim = await startSim({ config: { models: { 'gpt-4o': FAST }, ...config }, ...(clock ? { clock } : {}) });
  return sim;
}

const json = (t: string): Record<string, unknown> => JSON.parse(t) as Record<string, unknown>;

describe('router.streaming: false (the real router cannot stream)', () => {
  it('answers stream:true with 502 BACKEND_ERROR and the real body, and still serves stream:false', async () => {
    const s = await start({ router: { streaming: false } });
    const t = await provision(s, 'nostream');
    const streamed = await chat(s, t.secret, { model: 'gpt-4o', messages: USER_MSG, stream: true });
    expect(streamed.status).toBe(502);
    expect(json(streamed.text)).toMatchObject({ code: 'BACKEND_ERROR', error: "unmarshal OpenAI chat response: invalid character 'd' looking for beginning of value" });
    expect((await chat(s, t.secret, { model: 'gpt-4o', messages: USER_MSG, stream: false })).status).toBe(200);
    const truth = await groundTruth(s);
    expect(truth.map((r) => [r.stream, r.status, r.errorCode])).toEqual([
      [true, 502, 'BACKEND_ERROR'],
      [false, 200, null],
    ]);
  });
  it('streams by default', async () => {
    const s = await start();
    const t = await provision(s, 'stream');
    const r = await chat(s, t.secret, { model: 'gpt-4o', messages: USER_MSG, stream: true });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
  });
});

describe('router.revocationDelaySeconds (the real router caches key validations)', () => {
  it('accepts a revoked key until the delay has passed since its revocation, then 401s it', async () => {
    let now = Date.parse('2026-12-06T12:00:00Z');
    const s = await start({ router: { revocationDelaySeconds: 30 } }, () => new Date(now));
    const auth = await adminAuth(s);
    const t = await provision(s, 'cached', auth);
    const body = { model: 'gpt-4o', messages: USER_MSG };
    const revoke = await http(`${s.adminUrl}/v1/orgs/${t.orgId}/api-keys/${t.apiKeyId}`, { method: 'DELETE', headers: auth });
    expect(revoke.status).toBe(204);
    expect((await chat(s, t.secret, body)).status).toBe(200);
    now += 29_900;
    expect((await chat(s, t.secret, body)).status).toBe(200);
    now += 200;
    const refused = await chat(s, t.secret, body);
    expect(refused.status).toBe(401);
    expect(json(refused.text)).toMatchObject({ code: 'AUTH_INVALID' });
  });
  it('refuses a revoked key at once by default', async () => {
    const s = await start();
    const auth = await adminAuth(s);
    const t = await provision(s, 'nocache', auth);
    await http(`${s.adminUrl}/v1/orgs/${t.orgId}/api-keys/${t.apiKeyId}`, { method: 'DELETE', headers: auth });
    expect((await chat(s, t.secret, { model: 'gpt-4o', messages: USER_MSG })).status).toBe(401);
  });
});

describe('admin login with wrong credentials', () => {
  it('answers 400 invalid_grant JSON, as the real service does', async () => {
    const s = await start();
    const r = await sendJson(`${s.adminUrl}/v1/auth/login`, 'POST', { email: 'admin@sim.local', password: 'wrong' });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(json(r.text)).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('unknown model', () => {
  it('answers 500 ROUTING_ERROR "no routing policy configured", as the real router', async () => {
    const s = await start();
    const t = await provision(s, 'routing');
    const r = await chat(s, t.secret, { model: 'no-such-model', messages: USER_MSG });
    expect(r.status).toBe(500);
    expect(json(r.text)).toMatchObject({ code: 'ROUTING_ERROR', error: 'no routing policy configured' });
  });
});

describe('budgets.api: false (the real admin service has no budget API)', () => {
  it('answers both budget routes 404 route not found, with or without a token', async () => {
    const s = await start({ budgets: { api: false } });
    const auth = await adminAuth(s);
    const t = await provision(s, 'nobudget', auth);
    for (const headers of [auth, {}]) {
      const set = await sendJson(`${s.adminUrl}/v1/budgets/${t.orgId}/overrides`, 'POST', { limitUSD: 1 }, headers);
      expect(set.status).toBe(404);
      expect(json(set.text)).toMatchObject({ error: 'route not found' });
      expect((await http(`${s.adminUrl}/v1/budgets/${t.orgId}/status`, { headers })).status).toBe(404);
    }
  });
  it('serves them by default', async () => {
    const s = await start();
    const auth = await adminAuth(s);
    const t = await provision(s, 'budget', auth);
    expect((await sendJson(`${s.adminUrl}/v1/budgets/${t.orgId}/overrides`, 'POST', { limitUSD: 1 }, auth)).status).toBe(200);
  });
});

describe('vLLM routes', () => {
  it('serves GET /health with 200 and an empty body, without a key', async () => {
    const s = await start();
    const r = await http(`${s.routerUrl}/health`);
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect((await http(`${s.routerUrl}/health`, { method: 'POST' })).status).toBe(405);
  });
  it('lists models in the shape vLLM serves', async () => {
    const s = await start();
    const t = await provision(s, 'models');
    const r = await http(`${s.routerUrl}/v1/models`, { headers: { authorization: `Bearer ${t.secret}` } });
    expect(r.status).toBe(200);
    const body = json(r.text) as { object: string; data: Array<Record<string, unknown>> };
    expect(body.object).toBe('list');
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ id: 'gpt-4o', object: 'model', owned_by: 'vllm', root: 'gpt-4o', parent: null, max_model_len: 32768 });
    expect(typeof body.data[0]?.created).toBe('number');
    expect((body.data[0]?.permission as Array<Record<string, unknown>>)[0]).toMatchObject({ object: 'model_permission', allow_sampling: true });
  });
});
