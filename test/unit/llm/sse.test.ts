import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../../src/llm/sse';

interface Vector {
  name: string;
  chunks: string[];
  events: SseEvent[];
}
const vectors: Vector[] = JSON.parse(readFileSync(new URL('../../../relay/testdata/sse_vectors.json', import.meta.url), 'utf8')).cases;

function parseChunks(chunks: string[]): SseEvent[] {
  const p = new SseParser();
  const got: SseEvent[] = [];
  const emit = (e: SseEvent) => got.push(e);
  for (const c of chunks) p.feed(c, emit);
  p.end(emit);
  return got;
}

describe('SSE parser agrees with the Go parser on the shared vectors', () => {
  it('has the full vector set', () => expect(vectors.length).toBeGreaterThanOrEqual(20));
  for (const v of vectors) {
    it(`${v.name} (as given)`, () => expect(parseChunks(v.chunks)).toEqual(v.events));
    it(`${v.name} (one character at a time)`, () => expect(parseChunks([...v.chunks.join('')])).toEqual(v.events));
  }
});
