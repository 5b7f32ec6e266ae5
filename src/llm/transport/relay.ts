import { sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { RELAY_API_VERSION, RELAY_UNAVAILABLE, type CounterOp, type GroupResult, type SelfCheckSnapshot, type StreamRecord } from './relay-record';
import { instanceShareOf } from './segments';
import type { InstanceShareFn, InterruptsFn, LedgerAppendFn, MkdirFn, NotesApi, SelfCheckFn, SendFn, SharedCounters, TransportKind } from './types';

/** Streams through the stream relay (docs/relay.md): per-event stamps taken in Go, one call per request. */
export const transportKind: TransportKind = 'streaming';

/** The env var that names the relay, set by `npm run k6` and by the TestRun's sidecar wiring. */
const RELAY_ENV = 'LLM_RELAY_URL';

/** A relay call that found nobody listening: the run cannot go on, and it is no platform error. */
class RelayUnavailableError extends Error {
  override name = RELAY_UNAVAILABLE;
}

/** A relay call k6 itself gave up: cancelled at the end of the test (graceful stop), or past its own timeout. */
class CallCutError extends Error {
  constructor(
    readonly category: 'aborted' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Why a relay call got no answer: k6 cancelled it, k6 timed it out, or nobody is listening. k6 reports the end of
 * a test's graceful stop as a request timeout too (the iteration's deadline passed); a call that gave up before
 * its own timeout was cut by the test, not timed out.
 */
function noAnswer(path: string, res: { error: string; error_code: number }, elapsedMs: number, timeoutMs: number): Error {
  if (/context canceled/i.test(res.error)) return new CallCutError('aborted', `request cancelled: ${res.error}`);
  if (res.error_code === K6_REQUEST_TIMEOUT) {
    return elapsedMs < timeoutMs ? new CallCutError('aborted', `request cut by the end of the test: ${res.error}`) : new CallCutError('timeout', res.error);
  }
  return unavailable(path, res.error);
}

const base = (__ENV[RELAY_ENV] ?? '').replace(/\/+$/, '');
const HOW_TO_START = 'start one with `npm run relay` (or run through `npm run k6`, which starts it) and pass -e LLM_RELAY_URL=http://127.0.0.1:8391';
// Slack past the request's own timeout: the relay answers by then even for a request that timed out.
const RELAY_SLACK_MS = 5000;
const COUNTER_TIMEOUT_MS = 10_000;
const HEALTH_WAIT_MS = 10_000;
const HEALTH_STEP_MS = 250;
// k6/http's error code for a request past its timeout (https://grafana.com/docs/k6/latest/javascript-api/error-codes/).
const K6_REQUEST_TIMEOUT = 1050;

let session: string | null = null;

function unavailable(what: string, err: string): RelayUnavailableError {
  return new RelayUnavailableError(`stream relay unavailable at ${base} (${what}: ${err}): ${HOW_TO_START}`);
}

function requireSession(): string {
  if (session === null) throw new Error('stream relay: no session bound; setup() opens one and every VU binds it from the setup data');
  return session;
}

/** POSTs JSON to the relay and parses its answer; a 400 is the harness's own mistake and is thrown as such. */
function call<T>(path: string, payload: unknown, timeoutMs: number, tags?: Record<string, string>): T {
  const startedMs = Date.now();
  const res = http.post(`${base}${path}`, JSON.stringify(payload), {
    headers: { 'Content-Type': 'application/json' },
    timeout: `${timeoutMs}ms`,
    responseType: 'text',
    tags: tags ?? { name: `relay ${path}` },
  });
  if (res.status === 0) throw noAnswer(path, res, Date.now() - startedMs, timeoutMs);
  if (res.status !== 200) throw new Error(`stream relay ${path} answered ${res.status}: ${String(res.body).slice(0, 300)}`);
  return JSON.parse(String(res.body)) as T;
}

/**
 * Checks that a relay of this API version answers and opens this k6 process's session, whose counters every VU
 * shares and whose targets are the only hosts the relay will forward to. Call once, from setup().
 */
export function openSession(targets: string[]): string | undefined {
  if (!base) throw new Error(`no stream relay: ${RELAY_ENV} is not set; ${HOW_TO_START}`);
  const ask = () => http.get(`${base}/v1/health`, { timeout: '5s', responseType: 'text', tags: { name: 'relay /v1/health' } });
  // A pod's sidecar may still be starting (init containers have no readiness probe): wait a little for it.
  let health = ask();
  for (let waited = 0; health.status === 0 && waited < HEALTH_WAIT_MS; waited += HEALTH_STEP_MS) {
    sleep(HEALTH_STEP_MS / 1000);
    health = ask();
  }
  if (health.status !== 200) throw unavailable('/v1/health', health.status === 0 ? health.error : `HTTP ${health.status}`);
  const version = (JSON.parse(String(health.body)) as { version?: number }).version;
  if (version !== RELAY_API_VERSION) throw new Error(`the stream relay at ${base} speaks API v${String(version)}, this script v${RELAY_API_VERSION}: rebuild it (npm run relay)`);
  const id = call<{ session: string }>('/v1/sessions', { targets }, COUNTER_TIMEOUT_MS).session;
  session = id;
  return id;
}

/** Binds a VU (or handleSummary) to the session setup() opened. */
export function bindSession(id: string | undefined): void {
  if (id) session = id;
}

/** Sends one request through the relay; a relay that does not answer gives a relay_unavailable record. */
export const send: SendFn = (req, pre) => {
  const payload = {
    session: requireSession(),
    pre,
    request: {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: req.body,
      timeoutMs: req.timeoutMs,
      idleTimeoutMs: req.idleTimeoutMs ?? 0,
      content: req.content === true,
      insecureTLS: req.insecureTLS === true,
    },
  };
  try {
    return call<StreamRecord>('/v1/stream', payload, req.timeoutMs + RELAY_SLACK_MS, req.tags);
  } catch (err) {
    if (err instanceof CallCutError) return unanswered(err.category, err.message);
    if (err instanceof RelayUnavailableError) return unanswered('relay_unavailable', err.message);
    throw err;
  }
};

/**
 * The record of a stream call that got no answer. Sent is unknown, so it says true: a request cut by the end of
 * the test may have reached the platform, and its reservation must still be settled.
 */
function unanswered(category: 'aborted' | 'timeout' | 'relay_unavailable', message: string): StreamRecord {
  return { v: 1, sent: category !== 'relay_unavailable', status: 0, proto: '', headers: {}, sse: false, sentAtMs: null, ttfbMs: -1, ttftMs: -1, ttfoMs: -1, e2eMs: -1, endMs: -1, itlMs: [], events: 0, chunks: 0, usage: null, finishReason: '', sawDone: false, contentChars: 0, reasoningChars: 0, error: { category, message } };
}

function group(ops: CounterOp[]): GroupResult {
  return call<GroupResult>('/v1/counters', { session: requireSession(), ops }, COUNTER_TIMEOUT_MS);
}

/** The session's counters, kept by the relay for every VU of this k6 process. */
export const counters: SharedCounters | null = {
  group,
  add: (key, delta) => group([{ op: 'add', key, delta }]).values[0] as number,
  tryAdd: (key, delta, limit) => group([{ op: 'tryAdd', key, delta, limit }]).ok,
  get: (key) => group([{ op: 'get', key }]).values[0] as number,
  list: (prefix, limit) => call<{ entries: { key: string; value: number }[] }>('/v1/counters/list', { session: requireSession(), prefix, limit }, COUNTER_TIMEOUT_MS).entries,
};

/** The relay's notes, which need no session: setup() leaves its error there for handleSummary. */
export const notes: NotesApi = {
  put: (key, text) => {
    call<{ ok: boolean }>('/v1/notes', { key, text }, COUNTER_TIMEOUT_MS);
  },
  read: (key) => call<{ text: string | null }>('/v1/notes/read', { key }, COUNTER_TIMEOUT_MS).text,
};

/** This instance's VU ids, by k6's segment striping (src/llm/transport/segments.ts). */
export const instanceShare: InstanceShareFn = (total) => {
  const o = exec.test.options as { executionSegment?: string; executionSegmentSequence?: string };
  return instanceShareOf(o.executionSegment, o.executionSegmentSequence, total);
};

/** Folders for the reports: k6 writes files but cannot create folders, so the relay makes them. */
export const mkdirAll: MkdirFn = (path) => {
  call<{ ok: boolean }>('/v1/mkdir', { path }, COUNTER_TIMEOUT_MS);
};

/** The relay's self-check: its CPU and scheduler lateness, and the k6 process's CPU where it can see it. */
export const selfCheck: SelfCheckFn = () => {
  const res = http.get(`${base}/v1/selfcheck?session=${encodeURIComponent(requireSession())}`, { timeout: `${COUNTER_TIMEOUT_MS}ms`, responseType: 'text', tags: { name: 'relay /v1/selfcheck' } });
  if (res.status !== 200) throw unavailable('/v1/selfcheck', res.status === 0 ? res.error : `HTTP ${res.status}`);
  return JSON.parse(String(res.body)) as SelfCheckSnapshot;
};

/** The cleanup ledger: the relay appends the lines to a file under its results root. */
export const ledgerAppend: LedgerAppendFn = (path, lines) => {
  call<{ ok: boolean }>('/v1/ledger', { path, lines }, COUNTER_TIMEOUT_MS);
};

/** The SIGINTs the relay saw: a terminal's Ctrl-C reaches it too, so a run knows it was interrupted. */
export const interrupts: InterruptsFn = () => {
  const res = http.get(`${base}/v1/health`, { timeout: `${COUNTER_TIMEOUT_MS}ms`, responseType: 'text', tags: { name: 'relay /v1/health' } });
  if (res.status !== 200) throw unavailable('/v1/health', res.status === 0 ? res.error : `HTTP ${res.status}`);
  return Number((JSON.parse(String(res.body)) as { interrupts?: number }).interrupts ?? 0);
};
