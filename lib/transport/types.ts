import type { SelfCheckSnapshot, StreamResponse } from 'k6/x/llm';

export type { SelfCheckSnapshot, StreamError, StreamResponse, StreamTimings, TimedSseEvent } from 'k6/x/llm';

/** One HTTP request as the chat layer describes it, whichever transport sends it. */
export interface StreamRequest {
  method: string;
  url: string;
  body: string | null;
  headers: Record<string, string>;
  tags?: Record<string, string>;
  timeoutMs: number;
  /** Honoured by the streaming transport only: a buffered body has no "between events". */
  idleTimeoutMs?: number;
}

/**
 * How the timings were taken: `streaming` stamps each event on arrival (k6/x/llm); `buffered`
 * (stock k6) sees the body only once complete, so every event carries the end time and only the
 * first byte is a true latency (report it as TTFB, not TTFT).
 */
export type TransportKind = 'streaming' | 'buffered';

/** The one function both transports export. */
export type SendFn = (req: StreamRequest) => StreamResponse;

/**
 * Counters shared by every VU of a k6 process (k6/x/llm). The stock flavour has no shared state
 * between VUs, so there it is null and callers must degrade (and say so) rather than pretend.
 */
export interface SharedCounters {
  add(name: string, delta: number): number;
  tryAdd(name: string, delta: number, limit: number): boolean;
  get(name: string): number;
}

/** The test-wide VU ids in [1, total] this k6 instance owns (see k6/x/llm instanceShare). */
export type InstanceShareFn = (total: number) => number[];

/** Creates a folder and its parents; null where the runtime cannot (stock k6). */
export type MkdirFn = ((path: string) => void) | null;

/**
 * Reads the k6 process's self-check (CPU use, scheduler lateness; k6/x/llm); null where the runtime
 * cannot watch itself (stock k6), and the summary then says the self-check is unavailable.
 */
export type SelfCheckFn = (() => SelfCheckSnapshot) | null;
