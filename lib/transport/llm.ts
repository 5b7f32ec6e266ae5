import { counterAdd, counterGet, counterTryAdd, instanceShare as share, mkdirAll as mkdir, selfCheck as check, stream } from 'k6/x/llm';
import type { InstanceShareFn, MkdirFn, SelfCheckFn, SendFn, SharedCounters, TransportKind } from './types';

/** Streams through k6/x/llm: per-event Go-side timestamps. */
export const transportKind: TransportKind = 'streaming';

/** Sends one request and reads its body as it arrives. */
export const send: SendFn = (req) =>
  stream(req.method, req.url, req.body, {
    headers: req.headers,
    tags: req.tags,
    timeout: req.timeoutMs,
    idleTimeout: req.idleTimeoutMs ?? 0,
  });

/** Process-wide counters from k6/x/llm. */
export const counters: SharedCounters | null = { add: counterAdd, tryAdd: counterTryAdd, get: counterGet };

/** This instance's VU ids, computed by k6's own segment striping. */
export const instanceShare: InstanceShareFn = share;

/** Folders for the reports. */
export const mkdirAll: MkdirFn = mkdir;

/** The process's CPU and scheduler-lateness self-check, sampled in Go during the run. */
export const selfCheck: SelfCheckFn = check;
