/**
 * The bench's results file model, the targets it checks, the closing notes and the stdout table.
 * Pure: main.ts fills the model; tests feed made-up results.
 */
import type { StepVerdict } from './ceiling';
import type { ErrorStats } from './stats';

/** Everything measured about one k6 run. */
export interface RunFigures {
  flavour: 'streaming' | 'stock';
  users: number;
  exitCode: number | null;
  /** Requests the harness logged. */
  requests: number;
  /** Requests compared with ground truth (steady window, complete). */
  matched: number;
  /** Logged request ids the sim never served (must be 0). */
  unmatched: number;
  gapCountMismatch: number;
  failed: number;
  errorRate: number;
  /**
   * Harness minus ground truth, ms; null where not measured (stock: TTFT, gaps). ttft/e2e are on one
   * clock (the stamp's lateness against the sim's write); the VsArrival pair compares durations from the
   * sim's arrival, so the request's transit and the sim's accept/read time add to them.
   */
  ttft: ErrorStats | null;
  e2e: ErrorStats | null;
  ttftVsArrival: ErrorStats | null;
  e2eVsArrival: ErrorStats | null;
  gap: ErrorStats | null;
  /** Change of wall-minus-monotonic over the run (ms): a stepped wall clock would show here. */
  clockOffsetDriftMs: number;
  window: { rampSec: number; sustainSec: number };
  /** The sim model driven: output tokens per stream (one per chunk) and the gap between them. */
  workload?: { model: string; tokens: number; gapMs: number };
  /** Streams in flight over the steady window (sampled every 100 ms from ground truth). */
  concurrency: { median: number; min: number };
  /** Token chunks the sim wrote per second over the steady window. */
  chunksPerSec: number;
  k6: { cores: number | null; cpuSecPer1000Chunks: number | null; peakRssMiB: number; initMs: number | null };
  sim: { cores: number | null; latenessMedianMs: number; latenessP99Ms: number };
  /** The whole machine over the steady window: busy cores, cores used by processes other than k6 and the sim, steal. */
  machine: { busyCores: number | null; otherCores: number | null; stealCores: number | null };
  /** The run's own summary.json `selfCheck` block. */
  selfCheck: unknown;
  /** `go tool pprof -top` of k6 over the steady window, when profiled. */
  profileTop: string | null;
  /** `go tool pprof -top -sample_index=inuse_space` of k6's heap, when profiled during init. */
  heapTop?: string | null;
}

export interface TargetResult {
  name: string;
  target: string;
  measured: string;
  met: boolean | null;
}

/** One ceiling search: the steps run and the highest level that kept the accuracy. */
export interface Capacity {
  limits: { medianAbsMs: number; p99AbsMs: number };
  plan: number[];
  workload: { model: string; tokens: number; gapMs: number };
  steps: (RunFigures & { verdict: StepVerdict })[];
  ceiling: {
    streams: number;
    chunksPerSec: number;
    limitedBy: 'k6' | 'sim' | 'levels';
    /** Load only, accuracy aside: the most streams and chunks/s a held step delivered. */
    held: { streams: number; chunksPerSec: number; limitedBy: 'k6' | 'sim' | 'levels' };
    k6Cores: number | null;
    cpuSecPer1000Chunks: number | null;
    peakRssMiB: number | null;
    rssPerVuMiB: number | null;
    simCores: number | null;
  };
}

export interface BenchResult {
  schema: 'ai-aas-loadtest/bench/v1';
  date: string;
  quick: boolean;
  options: Record<string, unknown>;
  machine: Record<string, unknown> & { loadavgStart: string; loadavgEnd: string | null };
  workload: Record<string, unknown>;
  accuracy: RunFigures[];
  /** Chunk-rate ceiling (gap --gap-ms); streamsCapacity: stream-count ceiling at a slow chunk rate. */
  capacity: Capacity | null;
  streamsCapacity: Capacity | null;
  simCeiling: Record<string, unknown> | null;
  perVu: {
    runs: { users: number; initMs: number | null; peakRssMiB: number }[];
    initMsPerVu: number | null;
    initBaseMs: number | null;
    rssMiBPerVu: number | null;
    rssBaseMiB: number | null;
    largestRun: { users: number; peakRssMiB: number; rssMiBPerVuAll: number; initMs: number | null } | null;
  } | null;
  /** dist/loadtest.js (config-driven, static adapter) at small sizes: its own per-VU init and RSS. */
  loadtestScript: {
    runs: RunFigures[];
    initMsPerVu: number | null;
    rssMiBPerVu: number | null;
    initProfileTop: string | null;
    initHeapTop: string | null;
  } | null;
  targets: TargetResult[];
  notes: string[];
  durationSec: number;
}

const f = (v: number | null | undefined, d = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '-' : String(Math.round(v * 10 ** d) / 10 ** d));

function topFunctions(profile: string | null, n = 6): string[] {
  if (profile === null) return [];
  const rows = profile.split('\n').filter((l) => /^\s+[\d.]+(?:[mµu]?s|[kMG]?B)\s+[\d.]+%/.test(l));
  return rows.slice(0, n).map((l) => {
    const cells = l.trim().split(/\s+/);
    return `${cells.slice(5).join(' ')} (${cells[1]} flat, ${cells[4]} cum)`;
  });
}

/** Checks the targets against the figures and writes the closing notes (bottleneck, evidence). */
export function targetsOf(r: BenchResult): { targets: TargetResult[]; notes: string[] } {
  const targets: TargetResult[] = [];
  const notes: string[] = [];
  const streaming = r.accuracy.filter((a) => a.flavour === 'streaming');
  const top = streaming.reduce<RunFigures | null>((b, a) => (b === null || a.users > b.users ? a : b), null);
  if (top !== null) {
    for (const [name, s] of [['TTFT', top.ttft], ['gap', top.gap]] as const) {
      targets.push({
        name: `${name} error at ${top.users} streams`,
        target: 'median <= 1 ms, p99 <= 5 ms',
        measured: s === null ? 'not measured' : `median ${f(s.medianAbs)} ms, p99 ${f(s.p99Abs)} ms`,
        met: s === null ? null : s.medianAbs <= 1 && s.p99Abs <= 5,
      });
    }
    if (top.users < 1000) notes.push(`accuracy was measured up to ${top.users} streams only (the target is at 1,000)`);
  }
  const c = r.capacity?.ceiling;
  const sc = r.streamsCapacity?.ceiling;
  if (c !== undefined || sc !== undefined) {
    const parts: string[] = [];
    if (c !== undefined) parts.push(`${c.streams} at ${r.capacity?.workload.gapMs} ms gaps (limited by ${c.limitedBy}; ${c.held.streams} held accuracy aside)`);
    if (sc !== undefined) parts.push(`${sc.streams} at ${r.streamsCapacity?.workload.gapMs} ms gaps (limited by ${sc.limitedBy}; ${sc.held.streams} held accuracy aside)`);
    const most = Math.max(c?.streams ?? 0, sc?.streams ?? 0);
    targets.push({ name: 'concurrent streams, one k6 on one core', target: '>= 1,000', measured: parts.join('; '), met: most >= 1000 });
  }
  if (c !== undefined) {
    targets.push({
      name: 'chunks/s, one k6 on one core',
      target: '>= 20,000',
      measured: `${c.chunksPerSec} with the accuracy kept (limited by ${c.limitedBy}); ${c.held.chunksPerSec} accuracy aside (limited by ${c.held.limitedBy})`,
      met: c.chunksPerSec >= 20_000,
    });
  }
  const pv = r.perVu;
  if (pv !== null) {
    const rss = pv.largestRun?.rssMiBPerVuAll ?? null;
    targets.push({
      name: 'RSS per VU',
      target: '<= 3 MiB',
      measured: `${f(rss)} MiB (peak / VUs at ${pv.largestRun?.users ?? '-'} VUs); marginal ${f(pv.rssMiBPerVu)} MiB`,
      met: rss === null ? null : rss <= 3,
    });
    targets.push({ name: 'per-VU init', target: '<= 5 ms', measured: `${f(pv.initMsPerVu)} ms (slope over runs)`, met: pv.initMsPerVu === null ? null : pv.initMsPerVu <= 5 });
  }
  const lt = r.loadtestScript;
  if (lt !== null) {
    targets.push({ name: 'RSS per VU, dist/loadtest.js', target: '<= 3 MiB', measured: `${f(lt.rssMiBPerVu)} MiB (slope over ${lt.runs.map((x) => x.users).join(', ')} VUs)`, met: lt.rssMiBPerVu === null ? null : lt.rssMiBPerVu <= 3 });
    targets.push({ name: 'per-VU init, dist/loadtest.js', target: '<= 5 ms', measured: `${f(lt.initMsPerVu)} ms (slope)`, met: lt.initMsPerVu === null ? null : lt.initMsPerVu <= 5 });
    const fns = topFunctions(lt.initProfileTop);
    if (fns.length > 0) notes.push(`k6 CPU profile during dist/loadtest.js VU init (pprof -top): ${fns.join('; ')}`);
    const heap = topFunctions(lt.initHeapTop);
    if (heap.length > 0) notes.push(`k6 live heap during dist/loadtest.js VU init (pprof -top inuse_space): ${heap.join('; ')}`);
  }

  // Closing notes: what limited each missed figure, with the evidence the run holds.
  for (const a of r.accuracy) {
    // Far above the one-clock error (not merely above it: both hold any lateness of k6's own stamps).
    if (a.ttft !== null && a.ttftVsArrival !== null && a.ttftVsArrival.medianAbs > 2 * a.ttft.medianAbs + 1) {
      notes.push(`${a.flavour} at ${a.users} users: TTFT from the sim's arrival is off by ${f(a.ttftVsArrival.medianAbs)} ms median against ${f(a.ttft.medianAbs)} ms on one clock: the requests waited to be accepted and read by the sim, not for k6`);
    }
  }
  const steps = [...(r.capacity?.steps ?? []), ...(r.streamsCapacity?.steps ?? [])];
  const failed = steps.filter((s) => !s.verdict.pass);
  const profiled = [...steps].reverse().find((s) => s.profileTop !== null) ?? null;
  const sim = r.simCeiling as { chunksPerSecond?: number; simCpuCoreFraction?: number } | null;
  if (sim?.chunksPerSecond !== undefined) {
    notes.push(`the sim alone (sim/bench.ts, raw sockets) wrote ${Math.round(sim.chunksPerSecond)} chunks/s on its core at ${f(sim.simCpuCoreFraction, 2)} core: k6 figures near that are sim-limited`);
  }
  for (const s of failed) {
    const who = s.verdict.simLimited ? 'the sim (saturated: ' + `${f(s.sim.cores, 2)} core, chunk lateness p99 ${f(s.sim.latenessP99Ms, 1)} ms)` : `k6 (${f(s.k6.cores, 2)} core, self-check ${verdictOf(s.selfCheck)})`;
    const others = (s.machine?.otherCores ?? 0) >= 0.2 ? `; other processes on the machine used ${f(s.machine.otherCores, 2)} cores meanwhile` : '';
    notes.push(`${s.users} streams (${s.workload?.gapMs ?? '-'} ms gaps) failed (${s.verdict.reasons.join('; ')}); bottleneck: ${who}${others}`);
  }
  if (profiled !== null) {
    const fns = topFunctions(profiled.profileTop);
    if (fns.length > 0) notes.push(`k6 CPU profile at ${profiled.users} streams (pprof -top): ${fns.join('; ')}`);
  }
  for (const t of targets.filter((x) => x.met === false)) notes.push(`missed: ${t.name} (${t.measured}; target ${t.target})`);
  return { targets, notes };
}

function verdictOf(selfCheck: unknown): string {
  const v = (selfCheck as { verdict?: string; warnings?: string[] } | null) ?? null;
  if (v === null || v.verdict === undefined) return 'n/a';
  return v.verdict === 'warn' ? `warn: ${(v.warnings ?? []).join('; ')}` : v.verdict;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
}

/** The short table printed on stdout. */
export function renderTable(r: BenchResult): string {
  const out: string[] = [];
  out.push(`npm run bench (${r.quick ? 'quick' : 'full'}), ${r.date}, load average ${r.machine.loadavgStart} -> ${r.machine.loadavgEnd ?? '-'}`);
  out.push('');
  out.push('accuracy: harness minus sim ground truth, |error| median / p99 in ms (TTFT, E2E on one clock; "vs arrival": durations from the sim\'s arrival)');
  const w = [10, 6, 8, 15, 15, 15, 15, 8, 8, 11];
  out.push(row(['run', 'users', 'requests', 'TTFT', 'TTFT vs arr.', 'E2E', 'gap', 'k6 cores', 'chunks/s', 'self-check'], w));
  const cell = (s: ErrorStats | null): string => (s === null ? 'n/a' : `${f(s.medianAbs, 2)} / ${f(s.p99Abs, 2)}`);
  for (const a of r.accuracy) {
    out.push(row([a.flavour, String(a.users), String(a.matched), cell(a.ttft), cell(a.ttftVsArrival), cell(a.e2e), cell(a.gap), f(a.k6.cores, 2), String(a.chunksPerSec), verdictOf(a.selfCheck).split(':')[0] as string], w));
  }
  for (const [label, cap] of [['chunk rate', r.capacity], ['stream count', r.streamsCapacity]] as const) {
    if (cap === null) continue;
    out.push('');
    out.push(`capacity (${label}): one k6 process on one core, ${cap.workload.tokens} chunks per stream, ${cap.workload.gapMs} ms apart`);
    const cw = [8, 9, 17, 17, 8, 9, 10, 9, 8];
    out.push(row(['streams', 'chunks/s', 'TTFT', 'gap', 'k6 cores', 'cpu/1k ch', 'RSS MiB', 'sim cores', 'verdict'], cw));
    for (const s of cap.steps) {
      out.push(row([String(s.users), String(s.chunksPerSec), cell(s.ttft), cell(s.gap), f(s.k6.cores, 2), f(s.k6.cpuSecPer1000Chunks, 3), f(s.k6.peakRssMiB, 0), f(s.sim.cores, 2), `${s.verdict.pass ? 'pass' : 'fail'}${s.verdict.held ? '' : '!'}${s.verdict.simLimited ? '*' : ''}`], cw));
    }
    const c = cap.ceiling;
    out.push(`ceiling with the accuracy kept: ${c.streams} streams, ${c.chunksPerSec} chunks/s, limited by ${c.limitedBy}; load alone: ${c.held.streams} streams, ${c.held.chunksPerSec} chunks/s, limited by ${c.held.limitedBy} (* = sim saturated, ! = load not held)`);
  }
  const sim = r.simCeiling as { chunksPerSecond?: number; simCpuCoreFraction?: number; streams?: number } | null;
  if (sim?.chunksPerSecond !== undefined) out.push(`sim ceiling: ${Math.round(sim.chunksPerSecond)} chunks/s at ${f(sim.simCpuCoreFraction, 2)} core (${sim.streams} raw-socket streams)`);
  if (r.loadtestScript !== null) {
    out.push(`dist/loadtest.js per VU: init ${f(r.loadtestScript.initMsPerVu)} ms, RSS ${f(r.loadtestScript.rssMiBPerVu)} MiB (runs at ${r.loadtestScript.runs.map((x) => x.users).join(', ')} VUs)`);
  }
  if (r.perVu !== null) {
    out.push(`dist/bench.js per VU: init ${f(r.perVu.initMsPerVu)} ms, RSS ${f(r.perVu.largestRun?.rssMiBPerVuAll ?? null)} MiB (peak/VUs at ${r.perVu.largestRun?.users ?? '-'}), marginal RSS ${f(r.perVu.rssMiBPerVu)} MiB`);
  }
  out.push('');
  out.push('targets:');
  for (const t of r.targets) out.push(`  ${t.met === null ? '?' : t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.measured} (target ${t.target})`);
  if (r.notes.length > 0) {
    out.push('');
    out.push('notes:');
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return `${out.join('\n')}\n`;
}
