import type { SharedCounters } from './transport/types';

/** One budget a request must fit in: the test's maxCostUSD, an org's limit or its daily limit. */
export interface BudgetScope {
  kind: 'test' | 'org' | 'org-daily';
  /** Counter key, e.g. `org:acme-1` or `org:acme-1:day:2026-11-27`. */
  key: string;
  limitUSD: number;
  /** Spend past which a warning is due (an org's warnAtUSD, scaled like the limit). */
  warnAtUSD?: number;
  /** The org's enableAlerts: its warning is labelled for the alert rule. */
  alert?: boolean;
}

/** A reservation held while its request is in flight. */
export interface Reservation {
  scopes: BudgetScope[];
  amountUSD: number;
}

/** Outcome of a reservation attempt: reserved, or refused by a scope (and whether waiting can help). */
export type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; scope: BudgetScope; othersInFlight: boolean };

const booked = (s: BudgetScope) => `budget:booked:${s.key}`;
const inflight = (s: BudgetScope) => `budget:inflight:${s.key}`;
const spent = (s: BudgetScope) => `budget:spent:${s.key}`;

/**
 * The cost ledger shared by all VUs of a k6 process. Before a request a VU reserves its worst-case
 * cost in every scope it spends from (atomically per scope, rolled back if a later scope refuses), so
 * concurrent VUs cannot overshoot together; when usage arrives the reservation settles to the real cost.
 * A scope's booked total is settled spend plus outstanding reservations, and never exceeds its limit.
 */
export class BudgetLedger {
  constructor(private readonly counters: SharedCounters) {}

  /** Reserves amountUSD in every scope, or none. */
  reserve(scopes: BudgetScope[], amountUSD: number): ReserveResult {
    for (let i = 0; i < scopes.length; i++) {
      const s = scopes[i] as BudgetScope;
      if (!this.counters.tryAdd(booked(s), amountUSD, s.limitUSD)) {
        for (let j = 0; j < i; j++) this.counters.add(booked(scopes[j] as BudgetScope), -amountUSD);
        return { ok: false, scope: s, othersInFlight: this.counters.get(inflight(s)) > 0 };
      }
    }
    for (const s of scopes) this.counters.add(inflight(s), 1);
    return { ok: true, reservation: { scopes, amountUSD } };
  }

  /** Replaces the reservation with the request's real cost; returns each scope's spend after it. */
  settle(r: Reservation, actualUSD: number): number[] {
    return r.scopes.map((s) => {
      this.counters.add(booked(s), actualUSD - r.amountUSD);
      this.counters.add(inflight(s), -1);
      return this.counters.add(spent(s), actualUSD);
    });
  }

  /** Settled spend in a scope. */
  spentUSD(s: BudgetScope): number {
    return this.counters.get(spent(s));
  }
}

/** Worst-case cost of a request: its prompt (estimate with headroom) and max_tokens of output. */
export function worstCaseCostUSD(price: { inputPerToken: number; outputPerToken: number }, promptTokensEstimate: number, maxTokens: number): number {
  // The prompt is only estimated (~4 chars/token); the headroom keeps a reservation above the billed prompt.
  const prompt = Math.ceil(promptTokensEstimate * 1.25) + 16;
  return prompt * price.inputPerToken + maxTokens * price.outputPerToken;
}

/** The fraction of the whole run an execution segment such as "1/4:1/2" stands for (1 when unsegmented). */
export function segmentFraction(segment: string | undefined): number {
  if (!segment) return 1;
  const parts = segment.split(':');
  if (parts.length !== 2) throw new Error(`execution segment "${segment}" is not "from:to"`);
  const value = (p: string): number => {
    const [n, d] = p.split('/');
    const v = d === undefined ? Number(n) : Number(n) / Number(d);
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new Error(`execution segment "${segment}": "${p}" is not a fraction in [0, 1]`);
    return v;
  };
  const f = value(parts[1] as string) - value(parts[0] as string);
  if (f <= 0) throw new Error(`execution segment "${segment}" is empty`);
  return f;
}
