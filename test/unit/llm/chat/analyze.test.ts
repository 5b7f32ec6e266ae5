import { describe, expect, it } from 'vitest';
import { analyzeResponse } from '../../../../src/llm/chat/analyze';
import { estimateTokens } from '../../../../src/behaviour/questions/prompt-size';
import { chatRequestBody } from '../../../../src/llm/chat/request';
import type { StreamResponse } from '../../../../src/llm/transport/types';

const MS = 1e6;

function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }], ...extra });
}

function sse(events: [number, string][], over: Partial<StreamResponse> = {}): StreamResponse {
  return {
    status: 200,
    proto: 'HTTP/1.1',
    headers: { 'Content-Type': 'text/event-stream' },
    sse: true,
    events: events.map(([tMs, data]) => ({ t: tMs * MS, event: 'message', id: '', data })),
    timings: { headers: 1 * MS, firstByte: 1 * MS, end: 200 * MS, sentAt: 1_700_000_000_000 },
    ...over,
  };
}

const ctx = { transport: 'streaming' as const, promptTokensEstimate: 11, nowMs: 0 };

describe('metric definitions on a streamed response', () => {
  const res = sse([
    [5, chunk({ role: 'assistant' })],
    [20, chunk({ reasoning_content: 'thinking' })],
    [30, chunk({ content: 'Hel' })],
    [45, chunk({ content: 'lo' })],
    [70, chunk({ content: '!' })],
    [71, JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })],
    [90, JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 8 } } })],
    [91, '[DONE]'],
  ]);
  const o = analyzeResponse(res, ctx);

  it('is a success with the usage counts', () => {
    expect(o.ok).toBe(true);
    expect(o.error).toBeUndefined();
    expect([o.promptTokens, o.completionTokens, o.cachedTokens, o.tokenSource]).toEqual([12, 7, 8, 'usage']);
    expect(o.finishReason).toBe('stop');
    expect(o.content).toBe('Hello!');
  });
  it('TTFT is the first reasoning-or-content event; TTFO the first non-reasoning one', () => {
    expect(o.ttftMs).toBe(20);
    expect(o.ttfoMs).toBe(30);
  });
  it('E2E is the last token-bearing event: the role chunk, finish chunk, usage chunk and [DONE] do not count', () => {
    expect(o.e2eMs).toBe(70);
    expect(o.chunks).toBe(4);
  });
  it('ITL is the gaps between token-bearing events and TPOT is (E2E - TTFT) / (N - 1)', () => {
    expect(o.itlMs).toEqual([10, 15, 25]);
    expect(o.tpotMs).toBeCloseTo((70 - 20) / 6, 9);
  });
  it('TTFB and the send time come from the transport', () => {
    expect(o.ttfbMs).toBe(1);
    expect(o.sentAtMs).toBe(1_700_000_000_000);
  });
});

describe('tokens without usage', () => {
  it('falls back to the documented text estimate and says so, never counting chunks', () => {
    const o = analyzeResponse(sse([[5, chunk({ content: 'a'.repeat(40) })], [6, chunk({ content: 'b' })], [9, '[DONE]']]), ctx);
    expect(o.tokenSource).toBe('estimate');
    expect(o.completionTokens).toBe(estimateTokens('a'.repeat(40) + 'b'));
    expect(o.completionTokens).not.toBe(o.chunks);
    expect(o.promptTokens).toBe(11);
  });
  it('TPOT needs at least two tokens', () => {
    const o = analyzeResponse(sse([[5, chunk({ content: 'x' })], [6, JSON.stringify({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } })], [7, '[DONE]']]), ctx);
    expect(o.tpotMs).toBeUndefined();
    expect(o.ttftMs).toBe(5);
  });
});

describe('tool calls', () => {
  it('tool-call arguments are output tokens', () => {
    const o = analyzeResponse(sse([[8, chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '{"a"' } }] })], [9, chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] })], [10, '[DONE]']]), ctx);
    expect([o.ttftMs, o.ttfoMs, o.e2eMs, o.chunks]).toEqual([8, 8, 9, 2]);
  });
});

describe('buffered (k6/http alone) responses', () => {
  it('report TTFB and E2E, never a TTFT or ITL that the transport could not see', () => {
    const o = analyzeResponse(sse([[200, chunk({ content: 'a' })], [200, chunk({ content: 'b' })], [200, '[DONE]']]), { ...ctx, transport: 'buffered' });
    expect(o.ok).toBe(true);
    expect(o.ttftMs).toBeUndefined();
    expect(o.tpotMs).toBeUndefined();
    expect(o.itlMs).toEqual([]);
    expect(o.ttfbMs).toBe(1);
    expect(o.e2eMs).toBe(200);
  });
});

describe('non-streamed responses', () => {
  it('read content and usage from the JSON body', () => {
    const body = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Paris' }, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 2 } });
    const o = analyzeResponse({ ...sse([]), sse: false, events: [], body, headers: { 'Content-Type': 'application/json' } }, ctx);
    expect([o.ok, o.content, o.completionTokens, o.tokenSource, o.e2eMs, o.ttftMs]).toEqual([true, 'Paris', 2, 'usage', 200, undefined]);
  });
  it('a body that is not JSON is malformed', () => {
    const o = analyzeResponse({ ...sse([]), sse: false, events: [], body: '<html>' }, ctx);
    expect(o.error?.category).toBe('malformed_stream');
  });
});

describe('errors are categorised', () => {
  const errorResponse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    analyzeResponse({ ...sse([]), status, sse: false, events: [], body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } }, ctx);

  it.each([
    [401, { error: 'invalid api key', code: 'AUTH_INVALID' }, 'auth'],
    [402, { error: 'budget exceeded', code: 'BUDGET_EXCEEDED' }, 'budget_exceeded'],
    [402, { error: 'quota', code: 'QUOTA_EXCEEDED' }, 'budget_exceeded'],
    [429, { error: 'slow down', code: 'RATE_LIMIT_EXCEEDED' }, 'rate_limited'],
    [413, { error: 'too large' }, 'http_4xx'],
    [500, { error: 'no route', code: 'ROUTING_ERROR' }, 'http_5xx'],
    [502, { error: 'upstream', code: 'BACKEND_ERROR' }, 'http_5xx'],
  ])('HTTP %i -> %s', (status, body, want) => {
    const o = errorResponse(status, body);
    expect(o.ok).toBe(false);
    expect(o.error?.category).toBe(want);
    expect(o.error?.code).toBe((body as { code?: string }).code);
  });
  it('429 carries Retry-After (header first, then retry_after_seconds)', () => {
    expect(errorResponse(429, { error: 'x', retry_after_seconds: 3 }, { 'Retry-After': '2' }).error?.retryAfterMs).toBe(2000);
    expect(errorResponse(429, { error: 'x', retry_after_seconds: 3 }).error?.retryAfterMs).toBe(3000);
  });
  it('a malformed chunk is malformed_stream', () => {
    expect(analyzeResponse(sse([[5, chunk({ content: 'a' })], [6, '{not json'], [7, '[DONE]']]), ctx).error?.category).toBe('malformed_stream');
  });
  it('a stream that ends without finish_reason or [DONE] was interrupted', () => {
    expect(analyzeResponse(sse([[5, chunk({ content: 'a' })]]), ctx).error?.category).toBe('stream_interrupted');
  });
  it('an error object inside the stream is an interruption', () => {
    expect(analyzeResponse(sse([[5, chunk({ content: 'a' })], [6, JSON.stringify({ error: { message: 'backend died' } })]]), ctx).error?.category).toBe('stream_interrupted');
  });
  it.each([
    ['timeout', 'timeout'],
    ['idle_timeout', 'timeout'],
    ['connection_reset', 'connection_reset'],
    ['connection_refused', 'connection_error'],
    ['dns', 'connection_error'],
    ['tls', 'connection_error'],
    ['aborted', 'aborted'],
    ['unknown', 'other'],
  ] as const)('transport %s before headers -> %s', (cat, want) => {
    const o = analyzeResponse({ ...sse([]), status: 0, sse: false, error: { category: cat, message: 'm' }, timings: { headers: -1, firstByte: -1, end: -1, sentAt: null } }, ctx);
    expect(o.error?.category).toBe(want);
    expect(o.ttfbMs).toBeUndefined();
  });
  it('a stream cut after some tokens is stream_interrupted, not a success', () => {
    const o = analyzeResponse(sse([[5, chunk({ content: 'a' })]], { error: { category: 'stream_interrupted', message: 'reset' } }), ctx);
    expect(o.ok).toBe(false);
    expect(o.error?.category).toBe('stream_interrupted');
  });
});

describe('request body', () => {
  it('asks for usage on streams and carries the cache salt', () => {
    const body = JSON.parse(chatRequestBody({ model: 'm', messages: [{ role: 'user', content: 'q' }], maxTokens: 64, temperature: 0.5, stream: true, includeUsage: true, cacheSalt: 's1' }));
    expect(body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'q' }], max_tokens: 64, temperature: 0.5, stream: true, stream_options: { include_usage: true }, cache_salt: 's1' });
  });
  it('omits stream_options and cache_salt when not wanted', () => {
    const body = JSON.parse(chatRequestBody({ model: 'm', messages: [], maxTokens: 1, temperature: 0, stream: false, includeUsage: true }));
    expect(body.stream_options).toBeUndefined();
    expect(body.cache_salt).toBeUndefined();
  });
});

describe('a cache hit', () => {
  it('is a request whose cached share of the prompt reached the configured ratio, not any cached token', async () => {
    const { isCacheHit } = await import('../../../../src/llm/chat/analyze');
    // A shared 100-token system prompt on a 2,000-token prompt: cached, but no hit at the default 0.5.
    expect(isCacheHit({ ok: true, promptTokens: 2000, cachedTokens: 100 }, 0.5)).toBe(false);
    expect(isCacheHit({ ok: true, promptTokens: 2000, cachedTokens: 1000 }, 0.5)).toBe(true);
    expect(isCacheHit({ ok: true, promptTokens: 2000, cachedTokens: 100 }, 0.05)).toBe(true);
    expect(isCacheHit({ ok: true, promptTokens: 0, cachedTokens: 0 }, 0.5)).toBe(false);
    expect(isCacheHit({ ok: false, promptTokens: 10, cachedTokens: 10 }, 0.5)).toBe(false);
  });
});

describe('cached tokens the platform reported, against cached tokens it never sent', () => {
  const withUsage = (usage: Record<string, unknown>) =>
    analyzeResponse(sse([[5, chunk({ content: 'Hi' })], [6, JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })], [7, JSON.stringify({ choices: [], usage })], [8, '[DONE]']]), ctx);

  it('a reported 0 is cache data: a miss', () => {
    const o = withUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 0 } });
    expect(o).toMatchObject({ ok: true, cachedTokens: 0, cacheReported: true });
  });

  it('usage without prompt_tokens_details (the AI-AAS router) is no cache data at all', () => {
    const o = withUsage({ prompt_tokens: 10, completion_tokens: 1 });
    expect(o).toMatchObject({ ok: true, cachedTokens: 0, cacheReported: false });
  });

  it('prompt_tokens_details without a numeric cached_tokens is no cache data either', () => {
    expect(withUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: null }).cacheReported).toBe(false);
    expect(withUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: '5' } }).cacheReported).toBe(false);
  });
});
