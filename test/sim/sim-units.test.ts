import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawOutputTokens, planChunks, Semaphore, ttftMs } from '../../sim/backend';
import { BudgetLedger, costUSD } from '../../sim/budget';
import { ConfigError, loadConfigFile, parseConfig, priceOf } from '../../sim/config';
import { pickFault } from '../../sim/faults';
import { GroundTruth, LatenessHistogram } from '../../sim/groundtruth';
import type { RequestRecord } from '../../sim/groundtruth';
import { PrefixCache } from '../../sim/kvcache';
import { parseFlags } from '../../sim/main';
import { forkRng, Rng } from '../../sim/random';
import { RateLimiter } from '../../sim/ratelimit';
import { monoMs, Scheduler } from '../../sim/scheduler';
import { countTokens, outputToken, tokenize, tokenizeChat } from '../../sim/tokenizer';

const cfg = parseConfig({}, 'test', {});
const gpt4o = cfg.models['gpt-4o']!;

describe('tokenizer', () => {
  it('splits into alnum runs of at most 4 and single punctuation', () => {
    expect(tokenize('Hello, world!')).toEqual(['Hell', 'o', ',', 'worl', 'd', '!']);
    expect(countTokens('a  bb\tccc\ndddd eeeee')).toBe(6);
    expect(countTokens('')).toBe(0);
    expect(countTokens('héllo')).toBe(3);
  });
  it('adds 3 tokens per message and 3 for the reply', () => {
    expect(tokenizeChat([{ role: 'user', content: 'hi' }])).toHaveLength(3 + 1 + 3);
    expect(tokenizeChat([])).toHaveLength(3);
  });
  it('makes output tokens that re-tokenize to one each', () => {
    const text = Array.from({ length: 200 }, (_, i) => outputToken(5, i)).join('');
    expect(countTokens(text)).toBe(200);
  });
  it('makes output tokens that are ASCII words needing no JSON escaping (the stream writer relies on it)', () => {
    for (let i = 0; i < 500; i++) {
      const t = outputToken(3, i);
      expect(Buffer.byteLength(t)).toBe(t.length);
      expect(JSON.stringify(t)).toBe(`"${t}"`);
    }
  });
});

describe('random', () => {
  it('is deterministic per seed and label, and independent across labels', () => {
    const a = forkRng(1, 'x');
    const b = forkRng(1, 'x');
    const c = forkRng(1, 'y');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const r = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(2, 4);
      expect(v >= 2 && v <= 4).toBe(true);
    }
    expect(new Rng(9).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('backend model', () => {
  it('draws output length from the distribution, capped by max_tokens', () => {
    const rng = new Rng(1);
    expect(drawOutputTokens({ kind: 'fixed', tokens: 50 }, rng, undefined)).toBe(50);
    expect(drawOutputTokens({ kind: 'fixed', tokens: 50 }, rng, 7)).toBe(7);
    for (let i = 0; i < 200; i++) {
      const n = drawOutputTokens({ kind: 'uniform', min: 10, max: 20 }, rng, undefined);
      expect(n >= 10 && n <= 20).toBe(true);
      const m = drawOutputTokens({ kind: 'normal', mean: 100, stddev: 50, min: 60, max: 140 }, rng, undefined);
      expect(m >= 60 && m <= 140).toBe(true);
    }
  });
  it('computes TTFT as base plus prefill per uncached token', () => {
    expect(ttftMs({ ...gpt4o, ttftBaseMs: 50, prefillMsPerToken: 0.5 }, 100)).toBe(100);
  });
  it('plans chunks: reasoning first, tokensPerChunk grouping, gap per token, bounded monotonic jitter', () => {
    const m = { ...gpt4o, gapMs: 10, tokensPerChunk: 2, reasoningFraction: 0.5, jitterMs: 0 };
    const plan = planChunks(m, 9, new Rng(1));
    expect(plan.reasoningTokens).toBe(4);
    expect(plan.chunks.map((c) => [c.kind[0], c.tokens, c.offsetMs])).toEqual([
      ['r', 2, 0],
      ['r', 2, 20],
      ['c', 2, 40],
      ['c', 2, 60],
      ['c', 1, 80],
    ]);
    const jittered = planChunks({ ...m, reasoningFraction: 0, tokensPerChunk: 1, jitterMs: 5 }, 50, new Rng(2)).chunks;
    expect(jittered[0]?.offsetMs).toBe(0);
    for (let i = 1; i < jittered.length; i++) {
      const c = jittered[i]!;
      expect(c.offsetMs).toBeGreaterThanOrEqual(jittered[i - 1]!.offsetMs);
      expect(c.offsetMs - i * 10).toBeLessThan(5);
    }
    expect(planChunks({ ...m, reasoningFraction: 1 }, 1, new Rng(1)).reasoningTokens).toBe(0);
  });
  it('semaphore queues FIFO beyond its limit and supports leaving the queue', () => {
    const s = new Semaphore(1);
    const order: string[] = [];
    s.acquire(() => order.push('a'));
    s.acquire(() => order.push('b'));
    const leave = s.acquire(() => order.push('c'));
    s.acquire(() => order.push('d'));
    expect(s.queued).toBe(3);
    leave();
    s.release();
    s.release();
    expect(order).toEqual(['a', 'b', 'd']);
    expect(s.inUse).toBe(1);
  });
});

describe('prefix cache', () => {
  const toks = (n: number, p = 't'): string[] => Array.from({ length: n }, (_, i) => `${p}${i}`);
  it('hits on leading full blocks, partitions by salt, and is shared when leaky', () => {
    const c = new PrefixCache(4, 100, false);
    const keys = c.blockKeys('s1', toks(10));
    expect(keys).toHaveLength(2);
    expect(c.lookup(keys)).toBe(0);
    c.insert(keys);
    expect(c.lookup(c.blockKeys('s1', toks(10)))).toBe(8);
    expect(c.lookup(c.blockKeys('s2', toks(10)))).toBe(0);
    expect(c.lookup(c.blockKeys('s1', [...toks(4), 'x', ...toks(5).slice(1)]))).toBe(4);
    const leaky = new PrefixCache(4, 100, true);
    leaky.insert(leaky.blockKeys('s1', toks(9)));
    expect(leaky.lookup(leaky.blockKeys('s2', toks(9)))).toBe(8);
  });
  it('evicts least recently used blocks beyond capacity', () => {
    const c = new PrefixCache(2, 2, false);
    const a = c.blockKeys('', toks(3, 'a'));
    const b = c.blockKeys('', toks(3, 'b'));
    const d = c.blockKeys('', toks(3, 'd'));
    c.insert(a);
    c.insert(b);
    c.lookup(a);
    c.insert(d);
    expect(c.size).toBe(2);
    expect(c.lookup(a)).toBe(2);
    expect(c.lookup(b)).toBe(0);
  });
});

describe('budget ledger and cost', () => {
  it('prices prompt, cached and completion tokens per 1K', () => {
    expect(costUSD({ input: 0.005, output: 0.015 }, 1000, 0, 1000)).toBeCloseTo(0.02, 12);
    expect(costUSD({ input: 0.004, output: 0.01, cachedInput: 0.001 }, 1000, 500, 0)).toBeCloseTo(0.0025, 12);
    expect(priceOf(cfg, 'gpt-3.5-turbo')).toEqual({ input: 0.0005, output: 0.0015 });
    expect(priceOf(cfg, 'deepseek-r1')).toEqual({ input: 0.001, output: 0.002 });
  });
  it('denies at the total and daily limits and resets the daily spend on a new UTC day', () => {
    let now = new Date('2026-01-01T23:59:00Z');
    const l = new BudgetLedger({ limitUSD: null, dailyUSD: null }, () => now);
    l.setLimits('o', { limitUSD: 10, dailyUSD: 1 });
    l.accrue('o', 0.6);
    expect(l.check('o')).toBeNull();
    l.accrue('o', 0.4);
    expect(l.check('o')).toMatchObject({ quotaType: 'daily', limitUSD: 1, retryAfterSeconds: 60 });
    now = new Date('2026-01-02T00:00:01Z');
    expect(l.check('o')).toBeNull();
    expect(l.status('o')).toMatchObject({ spentUSD: 1, spentTodayUSD: 0 });
    l.accrue('o', 9);
    expect(l.check('o')).toMatchObject({ quotaType: 'total', retryAfterSeconds: null });
    l.begin('o');
    l.begin('o');
    l.end('o');
    expect(l.status('o')).toMatchObject({ inFlight: 1, maxInFlight: 2 });
  });
});

describe('rate limiter', () => {
  it('counts per window and reports Retry-After until the window ends', () => {
    const r = new RateLimiter({ perSecond: 2, perMinute: 3 });
    expect(r.take('k', 0)).toMatchObject({ allowed: true, remaining: 1, limit: 2 });
    expect(r.take('k', 100)).toMatchObject({ allowed: true, remaining: 0 });
    expect(r.take('k', 200)).toMatchObject({ allowed: false, window: 'second', retryAfterSeconds: 1, current: 3 });
    expect(r.take('k', 1000)).toMatchObject({ allowed: true, limit: 3, remaining: 0 });
    expect(r.take('k', 1100)).toMatchObject({ allowed: false, window: 'minute', retryAfterSeconds: 59, current: 5 });
    // current_usage counts every request of the window, denied ones too.
    expect(r.take('k', 1200)).toMatchObject({ allowed: false, current: 6 });
    expect(r.take('other', 1100)).toMatchObject({ allowed: true });
    expect(new RateLimiter({ perSecond: null, perMinute: null }).take('k', 0)).toBeNull();
  });
});

describe('faults', () => {
  it('picks at most one fault per request with the configured frequencies', () => {
    const faults = { ...gpt4o.faults, http500: 0.25, stall: 0.25 };
    const rng = new Rng(11);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const f = pickFault(faults, rng) ?? 'none';
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['http500', 'none', 'stall']);
    expect(counts.get('http500')! / 4000).toBeCloseTo(0.25, 1);
    expect(counts.get('none')! / 4000).toBeCloseTo(0.5, 1);
    expect(pickFault({ ...gpt4o.faults, resetMidStream: 1 }, rng)).toBe('resetMidStream');
  });
});

describe('ground truth', () => {
  it('keeps the newest records in a bounded ring', () => {
    const gt = new GroundTruth(3);
    for (let i = 0; i < 5; i++) gt.add({ seq: i, requestId: `r${i}` } as RequestRecord);
    expect(gt.list().map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(gt.list({ since: 2 }).map((r) => r.seq)).toEqual([3, 4]);
    expect(gt.list({ requestId: 'r3' })).toHaveLength(1);
    expect(gt.list({ limit: 1 }).map((r) => r.seq)).toEqual([4]);
    expect(gt.total).toBe(5);
  });
  it('summarises lateness quantiles at 10 us resolution', () => {
    const h = new LatenessHistogram();
    for (let i = 0; i < 100; i++) h.add(i / 100);
    const s = h.summary();
    expect(s.chunks).toBe(100);
    expect(s.medianMs).toBeCloseTo(0.5, 2);
    expect(s.p99Ms).toBeCloseTo(0.99, 2);
    expect(s.maxMs).toBeCloseTo(0.99, 6);
  });
});

describe('scheduler', () => {
  it.each(['alarm', 'timer'] as const)('runs tasks in deadline order and honours cancel (wake: %s)', async (wake) => {
    const s = new Scheduler(0, wake);
    const t0 = monoMs();
    const ran: Array<[string, number]> = [];
    await new Promise<void>((resolve) => {
      s.at(t0 + 30, () => ran.push(['c', monoMs() - (t0 + 30)]));
      s.at(t0 + 10, () => ran.push(['a', monoMs() - (t0 + 10)]));
      const skipped = s.at(t0 + 15, () => ran.push(['x', 0]));
      s.at(t0 + 20, () => ran.push(['b', monoMs() - (t0 + 20)]));
      s.at(t0 + 40, resolve);
      s.cancel(skipped);
    });
    expect(ran.map((r) => r[0])).toEqual(['a', 'b', 'c']);
    for (const [, late] of ran) expect(late).toBeGreaterThanOrEqual(0);
    await s.close();
  });
});

describe('config and flags', () => {
  it('defaults every field and resolves the admin password from env', () => {
    expect(Object.keys(cfg.models)).toEqual(['gpt-4o', 'gpt-3.5-turbo', 'deepseek-r1', 'gpt-4', 'text-embedding-3-small']);
    expect(cfg.admin).toMatchObject({ email: 'admin@sim.local', password: 'sim-admin-password' });
    expect(parseConfig({}, 'x', { SIM_ADMIN_PASSWORD: 'env-pw' }).admin.password).toBe('env-pw');
    expect(parseConfig({ admin: { password: 'cfg' } }, 'x', { SIM_ADMIN_PASSWORD: 'env-pw' }).admin.password).toBe('cfg');
  });
  it('names the path and reason of each config error', () => {
    const bad = (input: unknown): string => {
      try {
        parseConfig(input, 'bad.yaml', {});
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(bad({ models: { m: { gapMs: -1 } } })).toMatch(/bad\.yaml[\s\S]*models\.m\.gapMs/);
    expect(bad({ models: { m: { faults: { http500: 0.8, stall: 0.5 } } } })).toMatch(/models\.m\.faults: fault probabilities must sum/);
    expect(bad({ models: { m: { output: { kind: 'uniform', min: 5, max: 1 } } } })).toMatch(/models\.m\.output/);
    expect(bad({ listen: { adminPort: 70000 } })).toMatch(/listen\.adminPort/);
    expect(bad({ typo: 1 })).toMatch(/typo/);
    expect(bad({ models: {} })).toMatch(/at least one model/);
  });
  it('loads the sample config and reports unreadable or invalid YAML files', () => {
    const sample = loadConfigFile('configs/sim.yaml', {});
    expect(Object.keys(sample.models)).toContain('gpt-4o');
    const dir = mkdtempSync(join(tmpdir(), 'simcfg-'));
    writeFileSync(join(dir, 'bad.yaml'), 'models: [unclosed');
    expect(() => loadConfigFile(join(dir, 'bad.yaml'), {})).toThrow(/not valid YAML/);
    expect(() => loadConfigFile(join(dir, 'missing.yaml'), {})).toThrow(/cannot read sim config/);
  });
  it('parses CLI flags with clear errors', () => {
    expect(parseFlags(['--config', 'c.yaml', '--admin-port', '0', '--router-port', '9000', '--seed', '5'])).toEqual({
      config: 'c.yaml',
      adminPort: 0,
      routerPort: 9000,
      seed: 5,
    });
    expect(parseFlags(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'])).toEqual({ tlsCert: 'c.pem', tlsKey: 'k.pem' });
    expect(() => parseFlags(['--tls-cert', 'c.pem'])).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => parseFlags(['--router-port', 'abc'])).toThrow(/--router-port must be an integer/);
    expect(() => parseFlags(['--nope'])).toThrow(/Unknown option '--nope'/);
    expect(() => parseFlags(['stray'])).toThrow(/Unexpected argument 'stray'/);
  });
});
