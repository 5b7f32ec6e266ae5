/**
 * Typings of the stream relay's API v1 (docs/relay.md; the Go side is relay/). This file and that page change
 * together; a change that breaks a client bumps RELAY_API_VERSION.
 */

/** The API version this client speaks; the relay's /v1/health must report the same. */
export const RELAY_API_VERSION = 1;

/** The name of the error a relay call throws when nobody answers, whichever module catches it. */
export const RELAY_UNAVAILABLE = 'RelayUnavailableError';

/** One counter operation of an atomic group. */
export type CounterOp =
  | { op: 'add'; key: string; delta: number }
  | { op: 'get'; key: string }
  | { op: 'tryAdd'; key: string; delta: number; limit: number }
  | { op: 'check'; key: string; max: number };

/** What an atomic group did: all ops ran (failed -1), or op `failed` refused and every change was rolled back. */
export interface GroupResult {
  ok: boolean;
  failed: number;
  values: number[];
}

/** Transport and decoder failure categories; `relay_unavailable` is added by the k6 side. */
export type RelayErrorCategory =
  | 'timeout'
  | 'idle_timeout'
  | 'aborted'
  | 'dns'
  | 'tls'
  | 'connection_refused'
  | 'connection_reset'
  | 'stream_interrupted'
  | 'invalid_request'
  | 'invalid_response'
  | 'unknown'
  | 'malformed_stream'
  | 'forbidden_target'
  | 'relay_unavailable';

/** The request k6 hands the relay. */
interface RelayRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** Return the answer's text (multi-turn context, cache checks); false saves copying it. */
  content: boolean;
  /** Skip TLS certificate verification (targets.tlsVerify: false); certificates are verified otherwise. */
  insecureTLS?: boolean;
}

/** Token counts as the platform reported them; each may be absent. */
interface RelayUsage {
  prompt?: number;
  completion?: number;
  cached?: number;
}

/** One chat request's record: times are ms since the request was written, on the relay's monotonic clock. */
export interface StreamRecord {
  v: number;
  sent: boolean;
  pre?: GroupResult;
  status: number;
  proto: string;
  headers: Record<string, string>;
  sse: boolean;
  sentAtMs: number | null;
  ttfbMs: number;
  ttftMs: number;
  ttfoMs: number;
  e2eMs: number;
  endMs: number;
  itlMs: number[];
  events: number;
  chunks: number;
  usage: RelayUsage | null;
  finishReason: string;
  sawDone: boolean;
  contentChars: number;
  reasoningChars: number;
  content?: string;
  body?: string;
  error?: { category: RelayErrorCategory; message: string };
}

/** The relay's self-check: its own CPU and scheduler lateness, and the k6 process's CPU where it can see it. */
export interface SelfCheckSnapshot {
  /** False until the session's first stream call started the sampler; the figures below are then zero. */
  started: boolean;
  /** Seconds since sampling started. */
  wallSeconds: number;
  /** CPU seconds (user + system) of the relay since sampling started; -1 when unknown. */
  cpuSeconds: number;
  /** CPU seconds of the relay since it started; -1 when unknown. */
  cpuSecondsTotal: number;
  /** Go's GOMAXPROCS: the cores the relay may use at once. */
  gomaxprocs: number;
  numCpu: number;
  /** Length of each CPU window, s (1). */
  windowSeconds: number;
  /** Cores the relay used in each completed window, oldest first. */
  windowCores: number[];
  /** How often the lateness probe asks to wake, ms (10). */
  lagIntervalMs: number;
  lagSamples: number;
  /** How late the probe woke: how long a runnable goroutine (a stream's reader) waited for a CPU, ms. */
  lagMeanMs: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** The k6 process on the other end of the session's connections, when the relay can read its CPU. */
  k6: { pid: number; cpuSeconds: number; windowCores: number[] } | null;
}
