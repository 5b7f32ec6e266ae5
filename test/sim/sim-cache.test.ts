import { afterAll, describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index';
import type { RunningSim } from '../../sim/index';
import { tokenizeChat } from '../../sim/tokenizer';
import { chat, groundTruth, http, provision } from './helpers';

const started: RunningSim[] = [];
afterAll(async () => {
  for (const s of started) await s.close();
});

async function simWith(leaky: boolean, capacityBlocks = 1024): Promise<{ sim: RunningSim; secret: string }> {
  const sim = await startSim({
    config: {
      cache: { blockTokens: 16, capacityBlocks, leaky },
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

  it("records the same cachedTokens in ground truth as the response's usage reports", async () => {
    const { sim, secret } = await simWith(false);
    for (const stream of [true, false]) {
      for (let i = 0; i < 2; i++) {
        const r = await chat(sim, secret, { model: 'm', stream, stream_options: { include_usage: true }, messages: LONG, cache_salt: `gt-${stream}` });
        const usageText = stream ? (r.text.split('\n').find((l) => l.includes('"usage"')) ?? '').slice(6) : r.text;
        const reported = (JSON.parse(usageText) as { usage: { prompt_tokens_details: { cached_tokens: number } } }).usage.prompt_tokens_details.cached_tokens;
        const [rec] = await groundTruth(sim, `?id=${r.headers['x-request-id'] as string}`);
        expect(rec?.cachedTokens).toBe(reported);
        if (i === 1) expect(reported).toBeGreaterThan(0);
      }
    }
  });

  it('evicts the least recently used blocks over HTTP when the capacity is tiny', async () => {
    // Capacity 4 blocks; each prompt below fills 2 (salts make three distinct prompts of the same text).
    const { sim, secret } = await simWith(false, 4);
    const SHORT = [{ role: 'user', content: 'word '.repeat(40) }];
    const twoBlocks = Math.floor((tokenizeChat(SHORT).length - 1) / 16) * 16;
    expect(twoBlocks).toBe(32);
    const ask = (salt: string): Promise<number> => cachedTokens(sim, secret, { messages: SHORT, cache_salt: salt });
    expect(await ask('a')).toBe(0);
    expect(await ask('b')).toBe(0);
    expect(await ask('a')).toBe(32); // a is now the most recently used, b the least
    expect(await ask('c')).toBe(0); // inserting c evicts b, not a
    const state = JSON.parse((await http(`${sim.routerUrl}/_sim/state`)).text) as { cache: { blocks: number; capacityBlocks: number } };
    expect(state.cache).toMatchObject({ blocks: 4, capacityBlocks: 4 });
    expect(await ask('a')).toBe(32);
    expect(await ask('b')).toBe(0);
  });
});

describe('router.dropPromptTokensDetails: usage as the real AI-AAS router sends it', () => {
  it('leaves prompt_tokens_details out of streamed and non-streamed usage while the cache still serves the prefix', async () => {
    const sim = await startSim({
      config: {
        router: { dropPromptTokensDetails: true },
        cache: { blockTokens: 16, capacityBlocks: 1024 },
        models: { m: { ttftBaseMs: 1, prefillMsPerToken: 0, gapMs: 0, output: { kind: 'fixed', tokens: 2 } } },
      },
    });
    started.push(sim);
    const { secret } = await provision(sim, 'dropped-org');
    await chat(sim, secret, { model: 'm', messages: LONG });
    const streamed = await chat(sim, secret, { model: 'm', messages: LONG, stream: true, stream_options: { include_usage: true } });
    const usageLine = streamed.text.split('\n').find((l) => l.includes('"usage"')) ?? '';
    const streamedUsage = (JSON.parse(usageLine.slice(6)) as { usage: Record<string, unknown> }).usage;
    const plain = (JSON.parse((await chat(sim, secret, { model: 'm', messages: LONG })).text) as { usage: Record<string, unknown> }).usage;
    for (const usage of [streamedUsage, plain]) {
      expect(usage).toHaveProperty('prompt_tokens');
      expect(usage).not.toHaveProperty('prompt_tokens_details');
    }
    const truth = (await groundTruth(sim)) as { cachedTokens: number }[];
    expect(truth.slice(1).every((r) => r.cachedTokens > 0)).toBe(true);
  });
});
