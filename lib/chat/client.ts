import { sleep } from 'k6';
import { send, transportKind } from '#transport';
import { analyzeResponse, type ChatOutcome } from './analyze';
import { chatRequestBody, type ChatRequestSpec } from './request';
import { retryDelayMs, shouldRetry, type ErrorHandling } from './retry-policy';

/** Where and how to send chat requests for one user. */
export interface ChatTarget {
  /** Base URL of the OpenAI-compatible router, e.g. http://127.0.0.1:8080. */
  routerUrl: string;
  apiKey: string;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** Tags for k6's http_req_* samples (no secrets). */
  tags: Record<string, string>;
}

/** The caller's say around each attempt: `before` may veto it (a limit), `after` records it. */
export interface AttemptHooks {
  before(attempt: number): boolean;
  after(outcome: ChatOutcome, attempt: number): void;
}

/** Sends one chat completion and analyses the response. */
export function sendChat(target: ChatTarget, spec: ChatRequestSpec, promptTokensEstimate: number): ChatOutcome {
  const startedMs = Date.now();
  const res = send({
    method: 'POST',
    url: `${target.routerUrl.replace(/\/+$/, '')}/v1/chat/completions`,
    body: chatRequestBody(spec),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${target.apiKey}`, Accept: spec.stream ? 'text/event-stream' : 'application/json' },
    tags: target.tags,
    timeoutMs: target.timeoutMs,
    idleTimeoutMs: target.idleTimeoutMs,
  });
  const nowMs = Date.now();
  const outcome = analyzeResponse(res, { transport: transportKind, promptTokensEstimate, nowMs });
  outcome.attemptMs = nowMs - startedMs;
  const requestId = res.headers['X-Request-Id'];
  if (requestId !== undefined) outcome.requestId = requestId;
  return outcome;
}

/**
 * Sends with the user's errorHandling: transient failures are retried after a backoff (or the
 * server's Retry-After); each attempt passes through the hooks. Returns the last outcome, or
 * undefined when `before` vetoed the first attempt.
 */
export function sendWithRetries(target: ChatTarget, spec: ChatRequestSpec, promptTokensEstimate: number, policy: ErrorHandling, hooks: AttemptHooks): ChatOutcome | undefined {
  let last: ChatOutcome | undefined;
  for (let attempt = 1; hooks.before(attempt); attempt++) {
    last = sendChat(target, spec, promptTokensEstimate);
    hooks.after(last, attempt);
    if (last.ok || !last.error || !shouldRetry(last.error, attempt, policy)) return last;
    sleep(retryDelayMs(last.error, attempt, policy) / 1000);
  }
  return last;
}
