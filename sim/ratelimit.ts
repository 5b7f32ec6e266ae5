import type { RateConfig } from './config';

export interface RateDecision {
  allowed: boolean;
  /** The most constraining window's limit and what is left of it after this request (for X-RateLimit-*). */
  limit: number;
  remaining: number;
  /** Whole seconds until the blocking window resets (Retry-After), when denied. */
  retryAfterSeconds: number;
  window: 'second' | 'minute';
  /** Requests the subject sent in the blocking window so far, this one and earlier denied ones included (limit_context.current_usage). */
  current: number;
}

interface Window {
  start: number;
  /** Requests admitted in the window: what the limit applies to. */
  count: number;
  /** Every request received in the window, denied ones included. */
  seen: number;
}

/** Fixed-window request counters per subject (an org or a key), per second and per minute; windows are anchored at the subject's first request. */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly cfg: RateConfig) {}

  /** Whether any limit is configured. */
  get enabled(): boolean {
    return this.cfg.perSecond !== null || this.cfg.perMinute !== null;
  }

  /** Counts one request for `subject` at `nowMs` (wall-independent ms) unless a window is full; null if no limits. */
  take(subject: string, nowMs: number): RateDecision | null {
    const specs: Array<{ window: 'second' | 'minute'; ms: number; limit: number }> = [];
    if (this.cfg.perSecond !== null) specs.push({ window: 'second', ms: 1000, limit: this.cfg.perSecond });
    if (this.cfg.perMinute !== null) specs.push({ window: 'minute', ms: 60_000, limit: this.cfg.perMinute });
    if (specs.length === 0) return null;
    const states = specs.map((s) => {
      const key = `${s.window}:${subject}`;
      // Windows start at a subject's first request, so a short test never straddles a window edge by accident.
      let w = this.windows.get(key);
      if (!w) {
        w = { start: nowMs, count: 0, seen: 0 };
        this.windows.set(key, w);
      } else if (nowMs >= w.start + s.ms) {
        w.start += Math.floor((nowMs - w.start) / s.ms) * s.ms;
        w.count = 0;
        w.seen = 0;
      }
      w.seen++;
      return { ...s, w };
    });
    const blocked = states.find((s) => s.w.count >= s.limit);
    if (blocked) {
      const retry = Math.max(1, Math.ceil((blocked.w.start + blocked.ms - nowMs) / 1000));
      return { allowed: false, limit: blocked.limit, remaining: 0, retryAfterSeconds: retry, window: blocked.window, current: blocked.w.seen };
    }
    for (const s of states) s.w.count++;
    const tightest = states.reduce((a, b) => (b.limit - b.w.count < a.limit - a.w.count ? b : a));
    return {
      allowed: true,
      limit: tightest.limit,
      remaining: tightest.limit - tightest.w.count,
      retryAfterSeconds: 0,
      window: tightest.window,
      current: tightest.w.seen,
    };
  }
}
