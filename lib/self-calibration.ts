/**
 * Self-calibration: the verdict a run gives on its own load generator. A k6 process whose CPU nears
 * what it may use, or whose runnable goroutines (the VUs' event loops) wait for a CPU, stamps events
 * late and inflates every latency it reports; the summary then says so. Pure logic: the readings come
 * from k6/x/llm's selfCheck() (lib/transport), sampled in Go during the run at no per-chunk cost.
 */
import type { SelfCheckSnapshot } from './transport/types';

/** Average CPU over the run at or above this share of the cores k6 may use: warn. */
export const CPU_AVG_WARN_SHARE = 0.85;
/** A 1 s window at or above this share of the cores counts as saturated. */
export const CPU_WINDOW_BUSY_SHARE = 0.9;
/** Warn when at least this share of the windows was saturated (bursts, not a blip). */
export const CPU_BUSY_WINDOWS_WARN_SHARE = 0.1;
/**
 * Scheduler lateness above these (ms) means event stamps wait for a CPU: warn. The p99 limit is half the
 * 5 ms error budget: npm run bench saw event-gap error p99 about twice the probe's lag p99 (7.9 ms at 4.2 ms).
 */
export const LAG_P50_WARN_MS = 1;
export const LAG_P99_WARN_MS = 2.5;

export interface SelfCalibrationCpu {
  /** Cores this process may use at once: min(GOMAXPROCS, CPUs). */
  coresAvailable: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** Mean cores used over the run, and as a share of coresAvailable. */
  avgCores: number;
  avgShare: number;
  /** Busiest 1 s window, cores and share; null when the run was shorter than one window. */
  peakCores: number | null;
  peakShare: number | null;
  windows: number;
  /** Windows at or above CPU_WINDOW_BUSY_SHARE. */
  busyWindows: number;
}

export interface SelfCalibrationLag {
  intervalMs: number;
  samples: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The summary's `selfCheck` block (docs/summary-schema.md). */
export interface SelfCalibration {
  /** ok: the generator had headroom; warn: latency figures are inflated by the generator itself; unavailable: not measured. */
  verdict: 'ok' | 'warn' | 'unavailable';
  /** Why the self-check is unavailable; null when it is available. */
  reason: string | null;
  cpu: SelfCalibrationCpu | null;
  lag: SelfCalibrationLag | null;
  /** One sentence per breached limit, naming the figure and the limit. */
  warnings: string[];
  limits: { cpuAvgShare: number; cpuWindowBusyShare: number; cpuBusyWindowsShare: number; lagP50Ms: number; lagP99Ms: number };
}

const LIMITS: SelfCalibration['limits'] = {
  cpuAvgShare: CPU_AVG_WARN_SHARE,
  cpuWindowBusyShare: CPU_WINDOW_BUSY_SHARE,
  cpuBusyWindowsShare: CPU_BUSY_WINDOWS_WARN_SHARE,
  lagP50Ms: LAG_P50_WARN_MS,
  lagP99Ms: LAG_P99_WARN_MS,
};

/** The block for a run that could not watch itself. */
export function unavailableCalibration(reason: string): SelfCalibration {
  return { verdict: 'unavailable', reason, cpu: null, lag: null, warnings: [], limits: { ...LIMITS } };
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

function cpuFigures(s: SelfCheckSnapshot): SelfCalibrationCpu | null {
  if (s.cpuSeconds < 0 || s.wallSeconds <= 0) return null;
  const cores = Math.max(1, Math.min(s.gomaxprocs, s.numCpu));
  const avg = s.cpuSeconds / s.wallSeconds;
  const peak = s.windowCores.length > 0 ? Math.max(...s.windowCores) : null;
  return {
    coresAvailable: cores,
    cpuSeconds: r3(s.cpuSeconds),
    wallSeconds: r3(s.wallSeconds),
    avgCores: r3(avg),
    avgShare: r3(avg / cores),
    peakCores: peak === null ? null : r3(peak),
    peakShare: peak === null ? null : r3(peak / cores),
    windows: s.windowCores.length,
    busyWindows: s.windowCores.filter((c) => c / cores >= CPU_WINDOW_BUSY_SHARE).length,
  };
}

/**
 * Judges a self-check reading: CPU near the cores the process may use, or a scheduler that makes
 * runnable goroutines wait, means the harness's own latency figures are inflated.
 */
export function calibrate(snapshot: SelfCheckSnapshot | null, transport: 'streaming' | 'buffered'): SelfCalibration {
  if (snapshot === null) {
    return unavailableCalibration(
      transport === 'buffered' ? 'stock k6 (buffered transport) cannot read its own CPU or scheduler lag; run the project k6 for the self-check' : 'no self-check reading',
    );
  }
  if (!snapshot.started) return unavailableCalibration('no streaming request was sent, so the self-check never started');
  const cpu = cpuFigures(snapshot);
  const lag: SelfCalibrationLag | null =
    snapshot.lagSamples > 0
      ? { intervalMs: snapshot.lagIntervalMs, samples: snapshot.lagSamples, meanMs: r3(snapshot.lagMeanMs), p50Ms: r3(snapshot.lagP50Ms), p99Ms: r3(snapshot.lagP99Ms), maxMs: r3(snapshot.lagMaxMs) }
      : null;
  const warnings: string[] = [];
  if (cpu !== null) {
    const pct = (v: number): string => `${Math.round(v * 100)}%`;
    if (cpu.avgShare >= CPU_AVG_WARN_SHARE) {
      warnings.push(`k6 used ${pct(cpu.avgShare)} of its ${cpu.coresAvailable} core(s) on average (limit ${pct(CPU_AVG_WARN_SHARE)})`);
    } else if (cpu.windows > 0 && cpu.busyWindows / cpu.windows >= CPU_BUSY_WINDOWS_WARN_SHARE) {
      warnings.push(`k6 used ${pct(CPU_WINDOW_BUSY_SHARE)}+ of its ${cpu.coresAvailable} core(s) in ${cpu.busyWindows} of ${cpu.windows} seconds (peak ${pct(cpu.peakShare ?? 0)})`);
    }
  }
  if (lag !== null) {
    if (lag.p99Ms > LAG_P99_WARN_MS) warnings.push(`scheduler lag p99 ${lag.p99Ms} ms (limit ${LAG_P99_WARN_MS} ms)`);
    else if (lag.p50Ms > LAG_P50_WARN_MS) warnings.push(`scheduler lag median ${lag.p50Ms} ms (limit ${LAG_P50_WARN_MS} ms)`);
  }
  if (cpu === null && lag === null) return unavailableCalibration('the self-check gathered no samples (run shorter than its 10 ms probe?)');
  return { verdict: warnings.length > 0 ? 'warn' : 'ok', reason: null, cpu, lag, warnings, limits: { ...LIMITS } };
}

/** One line for the text summary. */
export function calibrationLine(c: SelfCalibration): string {
  if (c.verdict === 'unavailable') return `unavailable: ${c.reason ?? 'not measured'}`;
  const parts: string[] = [];
  if (c.cpu !== null) {
    const peak = c.cpu.peakCores === null ? '' : `, peak ${c.cpu.peakCores.toFixed(2)}`;
    parts.push(`k6 CPU ${c.cpu.avgCores.toFixed(2)} of ${c.cpu.coresAvailable} core(s)${peak}`);
  }
  if (c.lag !== null) parts.push(`scheduler lag p50 ${c.lag.p50Ms.toFixed(2)} ms, p99 ${c.lag.p99Ms.toFixed(2)} ms`);
  return `${c.verdict === 'ok' ? 'ok' : 'WARNING'}: ${parts.join('; ')}`;
}
