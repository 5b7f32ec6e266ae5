import { sleep } from 'k6';
import { send, transportKind } from '#transport';
import type { CounterOp, GroupResult, StreamRecord } from '../transport/types';
import { outcomeFromRecord, type ChatOutcome } from './analyze';
import { chatRequestBody, type ChatRequestSpec } from './request';
import { retryDelayMs, RetryAfterWindows, shouldRetry, type ErrorHandling } from './retry-policy';

/** Where and how to send chat requests for one user. */
export interface ChatTarget {
  /** Base URL of the OpenAI-compatible router, e.g. http://127.0.0.1:8080. */
  routerUrl: string;
  /** The user's API key; empty against a server without auth (platform.auth none), which gets no Authorization header. */
  apiKey: string;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** Tags for k6's http_req_* samples (no secrets). */
  tags: Record<string, string>;
  /** Keep the answer's text (multi-turn context); the relay does not copy it otherwise. */
  keepContent?: boolean;
  /** Skip TLS certificate verification (targets.tlsVerify: false). */
  insecureTLS?: boolean;
}

/**
 * The caller's say around each attempt. `admission` gives the counter group that must succeed before the attempt
 * is sent (it rides on the stream call), or false to veto it; `refused` hears a refused admission and says whether
 * to try again (after its own wait); `after` records the attempt; `waited` hears the pause before a retry.
 */
export interface AttemptHooks {
  admission(attempt: number): CounterOp[] | undefined | false;
  refused(attempt: number, pre: GroupResult): boolean;
  after(outcome: ChatOutcome, attempt: number, record: StreamRecord): void;
  waited?(delayMs: number, failed: ChatOutcome): void;
}

/** The chat completions endpoint under a router's base URL. */
export function chatCompletionsUrl(routerUrl: string): string {
  return `${routerUrl.replace(/\/+$/, '')}/v1/chat/completions`;
}

/** Sends one chat completion (with an optional admission group) and returns its record. */
function sendChat(target: ChatTarget, spec: ChatRequestSpec, pre?: CounterOp[]): StreamRecord {
  return send(
    {
      method: 'POST',
      url: chatCompletionsUrl(target.routerUrl),
      body: chatRequestBody(spec),
      headers: {
        'Content-Type': 'application/json',
        ...(target.apiKey === '' ? {} : { Authorization: `Bearer ${target.apiKey}` }),
        Accept: spec.stream ? 'text/event-stream' : 'application/json',
      },
      tags: target.tags,
      timeoutMs: target.timeoutMs,
      idleTimeoutMs: target.idleTimeoutMs,
      content: target.keepContent === true,
      insecureTLS: target.insecureTLS === true,
    },
    pre,
  );
}

/** Sends one chat completion and analyses its record. */
export function chatOnce(target: ChatTarget, spec: ChatRequestSpec, promptTokensEstimate: number): ChatOutcome {
  const startedMs = Date.now();
  const rec = sendChat(target, spec);
  return toOutcome(rec, promptTokensEstimate, startedMs);
}

function toOutcome(rec: StreamRecord, promptTokensEstimate: number, startedMs: number): ChatOutcome {
  const nowMs = Date.now();
  const outcome = outcomeFromRecord(rec, { transport: transportKind, promptTokensEstimate, nowMs });
  outcome.attemptMs = nowMs - startedMs;
  const requestId = rec.headers['X-Request-Id'];
  if (requestId !== undefined) outcome.requestId = requestId;
  return outcome;
}

// The Retry-After windows of this VU's keys: module state is the VU's own, and it outlives the question that opened them.
const retryAfter = new RetryAfterWindows();

/**
 * Sends with the user's errorHandling: transient failures are retried after a backoff (or the server's
 * Retry-After), and a key waits out a Retry-After window left by an earlier question; each attempt is admitted and
 * recorded through the hooks. Returns the last outcome, or undefined when the first attempt was never sent.
 */
export function sendWithRetries(target: ChatTarget, spec: ChatRequestSpec, promptTokensEstimate: number, policy: ErrorHandling, hooks: AttemptHooks): ChatOutcome | undefined {
  let last: ChatOutcome | undefined;
  for (let attempt = 1; ; attempt++) {
    let rec: StreamRecord;
    let startedMs: number;
    for (;;) {
      // A key still inside a Retry-After window waits it out before it is admitted (and before a reservation is held).
      const waitMs = retryAfter.waitMs(target.apiKey, Date.now());
      if (waitMs > 0) sleep(waitMs / 1000);
      const pre = hooks.admission(attempt);
      if (pre === false) return last;
      startedMs = Date.now();
      rec = sendChat(target, spec, pre);
      if (rec.sent || !rec.pre) break;
      if (!hooks.refused(attempt, rec.pre)) return last;
    }
    last = toOutcome(rec, promptTokensEstimate, startedMs);
    retryAfter.note(target.apiKey, Date.now(), last.error?.retryAfterMs);
    hooks.after(last, attempt, rec);
    if (last.ok || !last.error || !shouldRetry(last.error, attempt, policy)) return last;
    const delayMs = retryDelayMs(last.error, attempt, policy);
    sleep(delayMs / 1000);
    hooks.waited?.(delayMs, last);
  }
}
