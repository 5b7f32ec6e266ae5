import exec from 'k6/execution';
import http from 'k6/http';
import { decodeResponse } from '../chat/decode';
import { parseSse } from '../sse';
import { categorizeK6Error } from './k6-errors';
import { instanceShareOf } from './segments';
import type { InstanceShareFn, InterruptsFn, LedgerAppendFn, MkdirFn, NotesApi, SelfCheckFn, SendFn, SharedCounters, StreamResponse, TransportKind } from './types';

/** Buffered k6/http alone, no relay: sees the body only once it is complete, and reports TTFB, not TTFT. */
export const transportKind: TransportKind = 'buffered';

/** k6 alone shares nothing between VUs. */
export const counters: SharedCounters | null = null;

/** No relay, no notes: a setup error is only in k6's own output. */
export const notes: NotesApi = null;

/** No relay, so no session: the targets are reached directly. */
export function openSession(_targets: string[]): string | undefined {
  return undefined;
}

/** No relay session to bind. */
export function bindSession(_id: string | undefined): void {}

const NS_PER_MS = 1e6;

/** Sends one request with k6/http and decodes the body after the fact, with the reference decoder. */
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
  return decodeResponse(out, req.content === true);
};

/** This instance's VU ids, by k6's segment striping (src/llm/transport/segments.ts). */
export const instanceShare: InstanceShareFn = (total) => {
  const o = exec.test.options as { executionSegment?: string; executionSegmentSequence?: string };
  return instanceShareOf(o.executionSegment, o.executionSegmentSequence, total);
};

/** k6 alone cannot create folders: the reports land flat in the working directory. */
export const mkdirAll: MkdirFn = null;

/** Without the relay nothing watches the generator: the summary says the self-check is unavailable. */
export const selfCheck: SelfCheckFn = null;

/** k6 alone cannot append to a file: the ledger goes to k6's log instead (src/runtime/ledger.ts). */
export const ledgerAppend: LedgerAppendFn = null;

/** No relay to have seen a Ctrl-C. */
export const interrupts: InterruptsFn = null;
