// The TypeScript reference decoder and the relay's Go decoder (relay/chat.go) must agree on every shared vector:
// the same events or body give the same stamps, counts, usage and error category.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeResponse } from '../../../../src/llm/chat/decode';
import type { StreamResponse } from '../../../../src/llm/transport/types';

interface Vector {
  name: string;
  sse: boolean;
  events?: { t: number; data: string }[];
  body?: string;
  endMs?: number;
  expect: {
    chunks: number;
    ttftMs: number;
    ttfoMs: number;
    e2eMs: number;
    itlMs: number[];
    usage: { prompt?: number; completion?: number; cached?: number } | null;
    finishReason: string;
    sawDone: boolean;
    contentChars: number;
    reasoningChars: number;
    content: string;
    error: string | null;
  };
}

const file = join(__dirname, '..', '..', '..', '..', 'relay', 'testdata', 'chat_vectors.json');
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: Vector[] };

function response(v: Vector): StreamResponse {
  const events = (v.events ?? []).map((e) => ({ t: e.t * 1e6, event: 'message', id: '', data: e.data }));
  const endMs = v.endMs ?? (v.events && v.events.length > 0 ? (v.events[v.events.length - 1] as { t: number }).t : 0);
  const res: StreamResponse = {
    status: 200,
    proto: 'HTTP/1.1',
    headers: { 'Content-Type': v.sse ? 'text/event-stream' : 'application/json' },
    sse: v.sse,
    events: v.sse ? events : [],
    timings: { headers: 1e6, firstByte: 1e6, end: endMs * 1e6, sentAt: 0 },
  };
  if (!v.sse) res.body = v.body ?? '';
  return res;
}

describe('the reference decoder passes every shared chat vector', () => {
  it('has the vectors', () => expect(cases.length).toBeGreaterThanOrEqual(20));
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, v) => {
    const rec = decodeResponse(response(v), true);
    const got = {
      chunks: rec.chunks,
      ttftMs: rec.ttftMs,
      ttfoMs: rec.ttfoMs,
      e2eMs: rec.e2eMs,
      itlMs: rec.itlMs,
      usage: rec.usage,
      finishReason: rec.finishReason,
      sawDone: rec.sawDone,
      contentChars: rec.contentChars,
      reasoningChars: rec.reasoningChars,
      content: rec.content,
      error: rec.error?.category ?? null,
    };
    const want = { ...v.expect, itlMs: v.expect.itlMs };
    expect({ ...got, itlMs: got.itlMs.map((g) => Math.round(g * 1e6) / 1e6) }).toEqual({ ...want, itlMs: want.itlMs.map((g) => Math.round(g * 1e6) / 1e6) });
  });
});
