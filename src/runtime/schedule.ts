/**
 * When an open-model iteration was due, from the executor's plan. k6's ramping-arrival-rate executor starts its
 * n-th iteration (1-based) when the integral of the rate over time reaches n, and drops an iteration that finds no free VU
 * instead of starting it late; dropped iterations take no iteration number (so exec.scenario.iterationInTest
 * cannot index the plan). A started iteration therefore belongs to the latest due point at or before its start:
 * its lateness is measured from that point, and what the figures miss is counted by dropped_iterations.
 */
import type { NumericStage } from '../config/load-pattern';

/** A ramping-arrival-rate plan: stages of iterations per timeUnitSec, from rate 0, scaled to an instance's share. */
export class ArrivalSchedule {
  private readonly stages: { startSec: number; durationSec: number; from: number; to: number; startCount: number }[] = [];

  constructor(stages: readonly NumericStage[], timeUnitSec: number, fraction = 1) {
    let t = 0;
    let rate = 0;
    let count = 0;
    for (const s of stages) {
      const to = (s.target * fraction) / timeUnitSec;
      this.stages.push({ startSec: t, durationSec: s.durationSec, from: rate, to, startCount: count });
      count += ((rate + to) / 2) * s.durationSec;
      t += s.durationSec;
      rate = to;
    }
  }

  /** Iterations due by `tSec` after the scenario started (the integral of the rate). */
  dueBy(tSec: number): number {
    let last = 0;
    for (const s of this.stages) {
      const into = tSec - s.startSec;
      if (into < 0) break;
      const d = Math.min(into, s.durationSec);
      const rateAt = s.durationSec > 0 ? s.from + ((s.to - s.from) * d) / s.durationSec : s.to;
      last = s.startCount + ((s.from + rateAt) / 2) * d;
    }
    return last;
  }

  /** When the n-th iteration (0-based) is due, seconds after the scenario started; Infinity past the plan's end. */
  timeOf(n: number): number {
    if (n <= 0) return 0;
    for (const s of this.stages) {
      const end = s.startCount + ((s.from + s.to) / 2) * s.durationSec;
      if (n > end + 1e-9) continue;
      const need = n - s.startCount;
      const slope = s.durationSec > 0 ? (s.to - s.from) / s.durationSec : 0;
      // Solve from*x + slope*x^2/2 = need for the elapsed x in this stage.
      const x = Math.abs(slope) < 1e-12 ? need / s.from : (-s.from + Math.sqrt(Math.max(0, s.from * s.from + 2 * slope * need))) / slope;
      return s.startSec + Math.min(Math.max(x, 0), s.durationSec);
    }
    return Infinity;
  }

  /**
   * The due time (seconds after the start) of the latest iteration due at or before `tSec`, read on clocks of
   * `resolutionSec` (k6's Date.now() and scenario start are whole ms, so a start stamped 1 ms early is still its
   * own iteration's). Never after `tSec`; 0 before the first iteration is due.
   */
  latestDueAt(tSec: number, resolutionSec = 0.002): number {
    const due = this.timeOf(Math.floor(this.dueBy(tSec + resolutionSec) + 1e-9));
    return Math.min(due, tSec);
  }
}
