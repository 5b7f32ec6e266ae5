/**
 * Pure logic of the capacity search: what a step must show to pass, which level to try next, and
 * what limited the ceiling (k6, the sim, or the levels tried).
 */
import type { ErrorStats } from './stats';

/**
 * Accuracy the harness must keep at a level for it to count as sustained (ms): the bench's original bounds
 * (set when stamps were taken inside k6). They drive the capacity search (`verdict`) and are kept so runs stay comparable.
 */
export const ACCURACY_LIMITS = { medianAbsMs: 1, p99AbsMs: 5 } as const;
/** Issue 13's tighter bounds (k6 and the relay sharing one core): the separate `targetVerdict` of each step. */
export const TARGET_LIMITS = { medianAbsMs: 0.5, p99AbsMs: 2 } as const;

type AccuracyLimits = { readonly medianAbsMs: number; readonly p99AbsMs: number };

/** What one capacity step measured, as far as the verdict needs. */
export interface StepFigures {
  streams: number;
  ttft: ErrorStats | null;
  gap: ErrorStats | null;
  /** Median streams in flight over the steady window. */
  concurrencyMedian: number;
  /** Failed requests / all requests of the step. */
  errorRate: number;
  /** Sim CPU over the steady window, cores. */
  simCores: number | null;
  /** Chunks/s delivered, and the most the sim wrote alone (bench/sim-ceiling.ts), when measured. */
  chunksPerSec: number;
  simCeilingChunksPerSec: number | null;
}

export interface StepVerdict {
  /** Accuracy within the limits and the load held. */
  pass: boolean;
  /** The load was held: the streams in flight and no failures, whatever the accuracy. */
  held: boolean;
  /** The sim, not k6, was at its limit: a failure here says nothing about k6. */
  simLimited: boolean;
  reasons: string[];
}

/** The sim counts as saturated at this share of its core (it runs on one core)... */
const SIM_SATURATED_CORES = 0.9;
/** ...or at this share of the chunks/s it writes alone, flat out. */
const SIM_CEILING_SHARE = 0.9;

function accuracyReasons(name: string, s: ErrorStats | null, limits: AccuracyLimits): string[] {
  if (s === null) return [`no ${name} figures`];
  const out: string[] = [];
  if (s.medianAbs > limits.medianAbsMs) out.push(`${name} error median ${s.medianAbs} ms > ${limits.medianAbsMs} ms`);
  if (s.p99Abs > limits.p99AbsMs) out.push(`${name} error p99 ${s.p99Abs} ms > ${limits.p99AbsMs} ms`);
  return out;
}

/**
 * A step holds when at least 95% of the streams were in flight and under 0.1% of requests failed; it
 * passes when it holds and TTFT and gap errors stay within the limits. The sim is the limit when it used
 * 90% of its core or wrote 90% of what it writes alone. `limits`: ACCURACY_LIMITS (default) or TARGET_LIMITS.
 */
export function judgeStep(f: StepFigures, limits: AccuracyLimits = ACCURACY_LIMITS): StepVerdict {
  const load: string[] = [];
  if (f.concurrencyMedian < 0.95 * f.streams) load.push(`held ${f.concurrencyMedian} of ${f.streams} streams`);
  if (f.errorRate > 0.001) load.push(`${(f.errorRate * 100).toFixed(2)}% of requests failed`);
  const reasons = [...accuracyReasons('TTFT', f.ttft, limits), ...accuracyReasons('gap', f.gap, limits), ...load];
  const simLimited =
    (f.simCores !== null && f.simCores >= SIM_SATURATED_CORES) || (f.simCeilingChunksPerSec !== null && f.chunksPerSec >= SIM_CEILING_SHARE * f.simCeilingChunksPerSec);
  return { pass: reasons.length === 0, held: load.length === 0, simLimited, reasons };
}

/**
 * The next level to run, given the steps so far and the planned levels. Climb the plan while the load is
 * held (an accuracy failure does not stop the climb: the throughput ceiling is worth knowing too); stop
 * at a level that was not held or where the sim was the limit (nothing above it measures k6). Once, bisect
 * between the highest accuracy pass and the lowest accuracy failure above it (to a multiple of `grain`).
 * Null: done.
 */
export function nextLevel(done: readonly { streams: number; verdict: StepVerdict }[], plan: readonly number[], grain = 100): number | null {
  if (done.length === 0) return plan[0] ?? null;
  const ran = (l: number): boolean => done.some((d) => d.streams === l);
  const stopped = done.some((d) => !d.verdict.held || d.verdict.simLimited);
  const passes = done.filter((d) => d.verdict.pass).map((d) => d.streams);
  const lo = passes.length > 0 ? Math.max(...passes) : 0;
  const fails = done.filter((d) => !d.verdict.pass && d.streams > lo).map((d) => d.streams);
  const planned = done.filter((d) => plan.includes(d.streams)).length;
  const bisected = done.length > planned;
  if (!bisected && lo > 0 && fails.length > 0) {
    const hi = Math.min(...fails);
    const mid = Math.round((lo + hi) / 2 / grain) * grain;
    if (mid > lo && mid < hi && !ran(mid)) return mid;
  }
  if (stopped) return null;
  const top = Math.max(...done.map((d) => d.streams));
  return plan.find((l) => l > top && !ran(l)) ?? null;
}

interface Ceiling {
  /** Most streams a passing step (accuracy kept, load held) ran; 0 when none passed. */
  streams: number;
  /** The passing step's chunks per second. */
  chunksPerSec: number;
  /** What stopped it: k6 (a step above failed without the sim saturated), the sim, or the plan's top. */
  limitedBy: 'k6' | 'sim' | 'levels';
  /** Load only, accuracy aside: the most streams and chunks/s a held step delivered. */
  held: { streams: number; chunksPerSec: number; limitedBy: 'k6' | 'sim' | 'levels' };
}

type Step = { streams: number; chunksPerSec: number; verdict: StepVerdict };

function best(steps: readonly Step[], ok: (s: Step) => boolean): Step | null {
  return steps.filter(ok).reduce<Step | null>((b, s) => (b === null || s.streams > b.streams ? s : b), null);
}

function limit(steps: readonly Step[], top: Step | null, failed: (s: Step) => boolean): Ceiling['limitedBy'] {
  const above = steps.filter((s) => s.streams > (top?.streams ?? 0));
  if (above.some((s) => failed(s) && !s.verdict.simLimited)) return 'k6';
  if (above.some((s) => s.verdict.simLimited) || top?.verdict.simLimited) return 'sim';
  return 'levels';
}

/** The ceilings from the steps run: with the accuracy kept, and by load alone. */
export function ceilingOf(steps: readonly Step[]): Ceiling {
  const acc = best(steps, (s) => s.verdict.pass);
  const held = best(steps, (s) => s.verdict.held);
  return {
    streams: acc?.streams ?? 0,
    chunksPerSec: acc?.chunksPerSec ?? 0,
    limitedBy: limit(steps, acc, (s) => !s.verdict.pass),
    held: { streams: held?.streams ?? 0, chunksPerSec: held?.chunksPerSec ?? 0, limitedBy: limit(steps, held, (s) => !s.verdict.held) },
  };
}
