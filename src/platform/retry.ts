/** Bounded exponential backoff, as the config's platform.retry states it. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Retry a provisioning call on connection errors (status 0), 429 and 5xx; never on other 4xx. */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

/** Delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped, with up to 20% jitter. */
export function backoffMs(attempt: number, policy: RetryPolicy, jitter01: number): number {
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * Math.pow(2, attempt - 1));
  return Math.round(raw * (1 + 0.2 * jitter01));
}
