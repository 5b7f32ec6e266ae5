import type { SharedCounters } from './transport/types';

/** The config's test-wide limits (maxCostUSD is kept by the cost ledger, lib/budget.ts; maxDurationSec by the schedule). */
export interface LimitsSpec {
  maxRequests?: number | undefined;
  maxErrorRate?: number | undefined;
  maxConcurrentReqs?: number | undefined;
  errorRateWindowSec: number;
  errorRateMinSamples: number;
}

/** Why a run was stopped early; the code is kept in a shared counter so handleSummary can name it. */
export const END_REASONS = ['', 'maxRequests reached', 'maxCostUSD reached', 'maxErrorRate exceeded', 'maxCostUSD reached across the fleet', 'maxDurationSec exceeded'] as const;
export type EndReason = Exclude<(typeof END_REASONS)[number], ''>;

const C_REQUESTS = 'limit:requests';
const C_INFLIGHT = 'limit:inflight';
const C_END = 'limit:end-reason';
const errKey = (sec: number) => `limit:err:${sec}`;
const reqKey = (sec: number) => `limit:req:${sec}`;

/**
 * An instance's share of the count limits: a k6 instance of a split or segmented run sees only its own
 * requests, so each gets its fraction, rounded down, so the instances together never exceed the limit.
 * At least 1, so a tiny share still runs: with more instances than the limit allows, the total may reach
 * one per instance.
 */
export function shareOfLimits(spec: LimitsSpec, fraction: number): LimitsSpec {
  const share = (n: number | undefined) => (n === undefined ? undefined : Math.max(1, Math.floor(n * fraction + 1e-9)));
  return { ...spec, maxRequests: share(spec.maxRequests), maxConcurrentReqs: share(spec.maxConcurrentReqs) };
}

/**
 * Test-wide limits kept in the process-wide counters, so all VUs of an instance see one total.
 * admit() reserves a request against maxRequests and a slot against maxConcurrentReqs before it is
 * sent; settle() releases the slot and books the outcome for maxErrorRate. A breach returns the
 * reason; the caller aborts the test.
 */
export class RunLimits {
  constructor(
    private readonly spec: LimitsSpec,
    private readonly counters: SharedCounters,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * Reserves one request; `wait` is called while all concurrency slots are taken. The slot comes first and
   * the maxRequests ticket after it, so a ticket is only held by a request about to be sent: the requests
   * counted are the requests sent, even when the run aborts while others wait for a slot.
   */
  admit(wait: () => void): EndReason | null {
    const end = this.ended();
    if (end) return end;
    if (this.spec.maxConcurrentReqs !== undefined) {
      while (!this.counters.tryAdd(C_INFLIGHT, 1, this.spec.maxConcurrentReqs)) {
        wait();
        const ended = this.ended();
        if (ended) return ended;
      }
    }
    if (this.spec.maxRequests !== undefined && !this.counters.tryAdd(C_REQUESTS, 1, this.spec.maxRequests)) {
      this.release();
      return this.stop('maxRequests reached');
    }
    return null;
  }

  /** Frees the request's concurrency slot without booking anything (a request the run itself cut short). */
  release(): void {
    if (this.spec.maxConcurrentReqs !== undefined) this.counters.add(C_INFLIGHT, -1);
  }

  /** Releases the request's slot and books its outcome; returns a breached limit, if any. */
  settle(failed: boolean): EndReason | null {
    this.release();
    if (this.spec.maxErrorRate !== undefined) {
      const sec = Math.floor(this.nowMs() / 1000);
      this.counters.add(reqKey(sec), 1);
      if (failed) {
        this.counters.add(errKey(sec), 1);
        if (this.errorRateExceeded(sec)) return this.stop('maxErrorRate exceeded');
      }
    }
    return null;
  }

  /** The reason a VU of this instance ended the run, if one did. */
  ended(): EndReason | null {
    const code = this.counters.get(C_END);
    return code > 0 ? (END_REASONS[code] as EndReason) : null;
  }

  private errorRateExceeded(nowSec: number): boolean {
    let req = 0;
    let err = 0;
    for (let s = nowSec - this.spec.errorRateWindowSec + 1; s <= nowSec; s++) {
      req += this.counters.get(reqKey(s));
      err += this.counters.get(errKey(s));
    }
    return req >= this.spec.errorRateMinSamples && err / req > (this.spec.maxErrorRate as number);
  }

  /** Records why the run stops; the first reason wins (later breaches are consequences of the same overload). */
  stop(reason: EndReason): EndReason {
    const code = END_REASONS.indexOf(reason);
    this.counters.tryAdd(C_END, code, code);
    return END_REASONS[this.counters.get(C_END)] as EndReason;
  }
}
