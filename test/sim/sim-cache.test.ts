import { afterAll, describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index';
import type { RunningSim } from '../../sim/index';
import { tokenizeChat } from '../../sim/tokenizer';
import { chat, provision } from './helpers';

const started: RunningSim[] = [];
afterAll(async () => {
  for (const s of started) await s.close();
});

async function simWith(leaky: boolean): Promise<{ sim: RunningSim; secret: string }> {
  const sim = await startSim({
    config: {
      cache: { blockTokens: 16, capacityBlocks: 1024, leaky },
      models: { m: { ttftBaseMs: 1, prefillMsPerToken: 0, gapMs: 0, output: { kind: 'fixed', tokens: 2 } } },
    },
  });
  started.push(sim);
  return { sim, secret: (await provision(sim, 'cache-org')).secret };
}

const LONG = [
  { role: 'system', content: 'You are a careful assistant. '.repeat(20) },
  { role: 'user', content: 'Summarise the design of the prefix cache.' },
];

async function cachedTokens(sim: RunningSim, secret: string, body: Record<string, unknown>): Promise<number> {
  const r = await chat(sim, secret, { model: 'm', stream: true, stream_options: { include_usage: true }, ...body });
  const usageLine = r.text.split('\n').find((l) => l.includes('"usage"'));
  const usage = (JSON.parse((usageLine ?? '').slice(6)) as { usage: { prompt_tokens_details: { cached_tokens: number } } }).usage;
  return usage.prompt_tokens_details.cached_tokens;
}

describe('prefix KV cache', () => {
  it('reports cached tokens for a repeated prompt with the same salt, none across salts', async () => {
    const { sim, secret } = await simWith(false);
    const promptLen = tokenizeChat(LONG).length;
    const fullBlocks = Math.floor((promptLen - 1) / 16) * 16;
    expect(await cachedTokens(sim, secret, { messages: LONG, cache_salt: 'tenant-a' })).toBe(0);
    expect(await cachedTokens(sim, secret, { messages: LONG, cache_salt: 'tenant-a' })).toBe(fullBlocks);
    expect(await cachedTokens(sim, secret, { messages: LONG, cache_salt: 'tenant-b' })).toBe(0);
    expect(await cachedTokens(sim, secret, { messages: LONG })).toBe(0);
    // A shared prefix with a different ending hits on the shared blocks only.
    const variant = [LONG[0] as { role: string; content: string }, { role: 'user', content: 'Something else entirely, please.' }];
    const hit = await cachedTokens(sim, secret, { messages: variant, cache_salt: 'tenant-a' });
    expect(hit).toBeGreaterThan(0);
    expect(hit).toBeLessThan(fullBlocks + 16);
  });

  it('shares entries across salts when leaky', async () => {
    const { sim, secret } = await simWith(true);
    expect(await cachedTokens(sim, secret, { messages: LONG, cache_salt: 'tenant-a' })).toBe(0);
    expect(await cachedTokens(sim, secret, { messages: LONG, cache_salt: 'tenant-b' })).toBeGreaterThan(0);
  });

  it('reports cached tokens on the non-streaming path and cuts prefill time', async () => {
    const sim = await startSim({
      config: { models: { slow: { ttftBaseMs: 1, prefillMsPerToken: 0.5, gapMs: 0, output: { kind: 'fixed', tokens: 1 } } } },
    });
    started.push(sim);
    const { secret } = await provision(sim, 'prefill-org');
    const first = await chat(sim, secret, { model: 'slow', messages: LONG });
    const second = await chat(sim, secret, { model: 'slow', messages: LONG });
    const usage = (r: typeof first): { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } } =>
      (JSON.parse(r.text) as { usage: { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } } }).usage;
    expect(usage(first).prompt_tokens_details.cached_tokens).toBe(0);
    const cached = usage(second).prompt_tokens_details.cached_tokens;
    expect(cached).toBeGreaterThan(0);
    // Prefill is 0.5 ms per uncached token, so the cached request is faster by about 0.5 * cached ms.
    const t1 = first.tHeaders - first.tSend;
    const t2 = second.tHeaders - second.tSend;
    expect(t1 - t2).toBeGreaterThan(0.5 * cached * 0.7);
  });
});
