import { sleep } from 'k6';
import exec from 'k6/execution';
import { counters, transportKind } from '#transport';
import { SaltLedger, cacheSaltFor, type LedgerStore, type LedgerTicket } from './cache-salt';
import type { ChatOutcome } from './chat/analyze';
import { sendWithRetries, type ChatTarget } from './chat/client';
import { countsTowardStop } from './chat/retry-policy';
import { requestCostUSD, resolvePrice, type PriceTable } from './cost';
import { sampleDist, sampleIntDist } from './distributions';
import type { DocumentLibrary } from './documents';
import { COUNTER_FAILED, COUNTER_REQUESTS, type SetupData } from './lifecycle';
import { RunLimits, type EndReason } from './limits';
import { record, recordRequest, type RequestTags } from './metrics';
import { Conversation } from './questions/conversation';
import { rngFrom } from './random';
import type { Run } from './run';
import { recordRequest as recordSeries } from './series';
import { planSession, type SessionPlan } from './session-plan';
import { chooseModel } from './targeting';
import type { ProvisionedUser } from './platform/types';
import type { TestType } from './config/schema';

/** Why a session ended, the `reason` tag of llm_sessions. */
export type SessionEnd = 'completed' | 'duration' | 'stop_on_errors' | 'budget_exhausted' | 'limit' | 'interrupted';

/** What one VU keeps between iterations. */
export interface VuState {
  run: Run;
  libraries: Record<string, DocumentLibrary>;
  ledger: SaltLedger;
  limits: RunLimits | null;
  warnedPrices: Record<string, boolean>;
}

// Backed by the process-wide counters, so a cache hit earned by another VU with the same salt is no violation.
const shared = counters;
const counterLedgerStore: LedgerStore | undefined = shared ? { increment: (key) => shared.add(key, 1) } : undefined;

/** Builds the per-VU state once, at init. */
export function vuState(run: Run, libraries: Record<string, DocumentLibrary>): VuState {
  const limits = run.config.spec.limits;
  return {
    run,
    libraries,
    ledger: new SaltLedger(counterLedgerStore),
    limits: counters ? new RunLimits(limits, counters) : null,
    warnedPrices: {},
  };
}

/** The user this VU plays: the instance's share, in the order k6 hands out VU ids. */
export function userOfVu(data: SetupData): ProvisionedUser {
  const users = data.provisioned.users;
  if (users.length === 0) throw new Error('this instance has no users to play: setup() provisioned none');
  return users[(exec.vu.idInInstance - 1) % users.length] as ProvisionedUser;
}

const requestLog = __ENV.LOADTEST_REQUEST_LOG === '1';

/**
 * One iteration: a whole user session (closed model, or open model with iteration "session"), or a
 * single question without think time (open model with iteration "request"). Every random choice
 * comes from a stream seeded by (run seed, user, loop), so a run is reproducible from its seed.
 */
export function runIteration(vu: VuState, data: SetupData): void {
  const spec = vu.run.config.spec;
  const user = userOfVu(data);
  const loop = exec.vu.iterationInScenario;
  const perUser = spec.userBehavior.sessionsPerUser;
  if (perUser !== undefined && loop >= perUser) {
    // The user is done; idling keeps the VU (and so the user) from being re-used while the run lasts.
    sleep(5);
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
  const end = runSession(vu, data, user, plan, rng.fork('requests'), singleRequest, iterationStartMs);
  record('llm_sessions', 1, { org: user.org, reason: end });
}

function runSession(vu: VuState, data: SetupData, user: ProvisionedUser, plan: SessionPlan<TestType>, rng: ReturnType<typeof rngFrom>, singleRequest: boolean, startedMs: number): SessionEnd {
  const spec = vu.run.config.spec;
  let errors = 0;
  let keyTurn = 0;
  for (const conv of plan.conversations) {
    const conversation = new Conversation(plan, conv, { runSeed: spec.run.seed, documents: vu.libraries[conv.testType.name] });
    for (const turn of conv.turns) {
      const built = conversation.nextTurn();
      const type = conv.testType;
      const { model } = chooseModel(type.modelTargeting, { query_length: built.queryLength, prompt_tokens: built.promptTokensEstimate, turn: built.turn, has_document: built.hasDocument ? 1 : 0 }, spec.models.default, rng);
      const tags: RequestTags = { org: user.org, model, test_type: type.name, transport: transportKind };
      if (spec.metrics.perUserTags) tags.user = user.name;
      const salt = cacheSaltFor(type.cacheSalt, { runId: vu.run.runId, org: user.org, user: user.name });
      const key = user.keys[keyTurn++ % user.keys.length] as { secret: string };
      const target: ChatTarget = {
        routerUrl: spec.targets.apiRouterUrl,
        apiKey: key.secret,
        timeoutMs: spec.targets.timeout * 1000,
        idleTimeoutMs: spec.targets.idleTimeout * 1000,
        tags: { org: user.org, model, test_type: type.name, name: 'chat completion' },
      };
      const request = {
        model,
        messages: built.messages,
        maxTokens: sampleIntDist(rng, spec.request.maxTokens, 'request.maxTokens'),
        temperature: sampleDist(rng, spec.request.temperature, 'request.temperature'),
        stream: type.streamingResponse,
        includeUsage: spec.request.includeUsage,
        cacheSalt: salt,
      };
      let stop: SessionEnd | undefined;
      // Noted before sending: a concurrent request with the same salt and prefix then counts as "sent before".
      const ticket = vu.ledger.note(salt, built.messages);
      const attempt = { tags, model, salt, ticket, clientQueueFromMs: singleRequest ? startedMs : undefined };
      const before = (): boolean => {
        const breach = vu.limits?.admit(() => sleep(0.005)) ?? null;
        if (breach) stop = abortRun(breach);
        return breach === null;
      };
      const after = (o: ChatOutcome): void => {
        const breach = recordAttempt(vu, data, attempt, o);
        if (breach) stop = abortRun(breach);
      };
      const outcome = sendWithRetries(target, request, built.promptTokensEstimate, spec.userBehavior.errorHandling, { before, after });
      if (stop || !outcome) return stop ?? 'limit';
      if (outcome.ok) conversation.recordAnswer(outcome.content);
      else if (outcome.error?.category === 'aborted') return 'interrupted';
      else if (outcome.error?.category === 'budget_exceeded') return 'budget_exhausted';
      else if (countsTowardStop(outcome.status, spec.userBehavior.errorHandling) && ++errors >= spec.userBehavior.errorHandling.stopOnErrors) return 'stop_on_errors';
      if (singleRequest) return 'completed';
      think(turn.thinkTimeMs, user.org);
      if (plan.durationLimitMs !== undefined && Date.now() - startedMs >= plan.durationLimitMs) return 'duration';
    }
  }
  return 'completed';
}

/** What recordAttempt needs to know about the request besides its outcome. */
interface AttemptContext {
  tags: RequestTags;
  model: string;
  salt: string | undefined;
  ticket: LedgerTicket;
  /** Open-loop request iterations: when the iteration was due, for the client-queue figures. */
  clientQueueFromMs: number | undefined;
}

/** Records one attempt everywhere it counts (metrics, series, request log, limits); returns a breached limit. */
function recordAttempt(vu: VuState, data: SetupData, a: AttemptContext, o: ChatOutcome): EndReason | null {
  // A request cut because the run is ending is the test's doing, not the platform's: not a result.
  if (o.error?.category === 'aborted') {
    vu.limits?.release();
    return null;
  }
  const cost = o.ok ? costOf(vu, a.model, o) : 0;
  const cacheHit = o.ok && o.cachedTokens > 0;
  const clientQueueMs = a.clientQueueFromMs !== undefined && o.sentAtMs !== undefined ? Math.max(0, o.sentAtMs - a.clientQueueFromMs) : undefined;
  const saltViolation = o.ok && a.salt !== undefined ? vu.ledger.isViolation(a.ticket, o.cachedTokens) : undefined;
  recordRequest(o, a.tags, { costUSD: cost, cacheHit, saltViolation, clientQueueMs });
  if (counters) {
    counters.add(COUNTER_REQUESTS, 1);
    if (!o.ok) counters.add(COUNTER_FAILED, 1);
    recordSeries(counters, { tMs: Date.now() - data.startedAtMs, ok: o.ok, ttftMs: o.ttftMs, e2eMs: o.e2eMs, tpotMs: o.tpotMs, itlMs: o.itlMs, outputTokens: o.completionTokens, costUSD: cost });
  }
  if (requestLog) logRequest(o, a.tags, cacheHit, saltViolation);
  return vu.limits?.settle(cost, !o.ok) ?? null;
}

function think(ms: number, org: string): void {
  const before = Date.now();
  sleep(ms / 1000);
  const slept = Date.now() - before;
  record('llm_think_time', slept, { org });
  if (requestLog) console.log(JSON.stringify({ think: slept }));
}

function costOf(vu: VuState, model: string, o: ChatOutcome): number {
  const price = resolvePrice(model, vu.run.config.spec.prices as PriceTable | undefined);
  if (price.isDefault && !vu.warnedPrices[model]) {
    vu.warnedPrices[model] = true;
    // Once per process where the VUs share counters; once per VU on stock k6.
    if (!counters || counters.tryAdd(`warned:price:${model}`, 1, 1)) {
      console.warn(`[loadtest] no price for model ${model}: using the default price (add it to spec.prices)`);
    }
  }
  return requestCostUSD(price, o.promptTokens, o.completionTokens, o.cachedTokens);
}

function abortRun(reason: string): SessionEnd {
  exec.test.abort(`limit reached: ${reason}`);
  return 'limit';
}

function logRequest(o: ChatOutcome, tags: RequestTags, cacheHit: boolean, saltViolation: boolean | undefined): void {
  console.log(
    JSON.stringify({
      request: {
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
        itlMs: o.itlMs,
        cacheHit,
        saltViolation: saltViolation ?? null,
      },
    }),
  );
}
