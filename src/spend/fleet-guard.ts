import type { CounterOp, SharedCounters } from '../llm/transport/types';

/** limits.fleetGuard as configured. */
export interface FleetGuardSpec {
  prometheusUrl: string;
  intervalSec: number;
}

/** One query of the fleet's spend: the sum, or why there is none (no series yet, an error, a bad body). */
export type SpendReading = { spendUSD: number } | { problem: string };

const C_NEXT = 'guard:next-check-ms';
const C_LIVE = 'guard:live';
const C_EXHAUSTED = 'guard:exhausted';
const C_WARNED = 'guard:warned';

/**
 * The fleet-wide maxCostUSD guard: at most once per interval per k6 process, one VU asks Prometheus for the run's
 * total spend across all instances, and marks the run spent once it reaches the limit. Each request's admission
 * group carries the guard's ops (preOps), so checking costs no extra round trip. Its lag is the remote-write push
 * interval plus this interval, so the fleet can overspend by its spend rate times that lag.
 *
 * The guard is live only while its last query gave a number. Until then (remote write off, a wrong testid, an
 * outage, a body that is not JSON) an instance must not spend the whole limit on its own, since N instances would
 * spend N times it: the caller keeps each instance to its share, and the guard says so once.
 */
export class FleetGuard {
  constructor(
    private readonly spec: FleetGuardSpec,
    private readonly limitUSD: number,
    private readonly shareUSD: number,
    private readonly counters: SharedCounters,
    private readonly query: () => SpendReading,
    private readonly warn: (msg: string) => void = (m) => console.warn(m),
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The admission ops: when the next check is due, whether the guard is live, and a check that refuses once the fleet is spent. */
  preOps(): CounterOp[] {
    return [
      { op: 'get', key: C_NEXT },
      { op: 'get', key: C_LIVE },
      { op: 'check', key: C_EXHAUSTED, max: 0 },
    ];
  }

  /** Index of the op in preOps() that reads whether the guard is live (its value > 0). */
  static readonly LIVE_OP = 1;
  /** Index of the op in preOps() whose refusal means the fleet has spent the limit. */
  static readonly EXHAUSTED_OP = 2;

  /**
   * Refreshes the fleet's spend when the check read in preOps() (`due`, Unix ms) has come: moving the due time
   * forward succeeds for one VU only, and that VU asks Prometheus.
   */
  refreshIfDue(due: number): void {
    const now = this.nowMs();
    const next = now + this.spec.intervalSec * 1000;
    if (now < due || !this.counters.tryAdd(C_NEXT, next - due, next)) return;
    const reading = this.query();
    const live = 'spendUSD' in reading;
    const was = this.counters.get(C_LIVE);
    if (live !== was > 0) this.counters.add(C_LIVE, live ? 1 - was : -was);
    if (!live) {
      this.warnOnce(reading.problem);
      return;
    }
    if (reading.spendUSD >= this.limitUSD) this.counters.tryAdd(C_EXHAUSTED, 1, 1);
  }

  private warnOnce(problem: string): void {
    if (!this.counters.tryAdd(C_WARNED, 1, 1)) return;
    this.warn(`[loadtest] fleet guard: ${problem}; until Prometheus has data, this instance keeps to its own share of maxCostUSD ($${this.shareUSD.toFixed(4)} of $${this.limitUSD})`);
  }
}
