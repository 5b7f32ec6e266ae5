import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryable } from '../../../src/platform/retry';

describe('admin API retries during provisioning and cleanup', () => {
  it('retry connection errors, 429 and 5xx; never another 4xx, which would fail the same way again', () => {
    expect([0, 429, 500, 502, 503, 504].every(isRetryable)).toBe(true);
    expect([400, 401, 403, 404, 405, 409, 413].some(isRetryable)).toBe(false);
  });

  it('back off exponentially from the base delay, capped at the max, with at most 20% jitter', () => {
    const policy = { attempts: 6, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, policy, 0))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffMs(2, policy, 1)).toBe(240);
    expect(backoffMs(9, policy, 1)).toBe(1200);
  });
});
