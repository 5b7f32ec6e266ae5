/**
 * The self-check: the verdict a run gives on its own load generator. A relay whose CPU nears what it may
 * use, or whose runnable goroutines (the stream readers) wait for a CPU, stamps events late and inflates every
 * latency it reports; a k6 process near its cores sends late. The summary then says so. Pure logic: the readings
 * come from the relay's /v1/selfcheck (src/llm/transport/relay.ts), sampled in Go during the run at no per-chunk cost.
 */
import type { SelfCheckSnapshot } from '../llm/transport/types';

/** Average CPU over the run at or above this share of the cores k6 may use: warn. */
const CPU_AVG_WARN_SHARE = 0.85;
/** A 1 s window at or above this share of the cores counts as saturated. */
const CPU_WINDOW_BUSY_SHARE = 0.9;
/** Warn when at least this share of the windows was saturated (bursts, not a blip). */
const CPU_BUSY_WINDOWS_WARN_SHARE = 0.1;
/**
 * Scheduler lateness above these (ms) means event stamps wait for a CPU: warn. The p99 limit is half the
 * 5 ms error budget: npm run bench saw event-gap error p99 about twice the probe's lag p99 (7.9 ms at 4.2 ms).
 */
const LAG_P50_WARN_MS = 1;
const LAG_P99_WARN_MS = 2.5;

export interface SelfCheckCpu {
  /** Cores this process may use at once: min(GOMAXPROCS, CPUs) for the relay, the machine's CPUs for k6. */
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

interface SelfCheckLag {
  intervalMs: number;
  samples: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The summary's `selfCheck` block (docs/summary-schema.md). */
export interface SelfCheck {
  /** ok: the generator had headroom; warn: latency figures are inflated by the generator itself; unavailable: not measured. */
  verdict: 'ok' | 'warn' | 'unavailable';
  /** Why the self-check is unavailable; null when it is available. */
  reason: string | null;
  /** The relay's CPU. */
  cpu: SelfCheckCpu | null;
  /** The k6 process's CPU, when the relay could see it (same machine and PID namespace); null otherwise. */
  k6Cpu: SelfCheckCpu | null;
  lag: SelfCheckLag | null;
  /** One sentence per breached limit, naming the figure and the limit. */
  warnings: string[];
  limits: { cpuAvgShare: number; cpuWindowBusyShare: number; cpuBusyWindowsShare: number; lagP50Ms: number; lagP99Ms: number };
}

const LIMITS: SelfCheck['limits'] = {
  cpuAvgShare: CPU_AVG_WARN_SHARE,
  cpuWindowBusyShare: CPU_WINDOW_BUSY_SHARE,
  cpuBusyWindowsShare: CPU_BUSY_WINDOWS_WARN_SHARE,
  lagP50Ms: LAG_P50_WARN_MS,
  lagP99Ms: LAG_P99_WARN_MS,
};

/** The block for a run that could not watch itself. */
export function unavailableSelfCheck(reason: string): SelfCheck {
  return { verdict: 'unavailable', reason, cpu: null, k6Cpu: null, lag: null, warnings: [], limits: { ...LIMITS } };
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

function cpuFigures(cpuSeconds: number, wallSeconds: number, windowCores: number[], coresAvailable: number): SelfCheckCpu | null {
  if (cpuSeconds < 0 || wallSeconds <= 0) return null;
  const cores = Math.max(1, coresAvailable);
  const avg = cpuSeconds / wallSeconds;
  const peak = windowCores.length > 0 ? Math.max(...windowCores) : null;
  return {
    coresAvailable: cores,
    cpuSeconds: r3(cpuSeconds),
    wallSeconds: r3(wallSeconds),
    avgCores: r3(avg),
    avgShare: r3(avg / cores),
    peakCores: peak === null ? null : r3(peak),
    peakShare: peak === null ? null : r3(peak / cores),
    windows: windowCores.length,
    busyWindows: windowCores.filter((c) => c / cores >= CPU_WINDOW_BUSY_SHARE).length,
  };
}

/** The CPU warning of one process ("the relay", "k6"), if its figures breach a limit. */
function cpuWarning(who: string, cpu: SelfCheckCpu): string | null {
  const pct = (v: number): string => `${Math.round(v * 100)}%`;
  if (cpu.avgShare >= CPU_AVG_WARN_SHARE) return `${who} used ${pct(cpu.avgShare)} of its ${cpu.coresAvailable} core(s) on average (limit ${pct(CPU_AVG_WARN_SHARE)})`;
  if (cpu.windows > 0 && cpu.busyWindows / cpu.windows >= CPU_BUSY_WINDOWS_WARN_SHARE) {
    return `${who} used ${pct(CPU_WINDOW_BUSY_SHARE)}+ of its ${cpu.coresAvailable} core(s) in ${cpu.busyWindows} of ${cpu.windows} seconds (peak ${pct(cpu.peakShare ?? 0)})`;
  }
  return null;
}

/**
 * Judges a self-check reading: CPU near the cores the process may use, or a scheduler that makes
 * runnable goroutines wait, means the harness's own latency figures are inflated.
 */
export function judgeSelfCheck(snapshot: SelfCheckSnapshot | null, transport: 'streaming' | 'buffered'): SelfCheck {
  if (snapshot === null) {
    return unavailableSelfCheck(
      transport === 'buffered' ? 'the buffered transport has no relay to watch the generator; run through the stream relay for the self-check' : 'no self-check reading',
    );
  }
  if (!snapshot.started) return unavailableSelfCheck('no streaming request was sent, so the self-check never started');
  const cpu = cpuFigures(snapshot.cpuSeconds, snapshot.wallSeconds, snapshot.windowCores, Math.min(snapshot.gomaxprocs, snapshot.numCpu));
  const k6 = snapshot.k6;
  const k6Cpu = k6 ? cpuFigures(k6.cpuSeconds, snapshot.wallSeconds, k6.windowCores, snapshot.numCpu) : null;
  const lag: SelfCheckLag | null =
    snapshot.lagSamples > 0
      ? { intervalMs: snapshot.lagIntervalMs, samples: snapshot.lagSamples, meanMs: r3(snapshot.lagMeanMs), p50Ms: r3(snapshot.lagP50Ms), p99Ms: r3(snapshot.lagP99Ms), maxMs: r3(snapshot.lagMaxMs) }
      : null;
  const warnings: string[] = [];
  for (const [who, figures] of [['the relay', cpu], ['k6', k6Cpu]] as const) {
    const w = figures === null ? null : cpuWarning(who, figures);
    if (w !== null) warnings.push(w);
  }
  if (lag !== null) {
    if (lag.p99Ms > LAG_P99_WARN_MS) warnings.push(`scheduler lag p99 ${lag.p99Ms} ms (limit ${LAG_P99_WARN_MS} ms)`);
    else if (lag.p50Ms > LAG_P50_WARN_MS) warnings.push(`scheduler lag median ${lag.p50Ms} ms (limit ${LAG_P50_WARN_MS} ms)`);
  }
  if (cpu === null && lag === null) return unavailableSelfCheck('the self-check gathered no samples (run shorter than its 10 ms probe?)');
  return { verdict: warnings.length > 0 ? 'warn' : 'ok', reason: null, cpu, k6Cpu, lag, warnings, limits: { ...LIMITS } };
}

/** One line for the text summary. */
export function selfCheckLine(c: SelfCheck): string {
  if (c.verdict === 'unavailable') return `unavailable: ${c.reason ?? 'not measured'}`;
  const parts: string[] = [];
  for (const [who, cpu] of [['relay', c.cpu], ['k6', c.k6Cpu]] as const) {
    if (cpu === null) continue;
    const peak = cpu.peakCores === null ? '' : `, peak ${cpu.peakCores.toFixed(2)}`;
    parts.push(`${who} CPU ${cpu.avgCores.toFixed(2)} of ${cpu.coresAvailable} core(s)${peak}`);
  }
  if (c.lag !== null) parts.push(`scheduler lag p50 ${c.lag.p50Ms.toFixed(2)} ms, p99 ${c.lag.p99Ms.toFixed(2)} ms`);
  return `${c.verdict === 'ok' ? 'ok' : 'WARNING'}: ${parts.join('; ')}`;
}
