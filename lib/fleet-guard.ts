import http from 'k6/http';
import { fleetSpendQuery, parseInstantValue } from './fleet-query';
import type { CounterOp, SharedCounters } from './transport/types';

/** limits.fleetGuard as configured. */
export interface FleetGuardSpec {
  prometheusUrl: string;
  intervalSec: number;
}

const C_NEXT = 'guard:next-check-ms';
const C_EXHAUSTED = 'guard:exhausted';
const C_WARNED = 'guard:warned';

/**
 * The fleet-wide maxCostUSD guard: at most once per interval per k6 process, one VU asks Prometheus for the run's
 * total spend across all instances, and marks the run spent once it reaches the limit. Each request's admission
 * group carries the guard's ops (preOps), so checking costs no extra round trip. Its lag is the remote-write push
 * interval plus this interval, so the fleet can overspend by its spend rate times that lag (each instance still
 * stops at the full limit on its own).
 */
export class FleetGuard {
  constructor(
    private readonly spec: FleetGuardSpec,
    private readonly limitUSD: number,
    private readonly runId: string,
    private readonly counters: SharedCounters,
  ) {}

  /** The admission ops: a read of when the next check is due, and a check that refuses once the fleet is spent. */
  preOps(): CounterOp[] {
    return [
      { op: 'get', key: C_NEXT },
      { op: 'check', key: C_EXHAUSTED, max: 0 },
    ];
  }

  /** Index of the op in preOps() whose refusal means the fleet has spent the limit. */
  static readonly EXHAUSTED_OP = 1;

  /**
   * Refreshes the fleet's spend when the check read in preOps() (`due`, Unix ms) has come: moving the due time
   * forward succeeds for one VU only, and that VU asks Prometheus.
   */
  refreshIfDue(due: number): void {
    const now = Date.now();
    const next = now + this.spec.intervalSec * 1000;
    if (now < due || !this.counters.tryAdd(C_NEXT, next - due, next)) return;
    const spend = this.query();
    if (spend !== null && spend >= this.limitUSD) this.counters.tryAdd(C_EXHAUSTED, 1, 1);
  }

  private query(): number | null {
    const url = `${this.spec.prometheusUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(fleetSpendQuery(this.runId))}`;
    const res = http.get(url, { timeout: '5s', tags: { name: 'fleet guard query' }, responseType: 'text' });
    if (res.status !== 200) {
      this.warnOnce(`Prometheus answered ${res.status || res.error} at ${this.spec.prometheusUrl}`);
      return null;
    }
    let spend: number | null = null;
    try {
      spend = parseInstantValue(JSON.parse(String(res.body)));
    } catch {
      this.warnOnce(`Prometheus at ${this.spec.prometheusUrl} answered with a body that is not JSON`);
      return null;
    }
    if (spend === null) this.warnOnce(`Prometheus at ${this.spec.prometheusUrl} has no llm_cost_usd series for testid ${this.runId} yet (is remote write on?)`);
    return spend;
  }

  private warnOnce(what: string): void {
    // Failing open keeps the run going on a Prometheus outage; each instance's own cap still holds.
    if (this.counters.tryAdd(C_WARNED, 1, 1)) console.warn(`[loadtest] fleet guard: ${what}; relying on this instance's own cap`);
  }
}
