import type { CounterOp, GroupResult, RelayErrorCategory, SelfCheckSnapshot, StreamRecord } from './relay-record';

export type { CounterOp, GroupResult, SelfCheckSnapshot, StreamRecord } from './relay-record';

/** One SSE event as the buffered transport parses it, stamped in ns since the request was written. */
interface TimedSseEvent {
  t: number;
  event: string;
  id: string;
  data: string;
}

/** Points of the request's life in ns since it was written; -1 when the request never reached that point. */
interface StreamTimings {
  headers: number;
  firstByte: number;
  end: number;
  /** Wall clock (Unix ms, fractional) when the request was written; null if it never was. */
  sentAt: number | null;
}

/** A transport failure as a value (categories: src/llm/transport/relay-record.ts RelayErrorCategory). */
export interface StreamError {
  category: RelayErrorCategory;
  message: string;
}

/**
 * A raw HTTP response with its SSE events: what the buffered transport gets from k6/http, and the input of the
 * TypeScript reference decoder (src/llm/chat/decode.ts), which the relay's Go decoder matches on shared vectors.
 */
export interface StreamResponse {
  /** 0 when no response arrived. */
  status: number;
  proto: string;
  headers: Record<string, string>;
  /** True when the response was text/event-stream and `events` holds it. */
  sse: boolean;
  events: TimedSseEvent[];
  /** The whole body of a non-SSE response. */
  body?: string;
  timings: StreamTimings;
  error?: StreamError;
}

/** One HTTP request as the chat layer describes it, whichever transport sends it. */
interface StreamRequest {
  method: string;
  url: string;
  body: string | null;
  headers: Record<string, string>;
  tags?: Record<string, string>;
  timeoutMs: number;
  /** Honoured by the relay only: a buffered body has no "between events". */
  idleTimeoutMs?: number;
  /** Keep the answer's text in the record (multi-turn context); the relay skips copying it otherwise. */
  content?: boolean;
  /** Skip TLS certificate verification (targets.tlsVerify: false). */
  insecureTLS?: boolean;
}

/**
 * How the timings were taken: `streaming` stamps each event on arrival (the relay); `buffered` (k6/http alone)
 * sees the body only once complete, so every event carries the end time and only the first byte is a true
 * latency (report it as TTFB, not TTFT).
 */
export type TransportKind = 'streaming' | 'buffered';

/**
 * The one function both transports export: sends a chat request and returns its record. `pre` is an atomic
 * counter group run before sending (admission); when it fails nothing is sent and the record says so.
 */
export type SendFn = (req: StreamRequest, pre?: CounterOp[]) => StreamRecord;

/**
 * Counters shared by every VU of a k6 process, kept by the relay. The buffered transport has no shared state
 * between VUs, so there it is null and callers must degrade (and say so) rather than pretend.
 */
export interface SharedCounters {
  /** Runs ops as one atomic group (docs/relay.md): all of them, or none when one refuses. */
  group(ops: CounterOp[]): GroupResult;
  add(name: string, delta: number): number;
  tryAdd(name: string, delta: number, limit: number): boolean;
  get(name: string): number;
  /** The counters whose key starts with prefix, largest first, at most limit of them (POST /v1/counters/list). */
  list(prefix: string, limit: number): { key: string; value: number }[];
}

/** Short texts under a key, outside any session (docs/relay.md, /v1/notes); null where there is no relay. */
export type NotesApi = {
  put(key: string, text: string): void;
  read(key: string): string | null;
} | null;

/** The test-wide VU ids in [1, total] this k6 instance owns (src/llm/transport/segments.ts). */
export type InstanceShareFn = (total: number) => number[];

/** Creates a folder and its parents; null where the runtime cannot. */
export type MkdirFn = ((path: string) => void) | null;

/** Reads the relay's self-check (its CPU and lateness, and k6's CPU); null where there is no relay. */
export type SelfCheckFn = (() => SelfCheckSnapshot) | null;

/** Appends lines to a cleanup ledger file (POST /v1/ledger); null where the runtime cannot write files. */
export type LedgerAppendFn = ((path: string, lines: string[]) => void) | null;

/** How many SIGINTs the relay saw (a terminal's Ctrl-C); null where there is no relay to ask. */
export type InterruptsFn = (() => number) | null;
