import exec from 'k6/execution';
import http from 'k6/http';
import { parseSse } from '../sse';
import { categorizeK6Error } from './k6-errors';
import type { InstanceShareFn, MkdirFn, SelfCheckFn, SendFn, SharedCounters, StreamResponse, TransportKind } from './types';

/** Buffered k6/http: works on stock k6, but sees the body only once it is complete. */
export const transportKind: TransportKind = 'buffered';

/** Stock k6 shares nothing between VUs. */
export const counters: SharedCounters | null = null;

const NS_PER_MS = 1e6;

/** Sends one request with k6/http and parses the SSE body after the fact. */
export const send: SendFn = (req) => {
  const res = http.request(req.method, req.url, req.body, {
    headers: req.headers,
    tags: req.tags,
    timeout: `${req.timeoutMs}ms`,
    responseType: 'text',
  });
  // k6's `waiting` is write-to-first-byte, the same zero the streaming transport uses.
  const firstByte = res.status > 0 ? res.timings.waiting * NS_PER_MS : -1;
  const end = res.status > 0 ? (res.timings.waiting + res.timings.receiving) * NS_PER_MS : -1;
  const headers: Record<string, string> = {};
  for (const k of Object.keys(res.headers)) headers[k] = String(res.headers[k]);
  const body = typeof res.body === 'string' ? res.body : '';
  const sse = /^text\/event-stream\b/i.test(headers['Content-Type'] ?? '');
  const out: StreamResponse = {
    status: res.status,
    proto: res.proto,
    headers,
    sse,
    // Every event reached the script at the end of the body: that is the only honest stamp.
    events: sse ? parseSse(body).map((e) => ({ t: end, event: e.event, id: e.id, data: e.data })) : [],
    timings: {
      headers: firstByte,
      firstByte,
      end,
      sentAt: res.status > 0 ? Date.now() - (res.timings.waiting + res.timings.receiving) : null,
    },
  };
  if (!sse) out.body = body;
  // k6 reports an HTTP error status as code 1000 + status: that is a response, not a transport failure.
  if (res.error_code !== 0 && res.error_code !== 1000 + res.status) {
    out.error = { category: categorizeK6Error(res.error_code, res.error), message: res.error };
  }
  return out;
};

/**
 * Without the extension only an unsegmented run can know its share (every VU); a segmented run
 * on stock k6 would have to re-implement k6's striping, so it is refused with a clear message.
 */
export const instanceShare: InstanceShareFn = (total) => {
  const segment = (exec.test.options as { executionSegment?: string }).executionSegment;
  if (segment && segment !== '0:1' && segment !== '0,1') {
    throw new Error(`execution segment ${segment}: splitting users across instances needs the project's k6 (k6/x/llm); the stock build runs unsegmented only`);
  }
  const ids: number[] = [];
  for (let id = 1; id <= total; id++) ids.push(id);
  return ids;
};

/** Stock k6 cannot create folders. */
export const mkdirAll: MkdirFn = null;

/** Stock k6 cannot watch its own CPU or scheduler: the summary says the self-check is unavailable. */
export const selfCheck: SelfCheckFn = null;
