import type { FaultKind } from './config';

/** Ground truth of one router request, as recorded by the server. Times in ms relative to `receivedMonoMs` unless named Mono. */
export interface RequestRecord {
  seq: number;
  requestId: string;
  route: string;
  model: string | null;
  orgId: string | null;
  keyId: string | null;
  stream: boolean;
  /** HTTP status sent; 0 when the connection was reset before headers. */
  status: number;
  errorCode: string | null;
  fault: FaultKind | null;
  /** How the exchange ended: complete, error (an error status), reset (sim destroyed the socket), client_closed. */
  outcome: 'pending' | 'complete' | 'error' | 'reset' | 'client_closed';
  /** Absolute monotonic receive time (CLOCK_MONOTONIC, as process.hrtime.bigint()), ns as a decimal string and ms. */
  receivedNs: string;
  receivedMonoMs: number;
  headersMs: number | null;
  /** When the request got a concurrency slot; queueWaitMs = admittedMs - time it asked for one. */
  admittedMs: number | null;
  queueWaitMs: number;
  /** Configured TTFT (base + prefill of uncached tokens), excluding queue wait. */
  modelTtftMs: number | null;
  firstTokenMs: number | null;
  endMs: number | null;
  /** One entry per token-bearing chunk: actual write time, scheduled deadline, tokens in it. */
  chunkAtMs: number[];
  chunkDueMs: number[];
  chunkTokens: number[];
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  costUSD: number;
}

const BUCKET_MS = 0.01;
const BUCKETS = 10_000;

/** Histogram of chunk write lateness (actual write minus deadline), 10 us buckets up to 100 ms. */
export class LatenessHistogram {
  private counts = new Uint32Array(BUCKETS + 1);
  private n = 0;
  private sum = 0;
  private max = 0;

  /** Adds one chunk's lateness in ms. */
  add(ms: number): void {
    const v = Math.max(0, ms);
    const b = Math.min(BUCKETS, Math.floor(v / BUCKET_MS));
    this.counts[b] = (this.counts[b] as number) + 1;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** Forgets everything (e.g. after a bench warm-up). */
  reset(): void {
    this.counts = new Uint32Array(BUCKETS + 1);
    this.n = 0;
    this.sum = 0;
    this.max = 0;
  }

  /** Upper edge of the bucket holding quantile q, ms. */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const target = Math.ceil(q * this.n);
    let acc = 0;
    for (let b = 0; b <= BUCKETS; b++) {
      acc += this.counts[b] as number;
      if (acc >= target) return b === BUCKETS ? this.max : (b + 1) * BUCKET_MS;
    }
    return this.max;
  }

  /** Summary for /_sim/timing and /metrics. */
  summary(): { chunks: number; meanMs: number; medianMs: number; p90Ms: number; p99Ms: number; maxMs: number } {
    return {
      chunks: this.n,
      meanMs: this.n ? this.sum / this.n : 0,
      medianMs: this.quantile(0.5),
      p90Ms: this.quantile(0.9),
      p99Ms: this.quantile(0.99),
      maxMs: this.max,
    };
  }
}

/** Bounded ring of request records: the newest `capacity` requests are kept. */
export class GroundTruth {
  private readonly ring: RequestRecord[] = [];
  private next = 0;
  readonly lateness = new LatenessHistogram();

  constructor(private readonly capacity: number) {}

  /** Stores a new record (mutated in place as the request progresses). */
  add(rec: RequestRecord): void {
    if (this.ring.length < this.capacity) this.ring.push(rec);
    else this.ring[this.next % this.capacity] = rec;
    this.next++;
  }

  /** Records in arrival order, optionally only those with seq > since or a given request id. */
  list(filter: { since?: number; requestId?: string; limit?: number } = {}): RequestRecord[] {
    const n = this.ring.length;
    const start = this.next - n;
    const out: RequestRecord[] = [];
    for (let s = start; s < this.next; s++) {
      const rec = this.ring[s % this.capacity] as RequestRecord;
      if (filter.since !== undefined && rec.seq <= filter.since) continue;
      if (filter.requestId !== undefined && rec.requestId !== filter.requestId) continue;
      out.push(rec);
    }
    return filter.limit !== undefined ? out.slice(-filter.limit) : out;
  }

  /** Count of records ever added (the next seq). */
  get total(): number {
    return this.next;
  }
}

/** JSON shape of a record for /_sim/requests: chunk arrays zipped into objects. */
export function recordJson(rec: RequestRecord): Record<string, unknown> {
  const { chunkAtMs, chunkDueMs, chunkTokens, ...rest } = rec;
  return {
    ...rest,
    chunks: chunkAtMs.map((atMs, i) => ({ atMs, dueMs: chunkDueMs[i], tokens: chunkTokens[i] })),
  };
}
