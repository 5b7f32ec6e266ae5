import { FAULT_ORDER } from './config';
import type { FaultKind, FaultsConfig } from './config';
import type { Rng } from './random';

/**
 * Picks at most one fault for a request: one uniform draw per request laid over the fault probabilities in
 * FAULT_ORDER, so the sequence of faults is a pure function of the seed and the model's request order.
 */
export function pickFault(faults: FaultsConfig, rng: Rng): FaultKind | null {
  const u = rng.next();
  let edge = 0;
  for (const kind of FAULT_ORDER) {
    edge += faults[kind];
    if (faults[kind] > 0 && u < edge) return kind;
  }
  return null;
}

/** Faults answered with an error status instead of a response, and that status. */
export const STATUS_FAULTS: Partial<Record<FaultKind, { status: number; code: string; message: string }>> = {
  http500: { status: 500, code: 'INTERNAL_ERROR', message: 'injected internal error' },
  http502: { status: 502, code: 'BACKEND_ERROR', message: 'injected upstream failure' },
  http503: { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'injected backend overload' },
  http429: { status: 429, code: 'RATE_LIMIT_EXCEEDED', message: 'injected backend rate limit' },
};
