import type { ChatError, ErrorCategory } from './errors';

/** The seed's userBehavior.errorHandling. */
export interface ErrorHandling {
  retryAttempts: number;
  retryBackoffMs: number;
  ignoreErrorCodes: number[];
  stopOnErrors: number;
  failureBackoffMs: number;
  failureBackoffMaxMs: number;
}

const RETRYABLE: ErrorCategory[] = ['rate_limited', 'http_5xx', 'timeout', 'connection_reset', 'connection_error', 'stream_interrupted'];

/** Whether a failed attempt is worth another: transient failures yes; auth, budget and other 4xx never. */
export function shouldRetry(err: ChatError, attempt: number, policy: ErrorHandling): boolean {
  return attempt <= policy.retryAttempts && RETRYABLE.indexOf(err.category) >= 0;
}

/** Longest wait the harness accepts from a Retry-After, so one answer cannot park a user for the whole run. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Wait before retry `attempt` (1-based): exponential from retryBackoffMs, or the server's Retry-After when longer. */
export function retryDelayMs(err: ChatError, attempt: number, policy: ErrorHandling): number {
  const backoff = policy.retryBackoffMs * Math.pow(2, attempt - 1);
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(backoff, err.retryAfterMs ?? 0));
}

/**
 * When each API key may send again: a Retry-After (capped at MAX_RETRY_AFTER_MS) opens a window for the key that
 * answered it, and the key's next request waits it out, even when it is the user's next question rather than a
 * retry (retries spent, the user went on). Per key: a user's other keys are not held back.
 */
export class RetryAfterWindows {
  private readonly until: Record<string, number> = {};

  /** Notes the window an answer's Retry-After opened for the key, at nowMs; a later end never shortens. */
  note(key: string, nowMs: number, retryAfterMs: number | undefined): void {
    if (retryAfterMs === undefined || !(retryAfterMs > 0)) return;
    const end = nowMs + Math.min(MAX_RETRY_AFTER_MS, retryAfterMs);
    if (end > (this.until[key] ?? 0)) this.until[key] = end;
  }

  /** How long the key must still wait before its next request at nowMs, ms; 0 once its window has closed. */
  waitMs(key: string, nowMs: number): number {
    return Math.max(0, (this.until[key] ?? 0) - nowMs);
  }
}

/**
 * Whether a failure counts as an error: toward stopOnErrors, maxErrorRate and limits.failAboveErrorRate (llm_request_failed).
 * Statuses in ignoreErrorCodes do not; they are still counted under llm_errors and reported (a 429 as throttling).
 */
export function countsAsError(status: number, policy: Pick<ErrorHandling, 'ignoreErrorCodes'>): boolean {
  return policy.ignoreErrorCodes.indexOf(status) < 0;
}

/** Pause after the n-th failed request in a row (1-based): baseMs doubled per failure, at most maxMs; 0 when off. */
export function failureBackoffDelayMs(failuresInRow: number, baseMs: number, maxMs: number): number {
  if (failuresInRow < 1 || baseMs <= 0) return 0;
  return Math.min(maxMs, baseMs * Math.pow(2, Math.min(failuresInRow - 1, 30)));
}
