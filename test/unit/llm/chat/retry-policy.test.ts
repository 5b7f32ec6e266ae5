import { describe, expect, it } from 'vitest';
import { countsAsError, failureBackoffDelayMs, MAX_RETRY_AFTER_MS, retryDelayMs, RetryAfterWindows, shouldRetry } from '../../../../src/llm/chat/retry-policy';

const policy = { retryAttempts: 3, retryBackoffMs: 1000, ignoreErrorCodes: [429, 503], stopOnErrors: 5, failureBackoffMs: 500, failureBackoffMaxMs: 30_000 };

describe('errorHandling', () => {
  it('retries transient failures up to retryAttempts times', () => {
    for (const category of ['rate_limited', 'http_5xx', 'timeout', 'connection_reset', 'connection_error', 'stream_interrupted'] as const) {
      expect(shouldRetry({ category, message: '' }, 1, policy)).toBe(true);
      expect(shouldRetry({ category, message: '' }, 3, policy)).toBe(true);
      expect(shouldRetry({ category, message: '' }, 4, policy)).toBe(false);
    }
  });
  it('never retries auth, budget, client errors or a malformed stream', () => {
    for (const category of ['auth', 'budget_exceeded', 'http_4xx', 'malformed_stream', 'aborted', 'other'] as const) {
      expect(shouldRetry({ category, message: '' }, 1, policy)).toBe(false);
    }
  });
  it('backs off exponentially and honours a longer Retry-After, within a cap', () => {
    expect(retryDelayMs({ category: 'http_5xx', message: '' }, 1, policy)).toBe(1000);
    expect(retryDelayMs({ category: 'http_5xx', message: '' }, 3, policy)).toBe(4000);
    expect(retryDelayMs({ category: 'rate_limited', message: '', retryAfterMs: 7000 }, 1, policy)).toBe(7000);
    expect(retryDelayMs({ category: 'rate_limited', message: '', retryAfterMs: 10 * 60_000 }, 1, policy)).toBe(MAX_RETRY_AFTER_MS);
  });
  it('a user whose requests keep failing pauses longer after each, up to a cap, and not at all when switched off', () => {
    expect([1, 2, 3, 4].map((n) => failureBackoffDelayMs(n, 500, 30_000))).toEqual([500, 1000, 2000, 4000]);
    expect(failureBackoffDelayMs(7, 500, 30_000)).toBe(30_000);
    expect(failureBackoffDelayMs(1000, 500, 30_000)).toBe(30_000);
    expect(failureBackoffDelayMs(0, 500, 30_000)).toBe(0);
    expect(failureBackoffDelayMs(3, 0, 30_000)).toBe(0);
  });
  it('ignoreErrorCodes are not counted toward stopOnErrors', () => {
    expect(countsAsError(429, policy)).toBe(false);
    expect(countsAsError(500, policy)).toBe(true);
    expect(countsAsError(0, policy)).toBe(true);
  });
  it('a Retry-After window holds its key (only that key) until it closes, capped, never shortened', () => {
    const w = new RetryAfterWindows();
    w.note('k1', 1000, 5000);
    w.note('k1', 2000, 1000);
    w.note('k2', 1000, undefined);
    expect(w.waitMs('k1', 3000)).toBe(3000);
    expect(w.waitMs('k1', 6000)).toBe(0);
    expect(w.waitMs('k2', 1000)).toBe(0);
    w.note('k3', 0, 10 * 60_000);
    expect(w.waitMs('k3', 0)).toBe(MAX_RETRY_AFTER_MS);
  });
});
