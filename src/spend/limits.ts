import type { CounterOp, SharedCounters } from '../llm/transport/types';

/** The config's test-wide limits (maxCostUSD is kept by the cost ledger, src/spend/budget.ts; maxDurationSec by the schedule). */
interface LimitsSpec {
  maxRequests?: number | undefined;
  maxErrorRate?: number | undefined;
  maxConcurrentReqs?: number | undefined;
  errorRateWindowSec: number;
  errorRateMinSamples: number;
}

/** Why a run was stopped early; the code is kept in a shared counter so handleSummary can name it. */
export const END_REASONS = ['', 'maxRequests reached', 'maxCostUSD reached', 'maxErrorRate exceeded', 'maxCostUSD reached across the fleet', 'maxDurationSec exceeded', 'no request fits maxCostUSD'] as const;
export type EndReason = Exclude<(typeof END_REASONS)[number], ''>;

/**
 * Ends the config plans (a cap: the run did what it was asked, then sends nothing more until its schedule ends, and
 * passes) as opposed to guards (the run could not finish its plan within a safety limit: k6 aborts it, exit 108, and
 * it fails). k6 can end a test early only by aborting it, so a planned cap idles out its schedule instead.
 */
const PLANNED_ENDS: readonly string[] = ['maxRequests reached'];

/** Whether an end reason is a planned cap rather than a guard that failed the run. */
export function isPlannedEnd(reason: string): boolean {
  return PLANNED_ENDS.indexOf(reason) >= 0;
}

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

/** Where a request's admission ops sit in its group: -1 for a limit the run does not set. */
interface AdmitOps {
  ops: CounterOp[];
  /** The maxConcurrentReqs slot. */
  slot: number;
  /** The maxRequests ticket. */
  ticket: number;
}

/**
 * How a settled request counts toward maxErrorRate: answered, failed, or failed with a status in
 * errorHandling.ignoreErrorCodes, which stays out of the window entirely (neither an error nor a request), so a
 * burst of ignored 429s can neither trip the guard nor fill its minimum sample.
 */
type SettledAs = 'answered' | 'failed' | 'ignored';

/** What settling a request books, and how to read the error-rate window back from the group's values. */
export interface SettleOps {
  ops: CounterOp[];
  /** Whether the error rate, read from the values of these ops starting at `from`, breached maxErrorRate. */
  breached(values: number[], from: number): boolean;
}

/**
 * Test-wide limits kept in the process-wide counters, so all VUs of an instance see one total.
 * A request's admission reserves a slot against maxConcurrentReqs and a ticket against maxRequests (admitOps, in
 * the group that rides on the stream call); settling releases the slot and books the outcome for maxErrorRate.
 * A breach returns the reason; the caller aborts the test.
 */
export class RunLimits {
  constructor(
    private readonly spec: LimitsSpec,
    private readonly counters: SharedCounters,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * The admission ops. The slot comes before the ticket, so a ticket is only held by a request about to be sent:
   * the requests counted are the requests sent, even when the run aborts while others wait for a slot.
   */
  admitOps(): AdmitOps {
    const ops: CounterOp[] = [];
    let slot = -1;
    let ticket = -1;
    if (this.spec.maxConcurrentReqs !== undefined) {
      slot = ops.length;
      ops.push({ op: 'tryAdd', key: C_INFLIGHT, delta: 1, limit: this.spec.maxConcurrentReqs });
    }
    if (this.spec.maxRequests !== undefined) {
      ticket = ops.length;
      ops.push({ op: 'tryAdd', key: C_REQUESTS, delta: 1, limit: this.spec.maxRequests });
    }
    return { ops, slot, ticket };
  }

  /** The op that refuses admission once a VU has ended the run. */
  endedCheck(): CounterOp {
    return { op: 'check', key: C_END, max: 0 };
  }

  /**
   * Reserves one request on its own (one group); `wait` is called while all concurrency slots are taken.
   * The session loop puts admitOps() into the stream call's group instead.
   */
  admit(wait: () => void): EndReason | null {
    const { ops, slot } = this.admitOps();
    for (;;) {
      const r = this.counters.group([this.endedCheck(), ...ops]);
      if (r.ok) return null;
      if (r.failed === 0) return this.ended();
      if (r.failed - 1 !== slot) return this.stop('maxRequests reached');
      wait();
    }
  }

  /** The op that frees the request's concurrency slot; none when maxConcurrentReqs is not set. */
  releaseOps(): CounterOp[] {
    return this.spec.maxConcurrentReqs !== undefined ? [{ op: 'add', key: C_INFLIGHT, delta: -1 }] : [];
  }

  /** Frees the request's concurrency slot without booking anything (a request the run itself cut short). */
  release(): void {
    const ops = this.releaseOps();
    if (ops.length > 0) this.counters.group(ops);
  }

  /** The ops that release the slot and book the outcome, with the reading of the error-rate window. */
  settleOps(as: SettledAs): SettleOps {
    const ops = this.releaseOps();
    if (this.spec.maxErrorRate === undefined || as === 'ignored') return { ops, breached: () => false };
    const sec = Math.floor(this.nowMs() / 1000);
    ops.push({ op: 'add', key: reqKey(sec), delta: 1 });
    if (as === 'answered') return { ops, breached: () => false };
    ops.push({ op: 'add', key: errKey(sec), delta: 1 });
    const windowAt = ops.length;
    const window = this.spec.errorRateWindowSec;
    for (let s = sec - window + 1; s <= sec; s++) ops.push({ op: 'get', key: reqKey(s) }, { op: 'get', key: errKey(s) });
    const { errorRateMinSamples, maxErrorRate } = this.spec;
    return {
      ops,
      breached: (values, from) => {
        let req = 0;
        let err = 0;
        for (let i = 0; i < window; i++) {
          req += values[from + windowAt + 2 * i] as number;
          err += values[from + windowAt + 2 * i + 1] as number;
        }
        return req >= errorRateMinSamples && err / req > maxErrorRate;
      },
    };
  }

  /** Releases the request's slot and books its outcome; returns a breached limit, if any. */
  settle(as: SettledAs): EndReason | null {
    const s = this.settleOps(as);
    if (s.ops.length === 0) return null;
    return s.breached(this.counters.group(s.ops).values, 0) ? this.stop('maxErrorRate exceeded') : null;
  }

  /** The reason a VU of this instance ended the run, if one did. */
  ended(): EndReason | null {
    return reasonOf(this.counters.get(C_END));
  }

  /** Records why the run stops; the first reason wins (later breaches are consequences of the same overload). */
  stop(reason: EndReason): EndReason {
    const code = END_REASONS.indexOf(reason);
    const r = this.counters.group([{ op: 'tryAdd', key: C_END, delta: code, limit: code }]);
    return r.ok ? reason : (reasonOf(r.values[0] as number) ?? reason);
  }
}

function reasonOf(code: number): EndReason | null {
  return code > 0 ? (END_REASONS[code] as EndReason) : null;
}
