import type { StreamResponse, TransportKind } from '../transport/types';
import { estimateTokens } from '../questions/prompt-size';
import { categoryForTransport, httpError, isRecord, type ChatError } from './errors';

const NS_PER_MS = 1e6;

/** Where the output token count came from: the platform's usage, or the documented text estimate. */
export type TokenSource = 'usage' | 'estimate';

/** Everything the harness learns from one chat response. Times are ms since the request was written. */
export interface ChatOutcome {
  ok: boolean;
  status: number;
  error?: ChatError;
  ttfbMs?: number;
  /** Undefined for buffered or non-streamed responses, where no event carries its own arrival time. */
  ttftMs?: number;
  ttfoMs?: number;
  e2eMs?: number;
  tpotMs?: number;
  /** Gaps between consecutive token-bearing events. */
  itlMs: number[];
  /** Token-bearing events (chunks with content, reasoning or tool-call arguments). */
  chunks: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  tokenSource: TokenSource;
  finishReason?: string;
  /** The assistant's visible answer, kept as context for follow-up turns. */
  content: string;
  /** Wall clock (Unix ms) when the request was written, for client-queue figures. */
  sentAtMs?: number;
  /** The platform's x-request-id, to join a request with server-side records. */
  requestId?: string;
  /** Wall time the attempt took, failed ones included: what bounds a request that hangs. */
  attemptMs?: number;
}

/** What the analysis needs to know about the request it answers. */
export interface AnalyzeContext {
  transport: TransportKind;
  /** Prompt token estimate, used only when the platform sends no usage. */
  promptTokensEstimate: number;
  nowMs: number;
}

interface Usage {
  prompt?: number;
  completion?: number;
  cached?: number;
}

function readUsage(u: unknown): Usage | undefined {
  if (!isRecord(u)) return undefined;
  const out: Usage = {};
  if (typeof u.prompt_tokens === 'number') out.prompt = u.prompt_tokens;
  if (typeof u.completion_tokens === 'number') out.completion = u.completion_tokens;
  const details = u.prompt_tokens_details;
  if (isRecord(details) && typeof details.cached_tokens === 'number') out.cached = details.cached_tokens;
  return out;
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

function toolArgs(delta: Record<string, unknown>): string {
  const calls = delta.tool_calls;
  if (!Array.isArray(calls)) return '';
  let s = '';
  for (const c of calls) {
    if (isRecord(c) && isRecord(c.function) && typeof c.function.arguments === 'string') s += c.function.arguments;
  }
  return s;
}

/** Derives latency, tokens and errors from one response (streamed or not), per DESIGN.md's definitions. */
export function analyzeResponse(res: StreamResponse, ctx: AnalyzeContext): ChatOutcome {
  const out: ChatOutcome = {
    ok: false,
    status: res.status,
    itlMs: [],
    chunks: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    tokenSource: 'estimate',
    content: '',
  };
  if (res.timings.sentAt !== null) out.sentAtMs = res.timings.sentAt;
  if (res.timings.firstByte >= 0) out.ttfbMs = res.timings.firstByte / NS_PER_MS;

  if (res.error && res.status === 0) {
    out.error = { category: categoryForTransport(res.error), message: res.error.message };
    return out;
  }
  if (res.status >= 400) {
    out.error = httpError(res.status, res.headers, res.body ?? res.events.map((e) => e.data).join('\n'), ctx.nowMs);
    return out;
  }

  let usage: Usage | undefined;
  let reasoning = '';
  if (res.sse) {
    const stamped = ctx.transport === 'streaming';
    let first: number | undefined;
    let firstOutput: number | undefined;
    let last: number | undefined;
    let sawDone = false;
    for (const ev of res.events) {
      if (ev.data === '[DONE]') {
        sawDone = true;
        continue;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(ev.data);
      } catch {
        out.error = { category: 'malformed_stream', message: `chunk is not JSON: ${ev.data.slice(0, 60)}` };
        return out;
      }
      if (!isRecord(chunk)) {
        out.error = { category: 'malformed_stream', message: 'chunk is not a JSON object' };
        return out;
      }
      if (chunk.error !== undefined) {
        const e = chunk.error;
        const msg = isRecord(e) && typeof e.message === 'string' ? e.message : typeof e === 'string' ? e : 'error event in stream';
        out.error = { category: 'stream_interrupted', message: `platform error mid-stream: ${msg}` };
        return out;
      }
      usage = readUsage(chunk.usage) ?? usage;
      const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
      if (!isRecord(choice)) continue;
      if (nonEmpty(choice.finish_reason)) out.finishReason = choice.finish_reason;
      const delta = choice.delta;
      if (!isRecord(delta)) continue;
      const text = nonEmpty(delta.content) ? delta.content : '';
      const thought = nonEmpty(delta.reasoning_content) ? delta.reasoning_content : nonEmpty(delta.reasoning) ? delta.reasoning : '';
      const args = toolArgs(delta);
      if (!text && !thought && !args) continue;
      out.chunks++;
      out.content += text;
      reasoning += thought;
      const t = ev.t / NS_PER_MS;
      if (first === undefined) first = t;
      if (firstOutput === undefined && (text || args)) firstOutput = t;
      if (stamped && last !== undefined) out.itlMs.push(t - last);
      last = t;
    }
    if (res.error) {
      out.error = { category: categoryForTransport(res.error), message: res.error.message };
      return out;
    }
    if (!sawDone && out.finishReason === undefined) {
      out.error = { category: 'stream_interrupted', message: 'stream ended without a finish_reason or [DONE]' };
      return out;
    }
    if (stamped) {
      if (first !== undefined) out.ttftMs = first;
      if (firstOutput !== undefined) out.ttfoMs = firstOutput;
      if (last !== undefined) out.e2eMs = last;
    } else if (res.timings.end >= 0) {
      out.e2eMs = res.timings.end / NS_PER_MS;
    }
  } else {
    if (res.error) {
      out.error = { category: categoryForTransport(res.error), message: res.error.message };
      return out;
    }
    let json: unknown;
    try {
      json = JSON.parse(res.body ?? '');
    } catch {
      out.error = { category: 'malformed_stream', message: 'response body is not JSON' };
      return out;
    }
    if (!isRecord(json)) {
      out.error = { category: 'malformed_stream', message: 'response body is not a JSON object' };
      return out;
    }
    usage = readUsage(json.usage);
    const choice = Array.isArray(json.choices) ? json.choices[0] : undefined;
    if (isRecord(choice)) {
      if (nonEmpty(choice.finish_reason)) out.finishReason = choice.finish_reason;
      const msg = choice.message;
      if (isRecord(msg)) {
        if (nonEmpty(msg.content)) out.content = msg.content;
        if (nonEmpty(msg.reasoning_content)) reasoning = msg.reasoning_content;
      }
    }
    if (res.timings.end >= 0) out.e2eMs = res.timings.end / NS_PER_MS;
  }

  if (usage?.completion !== undefined) {
    out.completionTokens = usage.completion;
    out.tokenSource = 'usage';
  } else {
    // Documented fallback when usage is missing: the text estimate, never a chunk count.
    out.completionTokens = estimateTokens(out.content + reasoning);
  }
  out.promptTokens = usage?.prompt ?? ctx.promptTokensEstimate;
  out.cachedTokens = usage?.cached ?? 0;
  const n = out.completionTokens;
  if (out.ttftMs !== undefined && out.e2eMs !== undefined && n >= 2) {
    out.tpotMs = (out.e2eMs - out.ttftMs) / (n - 1);
  }
  out.ok = true;
  return out;
}
