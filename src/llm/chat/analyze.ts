import type { StreamRecord } from '../transport/relay-record';
import type { StreamError, StreamResponse, TransportKind } from '../transport/types';
import { categoryForTransport, httpError, type ChatError, type ErrorCategory } from './errors';
import { decodeResponse } from './decode';
import { tokensForChars } from '../../behaviour/questions/prompt-size';

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
  /** Whether usage carried prompt_tokens_details.cached_tokens: a platform that never sends it has no cache figures, not 0 hits. */
  cacheReported: boolean;
  tokenSource: TokenSource;
  /** Where the prompt token count came from: usage.prompt_tokens, or the prompt's text estimate. */
  promptTokenSource: TokenSource;
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

/**
 * The outcome of one record, per DESIGN.md's definitions: the record carries the stamps and counts (taken per
 * event by the relay, or by the reference decoder for the buffered transport); this adds the error taxonomy, the
 * token counts (the platform's usage, else the documented text estimate) and TPOT.
 */
export function outcomeFromRecord(rec: StreamRecord, ctx: AnalyzeContext): ChatOutcome {
  const out: ChatOutcome = {
    ok: false,
    status: rec.status,
    itlMs: [],
    chunks: rec.chunks,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    cacheReported: false,
    tokenSource: 'estimate',
    promptTokenSource: 'estimate',
    content: rec.content ?? '',
  };
  if (rec.sentAtMs !== null) out.sentAtMs = rec.sentAtMs;
  if (rec.ttfbMs >= 0) out.ttfbMs = rec.ttfbMs;
  if (rec.error && rec.status === 0) {
    out.error = { category: categoryOf(rec.error), message: rec.error.message };
    return out;
  }
  if (rec.status >= 400) {
    out.error = httpError(rec.status, rec.headers, rec.body, ctx.nowMs);
    return out;
  }
  if (rec.finishReason !== '') out.finishReason = rec.finishReason;
  if (rec.error) {
    out.error = { category: categoryOf(rec.error), message: rec.error.message };
    return out;
  }
  const stamped = ctx.transport === 'streaming' && rec.sse;
  if (stamped) {
    if (rec.ttftMs >= 0) out.ttftMs = rec.ttftMs;
    if (rec.ttfoMs >= 0) out.ttfoMs = rec.ttfoMs;
    if (rec.e2eMs >= 0) out.e2eMs = rec.e2eMs;
    out.itlMs = rec.itlMs;
  } else if (rec.endMs >= 0) {
    out.e2eMs = rec.endMs;
  }
  const usage = rec.usage;
  if (usage?.completion !== undefined) {
    out.completionTokens = usage.completion;
    out.tokenSource = 'usage';
  } else {
    // Documented fallback when usage is missing: the text estimate (4 characters a token), never a chunk count.
    out.completionTokens = tokensForChars(rec.contentChars + rec.reasoningChars);
  }
  out.promptTokens = usage?.prompt ?? ctx.promptTokensEstimate;
  if (usage?.prompt !== undefined) out.promptTokenSource = 'usage';
  out.cachedTokens = usage?.cached ?? 0;
  out.cacheReported = usage?.cached !== undefined;
  const n = out.completionTokens;
  if (out.ttftMs !== undefined && out.e2eMs !== undefined && n >= 2) {
    out.tpotMs = (out.e2eMs - out.ttftMs) / (n - 1);
  }
  out.ok = true;
  return out;
}

/** Whether an answered request counts as a cache hit: its cached share of the prompt reached minRatio. */
export function isCacheHit(o: Pick<ChatOutcome, 'ok' | 'promptTokens' | 'cachedTokens'>, minRatio: number): boolean {
  return o.ok && o.promptTokens > 0 && o.cachedTokens / o.promptTokens >= minRatio;
}

/** The harness's category for a transport or decoder failure. */
function categoryOf(err: { category: StreamError['category']; message: string }): ErrorCategory {
  return err.category === 'malformed_stream' ? 'malformed_stream' : categoryForTransport(err);
}

/** Derives latency, tokens and errors from one raw response (the buffered transport, and the reference for tests). */
export function analyzeResponse(res: StreamResponse, ctx: AnalyzeContext): ChatOutcome {
  return outcomeFromRecord(decodeResponse(res, true), ctx);
}
