import type { StreamRecord } from '../transport/relay-record';
import type { StreamResponse } from '../transport/types';
import { isRecord } from './errors';

const NS_PER_MS = 1e6;
/** How much of an error or non-JSON body a record keeps (the relay's limit too). */
const RECORD_BODY_LIMIT = 4096;

/** The headers a record keeps: what the harness reads, never the rest. */
function keptHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(headers)) {
    const l = k.toLowerCase();
    if (l === 'content-type' || l === 'retry-after' || l === 'x-request-id' || l.startsWith('x-ratelimit-') || l.startsWith('ratelimit-')) out[k] = headers[k] as string;
  }
  return out;
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

/** A tool-call delta's text: function names and argument fragments (a first chunk may carry only the name). */
function toolText(delta: Record<string, unknown>): string {
  const calls = delta.tool_calls;
  if (!Array.isArray(calls)) return '';
  let s = '';
  for (const c of calls) {
    if (!isRecord(c) || !isRecord(c.function)) continue;
    if (nonEmpty(c.function.name)) s += c.function.name;
    if (nonEmpty(c.function.arguments)) s += c.function.arguments;
  }
  return s;
}

function readUsage(u: unknown): StreamRecord['usage'] {
  if (!isRecord(u)) return null;
  const out: NonNullable<StreamRecord['usage']> = {};
  if (typeof u.prompt_tokens === 'number') out.prompt = u.prompt_tokens;
  if (typeof u.completion_tokens === 'number') out.completion = u.completion_tokens;
  const details = u.prompt_tokens_details;
  if (isRecord(details) && typeof details.cached_tokens === 'number') out.cached = details.cached_tokens;
  return out;
}

function emptyRecord(res: StreamResponse): StreamRecord {
  const ms = (ns: number) => (ns >= 0 ? ns / NS_PER_MS : -1);
  return {
    v: 1,
    sent: true,
    status: res.status,
    proto: res.proto,
    headers: keptHeaders(res.headers),
    sse: res.sse,
    sentAtMs: res.timings.sentAt,
    ttfbMs: ms(res.timings.firstByte),
    ttftMs: -1,
    ttfoMs: -1,
    e2eMs: -1,
    endMs: ms(res.timings.end),
    itlMs: [],
    events: res.sse ? res.events.length : 0,
    chunks: 0,
    usage: null,
    finishReason: '',
    sawDone: false,
    contentChars: 0,
    reasoningChars: 0,
  };
}

/**
 * The TypeScript reference decoder: one response (its SSE events stamped in ns, or its body) to the relay's record,
 * by the rules of docs/metrics.md. The relay's Go decoder must agree with it on relay/testdata/chat_vectors.json.
 * `keepContent` puts the answer's text in the record, as the relay does when asked.
 */
export function decodeResponse(res: StreamResponse, keepContent: boolean): StreamRecord {
  const rec = emptyRecord(res);
  if (res.status === 0 || res.status >= 400) {
    if (res.status >= 400) rec.body = (res.body ?? res.events.map((e) => e.data).join('\n')).slice(0, RECORD_BODY_LIMIT);
    if (res.error) rec.error = { category: res.error.category, message: res.error.message };
    return rec;
  }
  let content = '';
  if (res.sse) {
    let last = -1;
    for (const ev of res.events) {
      if (ev.data === '[DONE]') {
        rec.sawDone = true;
        continue;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(ev.data);
      } catch {
        rec.error = { category: 'malformed_stream', message: `chunk is not JSON: ${ev.data.slice(0, 60)}` };
        return finish(rec, content, keepContent);
      }
      if (!isRecord(chunk)) {
        rec.error = { category: 'malformed_stream', message: 'chunk is not a JSON object' };
        return finish(rec, content, keepContent);
      }
      if (chunk.error !== undefined && chunk.error !== null) {
        const e = chunk.error;
        const msg = isRecord(e) && typeof e.message === 'string' ? e.message : typeof e === 'string' ? e : 'error event in stream';
        rec.error = { category: 'stream_interrupted', message: `platform error mid-stream: ${msg}` };
        return finish(rec, content, keepContent);
      }
      rec.usage = readUsage(chunk.usage) ?? rec.usage;
      const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
      if (!isRecord(choice)) continue;
      if (nonEmpty(choice.finish_reason)) rec.finishReason = choice.finish_reason;
      const delta = choice.delta;
      if (!isRecord(delta)) continue;
      const text = nonEmpty(delta.content) ? delta.content : '';
      const thought = nonEmpty(delta.reasoning_content) ? delta.reasoning_content : nonEmpty(delta.reasoning) ? delta.reasoning : '';
      const tool = toolText(delta);
      if (!text && !thought && !tool) continue;
      rec.chunks++;
      content += text;
      rec.reasoningChars += thought.length;
      const t = ev.t / NS_PER_MS;
      if (rec.ttftMs < 0) rec.ttftMs = t;
      if (rec.ttfoMs < 0 && (text || tool)) rec.ttfoMs = t;
      if (last >= 0) rec.itlMs.push(t - last);
      last = t;
      rec.e2eMs = t;
    }
    if (res.error) rec.error = { category: res.error.category, message: res.error.message };
    else if (!rec.sawDone && rec.finishReason === '') rec.error = { category: 'stream_interrupted', message: 'stream ended without a finish_reason or [DONE]' };
    return finish(rec, content, keepContent);
  }
  if (res.error) {
    rec.error = { category: res.error.category, message: res.error.message };
    return finish(rec, content, keepContent);
  }
  let json: unknown;
  try {
    json = JSON.parse(res.body ?? '');
  } catch {
    rec.body = (res.body ?? '').slice(0, RECORD_BODY_LIMIT);
    rec.error = { category: 'malformed_stream', message: 'response body is not JSON' };
    return finish(rec, content, keepContent);
  }
  if (!isRecord(json)) {
    rec.error = { category: 'malformed_stream', message: 'response body is not a JSON object' };
    return finish(rec, content, keepContent);
  }
  rec.usage = readUsage(json.usage);
  const choice = Array.isArray(json.choices) ? json.choices[0] : undefined;
  if (isRecord(choice)) {
    if (nonEmpty(choice.finish_reason)) rec.finishReason = choice.finish_reason;
    const msg = choice.message;
    if (isRecord(msg)) {
      if (nonEmpty(msg.content)) content = msg.content;
      if (nonEmpty(msg.reasoning_content)) rec.reasoningChars = msg.reasoning_content.length;
    }
  }
  rec.e2eMs = rec.endMs;
  return finish(rec, content, keepContent);
}

function finish(rec: StreamRecord, content: string, keepContent: boolean): StreamRecord {
  rec.contentChars = content.length;
  if (keepContent) rec.content = content;
  return rec;
}
