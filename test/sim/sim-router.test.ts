import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index';
import type { RunningSim } from '../../sim/index';
import { countTokens, tokenizeChat } from '../../sim/tokenizer';
import { adminAuth, chat, groundTruth, http, isTokenEvent, provision, sendJson, sseEvents, USER_MSG } from './helpers';
import type { Tenant } from './helpers';

let sim: RunningSim;
let t: Tenant;

const FAST = { ttftBaseMs: 5, prefillMsPerToken: 0, gapMs: 1 };
beforeAll(async () => {
  sim = await startSim({
    config: {
      // Caching is covered by sim-cache.test.ts; here repeated prompts must report exact uncached usage.
      cache: { capacityBlocks: 0 },
      models: {
        'gpt-4o': { ...FAST, output: { kind: 'fixed', tokens: 12 } },
        'gpt-3.5-turbo': { ...FAST, tokensPerChunk: 3, output: { kind: 'fixed', tokens: 10 } },
        'deepseek-r1': { ...FAST, reasoningFraction: 0.5, output: { kind: 'fixed', tokens: 8 } },
        'text-embedding-3-small': { kind: 'embedding', ttftBaseMs: 1, embeddingDims: 8 },
      },
    },
  });
  t = await provision(sim, 'router-org');
});
afterAll(() => sim.close());

const json = (s: string): Record<string, unknown> => JSON.parse(s) as Record<string, unknown>;

describe('router: auth', () => {
  it('accepts X-API-Key and Bearer, rejects missing, unknown and revoked keys with 401 AUTH_INVALID', async () => {
    const body = { model: 'gpt-4o', messages: USER_MSG };
    expect((await chat(sim, t.secret, body)).status).toBe(200);
    expect((await sendJson(`${sim.routerUrl}/v1/chat/completions`, 'POST', body, { authorization: `Bearer ${t.secret}` })).status).toBe(200);
    const attempts: Array<Record<string, string>> = [{}, { 'x-api-key': 'sk-sim-unknown' }, { authorization: 'Bearer nope' }];
    for (const headers of attempts) {
      const r = await sendJson(`${sim.routerUrl}/v1/chat/completions`, 'POST', body, headers);
      expect(r.status).toBe(401);
      expect(json(r.text)).toMatchObject({ code: 'AUTH_INVALID', trace_id: r.headers['x-request-id'] });
    }
    const other = await provision(sim, 'revoked-org');
    const auth = await adminAuth(sim);
    await http(`${sim.adminUrl}/v1/orgs/${other.orgId}/api-keys/${other.apiKeyId}`, { method: 'DELETE', headers: auth });
    expect((await chat(sim, other.secret, body)).status).toBe(401);
    expect((await http(`${sim.routerUrl}/v1/models`)).status).toBe(401);
  });
});

describe('router: chat completions', () => {
  it('answers non-streaming OpenAI JSON with usage, routing headers and x-request-id', async () => {
    const r = await chat(sim, t.secret, { model: 'gpt-4o', messages: USER_MSG });
    expect(r.status).toBe(200);
    expect(r.headers['x-routing-backend']).toBe('sim/gpt-4o');
    expect(r.headers['x-routing-decision']).toBe('primary');
    const body = json(r.text) as { object: string; choices: Array<{ message: { role: string; content: string }; finish_reason: string }>; usage: Record<string, unknown> };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]?.message.role).toBe('assistant');
    expect(countTokens(body.choices[0]?.message.content ?? '')).toBe(12);
    expect(body.choices[0]?.finish_reason).toBe('stop');
    const prompt = tokenizeChat(USER_MSG).length;
    expect(body.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: 12,
      total_tokens: prompt + 12,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    const [rec] = await groundTruth(sim, `?id=${r.headers['x-request-id'] as string}`);
    expect(rec).toMatchObject({ status: 200, orgId: t.orgId, keyId: t.apiKeyId, promptTokens: prompt, completionTokens: 12 });
  });

  it('streams SSE chunks with a role chunk, finish_reason, include_usage chunk and [DONE]', async () => {
    const r = await chat(sim, t.secret, { model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, max_tokens: 5, messages: USER_MSG });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/event-stream');
    const events = sseEvents(r);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => e.json as { object: string; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: Record<string, unknown> });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const tokens = events.filter(isTokenEvent);
    expect(tokens).toHaveLength(5);
    const finish = chunks.at(-2);
    expect(finish?.choices[0]?.finish_reason).toBe('length');
    const usage = chunks.at(-1);
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage).toMatchObject({ completion_tokens: 5, prompt_tokens_details: { cached_tokens: 0 } });
  });

  it('omits the usage chunk without include_usage, and groups tokensPerChunk tokens per chunk', async () => {
    const r = await chat(sim, t.secret, { model: 'gpt-3.5-turbo', stream: true, messages: USER_MSG });
    const events = sseEvents(r);
    expect(events.some((e) => e.json?.usage !== undefined)).toBe(false);
    const texts = events.filter(isTokenEvent).map((e) => ((e.json?.choices as Array<{ delta: { content: string } }>)[0]?.delta.content ?? ''));
    expect(texts.map(countTokens)).toEqual([3, 3, 3, 1]);
  });

  it('emits reasoning_content before content for reasoning models', async () => {
    const r = await chat(sim, t.secret, { model: 'deepseek-r1', stream: true, stream_options: { include_usage: true }, messages: USER_MSG });
    const deltas = sseEvents(r)
      .filter(isTokenEvent)
      .map((e) => (e.json?.choices as Array<{ delta: Record<string, string> }>)[0]?.delta ?? {});
    expect(deltas.map((d) => ('reasoning_content' in d ? 'r' : 'c')).join('')).toBe('rrrrcccc');
    const usage = sseEvents(r).find((e) => e.json?.usage)?.json?.usage;
    expect(usage).toMatchObject({ completion_tokens: 8, completion_tokens_details: { reasoning_tokens: 4 } });
    const nonStream = json((await chat(sim, t.secret, { model: 'deepseek-r1', messages: USER_MSG })).text) as {
      choices: Array<{ message: { content: string; reasoning_content: string } }>;
    };
    expect(countTokens(nonStream.choices[0]?.message.reasoning_content ?? '')).toBe(4);
  });

  it('validates: malformed JSON 400 INVALID_REQUEST, missing fields 400 VALIDATION_ERROR, unknown model 500 ROUTING_ERROR, 413', async () => {
    const bad = await http(`${sim.routerUrl}/v1/chat/completions`, { method: 'POST', headers: { 'x-api-key': t.secret }, body: '{"model":' });
    expect(bad.status).toBe(400);
    expect(json(bad.text)).toMatchObject({ code: 'INVALID_REQUEST' });
    const arr = await http(`${sim.routerUrl}/v1/chat/completions`, { method: 'POST', headers: { 'x-api-key': t.secret }, body: '[1]' });
    expect(json(arr.text)).toMatchObject({ code: 'INVALID_REQUEST' });
    for (const body of [{ messages: USER_MSG }, { model: 'gpt-4o' }, { model: 'gpt-4o', messages: [] }, { model: 'gpt-4o', messages: USER_MSG, max_tokens: 0 }]) {
      const r = await chat(sim, t.secret, body);
      expect(r.status).toBe(400);
      expect(json(r.text)).toMatchObject({ code: 'VALIDATION_ERROR' });
    }
    const unknown = await chat(sim, t.secret, { model: 'no-such-model', messages: USER_MSG });
    expect(unknown.status).toBe(500);
    expect(json(unknown.text)).toMatchObject({ code: 'ROUTING_ERROR' });
    const wrongKind = await chat(sim, t.secret, { model: 'text-embedding-3-small', messages: USER_MSG });
    expect(wrongKind.status).toBe(400);
    const big = await chat(sim, t.secret, { model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    expect(big.status).toBe(413);
    expect(json(big.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const gt = await groundTruth(sim, `?id=${big.headers['x-request-id'] as string}`);
    expect(gt[0]).toMatchObject({ status: 413, errorCode: 'PAYLOAD_TOO_LARGE' });
  });

  it('accepts content as text parts and honours max_completion_tokens', async () => {
    const r = await chat(sim, t.secret, {
      model: 'gpt-4o',
      max_completion_tokens: 3,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi there' }] }],
    });
    expect(r.status).toBe(200);
    expect((json(r.text).usage as Record<string, number>).completion_tokens).toBe(3);
  });
});

describe('router: completions, embeddings, models, unknown routes', () => {
  it('serves /v1/completions streaming and not', async () => {
    const url = `${sim.routerUrl}/v1/completions`;
    const r = await sendJson(url, 'POST', { model: 'gpt-4o', prompt: 'Say hello', max_tokens: 4 }, { 'x-api-key': t.secret });
    expect(r.status).toBe(200);
    const body = json(r.text) as { object: string; choices: Array<{ text: string }>; usage: Record<string, number> };
    expect(body.object).toBe('text_completion');
    expect(body.usage.prompt_tokens).toBe(countTokens('Say hello'));
    expect(countTokens(body.choices[0]?.text ?? '')).toBe(4);
    const s = await sendJson(url, 'POST', { model: 'gpt-4o', prompt: 'Say hello', max_tokens: 4, stream: true }, { 'x-api-key': t.secret });
    const events = sseEvents(s);
    expect(events.filter(isTokenEvent)).toHaveLength(4);
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect((await sendJson(url, 'POST', { model: 'gpt-4o' }, { 'x-api-key': t.secret })).status).toBe(400);
  });

  it('serves /v1/embeddings deterministically', async () => {
    const url = `${sim.routerUrl}/v1/embeddings`;
    const a = await sendJson(url, 'POST', { model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'] }, { 'x-api-key': t.secret });
    expect(a.status).toBe(200);
    const body = json(a.text) as { data: Array<{ embedding: number[]; index: number }>; usage: Record<string, number> };
    expect(body.data).toHaveLength(2);
    expect(body.data[0]?.embedding).toHaveLength(8);
    expect(body.usage.prompt_tokens).toBe(countTokens('alpha beta') + countTokens('gamma'));
    const b = json((await sendJson(url, 'POST', { model: 'text-embedding-3-small', input: 'alpha beta' }, { 'x-api-key': t.secret })).text) as typeof body;
    expect(b.data[0]?.embedding).toEqual(body.data[0]?.embedding);
    expect((await sendJson(url, 'POST', { model: 'gpt-4o', input: 'x' }, { 'x-api-key': t.secret })).status).toBe(400);
  });

  it('lists models, serves health, 404s unknown routes and 405s wrong methods', async () => {
    const m = await http(`${sim.routerUrl}/v1/models`, { headers: { 'x-api-key': t.secret } });
    const ids = (json(m.text).data as Array<{ id: string }>).map((d) => d.id);
    expect(ids).toEqual(['gpt-4o', 'gpt-3.5-turbo', 'deepseek-r1', 'text-embedding-3-small']);
    expect((await http(`${sim.routerUrl}/v1/status/healthz`)).status).toBe(200);
    expect((await http(`${sim.routerUrl}/v1/status/readyz`)).status).toBe(200);
    const nf = await http(`${sim.routerUrl}/v1/nope`);
    expect(nf.status).toBe(404);
    expect(json(nf.text)).toMatchObject({ error: 'route not found' });
    expect(nf.headers['x-request-id']).toMatch(/^req-/);
    expect((await http(`${sim.routerUrl}/v1/chat/completions`)).status).toBe(405);
  });
});

describe('router: ground truth and metrics', () => {
  it('records per-chunk write times consistent with what the client saw', async () => {
    const r = await chat(sim, t.secret, { model: 'gpt-4o', stream: true, messages: USER_MSG });
    const [rec] = await groundTruth(sim, `?id=${r.headers['x-request-id'] as string}`);
    const chunks = rec?.chunks as Array<{ atMs: number; dueMs: number; tokens: number }>;
    expect(chunks).toHaveLength(12);
    const received = rec?.receivedMonoMs as number;
    const clientTokens = sseEvents(r).filter(isTokenEvent);
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i] as { atMs: number; dueMs: number };
      expect(c.atMs).toBeGreaterThanOrEqual(c.dueMs);
      // The client reads each chunk after the server wrote it (same monotonic clock).
      expect((clientTokens[i]?.at ?? 0) + 0.001).toBeGreaterThanOrEqual(received + c.atMs);
    }
    expect(rec).toMatchObject({ stream: true, outcome: 'complete', fault: null, completionTokens: 12 });
    expect(rec?.firstTokenMs).toBe(chunks[0]?.atMs);
    expect(typeof rec?.receivedNs).toBe('string');
    expect(rec?.costUSD).toBeCloseTo(((rec?.promptTokens as number) * 0.005 + 12 * 0.015) / 1000, 12);
  });

  it('records headers before the first token, the end after the last chunk and no later than the client saw it', async () => {
    const requests = [
      chat(sim, t.secret, { model: 'gpt-4o', stream: true, messages: USER_MSG }),
      chat(sim, t.secret, { model: 'gpt-3.5-turbo', stream: true, stream_options: { include_usage: true }, messages: USER_MSG }),
      chat(sim, t.secret, { model: 'gpt-4o', messages: USER_MSG }),
    ];
    for (const r of await Promise.all(requests)) {
      const [rec] = await groundTruth(sim, `?id=${r.headers['x-request-id'] as string}`);
      const received = rec?.receivedMonoMs as number;
      const chunks = rec?.chunks as Array<{ atMs: number }>;
      const endMs = rec?.endMs as number;
      if (rec?.stream) expect(rec.headersMs as number).toBeLessThanOrEqual(rec.firstTokenMs as number);
      expect(endMs).toBeGreaterThanOrEqual((rec?.headersMs as number) ?? 0);
      if (chunks.length > 0) expect(endMs).toBeGreaterThanOrEqual(chunks.at(-1)?.atMs as number);
      // Same monotonic clock in both processes' terms: the server's end is recorded before the client reads the end.
      expect(r.tEnd + 0.001).toBeGreaterThanOrEqual(received + endMs);
    }
  });

  it('exposes Prometheus metrics', async () => {
    const m = await http(`${sim.routerUrl}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/plain/);
    expect(m.text).toMatch(/# TYPE sim_requests_total counter/);
    expect(m.text).toMatch(/sim_requests_total\{route="\/v1\/chat\/completions",model="gpt-4o",status="200"\} \d+/);
    expect(m.text).toMatch(/sim_chunk_lateness_seconds\{quantile="0.5"\}/);
    expect((await http(`${sim.adminUrl}/metrics`)).status).toBe(200);
  });
});

/** The value of one sample of a metrics text, or undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('router: metrics after traffic', () => {
  it('counts faults, tokens and cost, and shows in-flight, slot and queue gauges', async () => {
    const m = await startSim({
      config: {
        models: {
          one: { ttftBaseMs: 1, prefillMsPerToken: 0, gapMs: 40, maxConcurrency: 1, output: { kind: 'fixed', tokens: 8 } },
          broken: { ttftBaseMs: 1, faults: { http503: 1 } },
        },
      },
    });
    try {
      const tenant = await provision(m, 'metrics-org');
      const scrape = async (): Promise<string> => (await http(`${m.routerUrl}/metrics`)).text;
      for (let i = 0; i < 2; i++) expect((await chat(m, tenant.secret, { model: 'broken', messages: USER_MSG })).status).toBe(503);
      // Two concurrent streams on one slot: one is served, the other queued, both in flight.
      // A prompt of 2 full cache blocks (46 tokens, 16 per block), so the cache gauge has something to show.
      const messages = [{ role: 'user', content: 'word '.repeat(40) }];
      const streams = [0, 1].map(() => chat(m, tenant.secret, { model: 'one', stream: true, messages }));
      let busy = await scrape();
      for (let i = 0; i < 200 && sample(busy, 'sim_model_queue_depth{model="one"}') !== 1; i++) busy = await scrape();
      expect(sample(busy, 'sim_model_queue_depth{model="one"}')).toBe(1);
      expect(sample(busy, 'sim_model_slots_in_use{model="one"}')).toBe(1);
      expect(sample(busy, 'sim_inflight_requests')).toBe(2);
      await Promise.all(streams);

      const idle = await scrape();
      const prompt = tokenizeChat(messages).length;
      expect(sample(idle, 'sim_faults_total{model="broken",fault="http503"}')).toBe(2);
      expect(sample(idle, 'sim_tokens_total{model="one",kind="completion"}')).toBe(16);
      expect(sample(idle, 'sim_tokens_total{model="one",kind="prompt"}')).toBe(2 * prompt);
      expect(sample(idle, 'sim_chunks_total{model="one"}')).toBe(16);
      const spent = (await groundTruth(m)).reduce((sum, r) => sum + (r.costUSD as number), 0);
      expect(spent).toBeGreaterThan(0);
      expect(sample(idle, `sim_cost_usd_total{org="${tenant.orgId}"}`)).toBeCloseTo(spent, 12);
      for (const series of ['sim_inflight_requests', 'sim_model_slots_in_use{model="one"}', 'sim_model_queue_depth{model="one"}']) {
        expect(sample(idle, series)).toBe(0);
      }
      const state = JSON.parse((await http(`${m.routerUrl}/_sim/state`)).text) as { cache: { blocks: number } };
      expect(state.cache.blocks).toBe(2);
      expect(sample(idle, 'sim_kv_cache_blocks')).toBe(2);
      expect(sample(idle, 'sim_tokens_total{model="one",kind="cached"}')).toBe(32);
      expect(sample(idle, 'sim_chunk_lateness_seconds{quantile="0.5"}')).toBeGreaterThanOrEqual(0);
    } finally {
      await m.close();
    }
  });
});
