/**
 * Pure statistics of the bench: the harness's per-request figures against the sim's ground truth,
 * quantiles, concurrency from request intervals, and the linear fits behind per-VU figures.
 */

/** One request as the harness logged it (LOADTEST_REQUEST_LOG=1 line `{"request": ...}`). */
export interface HarnessRecord {
  requestId: string | null;
  ok: boolean;
  ttftMs: number | null;
  e2eMs: number | null;
  itlMs: number[];
  /** Wall clock (Unix ms, fractional) when the harness wrote the request (the relay record's `sentAtMs`, the relay's Go wall clock). */
  sentAtMs?: number | null;
}

/** One request as the sim recorded it (/_sim/requests), times in ms from its arrival. */
export interface TruthRecord {
  requestId: string;
  outcome: string;
  receivedMonoMs: number;
  endMs: number | null;
  chunks: { atMs: number }[];
}

/** Distribution of an error (harness minus ground truth), ms. */
export interface ErrorStats {
  n: number;
  /** Signed: positive when the harness reports more than the truth (a late stamp). */
  median: number;
  p99: number;
  /** Of the absolute error: what the targets are about. */
  medianAbs: number;
  p99Abs: number;
  maxAbs: number;
}

/** Nearest-rank quantile of a sorted array (q in 0..1); NaN when empty. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

const r4 = (v: number): number => Math.round(v * 10_000) / 10_000;

/** Median, p99 and max of a list of errors, signed and absolute; null when there are none. */
export function errorStats(errors: readonly number[]): ErrorStats | null {
  if (errors.length === 0) return null;
  const signed = [...errors].sort((a, b) => a - b);
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  return {
    n: errors.length,
    median: r4(quantileSorted(signed, 0.5)),
    p99: r4(quantileSorted(signed, 0.99)),
    medianAbs: r4(quantileSorted(abs, 0.5)),
    p99Abs: r4(quantileSorted(abs, 0.99)),
    maxAbs: r4(abs[abs.length - 1] as number),
  };
}

/** Errors of every matched request: TTFT, E2E and each inter-token gap. */
interface ErrorLists {
  /**
   * On one clock: when the harness stamped the first (last) token minus when the sim wrote it, with the
   * harness's request-write time moved onto the sim's monotonic clock. The pure stamping error; needs
   * sentAtMs and the wall-to-monotonic offset.
   */
  ttft: number[];
  e2e: number[];
  /** As durations: harness TTFT (E2E) minus the sim's, counted from its arrival; adds the request's transit and the sim's accept and read time. */
  ttftVsArrival: number[];
  e2eVsArrival: number[];
  gap: number[];
  /** Harness requests whose id the sim never served (must be 0). */
  unmatched: number;
  /** Requests compared. */
  matched: number;
  /** Harness requests with a different number of gaps than the sim sent chunks - 1. */
  gapCountMismatch: number;
}

/**
 * Matches harness requests to ground truth by request id (one-to-one) and lists the errors of TTFT, E2E
 * (on one clock, and as durations from the sim's arrival) and of every inter-token gap.
 */
export function compareRequests(
  harness: readonly HarnessRecord[],
  truth: ReadonlyMap<string, TruthRecord>,
  keep: (t: TruthRecord) => boolean = () => true,
  /** Wall clock minus monotonic clock (ms) on this machine; null: no one-clock figures. */
  wallMinusMonoMs: number | null = null,
): ErrorLists {
  const out: ErrorLists = { ttft: [], e2e: [], ttftVsArrival: [], e2eVsArrival: [], gap: [], unmatched: 0, matched: 0, gapCountMismatch: 0 };
  for (const h of harness) {
    if (!h.ok || h.requestId === null) continue;
    const t = truth.get(h.requestId);
    if (t === undefined) {
      out.unmatched++;
      continue;
    }
    if (t.outcome !== 'complete' || t.chunks.length === 0 || !keep(t)) continue;
    out.matched++;
    const first = (t.chunks[0] as { atMs: number }).atMs;
    const last = (t.chunks[t.chunks.length - 1] as { atMs: number }).atMs;
    if (h.ttftMs !== null) out.ttftVsArrival.push(h.ttftMs - first);
    if (h.e2eMs !== null) out.e2eVsArrival.push(h.e2eMs - last);
    if (wallMinusMonoMs !== null && h.sentAtMs !== undefined && h.sentAtMs !== null) {
      const sentMono = h.sentAtMs - wallMinusMonoMs;
      if (h.ttftMs !== null) out.ttft.push(sentMono + h.ttftMs - (t.receivedMonoMs + first));
      if (h.e2eMs !== null) out.e2e.push(sentMono + h.e2eMs - (t.receivedMonoMs + last));
    }
    if (h.itlMs.length > 0) {
      if (h.itlMs.length !== t.chunks.length - 1) out.gapCountMismatch++;
      const n = Math.min(h.itlMs.length, t.chunks.length - 1);
      for (let i = 0; i < n; i++) {
        const truthGap = (t.chunks[i + 1] as { atMs: number }).atMs - (t.chunks[i] as { atMs: number }).atMs;
        out.gap.push((h.itlMs[i] as number) - truthGap);
      }
    }
  }
  return out;
}

/** Streams in flight, sampled every stepMs over [fromMs, toMs) (absolute ms), from request intervals. */
export function concurrencySamples(intervals: readonly { startMs: number; endMs: number }[], fromMs: number, toMs: number, stepMs = 100): number[] {
  const starts = intervals.map((i) => i.startMs).sort((a, b) => a - b);
  const ends = intervals.map((i) => i.endMs).sort((a, b) => a - b);
  const out: number[] = [];
  let s = 0;
  let e = 0;
  for (let t = fromMs; t < toMs; t += stepMs) {
    while (s < starts.length && (starts[s] as number) <= t) s++;
    while (e < ends.length && (ends[e] as number) <= t) e++;
    out.push(s - e);
  }
  return out;
}

/** Chunks written in [fromMs, toMs) (absolute ms on the sim's monotonic clock). */
export function chunksInWindow(truth: readonly TruthRecord[], fromMs: number, toMs: number): number {
  let n = 0;
  for (const t of truth) {
    for (const c of t.chunks) {
      const at = t.receivedMonoMs + c.atMs;
      if (at >= fromMs && at < toMs) n++;
    }
  }
  return n;
}

/** Least-squares line y = intercept + slope x; null with fewer than two distinct x. */
export function linearFit(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** A process's CPU seconds at time t (ms), interpolated between /proc samples; null outside them. */
export function cpuAt(samples: readonly { tMs: number; cpuSec: number }[], tMs: number): number | null {
  if (samples.length === 0) return null;
  const first = samples[0] as { tMs: number; cpuSec: number };
  const last = samples[samples.length - 1] as { tMs: number; cpuSec: number };
  if (tMs < first.tMs || tMs > last.tMs) return null;
  for (let i = 1; i < samples.length; i++) {
    const b = samples[i] as { tMs: number; cpuSec: number };
    if (b.tMs >= tMs) {
      const a = samples[i - 1] as { tMs: number; cpuSec: number };
      return b.tMs === a.tMs ? b.cpuSec : a.cpuSec + ((b.cpuSec - a.cpuSec) * (tMs - a.tMs)) / (b.tMs - a.tMs);
    }
  }
  return last.cpuSec;
}

/** Mean cores a process used over [fromMs, toMs), from its /proc samples; null when not covered. */
export function coresOver(samples: readonly { tMs: number; cpuSec: number }[], fromMs: number, toMs: number): number | null {
  const a = cpuAt(samples, fromMs);
  const b = cpuAt(samples, toMs);
  return a === null || b === null || toMs <= fromMs ? null : (b - a) / ((toMs - fromMs) / 1000);
}

/**
 * Wall clock minus CLOCK_MONOTONIC in ms, to well under 0.01 ms: Date.now() truncates to whole ms, so
 * over a few ms of samples the largest (Date.now() - mono) is the one taken right after a tick.
 */
export function wallMinusMono(now: () => number = Date.now, mono: () => number = () => Number(process.hrtime.bigint()) / 1e6, spanMs = 5): number {
  let best = -Infinity;
  const end = mono() + spanMs;
  for (let m = mono(); m < end; m = mono()) {
    const w = now();
    const m2 = mono();
    best = Math.max(best, w - m2);
  }
  return best;
}

/**
 * Failed requests of a run, and those k6 cut off when it stopped: a request k6 interrupts at its graceful stop
 * (or whose call to the relay k6 cancels then) ends `aborted`, which is the test's doing, not a failure.
 */
export function countFailures(log: readonly { ok: boolean; errorType: string | null }[]): { failed: number; interruptedAtEnd: number } {
  const aborted = log.filter((h) => !h.ok && h.errorType === 'aborted').length;
  return { failed: log.filter((h) => !h.ok).length - aborted, interruptedAtEnd: aborted };
}

/**
 * When k6 started the ramp, from the sim's arrival times: a ramp from 0 to `users` VUs over `rampMs` starts its
 * VUs evenly, so the first arrivals lie on a line (VU i at start + i x rampMs / users); its intercept at i = 0
 * is the start. The first half of the VUs only (a VU's second request can come before the ramp ends). Without
 * enough arrivals: the first arrival minus one step. The first arrival alone would count part of the ramp
 * (rampMs / users) as init, which biases the per-VU slope downwards.
 */
export function rampStartMs(arrivalsMs: readonly number[], users: number, rampMs: number): number | null {
  if (arrivalsMs.length === 0) return null;
  const sorted = [...arrivalsMs].sort((a, b) => a - b);
  const k = Math.min(sorted.length, Math.ceil(users / 2));
  const fit = k >= 3 ? linearFit(sorted.slice(0, k).map((y, i) => ({ x: i + 1, y }))) : null;
  const first = sorted[0] as number;
  const step = rampMs / Math.max(1, users);
  if (fit === null) return first - step;
  // Never after the first arrival, never more than two steps before it.
  return Math.min(first, Math.max(first - 2 * step, fit.intercept));
}

/** Nearest-rank median, p90 and p99 of a list, with its range (ms). */
export interface Distribution {
  n: number;
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
}

/** The distribution of a list of values; null when it is empty. */
export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, median: r4(quantileSorted(s, 0.5)), p90: r4(quantileSorted(s, 0.9)), p99: r4(quantileSorted(s, 0.99)), min: r4(s[0] as number), max: r4(s[s.length - 1] as number) };
}

/** What a gateway between the harness and the sim did to the streams both saw (all in ms). */
export interface GatewayFigures {
  /** Successful harness requests, and those of them the sim served (matched by x-request-id) or never saw. */
  ok: number;
  matched: number;
  unmatched: number;
  /** TTFT as the harness measured it through the gateway. */
  ttft: Distribution | null;
  /** TTFT as the sim served it, from the request's arrival at the sim: the truth. */
  simTtft: Distribution | null;
  /** Per stream, harness TTFT minus the sim's: the gateway's own added latency (plus the harness's stamping error). */
  addedTtft: Distribution | null;
  /** The same for E2E (the gateway's delay plus what it adds while streaming through). */
  addedE2e: Distribution | null;
}

/**
 * Matches the harness's requests through a gateway to the sim's records by x-request-id and takes, per complete
 * stream, the harness's TTFT and E2E minus the sim's: the sim's clock starts when the gateway forwarded the
 * request, the harness's when it wrote it to the gateway.
 */
export function gatewayFigures(harness: readonly HarnessRecord[], truth: ReadonlyMap<string, TruthRecord>): GatewayFigures {
  const ttft: number[] = [];
  const simTtft: number[] = [];
  const addedTtft: number[] = [];
  const addedE2e: number[] = [];
  let ok = 0;
  let matched = 0;
  let unmatched = 0;
  for (const h of harness) {
    if (!h.ok) continue;
    ok++;
    const t = h.requestId === null ? undefined : truth.get(h.requestId);
    if (t === undefined) {
      unmatched++;
      continue;
    }
    if (t.outcome !== 'complete' || t.chunks.length === 0) continue;
    matched++;
    const first = (t.chunks[0] as { atMs: number }).atMs;
    const last = (t.chunks[t.chunks.length - 1] as { atMs: number }).atMs;
    simTtft.push(first);
    if (h.ttftMs !== null) {
      ttft.push(h.ttftMs);
      addedTtft.push(h.ttftMs - first);
    }
    if (h.e2eMs !== null) addedE2e.push(h.e2eMs - last);
  }
  return { ok, matched, unmatched, ttft: distribution(ttft), simTtft: distribution(simTtft), addedTtft: distribution(addedTtft), addedE2e: distribution(addedE2e) };
}
