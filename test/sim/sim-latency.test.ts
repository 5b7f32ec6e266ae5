import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index';
import type { RunningSim } from '../../sim/index';
import { countTokens, tokenizeChat } from '../../sim/tokenizer';
import { chat, groundTruth, isTokenEvent, median, provision, sseEvents } from './helpers';
import type { Tenant } from './helpers';

const BASE = 40;
const PREFILL = 0.1;
const GAP = 20;
const TOKENS = 25;

let sim: RunningSim;
let t: Tenant;

beforeAll(async () => {
  sim = await startSim({
    config: {
      cache: { capacityBlocks: 0 },
      models: {
        steady: { ttftBaseMs: BASE, prefillMsPerToken: PREFILL, gapMs: GAP, maxConcurrency: 500, output: { kind: 'fixed', tokens: TOKENS } },
        narrow: { ttftBaseMs: 30, prefillMsPerToken: 0, gapMs: 5, maxConcurrency: 4, output: { kind: 'fixed', tokens: 5 } },
      },
    },
  });
  t = await provision(sim, 'latency-org');
});
afterAll(() => sim.close());

interface Measured {
  ttft: number;
  tSend: number;
  gaps: number[];
  requestId: string;
}

async function streamOnce(model: string, content: string): Promise<Measured> {
  const r = await chat(sim, t.secret, { model, stream: true, messages: [{ role: 'user', content }] });
  const tokens = sseEvents(r).filter(isTokenEvent);
  const first = tokens[0]?.at ?? NaN;
  return {
    ttft: first - r.tSend,
    tSend: r.tSend,
    gaps: tokens.slice(1).map((e, i) => e.at - (tokens[i]?.at ?? NaN)),
    requestId: r.headers['x-request-id'] as string,
  };
}

describe('latency model on loopback', () => {
  it('matches configured TTFT and inter-token gap within 2 ms (median) at 100 concurrent streams', async () => {
    // Prompts of different lengths, so prefill per token is part of what is checked.
    const prompts = Array.from({ length: 100 }, (_, i) => 'word '.repeat(10 + (i % 5) * 40));
    const expectedTtft = prompts.map((p) => BASE + PREFILL * tokenizeChat([{ role: 'user', content: p }]).length);
    // Warm-up opens the 100 keep-alive connections, so TCP connects are not counted as TTFT.
    await Promise.all(prompts.map((p) => chat(sim, t.secret, { model: 'steady', max_tokens: 1, messages: [{ role: 'user', content: p }] })));

    const round = async (): Promise<{ ttftError: number; gapError: number; gaps: number; overlapMs: number; latenessMs: number }> => {
      // Starts are spread over 200 ms (each stream lasts over 500 ms, so all 100 overlap): a burst of 100 requests
      // in one tick would measure this process's own HTTP parsing backlog, not the latency model.
      const results = await Promise.all(
        prompts.map((p, i) => new Promise<Measured>((resolve) => setTimeout(() => resolve(streamOnce('steady', p)), i * 2))),
      );
      const records = await groundTruth(sim, '?limit=100');
      const ends = records.map((r) => (r.receivedMonoMs as number) + (r.endMs as number));
      const starts = records.map((r) => r.receivedMonoMs as number);
      const gapErrors = results.flatMap((r) => r.gaps.map((g) => g - GAP));
      return {
        ttftError: median(results.map((r, i) => r.ttft - (expectedTtft[i] as number))),
        gapError: median(gapErrors),
        gaps: gapErrors.length,
        overlapMs: Math.min(...ends) - Math.max(...starts),
        // The sim's own view: chunks written close to their deadlines.
        latenessMs: median(records.flatMap((r) => (r.chunks as Array<{ atMs: number; dueMs: number }>).map((c) => c.atMs - c.dueMs))),
      };
    };
    // Client-side TTFT includes this process's scheduling on a shared 2-core machine; a round disturbed by other
    // processes is retried (at most 5 rounds), while the kept round must show all 100 streams overlapping.
    let best = await round();
    for (let attempt = 1; attempt < 5 && Math.abs(best.ttftError) >= 2; attempt++) {
      const next = await round();
      if (Math.abs(next.ttftError) < Math.abs(best.ttftError)) best = next;
    }
    expect(best.overlapMs).toBeGreaterThan(0);
    expect(best.gaps).toBe(100 * (TOKENS - 1));
    expect(Math.abs(best.ttftError)).toBeLessThan(2);
    expect(Math.abs(best.gapError)).toBeLessThan(2);
    expect(best.latenessMs).toBeLessThan(1);
  });

  it('queues beyond maxConcurrency so TTFT grows with load', async () => {
    const alone = await Promise.all(Array.from({ length: 4 }, (_, i) => streamOnce('narrow', `solo ${i}`)));
    const aloneRecords = await groundTruth(sim, '?limit=4');
    expect(aloneRecords.every((r) => (r.queueWaitMs as number) < 1)).toBe(true);
    const loaded = await Promise.all(Array.from({ length: 12 }, (_, i) => streamOnce('narrow', `busy ${i}`)));
    const aloneTtft = median(alone.map((r) => r.ttft));
    const sorted = loaded.map((r) => r.ttft).sort((a, b) => a - b);
    // Service time is 30 + 4 * 5 = 50 ms: the third wave of 4 waits about two service times.
    expect(median(sorted.slice(8))).toBeGreaterThan(aloneTtft + 70);
    const records = await groundTruth(sim, '?limit=12');
    const waits = records.map((r) => r.queueWaitMs as number);
    expect(waits.filter((w) => w > 20).length).toBeGreaterThanOrEqual(8);
  });
});

describe('jitter and multi-token chunks on the wire', () => {
  const JGAP = 20;
  const JITTER = 16;
  const PER_CHUNK = 4;
  const KGAP = 5;

  interface Wire {
    /** Server deadlines and client arrivals of each token chunk, relative to the first chunk's, ms. */
    due: number[];
    arrived: number[];
    /** Tokens per chunk as the client counted them and as the server recorded them. */
    clientTokens: number[];
    serverTokens: number[];
  }

  /** Starts a sim with `seed` and streams `count` times in a row from `model`: what the server planned and the client saw. */
  async function streamsFrom(seed: number, model: 'jittery' | 'chunky', count: number): Promise<Wire[]> {
    const s = await startSim({
      seed,
      config: {
        cache: { capacityBlocks: 0 },
        models: {
          jittery: { ttftBaseMs: 5, prefillMsPerToken: 0, gapMs: JGAP, jitterMs: JITTER, output: { kind: 'fixed', tokens: 12 } },
          chunky: { ttftBaseMs: 5, prefillMsPerToken: 0, gapMs: KGAP, tokensPerChunk: PER_CHUNK, output: { kind: 'fixed', tokens: 38 } },
        },
      },
    });
    try {
      const tenant = await provision(s, 'wire-org');
      const out: Wire[] = [];
      for (let i = 0; i < count; i++) {
        const r = await chat(s, tenant.secret, { model, stream: true, messages: [{ role: 'user', content: 'hello' }] });
        const events = sseEvents(r).filter(isTokenEvent);
        const [rec] = await groundTruth(s, `?id=${r.headers['x-request-id'] as string}`);
        const chunks = rec?.chunks as Array<{ dueMs: number; tokens: number }>;
        out.push({
          due: chunks.map((c) => c.dueMs - (chunks[0]?.dueMs ?? NaN)),
          arrived: events.map((e) => e.at - (events[0]?.at ?? NaN)),
          clientTokens: events.map((e) => countTokens((e.json?.choices as Array<{ delta: { content: string } }>)[0]?.delta.content ?? '')),
          serverTokens: chunks.map((c) => c.tokens),
        });
      }
      return out;
    } finally {
      await s.close();
    }
  }

  /**
   * How far the client's arrivals stray from the server's schedule: median distance of each chunk's
   * arrival-minus-deadline from the median of those, so a constant delay or one late chunk (a cold first
   * request, a descheduled client) does not count.
   */
  function wireError(w: Wire): number {
    const offsets = w.arrived.map((t, j) => t - (w.due[j] as number));
    const mid = median(offsets);
    return median(offsets.map((o) => Math.abs(o - mid)));
  }

  it('delays chunk j by a seeded draw in [0, jitterMs) after first + j * gapMs, the same for the same seed', async () => {
    const runs = await streamsFrom(7, 'jittery', 3);
    const [again] = await streamsFrom(7, 'jittery', 1);
    const [other] = await streamsFrom(8, 'jittery', 1);
    for (const w of runs) {
      const jitter = w.due.map((d, j) => d - j * JGAP);
      expect(jitter).toHaveLength(12);
      for (const x of jitter) {
        expect(x).toBeGreaterThan(-1e-6);
        expect(x).toBeLessThan(JITTER);
      }
      // The draws are spread over the range, not all zero.
      expect(Math.max(...jitter) - Math.min(...jitter.slice(1))).toBeGreaterThan(JITTER / 2);
    }
    const rounded = (w: Wire | undefined): string[] => (w?.due ?? []).map((d) => d.toFixed(6));
    expect(rounded(again)).toEqual(rounded(runs[0]));
    expect(rounded(other)).not.toEqual(rounded(runs[0]));
    // The client sees the jittered schedule: against the plain one the error would be about JITTER / 4 = 4 ms.
    // Best of the streams, as a loaded machine may deschedule this process during one of them.
    expect(Math.min(...runs.map(wireError))).toBeLessThan(1.5);
  });

  it('sends tokensPerChunk tokens per chunk, tokensPerChunk * gapMs apart', async () => {
    const runs = await streamsFrom(7, 'chunky', 3);
    for (const w of runs) {
      expect(w.clientTokens).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4, 2]);
      expect(w.serverTokens).toEqual(w.clientTokens);
      w.due.forEach((d, j) => expect(d).toBeCloseTo(j * PER_CHUNK * KGAP, 6));
    }
    const gapError = (w: Wire): number => Math.abs(median(w.arrived.slice(1).map((t, j) => t - (w.arrived[j] as number))) - PER_CHUNK * KGAP);
    expect(Math.min(...runs.map(gapError))).toBeLessThan(1.5);
    expect(Math.min(...runs.map(wireError))).toBeLessThan(1.5);
  });
});
