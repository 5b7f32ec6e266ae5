import http from 'k6/http';
import { fleetSpendQuery, parseInstantValue } from './fleet-query';
import type { SharedCounters } from './transport/types';

/** limits.fleetGuard as configured. */
export interface FleetGuardSpec {
  prometheusUrl: string;
  intervalSec: number;
}

const C_NEXT = 'guard:next-check-ms';
const C_SPEND = 'guard:fleet-spend';
const C_WARNED = 'guard:warned';

/**
 * The fleet-wide maxCostUSD guard: at most once per interval per k6 process, one VU asks Prometheus
 * for the run's total spend across all instances; every VU then compares it with the limit. Its lag
 * is the remote-write push interval plus this interval, so the fleet can overspend by its spend rate
 * times that lag (each instance still stops at the full limit on its own).
 */
export class FleetGuard {
  constructor(
    private readonly spec: FleetGuardSpec,
    private readonly limitUSD: number,
    private readonly runId: string,
    private readonly counters: SharedCounters,
  ) {}

  /** True once the fleet has spent the limit. */
  exhausted(): boolean {
    const now = Date.now();
    const due = this.counters.get(C_NEXT);
    const next = now + this.spec.intervalSec * 1000;
    // Moving the due time forward only succeeds for one VU: the others see the new value and stay under the limit.
    if (now >= due && this.counters.tryAdd(C_NEXT, next - due, next)) this.refresh();
    return this.counters.get(C_SPEND) >= this.limitUSD;
  }

  private refresh(): void {
    const url = `${this.spec.prometheusUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(fleetSpendQuery(this.runId))}`;
    const res = http.get(url, { timeout: '5s', tags: { name: 'fleet guard query' }, responseType: 'text' });
    let spend: number | null = null;
    if (res.status === 200) {
      try {
        spend = parseInstantValue(JSON.parse(String(res.body)));
      } catch {
        spend = null;
      }
    } else if (this.counters.tryAdd(C_WARNED, 1, 1)) {
      // Failing open keeps the run going on a Prometheus outage; each instance's own cap still holds.
      console.warn(`[loadtest] fleet guard: Prometheus answered ${res.status || res.error} at ${this.spec.prometheusUrl}; relying on this instance's own cap`);
    }
    if (spend !== null) this.counters.add(C_SPEND, spend - this.counters.get(C_SPEND));
  }
}
