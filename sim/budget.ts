import type { Price } from './config';

/** USD cost of one request: uncached prompt tokens at the input price, cached ones at cachedInput (if set), output at the output price; prices per 1K tokens. */
export function costUSD(price: Price, promptTokens: number, cachedTokens: number, completionTokens: number): number {
  const cachedPrice = price.cachedInput ?? price.input;
  return ((promptTokens - cachedTokens) * price.input + cachedTokens * cachedPrice + completionTokens * price.output) / 1000;
}

interface BudgetDenial {
  quotaType: 'total' | 'daily';
  currentUSD: number;
  limitUSD: number;
  /** Seconds until the daily window resets; null for the total limit, which only an operator can lift. */
  retryAfterSeconds: number | null;
}

interface OrgAccount {
  limitUSD: number | null;
  dailyUSD: number | null;
  spentUSD: number;
  spentTodayUSD: number;
  day: string;
  dayNumber: number;
  requests: number;
  denied: number;
  inFlight: number;
  maxInFlight: number;
}

export interface BudgetStatus {
  orgId: string;
  limitUSD: number | null;
  dailyUSD: number | null;
  spentUSD: number;
  spentTodayUSD: number;
  remainingUSD: number | null;
  remainingTodayUSD: number | null;
  day: string;
  exceeded: boolean;
  requests: number;
  deniedRequests: number;
  inFlight: number;
  maxInFlight: number;
}

/** Per-org spend, limits, denials and in-flight counts: the ground truth the harness's budget ledger is checked against. */
export class BudgetLedger {
  private readonly accounts = new Map<string, OrgAccount>();
  private inFlightAll = 0;
  private maxInFlightAll = 0;

  constructor(
    private readonly defaults: { limitUSD: number | null; dailyUSD: number | null },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Sets an org's total and/or daily limit (null removes it; undefined keeps it). */
  setLimits(orgId: string, limits: { limitUSD?: number | null; dailyUSD?: number | null }): void {
    const a = this.account(orgId);
    if (limits.limitUSD !== undefined) a.limitUSD = limits.limitUSD;
    if (limits.dailyUSD !== undefined) a.dailyUSD = limits.dailyUSD;
  }

  /** Admission check: a denial once spend so far has reached the total or daily limit, else null. */
  check(orgId: string): BudgetDenial | null {
    const a = this.account(orgId);
    if (a.limitUSD !== null && a.spentUSD >= a.limitUSD) {
      return { quotaType: 'total', currentUSD: a.spentUSD, limitUSD: a.limitUSD, retryAfterSeconds: null };
    }
    if (a.dailyUSD !== null && a.spentTodayUSD >= a.dailyUSD) {
      const now = this.now();
      const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
      const retry = Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
      return { quotaType: 'daily', currentUSD: a.spentTodayUSD, limitUSD: a.dailyUSD, retryAfterSeconds: retry };
    }
    return null;
  }

  /** Counts a 402. */
  recordDenied(orgId: string): void {
    this.account(orgId).denied++;
  }

  /** Adds a finished request's cost to the org's total and today's spend. */
  accrue(orgId: string, usd: number): void {
    const a = this.account(orgId);
    a.spentUSD += usd;
    a.spentTodayUSD += usd;
  }

  /** Marks an authenticated request of the org as in flight until `end` is called. */
  begin(orgId: string): void {
    const a = this.account(orgId);
    a.requests++;
    a.inFlight++;
    if (a.inFlight > a.maxInFlight) a.maxInFlight = a.inFlight;
    this.inFlightAll++;
    if (this.inFlightAll > this.maxInFlightAll) this.maxInFlightAll = this.inFlightAll;
  }

  /** Ends an in-flight request. */
  end(orgId: string): void {
    this.account(orgId).inFlight--;
    this.inFlightAll--;
  }

  /** The budget status document of one org. */
  status(orgId: string): BudgetStatus {
    const a = this.account(orgId);
    return {
      orgId,
      limitUSD: a.limitUSD,
      dailyUSD: a.dailyUSD,
      spentUSD: a.spentUSD,
      spentTodayUSD: a.spentTodayUSD,
      remainingUSD: a.limitUSD === null ? null : Math.max(0, a.limitUSD - a.spentUSD),
      remainingTodayUSD: a.dailyUSD === null ? null : Math.max(0, a.dailyUSD - a.spentTodayUSD),
      day: a.day,
      exceeded: this.check(orgId) !== null,
      requests: a.requests,
      deniedRequests: a.denied,
      inFlight: a.inFlight,
      maxInFlight: a.maxInFlight,
    };
  }

  /** Requests in flight across all orgs, now and at most. */
  global(): { inFlight: number; maxInFlight: number } {
    return { inFlight: this.inFlightAll, maxInFlight: this.maxInFlightAll };
  }

  private account(orgId: string): OrgAccount {
    const now = this.now();
    let a = this.accounts.get(orgId);
    // Compare UTC day numbers (cheap, called several times per request); format the date only on a new day.
    const dayNumber = Math.floor(now.getTime() / 86_400_000);
    const today = a && a.dayNumber === dayNumber ? a.day : now.toISOString().slice(0, 10);
    if (!a) {
      a = {
        limitUSD: this.defaults.limitUSD,
        dailyUSD: this.defaults.dailyUSD,
        spentUSD: 0,
        spentTodayUSD: 0,
        day: today,
        dayNumber,
        requests: 0,
        denied: 0,
        inFlight: 0,
        maxInFlight: 0,
      };
      this.accounts.set(orgId, a);
    } else if (a.dayNumber !== dayNumber) {
      a.day = today;
      a.dayNumber = dayNumber;
      a.spentTodayUSD = 0;
    }
    return a;
  }
}
