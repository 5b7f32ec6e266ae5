import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index';
import type { RunningSim, SimConfigInput } from '../../sim/index';
import { chat, groundTruth, isTokenEvent, provision, sseEvents, USER_MSG } from './helpers';

const FAST = { ttftBaseMs: 2, prefillMsPerToken: 0, gapMs: 2, output: { kind: 'fixed' as const, tokens: 6 } };
const model = (faults: Record<string, unknown>): Record<string, unknown> => ({ ...FAST, faults: { afterChunks: 2, ...faults } });

let sim: RunningSim;
let secret: string;

beforeAll(async () => {
  sim = await startSim({
    config: {
      models: {
        f500: model({ http500: 1 }),
        f502: model({ http502: 1 }),
        f503: model({ http503: 1 }),
        f429: model({ http429: 1, retryAfterSeconds: 3 }),
        resetBefore: model({ resetBeforeHeaders: 1 }),
        slowHeaders: model({ slowHeaders: 1, slowHeadersMs: 300 }),
        resetMid: model({ resetMidStream: 1 }),
        malformed: model({ malformedChunk: 1 }),
        stall: model({ stall: 1, stallSeconds: 0.3 }),
        stallEnd: model({ stall: 1, stallSeconds: 0.2, stallThen: 'end' }),
      },
    } as SimConfigInput,
  });
  secret = (await provision(sim, 'faults-org')).secret;
});
afterAll(() => sim.close());

const stream = (m: string): ReturnType<typeof chat> => chat(sim, secret, { model: m, stream: true, messages: USER_MSG });

async function recordOf(requestId: string | undefined): Promise<Record<string, unknown> | undefined> {
  const all = await groundTruth(sim);
  return requestId ? all.find((r) => r.requestId === requestId) : all.at(-1);
}

describe('fault injection on the wire', () => {
  it.each([
    ['f500', 500, 'INTERNAL_ERROR'],
    ['f502', 502, 'BACKEND_ERROR'],
    ['f503', 503, 'SERVICE_UNAVAILABLE'],
  ])('%s answers %i %s', async (m, status, code) => {
    const r = await stream(m);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.text)).toMatchObject({ code });
    expect(await recordOf(r.headers['x-request-id'] as string)).toMatchObject({ status, fault: m.replace('f', 'http') });
  });

  it('429 carries Retry-After and retry_after_seconds', async () => {
    const r = await stream('f429');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('3');
    expect(JSON.parse(r.text)).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', retry_after_seconds: 3 });
  });

  it('resets the connection before headers', async () => {
    const r = await stream('resetBefore');
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/ECONNRESET|socket hang up/);
    expect(await recordOf(undefined)).toMatchObject({ fault: 'resetBeforeHeaders', status: 0, outcome: 'reset' });
  });

  it('delays headers', async () => {
    const r = await stream('slowHeaders');
    expect(r.status).toBe(200);
    expect(r.tHeaders - r.tSend).toBeGreaterThanOrEqual(295);
    expect(sseEvents(r).at(-1)?.data).toBe('[DONE]');
  });

  it('resets mid-stream after some chunks', async () => {
    const r = await stream('resetMid');
    expect(r.status).toBe(200);
    expect(r.error).toBeDefined();
    const events = sseEvents(r);
    expect(events.filter(isTokenEvent)).toHaveLength(2);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(await recordOf(r.headers['x-request-id'] as string)).toMatchObject({ fault: 'resetMidStream', outcome: 'reset', completionTokens: 2 });
    const plain = await chat(sim, secret, { model: 'resetMid', messages: USER_MSG });
    expect(plain.error).toBeDefined();
  });

  it('writes a malformed chunk, then carries on', async () => {
    const r = await stream('malformed');
    const events = sseEvents(r);
    const bad = events.findIndex((e) => e.json === undefined && e.data !== '[DONE]');
    expect(events[bad]?.data).toBe('{not json');
    expect(events.slice(0, bad).filter(isTokenEvent)).toHaveLength(2);
    expect(events.filter(isTokenEvent)).toHaveLength(6);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const plain = await chat(sim, secret, { model: 'malformed', messages: USER_MSG });
    expect(plain.text).toBe('{not json');
  });

  it('stalls mid-stream for the configured time, then continues', async () => {
    const r = await stream('stall');
    const tokens = sseEvents(r).filter(isTokenEvent);
    expect(tokens).toHaveLength(6);
    const gap = (tokens[2]?.at ?? 0) - (tokens[1]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(295);
    expect(sseEvents(r).at(-1)?.data).toBe('[DONE]');
  });

  it('stalls then ends the stream without [DONE] when stallThen is end', async () => {
    const r = await stream('stallEnd');
    const events = sseEvents(r);
    expect(events.filter(isTokenEvent)).toHaveLength(2);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(r.error).toBeUndefined();
    expect(r.tEnd - (events[1]?.at ?? 0)).toBeGreaterThanOrEqual(195);
  });
});

describe('fault determinism', () => {
  async function sequence(seed: number): Promise<number[]> {
    const s = await startSim({ seed, config: { models: { flaky: model({ http503: 0.3, http500: 0.2 }) } } as SimConfigInput });
    try {
      const key = (await provision(s, 'det')).secret;
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await chat(s, key, { model: 'flaky', max_tokens: 1, messages: USER_MSG })).status);
      return out;
    } finally {
      await s.close();
    }
  }

  it('replays the same faults from the same seed', async () => {
    const a = await sequence(7);
    const b = await sequence(7);
    const c = await sequence(8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a)).toEqual(new Set([200, 500, 503]));
  });
});
