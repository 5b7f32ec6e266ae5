import { redact } from '../../platform/redact';
import type { StreamError } from '../transport/types';

/**
 * Error categories counted under llm_errors{error_type}: DESIGN.md's list plus the ones a client also meets;
 * relay_unavailable means the harness's own relay did not answer, never the platform.
 */
export const ERROR_CATEGORIES = [
  'auth',
  'rate_limited',
  'budget_exceeded',
  'http_4xx',
  'http_5xx',
  'timeout',
  'connection_reset',
  'connection_error',
  'stream_interrupted',
  'malformed_stream',
  'aborted',
  'relay_unavailable',
  'other',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** A failed request as the harness counts it. */
export interface ChatError {
  category: ErrorCategory;
  message: string;
  /** The platform's error code (`code` in its error JSON), when it sent one. */
  code?: string;
  /** From Retry-After or retry_after_seconds, when the platform asked the client to wait. */
  retryAfterMs?: number;
}

/** Maps an HTTP error status onto a category. */
function categoryForStatus(status: number): ErrorCategory {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'budget_exceeded';
  if (status === 429) return 'rate_limited';
  if (status >= 400 && status < 500) return 'http_4xx';
  if (status >= 500) return 'http_5xx';
  return 'other';
}

/** Maps a transport failure (the relay's or k6/http's) onto a category. */
export function categoryForTransport(err: StreamError): ErrorCategory {
  switch (err.category) {
    case 'timeout':
    case 'idle_timeout':
      return 'timeout';
    case 'connection_reset':
      return 'connection_reset';
    case 'connection_refused':
    case 'dns':
    case 'tls':
      return 'connection_error';
    case 'stream_interrupted':
      return 'stream_interrupted';
    case 'aborted':
      return 'aborted';
    case 'relay_unavailable':
      return 'relay_unavailable';
    default:
      return 'other';
  }
}

/** Parses the wait a 429/402/503 asks for: Retry-After (seconds or HTTP date) or retry_after_seconds. */
function retryAfterMs(headers: Record<string, string>, body: unknown, nowMs: number): number | undefined {
  const header = headers['Retry-After'] ?? headers['retry-after'];
  if (header !== undefined) {
    const secs = Number(header);
    if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  if (isRecord(body) && typeof body.retry_after_seconds === 'number' && body.retry_after_seconds >= 0) {
    return body.retry_after_seconds * 1000;
  }
  return undefined;
}

/** Builds the error of an HTTP error response from its status and the platform's error JSON. */
export function httpError(status: number, headers: Record<string, string>, rawBody: string | undefined, nowMs: number): ChatError {
  let body: unknown;
  try {
    body = rawBody ? JSON.parse(rawBody) : undefined;
  } catch {
    body = undefined;
  }
  const err: ChatError = { category: categoryForStatus(status), message: `HTTP ${status}` };
  if (isRecord(body)) {
    const e = body.error;
    // A server's error text may echo the request's key (`invalid api key sk-...`).
    if (typeof e === 'string') err.message = `HTTP ${status}: ${redact(e)}`;
    else if (isRecord(e) && typeof e.message === 'string') err.message = `HTTP ${status}: ${redact(e.message)}`;
    const code = typeof body.code === 'string' ? body.code : isRecord(e) && typeof e.code === 'string' ? e.code : undefined;
    if (code !== undefined) err.code = code;
  }
  // The platform answers an exhausted quota with 402 QUOTA_EXCEEDED as well as BUDGET_EXCEEDED.
  if (err.code === 'QUOTA_EXCEEDED' || err.code === 'BUDGET_EXCEEDED') err.category = 'budget_exceeded';
  const wait = retryAfterMs(headers, body, nowMs);
  if (wait !== undefined) err.retryAfterMs = wait;
  return err;
}

/** Narrows unknown JSON to an object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
