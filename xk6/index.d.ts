/**
 * Typings of the project's k6 extension `k6/x/llm` (Go source beside this file).
 * Every `t` and timing is nanoseconds since the request was written, taken in Go on the monotonic clock.
 */
declare module 'k6/x/llm' {
  /** One SSE event, stamped when the read that completed it returned. */
  export interface TimedSseEvent {
    t: number;
    event: string;
    id: string;
    data: string;
  }

  /** Points of the request's life; -1 when the request never reached that point. */
  export interface StreamTimings {
    headers: number;
    firstByte: number;
    end: number;
    /** Wall clock (Unix ms, fractional) when the request was written; null if it never was. */
    sentAt: number | null;
  }

  /**
   * A failure as a value; categories are listed in xk6/errors.go. `dns` also covers k6's own refusals to dial
   * (--block-hostnames, --blacklist-ip, a DNS policy that leaves no address), as k6/http's 1110/1111 codes do.
   */
  export interface StreamError {
    category:
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
      | 'unknown';
    message: string;
  }

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

  export interface StreamParams {
    headers?: Record<string, string>;
    /** Added to the k6 tags of the request's http_req_* samples. */
    tags?: Record<string, string>;
    /** Whole-request timeout: ms or a duration string such as "60s" (default 60s). */
    timeout?: number | string;
    /**
     * Longest wait, once headers arrived, for the first SSE event and then for each next one: ms or a duration
     * string (default none). Only a complete event resets it; comment lines (`: ping` keep-alives) and partial
     * events do not, as they are no progress of a generation. For a non-SSE body any bytes read reset it.
     */
    idleTimeout?: number | string;
    /** Throw the error instead of returning it in `error`. */
    throw?: boolean;
  }

  /** Sends a request through the VU's k6 transport and reads the body as it streams. Not callable at init. */
  export function stream(method: string, url: string, body: string | ArrayBuffer | null | undefined, params?: StreamParams): StreamResponse;

  /** Adds delta to a counter shared by every VU of this k6 process; returns the new value. */
  export function counterAdd(name: string, delta: number): number;

  /** Adds delta only if the counter stays <= limit; true when it did. */
  export function counterTryAdd(name: string, delta: number, limit: number): boolean;

  /** Reads a shared counter (0 if never touched). */
  export function counterGet(name: string): number;

  /**
   * The test-wide VU ids in [1, total] this k6 instance owns under its execution segment, in the
   * order k6 gives them to its VUs; the shares of a run's instances are disjoint. Call from setup().
   */
  export function instanceShare(total: number): number[];

  /** Creates a directory and its parents (handleSummary writes files, not folders). */
  export function mkdirAll(path: string): void;

  /**
   * The k6 process watching itself: CPU use and Go scheduler lateness, sampled by one goroutine from the
   * first stream() call on (every 10 ms for lateness, every second for CPU; nothing per request or chunk).
   */
  export interface SelfCheckSnapshot {
    /** False until the first stream() call started the sampler; the figures below are then zero. */
    started: boolean;
    /** Seconds since sampling started. */
    wallSeconds: number;
    /** CPU seconds (user + system, getrusage) of the whole process since sampling started; -1 when unknown. */
    cpuSeconds: number;
    /** CPU seconds since the process started (VU init included); -1 when unknown. */
    cpuSecondsTotal: number;
    /** Go's GOMAXPROCS: the cores the process may use at once (follows taskset and cgroup limits). */
    gomaxprocs: number;
    numCpu: number;
    /** Length of each CPU window, s (1). */
    windowSeconds: number;
    /** Cores used in each completed window, oldest first (1.0 = one core busy for the whole window). */
    windowCores: number[];
    /** How often the lateness probe asks to wake, ms (10). */
    lagIntervalMs: number;
    lagSamples: number;
    /** How late the probe woke: the wait of a runnable goroutine (a VU's event loop) for a CPU, ms. */
    lagMeanMs: number;
    lagP50Ms: number;
    lagP99Ms: number;
    lagMaxMs: number;
  }

  /** This process's self-check so far (see SelfCheckSnapshot). */
  export function selfCheck(): SelfCheckSnapshot;

  /** CPU seconds (user + system) this k6 process has used since it started; -1 where unknown. */
  export function cpuSeconds(): number;
}
