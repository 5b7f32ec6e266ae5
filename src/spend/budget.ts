import { parsePoint } from '../llm/transport/segments';
import type { CounterOp, SharedCounters } from '../llm/transport/types';

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
type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; scope: BudgetScope; othersInFlight: boolean };

const booked = (s: BudgetScope) => `budget:booked:${s.key}`;
const inflight = (s: BudgetScope) => `budget:inflight:${s.key}`;
const spent = (s: BudgetScope) => `budget:spent:${s.key}`;

/**
 * The ops that reserve amountUSD in every scope, as one atomic group: first a read of each scope's in-flight
 * count (so a refusal can tell whether waiting helps), then the bookings (each refused past its limit, which rolls
 * the whole group back), then the in-flight marks. The group rides on the stream call as its admission.
 */
export function reserveOps(scopes: BudgetScope[], amountUSD: number): CounterOp[] {
  return [
    ...scopes.map((s): CounterOp => ({ op: 'get', key: inflight(s) })),
    ...scopes.map((s): CounterOp => ({ op: 'tryAdd', key: booked(s), delta: amountUSD, limit: s.limitUSD })),
    ...scopes.map((s): CounterOp => ({ op: 'add', key: inflight(s), delta: 1 })),
  ];
}

/** Which scope refused a reservation group (op `failed`, counted from its first op) and whether others hold reservations in it. */
export function reserveRefusal(scopes: BudgetScope[], values: number[], failed: number): { scope: BudgetScope; othersInFlight: boolean } {
  const i = failed - scopes.length;
  const scope = scopes[i];
  if (scope === undefined) throw new Error(`budget: op ${failed} of a reservation group is not a booking`);
  return { scope, othersInFlight: (values[i] ?? 0) > 0 };
}

/** The ops that replace a reservation with the request's real cost; spentFrom() reads each scope's spend after it. */
export function settleOps(r: Reservation, actualUSD: number): CounterOp[] {
  const ops: CounterOp[] = [];
  for (const s of r.scopes) {
    ops.push({ op: 'add', key: booked(s), delta: actualUSD - r.amountUSD }, { op: 'add', key: inflight(s), delta: -1 }, { op: 'add', key: spent(s), delta: actualUSD });
  }
  return ops;
}

/** Each scope's settled spend, from the values of settleOps() starting at `from`. */
export function spentFrom(r: Reservation, values: number[], from: number): number[] {
  return r.scopes.map((_, i) => values[from + i * 3 + 2] as number);
}

/**
 * The cost ledger shared by all VUs of a k6 process. Before a request a VU reserves its worst-case
 * cost in every scope it spends from (atomically, all scopes or none), so concurrent VUs cannot
 * overshoot together; when usage arrives the reservation settles to the real cost.
 * A scope's booked total is settled spend plus outstanding reservations, and never exceeds its limit.
 */
export class BudgetLedger {
  constructor(private readonly counters: SharedCounters) {}

  /** Reserves amountUSD in every scope, or none. */
  reserve(scopes: BudgetScope[], amountUSD: number): ReserveResult {
    const r = this.counters.group(reserveOps(scopes, amountUSD));
    if (r.ok) return { ok: true, reservation: { scopes, amountUSD } };
    return { ok: false, ...reserveRefusal(scopes, r.values, r.failed) };
  }

  /** Replaces the reservation with the request's real cost; returns each scope's spend after it. */
  settle(r: Reservation, actualUSD: number): number[] {
    return spentFrom(r, this.counters.group(settleOps(r, actualUSD)).values, 0);
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

/**
 * Why a request can never be admitted to a scope: its worst case alone is over the scope's whole limit, so no amount
 * of waiting or settling makes room. Null when it can fit. The run would otherwise read as "limit reached" at $0.
 */
export function unfitReason(scope: BudgetScope, worstUSD: number, request: { model: string; maxTokens: number }): string | null {
  if (worstUSD <= scope.limitUSD) return null;
  const limit = scope.kind === 'test' ? 'maxCostUSD' : scope.kind === 'org' ? "the org's limitUSD" : "the org's dailyUSD";
  return (
    `a request's worst-case cost, $${money(worstUSD)} (max_tokens ${request.maxTokens} of ${request.model} output plus the prompt estimate), ` +
    `is over ${limit} of $${money(scope.limitUSD)} (this instance's share) on its own: lower max_tokens or raise the limit`
  );
}

/** Dollars with enough digits for tiny limits, without a float's tail. */
function money(usd: number): string {
  return usd >= 1 ? usd.toFixed(2) : usd.toPrecision(3);
}

/** The fraction of the whole run an execution segment such as "1/4:1/2" stands for (1 when unsegmented). */
export function segmentFraction(segment: string | undefined): number {
  if (!segment) return 1;
  const parts = segment.split(':');
  if (parts.length !== 2) throw new Error(`execution segment "${segment}" is not "from:to"`);
  const [from, to] = parts.map((p) => parsePoint(p, `execution segment "${segment}"`)) as [{ num: number; den: number }, { num: number; den: number }];
  const f = to.num / to.den - from.num / from.den;
  if (f <= 0) throw new Error(`execution segment "${segment}" is empty`);
  return f;
}
