/**
 * Time series and latency histograms for the HTML report, kept in the relay's process-wide counters:
 * k6 Trends keep percentiles but neither a timeline nor the distribution, and handleSummary can read
 * the counters back. Stock k6 has no shared counters; callers then skip both and the reports say so.
 *
 * Histogram buckets are logarithmic: bound b_i = 0.1 ms x 1.1^i for i = 0..164 (b_164 ~ 615 s).
 * Bucket 0 is [0, b_0), bucket i is [b_{i-1}, b_i), the last bucket is [b_164, +inf). Each bucket is
 * 10% wide relative to its lower bound, so a percentile read from the buckets is within one bucket's
 * width (<= 10% of the value) of the exact one.
 */
import type { CounterOp, SharedCounters } from '../llm/transport/types';
import type { Histogram, HistogramBucket, Histograms, SeriesSnapshot, SeriesWindow } from '../report/model';

/** Upper bound of the first bucket, in ms. */
export const LOG_BUCKET_BASE_MS = 0.1;
/** Each bound is this many times the one before. */
const LOG_BUCKET_RATIO = 1.1;
const BOUND_COUNT = 165;

/** Window length the recorder and the reader use unless told otherwise. */
export const DEFAULT_WINDOW_SEC = 5;
/** Past this many windows, adjacent windows are merged so long runs keep a light report. */
const DEFAULT_MAX_WINDOWS = 720;

const BOUNDS: number[] = [];
for (let i = 0; i < BOUND_COUNT; i++) BOUNDS.push(LOG_BUCKET_BASE_MS * Math.pow(LOG_BUCKET_RATIO, i));
const LOG_RATIO = Math.log(LOG_BUCKET_RATIO);
const BUCKET_COUNT = BOUND_COUNT + 1;

type HistogramName = keyof Histograms;
const HISTOGRAMS: readonly HistogramName[] = ['ttft', 'itl', 'e2e', 'tpot'];

const PREFIX = 'series.';
// Names are built once per process: the hot path only indexes into these arrays.
const BUCKET_NAMES = {} as Record<HistogramName, string[]>;
for (const h of HISTOGRAMS) {
  const names: string[] = [];
  for (let i = 0; i < BUCKET_COUNT; i++) names.push(`${PREFIX}h.${h}.${i}`);
  BUCKET_NAMES[h] = names;
}

const WINDOW_FIELDS = ['req', 'err', 'ttft_sum', 'ttft_n', 'e2e_sum', 'e2e_n', 'tok', 'cost'] as const;
type WindowField = (typeof WINDOW_FIELDS)[number];
type WindowNames = Record<WindowField, string>;

/** The upper bounds b_0..b_164 of the log buckets, in ms (a copy). */
export function bucketBounds(): number[] {
  return BOUNDS.slice();
}

/** Which log bucket a value in ms falls into (0 = below 0.1 ms, last = above ~615 s). */
export function bucketIndex(ms: number): number {
  if (!(ms >= LOG_BUCKET_BASE_MS)) return 0;
  if (ms >= (BOUNDS[BOUND_COUNT - 1] as number)) return BUCKET_COUNT - 1;
  let i = Math.floor(Math.log(ms / LOG_BUCKET_BASE_MS) / LOG_RATIO) + 1;
  // The logarithm can land one off at a bound; the bounds array is the truth.
  if (ms < (BOUNDS[i - 1] as number)) i--;
  else if (ms >= (BOUNDS[i] as number)) i++;
  return i;
}

/** One finished chat request, as the recorder needs it; times in ms. */
interface RequestSample {
  /** When the request finished, in ms since the test started. */
  tMs: number;
  ok: boolean;
  ttftMs?: number;
  e2eMs?: number;
  tpotMs?: number;
  /** Gaps between token-bearing events. */
  itlMs?: readonly number[];
  outputTokens: number;
  costUSD: number;
}

let cachedWindow = -1;
let cachedWindowSec = 0;
let cachedNames: WindowNames | null = null;

function windowNames(index: number, windowSec: number): WindowNames {
  if (cachedNames !== null && index === cachedWindow && windowSec === cachedWindowSec) return cachedNames;
  const names = {} as WindowNames;
  for (const f of WINDOW_FIELDS) names[f] = `${PREFIX}w${windowSec}.${index}.${f}`;
  cachedWindow = index;
  cachedWindowSec = windowSec;
  cachedNames = names;
  return names;
}

function isMeasured(v: number | undefined): v is number {
  return v !== undefined && isFinite(v) && v >= 0;
}

/** The counter adds that book one finished request into the histograms and its time window (a few ops). */
export function seriesOps(sample: RequestSample, windowSec: number = DEFAULT_WINDOW_SEC): CounterOp[] {
  const index = isFinite(sample.tMs) ? Math.max(0, Math.floor(sample.tMs / 1000 / windowSec)) : 0;
  const w = windowNames(index, windowSec);
  const ops: CounterOp[] = [];
  const add = (key: string, delta: number) => ops.push({ op: 'add', key, delta });
  add(w.req, 1);
  if (!sample.ok) add(w.err, 1);
  if (sample.outputTokens > 0) add(w.tok, sample.outputTokens);
  if (sample.costUSD > 0) add(w.cost, sample.costUSD);
  if (isMeasured(sample.ttftMs)) {
    add(w.ttft_sum, sample.ttftMs);
    add(w.ttft_n, 1);
    add(BUCKET_NAMES.ttft[bucketIndex(sample.ttftMs)] as string, 1);
  }
  if (isMeasured(sample.e2eMs)) {
    add(w.e2e_sum, sample.e2eMs);
    add(w.e2e_n, 1);
    add(BUCKET_NAMES.e2e[bucketIndex(sample.e2eMs)] as string, 1);
  }
  if (isMeasured(sample.tpotMs)) add(BUCKET_NAMES.tpot[bucketIndex(sample.tpotMs)] as string, 1);
  if (sample.itlMs !== undefined && sample.itlMs.length > 0) {
    // A long answer has hundreds of gaps but they crowd into a few buckets: one add per bucket, not per gap.
    const perBucket: Record<number, number> = {};
    for (const g of sample.itlMs) {
      if (!isMeasured(g)) continue;
      const i = bucketIndex(g);
      perBucket[i] = (perBucket[i] ?? 0) + 1;
    }
    for (const k of Object.keys(perBucket)) add(BUCKET_NAMES.itl[Number(k)] as string, perBucket[Number(k)] as number);
  }
  return ops;
}

/** Adds one finished request into the process-wide histograms and its time window, as one group. */
export function recordRequest(counters: SharedCounters, sample: RequestSample, windowSec: number = DEFAULT_WINDOW_SEC): void {
  counters.group(seriesOps(sample, windowSec));
}

function bucketRange(i: number): { lo: number; hi: number | null } {
  if (i === 0) return { lo: 0, hi: LOG_BUCKET_BASE_MS };
  return { lo: BOUNDS[i - 1] as number, hi: i < BOUND_COUNT ? (BOUNDS[i] as number) : null };
}

/** Counter values read in one group, by name. */
type Reading = (key: string) => number;

function readAll(counters: SharedCounters, keys: string[]): Reading {
  const values = counters.group(keys.map((key): CounterOp => ({ op: 'get', key }))).values;
  const byKey = new Map<string, number>();
  keys.forEach((k, i) => byKey.set(k, values[i] as number));
  return (key) => byKey.get(key) ?? 0;
}

function readHistogram(read: Reading, name: HistogramName): Histogram {
  const buckets: HistogramBucket[] = [];
  let count = 0;
  const names = BUCKET_NAMES[name];
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const c = read(names[i] as string);
    if (c <= 0) continue;
    const r = bucketRange(i);
    buckets.push({ lo: r.lo, hi: r.hi, count: c });
    count += c;
  }
  return { count, buckets };
}

type RawWindow = Record<WindowField, number>;

function windowKeys(index: number, windowSec: number): string[] {
  const names = windowNames(index, windowSec);
  return WINDOW_FIELDS.map((f) => names[f]);
}

function readWindow(read: Reading, index: number, windowSec: number): RawWindow {
  const names = windowNames(index, windowSec);
  const raw = {} as RawWindow;
  for (const f of WINDOW_FIELDS) raw[f] = read(names[f]);
  return raw;
}

function mergeWindows(group: RawWindow[]): RawWindow {
  const sum = {} as RawWindow;
  for (const f of WINDOW_FIELDS) sum[f] = 0;
  for (const w of group) for (const f of WINDOW_FIELDS) sum[f] += w[f];
  return sum;
}

function toWindow(raw: RawWindow, startSec: number): SeriesWindow {
  return {
    startSec,
    requests: raw.req,
    errors: raw.err,
    outputTokens: raw.tok,
    costUSD: raw.cost,
    ttftCount: raw.ttft_n,
    ttftMeanMs: raw.ttft_n > 0 ? raw.ttft_sum / raw.ttft_n : null,
    e2eCount: raw.e2e_n,
    e2eMeanMs: raw.e2e_n > 0 ? raw.e2e_sum / raw.e2e_n : null,
  };
}

/** How to read the series back: the run's length and the window the recorder used. */
interface ReadSeriesOptions {
  durationSec: number;
  /** Must equal the windowSec the recorder used. */
  windowSec?: number;
  maxWindows?: number;
}

/** Reads the histograms and every window of the run back from the counters (call in handleSummary). */
export function readSeries(counters: SharedCounters, opts: ReadSeriesOptions): SeriesSnapshot {
  const windowSec = opts.windowSec ?? DEFAULT_WINDOW_SEC;
  const maxWindows = Math.max(1, opts.maxWindows ?? DEFAULT_MAX_WINDOWS);
  const nominal = Math.max(1, Math.ceil(opts.durationSec / windowSec));
  // One read of every counter the report needs: with the relay that is one round trip, not hundreds.
  const keys: string[] = [];
  for (let i = 0; i <= nominal; i++) keys.push(...windowKeys(i, windowSec));
  for (const h of HISTOGRAMS) keys.push(...BUCKET_NAMES[h]);
  const read = readAll(counters, keys);
  const raw: RawWindow[] = [];
  for (let i = 0; i < nominal; i++) raw.push(readWindow(read, i, windowSec));
  // Requests finishing just as the test ends can land one window past the nominal duration.
  const spill = readWindow(read, nominal, windowSec);
  if (spill.req > 0) raw.push(spill);

  const factor = Math.ceil(raw.length / maxWindows);
  const windows: SeriesWindow[] = [];
  for (let i = 0; i < raw.length; i += factor) {
    windows.push(toWindow(mergeWindows(raw.slice(i, i + factor)), i * windowSec));
  }
  const histograms = {} as Histograms;
  for (const h of HISTOGRAMS) histograms[h] = readHistogram(read, h);
  return { series: { windowSec: windowSec * factor, windows }, histograms };
}
