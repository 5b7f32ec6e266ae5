import { sleep } from 'k6';
import exec from 'k6/execution';
import { bindSession, counters, transportKind } from '#transport';
import { RELAY_UNAVAILABLE } from '../llm/transport/relay-record';
import { SaltLedger, cacheSaltFor, ledgerKey, prefixHash, saltScopeOf, ticketOf, type LedgerTicket } from '../behaviour/cache-salt';
import { isCacheHit, type ChatOutcome } from '../llm/chat/analyze';
import { chatCompletionsUrl, sendWithRetries, type AttemptHooks, type ChatTarget } from '../llm/chat/client';
import { countsAsError, failureBackoffDelayMs } from '../llm/chat/retry-policy';
import { numericStages } from '../config/load-pattern';
import { FleetGuard } from '../spend/fleet-guard';
import { prometheusSpend } from '../spend/fleet-guard-query';
import { reserveOps, reserveRefusal, segmentFraction, settleOps, spentFrom, unfitReason, worstCaseCostUSD, type BudgetScope, type Reservation } from '../spend/budget';
import { requestCostUSD, resolvePrice, type PriceTable, type ResolvedPrice } from '../spend/cost';
import { sampleDist, sampleIntDist } from '../behaviour/distributions';
import { errorTallyKey } from '../metrics/error-tally';
import type { DocumentLibrary } from '../behaviour/documents';
import { COUNTER_FAILED, COUNTER_REQUESTS, type SetupData } from './lifecycle';
import { isPlannedEnd, RunLimits, shareOfLimits, type EndReason, type SettleOps } from '../spend/limits';
import { record, recordRequest, type RequestTags } from '../metrics/record';
import { Conversation } from '../behaviour/questions/conversation';
import { rngFrom } from '../behaviour/random';
import { ArrivalSchedule } from './schedule';
import type { Run } from './run';
import { seriesOps } from '../metrics/series';
import { planSession, type SessionPlan } from '../behaviour/session-plan';
import { chooseModel } from '../behaviour/targeting';
import type { ProvisionedUser } from '../platform/types';
import type { CounterOp, GroupResult, SharedCounters, StreamRecord } from '../llm/transport/types';
import type { TestType } from '../config/schema';

/** Why a session ended, the `reason` tag of llm_sessions. */
type SessionEnd = 'completed' | 'duration' | 'stop_on_errors' | 'budget_exhausted' | 'limit' | 'interrupted';

/** What one VU keeps between iterations. */
interface VuState {
  run: Run;
  libraries: Record<string, DocumentLibrary>;
  ledger: SaltLedger;
  /** Built on the first iteration: the instance's share of each limit is known only then. Null without shared counters. */
  limits: RunLimits | null | undefined;
  /** The fleet-wide cost guard, built with the limits; null without limits.fleetGuard or shared counters. */
  guard: FleetGuard | null | undefined;
  /** Whether the guard's last Prometheus query gave the fleet's spend, as the last admission read it. */
  guardLive: boolean;
  /** Requests in a row that failed (retries spent), for the failure backoff; a success resets it. */
  failuresInRow: number;
  /** The open model's arrival plan for this instance, built on first use; null for the closed model. */
  schedule: ArrivalSchedule | null | undefined;
  /** Budget scopes per org name, built on first use (they depend on this instance's share). */
  scopes: Record<string, BudgetScope[]>;
  warnedPrices: Record<string, boolean>;
}

// The relay's process-wide counters (null on the buffered transport): shared by every VU of this k6 process.
const shared = counters;

/** Builds the per-VU state once, at init. */
export function vuState(run: Run, libraries: Record<string, DocumentLibrary>): VuState {
  return {
    run,
    libraries,
    // Without shared counters the ledger is this VU's own; with them, its counts ride on each admission group.
    ledger: new SaltLedger(),
    limits: counters ? undefined : null,
    guard: counters ? undefined : null,
    guardLive: false,
    failuresInRow: 0,
    schedule: run.loadPattern.model === 'open' ? undefined : null,
    scopes: {},
    warnedPrices: {},
  };
}

/** The user this VU plays: the instance's share, in the order k6 hands out VU ids. */
function userOfVu(data: SetupData): ProvisionedUser {
  const users = data.provisioned.users;
  if (users.length === 0) throw new Error('this instance has no users to play: setup() provisioned none');
  return users[(exec.vu.idInInstance - 1) % users.length] as ProvisionedUser;
}

const requestLog = __ENV.LOADTEST_REQUEST_LOG === '1';

// The user's next key (apiKeys.perUser > 1). Module state is the VU's own, and a VU plays one user, so the turn
// carries over from session to session: restarting it each session would favour the first key, or use it alone.
let keyTurn = 0;

/**
 * One iteration: a whole user session (closed model, or open model with iteration "session"), or a
 * single question without think time (open model with iteration "request"). Every random choice
 * comes from a stream seeded by (run seed, user, loop), so a run is reproducible from its seed.
 */
export function runIteration(vu: VuState, data: SetupData): void {
  try {
    playIteration(vu, data);
  } catch (err) {
    // A relay that stopped answering a counter call ends the run in one line, like one that drops a stream call.
    if ((err as Error).name === RELAY_UNAVAILABLE) exec.test.abort((err as Error).message);
    throw err;
  }
}

function playIteration(vu: VuState, data: SetupData): void {
  bindSession(data.relaySession);
  // A VU tag, not only the options' test-wide tags: CLI --tag flags (the k6-operator adds instance_id)
  // replace those, and the fleet guard and dashboards select this run's series by testid.
  exec.vu.metrics.tags.testid = vu.run.runId;
  exec.vu.metrics.tags.scenario_name = vu.run.config.metadata.name;
  const spec = vu.run.config.spec;
  if (vu.limits === undefined) vu.limits = instanceLimits(vu, counters as SharedCounters);
  if (vu.guard === undefined) vu.guard = fleetGuard(vu, counters as SharedCounters);
  if (overran(vu)) {
    abortRun(vu, 'maxDurationSec exceeded');
    return;
  }
  // A planned cap was reached: nothing more is sent, and a closed-model VU idles until the schedule ends (see
  // isPlannedEnd). An open-model iteration needs no check of its own: its admission refuses it, in the same call.
  if (vu.run.loadPattern.model === 'closed' && vu.limits && vu.limits.ended() !== null) {
    sleep(1);
    return;
  }
  const user = userOfVu(data);
  publishBudget(vu, user);
  const loop = exec.vu.iterationInScenario;
  const perUser = spec.userBehavior.sessionsPerUser;
  if (perUser !== undefined && loop >= perUser) {
    // The user is done; idling keeps the VU (and so the user) from being re-used while the run lasts.
    sleep(5);
    return;
  }
  if (orgExhausted(user.org)) {
    // The org's budget is spent: its users stay idle, sending nothing, while the other orgs go on.
    sleep(1);
    return;
  }
  const iterationStartMs = Date.now();
  const rng = rngFrom(spec.run.seed, 'session', user.index, loop);
  const lp = spec.loadPattern;
  const singleRequest = lp !== undefined && lp.model === 'open' && lp.iteration === 'request';
  const plan = planSession(
    rng,
    singleRequest
      ? { ...spec.userBehavior, questionsPerSession: { min: 1, max: 1 }, conversationStyle: undefined, sessionDuration: undefined }
      : spec.userBehavior,
    { testTypes: spec.testTypes, scenarioMix: spec.scenarioMix },
  );
  const end = runSession(vu, data, user, plan, rng.fork('requests'), singleRequest, iterationStartMs, dueAtMs(vu, iterationStartMs));
  record('llm_sessions', 1, { org: user.org, reason: end });
}

/**
 * When an open-model iteration that started at `startedMs` was due by the executor's plan (src/runtime/schedule.ts), so
 * that the client-queue figures count k6's own lateness too; undefined for the closed model, which has no schedule.
 */
function dueAtMs(vu: VuState, startedMs: number): number | undefined {
  if (vu.schedule === null) return undefined;
  const lp = vu.run.loadPattern;
  if (vu.schedule === undefined) {
    if (lp.model !== 'open') return undefined;
    vu.schedule = new ArrivalSchedule(numericStages(lp.phases), lp.timeUnitSec, segmentFraction((exec.test.options as { executionSegment?: string }).executionSegment));
  }
  const t0 = exec.scenario.startTime;
  return t0 + vu.schedule.latestDueAt((startedMs - t0) / 1000) * 1000;
}

function runSession(vu: VuState, data: SetupData, user: ProvisionedUser, plan: SessionPlan<TestType>, rng: ReturnType<typeof rngFrom>, singleRequest: boolean, startedMs: number, dueMs: number | undefined): SessionEnd {
  const spec = vu.run.config.spec;
  // Only an iteration's first request is due by the plan; later ones follow the user's own think times.
  let firstDueMs = dueMs;
  let errors = 0;
  for (const conv of plan.conversations) {
    const conversation = new Conversation(plan, conv, { runSeed: spec.run.seed, documents: vu.libraries[conv.testType.name] });
    for (const turn of conv.turns) {
      const built = conversation.nextTurn();
      const type = conv.testType;
      const { model } = chooseModel(type.modelTargeting, { query_length: built.queryLength, prompt_tokens: built.promptTokensEstimate, turn: built.turn, has_document: built.hasDocument ? 1 : 0 }, spec.models.default, rng);
      const tags: RequestTags = { org: user.org, model, test_type: type.name, salt_scope: saltScopeOf(type.cacheSalt), transport: transportKind };
      if (spec.metrics.perUserTags) tags.user = user.name;
      const salt = cacheSaltFor(type.cacheSalt, { runId: vu.run.runId, org: user.org, user: user.name });
      const key = user.keys[keyTurn++ % user.keys.length] as { secret: string };
      const target: ChatTarget = {
        routerUrl: spec.targets.apiRouterUrl,
        apiKey: key.secret,
        timeoutMs: spec.targets.timeout * 1000,
        idleTimeoutMs: spec.targets.idleTimeout * 1000,
        tags: { org: user.org, model, test_type: type.name, name: 'chat completion' },
        // The answer is context only for a later turn of the same conversation.
        keepContent: turn !== conv.turns[conv.turns.length - 1],
        insecureTLS: !spec.targets.tlsVerify,
      };
      const request = {
        model,
        messages: built.messages,
        maxTokens: type.maxTokens ? sampleIntDist(rng, type.maxTokens, `testTypes.${type.name}.maxTokens`) : sampleIntDist(rng, spec.request.maxTokens, 'request.maxTokens'),
        temperature: type.temperature ? sampleDist(rng, type.temperature, `testTypes.${type.name}.temperature`) : sampleDist(rng, spec.request.temperature, 'request.temperature'),
        stream: type.streamingResponse,
        includeUsage: spec.request.includeUsage,
        cacheSalt: salt,
      };
      let stop: SessionEnd | undefined;
      const attempt: AttemptContext = { tags, model, salt, ticket: undefined, clientQueueFromMs: firstDueMs, reservation: undefined, maxTokens: request.maxTokens, url: chatCompletionsUrl(target.routerUrl), apiKey: target.apiKey };
      const worst = worstCaseCostUSD(priceOf(vu, model), built.promptTokensEstimate, request.maxTokens);
      const hash = prefixHash(built.messages);
      let admission: AdmissionPlan | undefined;
      const hooks: AttemptHooks = {
        admission: (n) => {
          if (overran(vu)) {
            stop = abortRun(vu, 'maxDurationSec exceeded');
            return false;
          }
          if (!shared) {
            // The buffered transport shares nothing: the salt ledger is this VU's own, and no limit applies.
            if (n === 1) attempt.ticket = vu.ledger.noteHash(salt, hash);
            return undefined;
          }
          admission = admissionPlan(vu, data, user, worst, n === 1 ? ledgerKey(salt, hash) : undefined);
          attempt.reservation = admission.reservation;
          return admission.ops;
        },
        refused: (_n, pre) => {
          if (admission && admission.guardAt >= 0 && pre.values.length > admission.guardAt + FleetGuard.LIVE_OP) {
            vu.guardLive = (pre.values[admission.guardAt + FleetGuard.LIVE_OP] as number) > 0;
          }
          const verdict = refusal(vu, user, admission as AdmissionPlan, pre, { model, maxTokens: request.maxTokens });
          if (verdict === 'wait') return true;
          stop = verdict;
          return false;
        },
        after: (o, n, rec) => {
          if (admission && n === 1 && admission.saltAt >= 0 && rec.pre) attempt.ticket = ticketOf(salt, hash, rec.pre.values[admission.saltAt] as number);
          if (admission && rec.pre && admission.guardAt >= 0) {
            vu.guardLive = (rec.pre.values[admission.guardAt + FleetGuard.LIVE_OP] as number) > 0;
            vu.guard?.refreshIfDue(rec.pre.values[admission.guardAt] as number);
          }
          const breach = recordAttempt(vu, data, attempt, o, rec);
          if (breach) stop = abortRun(vu, breach);
        },
        waited: (delayMs, failed) => {
          if (failed.error?.retryAfterMs !== undefined) record('llm_retry_after_wait', delayMs, { org: user.org });
        },
      };
      firstDueMs = undefined;
      const outcome = sendWithRetries(target, request, built.promptTokensEstimate, spec.userBehavior.errorHandling, hooks);
      if (stop || !outcome) return stop ?? 'limit';
      if (!singleRequest) backOffAfter(vu, outcome, user.org);
      if (outcome.ok) conversation.recordAnswer(outcome.content);
      else if (outcome.error?.category === 'aborted') return 'interrupted';
      else if (outcome.error?.category === 'budget_exceeded') return 'budget_exhausted';
      else if (countsAsError(outcome.status, spec.userBehavior.errorHandling) && ++errors >= spec.userBehavior.errorHandling.stopOnErrors) return 'stop_on_errors';
      if (singleRequest) return 'completed';
      think(turn.thinkTimeMs, user.org);
      if (plan.durationLimitMs !== undefined && Date.now() - startedMs >= plan.durationLimitMs) return 'duration';
    }
  }
  return 'completed';
}

/**
 * A user whose requests keep failing pauses before the next one, as real clients do: failureBackoffMs after the
 * first failure, doubled for each failure in a row up to failureBackoffMaxMs, reset by a success. Without it a user
 * with no think time turns a broken target into an error loop of hundreds of requests a second. Not for open-model
 * request iterations: there the schedule, not the user, decides when the next request goes.
 */
function backOffAfter(vu: VuState, o: ChatOutcome, org: string): void {
  if (o.ok) {
    vu.failuresInRow = 0;
    return;
  }
  // A cut request is the run ending; a spent budget stops the org's users anyway.
  if (o.error?.category === 'aborted' || o.error?.category === 'budget_exceeded') return;
  const { failureBackoffMs, failureBackoffMaxMs } = vu.run.config.spec.userBehavior.errorHandling;
  const pauseMs = failureBackoffDelayMs(++vu.failuresInRow, failureBackoffMs, failureBackoffMaxMs);
  if (pauseMs <= 0) return;
  sleep(pauseMs / 1000);
  record('llm_failure_backoff', pauseMs, { org });
}

/** What recordAttempt needs to know about the request besides its outcome. */
interface AttemptContext {
  tags: RequestTags;
  model: string;
  salt: string | undefined;
  /** The salt ledger's note of the first attempt; undefined until it was sent. */
  ticket: LedgerTicket | undefined;
  /** Open model, an iteration's first request: when the iteration was due, for the client-queue figures. */
  clientQueueFromMs: number | undefined;
  /** The attempt's worst-case cost, held in the ledger until it settles. */
  reservation: Reservation | undefined;
  maxTokens: number;
  /** The request's URL: its path goes into the error tally. */
  url: string;
  /** The key the request was sent with, only so that an error text echoing it is redacted before it is tallied. */
  apiKey: string;
}

/** One attempt's admission group and where each part of it sits. */
interface AdmissionPlan {
  ops: CounterOp[];
  scopes: BudgetScope[];
  reservation: Reservation | undefined;
  exhaustedAt: number;
  endedAt: number;
  /** First of the guard's preOps (its due-time read); -1 without a guard. */
  guardAt: number;
  /** First op of the budget reservation; -1 without budgets. */
  budgetAt: number;
  slotAt: number;
  ticketAt: number;
  /** The salt ledger's count; -1 on retries, which are no new prompt. */
  saltAt: number;
}

/**
 * The counter group that admits one attempt, atomically: the org is not spent, the run has not ended, the fleet
 * has budget left, the worst-case cost fits every budget, a concurrency slot and a maxRequests ticket are free;
 * and the salt ledger counts the prompt. It rides on the stream call, so admission costs no round trip of its own.
 */
function admissionPlan(vu: VuState, data: SetupData, user: ProvisionedUser, worstUSD: number, saltKey: string | undefined): AdmissionPlan {
  const ops: CounterOp[] = [];
  const at = (added: CounterOp[]) => {
    const i = ops.length;
    ops.push(...added);
    return i;
  };
  const limits = vu.limits as RunLimits;
  const exhaustedAt = at([{ op: 'check', key: exhaustedKey(user.org), max: 0 }]);
  const endedAt = at([limits.endedCheck()]);
  const guardAt = vu.guard ? at(vu.guard.preOps()) : -1;
  const scopes = scopesFor(vu, data, user);
  const budgetAt = scopes.length > 0 ? at(reserveOps(scopes, worstUSD)) : -1;
  const admit = limits.admitOps();
  const limitsAt = at(admit.ops);
  const saltAt = saltKey !== undefined ? at([{ op: 'add', key: saltKey, delta: 1 }]) : -1;
  return {
    ops,
    scopes,
    reservation: scopes.length > 0 ? { scopes, amountUSD: worstUSD } : undefined,
    exhaustedAt,
    endedAt,
    guardAt,
    budgetAt,
    slotAt: admit.slot >= 0 ? limitsAt + admit.slot : -1,
    ticketAt: admit.ticket >= 0 ? limitsAt + admit.ticket : -1,
    saltAt,
  };
}

/**
 * Reads a refused admission. A budget with no room while other requests still hold reservations in it, or a full
 * concurrency limit, is worth a short wait (their real cost is usually lower than reserved); otherwise the budget
 * or the limit is spent: the test stops (maxCostUSD, maxRequests) or the org's users stop (org budgets).
 */
function refusal(vu: VuState, user: ProvisionedUser, plan: AdmissionPlan, pre: GroupResult, request: { model: string; maxTokens: number }): SessionEnd | 'wait' {
  const i = pre.failed;
  if (i === plan.exhaustedAt) return 'budget_exhausted';
  if (i === plan.endedAt) return 'limit';
  if (plan.guardAt >= 0 && i === plan.guardAt + FleetGuard.EXHAUSTED_OP) return abortRun(vu, 'maxCostUSD reached across the fleet');
  if (i === plan.slotAt) {
    sleep(0.005);
    return 'wait';
  }
  if (i === plan.ticketAt) return endRun(vu, 'maxRequests reached');
  if (plan.budgetAt >= 0 && i >= plan.budgetAt && i < plan.budgetAt + 2 * plan.scopes.length) {
    const r = reserveRefusal(plan.scopes, pre.values.slice(plan.budgetAt), i - plan.budgetAt);
    const unfit = unfitReason(r.scope, plan.reservation?.amountUSD ?? 0, request);
    if (unfit && r.scope.kind === 'test') return abortRun(vu, 'no request fits maxCostUSD', unfit);
    if (unfit) {
      if ((shared as SharedCounters).tryAdd(`budget:unfit:${user.org}`, 1, 1)) console.warn(`[loadtest] org ${user.org}: no request fits its budget: ${unfit}`);
    } else if (r.othersInFlight) {
      sleep(0.02);
      return 'wait';
    }
    if (r.scope.kind === 'test') {
      // The guard came alive since this attempt's scopes were built: try again against the whole limit.
      if (vu.guard && vu.guardLive && r.scope.limitUSD < (vu.run.config.spec.limits.maxCostUSD as number)) return 'wait';
      return abortRun(vu, 'maxCostUSD reached');
    }
    (shared as SharedCounters).add(exhaustedKey(user.org), 1);
    return 'budget_exhausted';
  }
  throw new Error(`admission refused by op ${i}, which refuses nothing`);
}

/**
 * Records one attempt everywhere it counts (metrics, series, request log, limits), settling its reservation and
 * limits in one counter group; returns a breached limit.
 */
function recordAttempt(vu: VuState, data: SetupData, a: AttemptContext, o: ChatOutcome, rec: StreamRecord): EndReason | null {
  if (o.error?.category === 'relay_unavailable' || rec.error?.category === 'forbidden_target') {
    // The harness itself cannot go on: the request counts under its own category (never a platform error), and
    // the run stops with one line. The relay's counters are gone with it, so nothing is settled there.
    recordRequest(o, a.tags, { costUSD: 0, cacheHit: false, saltViolation: undefined });
    if (requestLog) logRequest(o, a.tags, a.maxTokens, false, undefined);
    exec.test.abort(o.error?.message ?? 'stream relay error');
    return null;
  }
  // A request cut because the run is ending is the test's doing, not the platform's: not a result.
  const cost = o.ok ? costOf(vu, a.model, o) : 0;
  const ops: CounterOp[] = [];
  const settleAt = ops.length;
  if (a.reservation) ops.push(...settleOps(a.reservation, cost));
  const aborted = o.error?.category === 'aborted';
  const ignored = !o.ok && !countsAsError(o.status, vu.run.config.spec.userBehavior.errorHandling);
  const cacheHit = isCacheHit(o, vu.run.config.spec.metrics.cacheHitMinRatio);
  const saltViolation = o.ok && a.salt !== undefined && a.ticket !== undefined ? vu.ledger.isViolation(a.ticket, o.cachedTokens) : undefined;
  let limitsAt = -1;
  let settled: SettleOps | undefined;
  if (aborted) {
    if (vu.limits) ops.push(...vu.limits.releaseOps());
  } else {
    const clientQueueMs = a.clientQueueFromMs !== undefined && o.sentAtMs !== undefined ? Math.max(0, o.sentAtMs - a.clientQueueFromMs) : undefined;
    recordRequest(o, a.tags, { costUSD: cost, cacheHit, saltViolation, clientQueueMs, ignored });
    if (requestLog) logRequest(o, a.tags, a.maxTokens, cacheHit, saltViolation);
    if (shared) {
      // The error rate cleanup's on-success policy judges leaves ignored statuses out, as every error rate does.
      if (!ignored) ops.push({ op: 'add', key: COUNTER_REQUESTS, delta: 1 });
      if (!o.ok) {
        if (!ignored) ops.push({ op: 'add', key: COUNTER_FAILED, delta: 1 });
        ops.push({ op: 'add', key: errorTallyKey(o.error?.category ?? 'other', o.status, a.url, o.error?.message ?? '', [a.apiKey]), delta: 1 });
      }
      // Another user of the org was answered 402: the org's users stop before their next request.
      if (o.error?.category === 'budget_exceeded') ops.push({ op: 'add', key: exhaustedKey(a.tags.org), delta: 1 });
      ops.push(...seriesOps({ tMs: Date.now() - data.startedAtMs, ok: o.ok, ttftMs: o.ttftMs, e2eMs: o.e2eMs, tpotMs: o.tpotMs, itlMs: o.itlMs, outputTokens: o.completionTokens, costUSD: cost }));
    }
    if (vu.limits) {
      settled = vu.limits.settleOps(o.ok ? 'answered' : ignored ? 'ignored' : 'failed');
      limitsAt = ops.length;
      ops.push(...settled.ops);
    }
  }
  if (ops.length === 0 || !shared) return null;
  const values = shared.group(ops).values;
  if (a.reservation) warnIfOverBudget(a.reservation, spentFrom(a.reservation, values, settleAt), a.tags.org);
  return settled && settled.breached(values, limitsAt) ? (vu.limits as RunLimits).stop('maxErrorRate exceeded') : null;
}

/** This instance's share of the run: its segment of its cluster's slice of the users. */
function instanceFraction(vu: VuState): number {
  const slice = vu.run.sliceUsers / vu.run.totalUsers;
  return slice * segmentFraction((exec.test.options as { executionSegment?: string }).executionSegment);
}

/** The fleet guard of this instance, when the config asks for one: its share of maxCostUSD is the fallback. */
function fleetGuard(vu: VuState, shared: SharedCounters): FleetGuard | null {
  const { fleetGuard: spec, maxCostUSD } = vu.run.config.spec.limits;
  if (!spec || maxCostUSD === undefined) return null;
  const runId = vu.run.runId;
  return new FleetGuard(spec, maxCostUSD, maxCostUSD * instanceFraction(vu), shared, () => prometheusSpend(spec, runId));
}

/** The count limits this instance enforces: its share of each, so instances of one run never exceed them together. */
function instanceLimits(vu: VuState, shared: SharedCounters): RunLimits {
  return new RunLimits(shareOfLimits(vu.run.config.spec.limits, instanceFraction(vu)), shared);
}

/**
 * True once the run has gone on past limits.maxDurationSec, its graceful stop and a second of slack: k6 ends
 * every scheduled iteration by then, so only a schedule replaced on the command line (k6 run --duration,
 * --iterations) gets this far, and the limit must still hold.
 */
function overran(vu: VuState): boolean {
  const boundSec = vu.run.config.spec.limits.maxDurationSec + vu.run.loadPattern.gracefulStopSec + 1;
  return Date.now() - exec.scenario.startTime > boundSec * 1000;
}

/** Whether the org's budget is spent: another of its users was refused, by the ledger or by a 402. */
function orgExhausted(org: string): boolean {
  return shared !== null && shared.get(exhaustedKey(org)) > 0;
}

const exhaustedKey = (org: string) => `budget:exhausted:${org}`;

/** This instance's share of an org: its users of that org over all of the org's users. */
function orgShare(vu: VuState, data: SetupData, orgIndex: number): number {
  const org = vu.run.orgs[orgIndex - 1];
  const mine = data.provisioned.users.filter((u) => u.orgIndex === orgIndex).length;
  return org && org.userCount > 0 ? mine / org.userCount : 1;
}

/**
 * The budgets a user's requests spend from: the test's maxCostUSD and the org's limit and daily
 * limit, each scaled to this instance's share, so instances of one run can never overshoot together.
 */
function scopesFor(vu: VuState, data: SetupData, user: ProvisionedUser): BudgetScope[] {
  const day = new Date().toISOString().slice(0, 10);
  const cacheKey = `${user.org}:${day}:${vu.guardLive}`;
  const cached = vu.scopes[cacheKey];
  if (cached) return cached;
  const scopes: BudgetScope[] = [];
  const maxCost = vu.run.config.spec.limits.maxCostUSD;
  if (maxCost !== undefined) {
    // With a live fleet guard, Prometheus enforces the fleet total and each instance may spend up to all of it.
    // Otherwise (no guard, or one without data yet) each instance spends its own share: its segment of its
    // cluster's slice of the users.
    const fraction = vu.guard && vu.guardLive ? 1 : instanceFraction(vu);
    scopes.push({ kind: 'test', key: 'test', limitUSD: maxCost * fraction });
  }
  const budget = vu.run.orgs[user.orgIndex - 1]?.budget;
  const share = orgShare(vu, data, user.orgIndex);
  if (budget?.limitUSD !== undefined) {
    const scope: BudgetScope = { kind: 'org', key: `org:${user.org}`, limitUSD: budget.limitUSD * share };
    if (budget.warnAtUSD !== undefined) scope.warnAtUSD = budget.warnAtUSD * share;
    if (budget.enableAlerts) scope.alert = true;
    scopes.push(scope);
  }
  if (budget?.dailyUSD !== undefined) scopes.push({ kind: 'org-daily', key: `org:${user.org}:day:${day}`, limitUSD: budget.dailyUSD * share });
  vu.scopes[cacheKey] = scopes;
  return scopes;
}

/**
 * Sets llm_org_budget_usd for the user's org, each iteration: remote-write pushes only series sampled since its
 * last flush, so a gauge set once would drop out of Prometheus' lookback on a long run.
 */
function publishBudget(vu: VuState, user: ProvisionedUser): void {
  const limit = vu.run.orgs[user.orgIndex - 1]?.budget?.limitUSD;
  if (limit !== undefined) record('llm_org_budget_usd', limit, { org: user.org });
}

/** warnAtUSD: logs once per process and counts llm_budget_warnings when an org's spend crosses it. */
function warnIfOverBudget(r: Reservation, spent: number[], org: string): void {
  r.scopes.forEach((scope, i) => {
    if (scope.warnAtUSD === undefined || (spent[i] as number) < scope.warnAtUSD) return;
    if (shared && !shared.tryAdd(`budget:warned:${scope.key}`, 1, 1)) return;
    console.warn(`[loadtest] org ${org} has spent $${(spent[i] as number).toFixed(4)} of its share, past warnAtUSD`);
    // `alert` carries the org's enableAlerts, so the alert rule fires only for orgs that asked for it.
    record('llm_budget_warnings', 1, { org, alert: String(scope.alert === true) });
  });
}

function think(ms: number, org: string): void {
  const before = Date.now();
  sleep(ms / 1000);
  const slept = Date.now() - before;
  record('llm_think_time', slept, { org });
  if (requestLog) console.log(JSON.stringify({ think: slept }));
}

function priceOf(vu: VuState, model: string): ResolvedPrice {
  return resolvePrice(model, vu.run.config.spec.prices as PriceTable | undefined);
}

function costOf(vu: VuState, model: string, o: ChatOutcome): number {
  const price = priceOf(vu, model);
  if (price.isDefault && !vu.warnedPrices[model]) {
    vu.warnedPrices[model] = true;
    // Once per process where the VUs share counters; once per VU on the buffered transport.
    if (!counters || counters.tryAdd(`warned:price:${model}`, 1, 1)) {
      console.warn(`[loadtest] no price for model ${model}: using the default price (add it to spec.prices)`);
    }
  }
  return requestCostUSD(price, o.promptTokens, o.completionTokens, o.cachedTokens);
}

/**
 * Ends the run for a limit: a planned cap stops sending (VUs idle out the schedule, and the run passes); a guard
 * aborts the test (teardown still runs). The first reason recorded is the one reported.
 */
function endRun(vu: VuState, reason: EndReason): SessionEnd {
  if (!isPlannedEnd(reason)) return abortRun(vu, reason);
  const first = vu.limits ? vu.limits.stop(reason) : reason;
  if (first === reason && (counters as SharedCounters).tryAdd('limit:end-logged', 1, 1)) {
    console.log(`[loadtest] ${reason}: a planned cap, so no more requests are sent; the run idles until its schedule ends`);
  }
  return 'limit';
}

/** Stops the whole test (teardown still runs); the first reason recorded is the one reported, with its detail when it is this one. */
function abortRun(vu: VuState, reason: EndReason, detail?: string): SessionEnd {
  const first = vu.limits ? vu.limits.stop(reason) : reason;
  exec.test.abort(`limit reached: ${first}${detail && first === reason ? `: ${detail}` : ''}`);
  return 'limit';
}

function logRequest(o: ChatOutcome, tags: RequestTags, maxTokens: number, cacheHit: boolean, saltViolation: boolean | undefined): void {
  console.log(
    JSON.stringify({
      request: {
        // The user's session: its VU and iteration, so tests can follow one session's questions.
        session: `${exec.vu.idInTest}:${exec.vu.iterationInScenario}`,
        requestId: o.requestId ?? null,
        org: tags.org,
        testType: tags.test_type,
        model: tags.model,
        ok: o.ok,
        status: o.status,
        errorType: o.error?.category ?? null,
        ttftMs: o.ttftMs ?? null,
        tpotMs: o.tpotMs ?? null,
        e2eMs: o.e2eMs ?? null,
        attemptMs: o.attemptMs ?? null,
        finishReason: o.finishReason ?? null,
        maxTokens,
        itlMs: o.itlMs,
        cacheHit,
        saltViolation: saltViolation ?? null,
      },
    }),
  );
}
