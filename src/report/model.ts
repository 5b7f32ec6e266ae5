/**
 * The summary.json model: what one run produced, in the shape docs/summary-schema.md documents field by
 * field. Every renderer (text, JUnit, HTML) reads only this model, never raw k6 data, so a fleet report
 * built from Prometheus can produce the same files. Rule for every field: always present; `null` means
 * "not measured / not known", never zero.
 */
import type { PickableTestType, ScenarioMixSpec } from '../behaviour/questions/test-types';
import type { SelfCheck } from '../metrics/self-check';
import type { ErrorSample } from '../metrics/error-tally';
import type { SelfCheckSnapshot, TransportKind } from '../llm/transport/types';
import type { CleanupCounts, LeftTenant } from '../platform/cleanup-result';

/**
 * Bumped whenever a field changes meaning or is removed; adding fields keeps the version. 2: a cache hit is a
 * request whose cached share of the prompt reached metrics.cacheHitMinRatio (1: any cached token).
 */
export const SCHEMA_VERSION = 2;

// One list of error categories for the chat layer, the thresholds and the reports.
export { ERROR_CATEGORIES, type ErrorCategory } from '../llm/chat/errors';

/** Values of the `reason` tag of llm_finish_reason: the response's finish_reason, bounded ("none": the stream gave none). */
export const FINISH_REASONS = ['stop', 'length', 'content_filter', 'tool_calls', 'other', 'none'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** Values of the `salt_scope` tag on request metrics: how the request's cache_salt was chosen ("none": no salt). */
export const SALT_SCOPES = ['none', 'org', 'user', 'fixed'] as const;
export type SaltScope = (typeof SALT_SCOPES)[number];

/** What the scenario knew about the run; names and numbers only, never keys or credentials. */
export interface RunInfo {
  runId: string;
  scenarioName: string;
  /** metadata.labels of the config. */
  labels: Record<string, string>;
  seed: number | string;
  transport: TransportKind;
  /** ISO 8601 time the test started. */
  startedAt: string;
  orgs: { name: string; users: number; budgetUSD?: number; dailyBudgetUSD?: number }[];
  /** Names, weights and whether each type has documents: what the test-type sampler picks by. */
  testTypes: PickableTestType[];
  /** spec.scenarioMix (scenario names and weights only); absent when not configured. */
  scenarioMix?: ScenarioMixSpec;
  thinkTime: { configuredMeanMs: number; minMs: number; maxMs: number; distribution: string };
  /** Which k6 instance of a distributed run this is (k6-operator parallelism); absent on one machine. */
  instance?: { index: number; count: number };
  /** Which limit ended the run early (src/spend/limits.ts END_REASONS); absent when the run played its schedule out. */
  endReason?: string;
  /** The relay's self-check reading (GET /v1/selfcheck); null on the buffered transport, absent when not read. */
  selfCheck?: SelfCheckSnapshot | null;
  /** setup()'s error when it failed (then no load ran); absent when it succeeded. */
  setupError?: string;
  /** Which of the config's test types stream their answers; absent when not known. */
  streamed?: Streamed;
  /** The load pattern's planned length and graceful stop, to tell a run that overran its schedule. */
  schedule?: { plannedSec: number; gracefulStopSec: number };
  /** metrics.cacheHitMinRatio: the cached share of a prompt that makes a request a cache hit. */
  cacheHitMinRatio?: number;
  /** The most frequent error messages, from the relay's tally; null on the buffered transport, absent when not read. */
  errorSamples?: ErrorSample[] | null;
  /** What became of the run's tenants; absent when not known. */
  cleanup?: CleanupSummary;
}

/**
 * What became of the run's tenants (orgs, users, keys). state: `cleaned` nothing left; `left` some still active
 * (named in `left`); `kept` the cleanup policy kept them; `not-run` no cleanup result reached this report (setup or
 * teardown interrupted, teardown skipped or cut short); `unknown` the buffered transport cannot hand teardown's
 * result to the report (its log has it); `none` nothing was created (static adapter).
 */
export interface CleanupSummary {
  state: 'cleaned' | 'left' | 'kept' | 'not-run' | 'unknown' | 'none';
  /** Revoked (done), already gone and failed keys; null when not known. */
  keys: CleanupCounts | null;
  /** Suspended (done), already gone and failed users; null when not known. */
  users: CleanupCounts | null;
  /** Suspended (done), already gone and failed owned orgs; null when not known. */
  orgs: CleanupCounts | null;
  /** How many tenants are still active; null when not known. */
  leftCount: number | null;
  /** The first of them, ids and why (never a secret). */
  left: LeftTenant[];
  /** The cleanup ledger of what the run created; null when it has none. */
  ledger: string | null;
  /** The command that cleans up what is left; null when nothing is. */
  command: string | null;
}

/** Whether the run's requests asked for streamed answers: all of them, some test types, or none. */
export type Streamed = 'all' | 'some' | 'none';

/** Distribution statistics of one k6 Trend; a stat is null when k6 was not asked for it. */
export interface Stats {
  count: number | null;
  avg: number | null;
  min: number | null;
  /** The median (p50). */
  med: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** One bucket [lo, hi) of a histogram; hi is null for the open-ended overflow bucket. */
export interface HistogramBucket {
  lo: number;
  hi: number | null;
  count: number;
}

/** A latency histogram in ms; only non-empty buckets are listed, in ascending order. */
export interface Histogram {
  count: number;
  buckets: HistogramBucket[];
}

export interface Histograms {
  ttft: Histogram;
  itl: Histogram;
  e2e: Histogram;
  tpot: Histogram;
}

/** Totals of one time window [startSec, startSec + windowSec) since the test started. */
export interface SeriesWindow {
  startSec: number;
  requests: number;
  errors: number;
  outputTokens: number;
  costUSD: number;
  ttftCount: number;
  ttftMeanMs: number | null;
  e2eCount: number;
  e2eMeanMs: number | null;
}

export interface Series {
  windowSec: number;
  windows: SeriesWindow[];
}

/** One org's spend, against its budget when it has one. */
export interface OrgCost {
  org: string;
  costUSD: number | null;
  requests: number | null;
  budgetUSD: number | null;
  dailyBudgetUSD: number | null;
  /** costUSD / budgetUSD. */
  utilisation: number | null;
}

export interface TestTypeFigures {
  requests: number | null;
  /** Share of all requests this run sent. */
  share: number | null;
  /** null when the report was built without the config (a fleet report from Prometheus). */
  configuredWeight: number | null;
  /** The chance the sampler picks this type for a conversation, scenarioMix included: what share should be. */
  configuredShare: number | null;
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  /** The value the expression tested, when the summary holds it (e.g. p(95) for "p(95)<500"). */
  observed: number | null;
  /** Why the threshold failed when the figure cannot say (e.g. cache data the platform never sent). */
  reason?: string;
}

export interface CheckResult {
  name: string;
  /** k6's group path, e.g. "::chat::status is 200". */
  path: string;
  passes: number;
  fails: number;
}

/** 429s and the time users waited on Retry-After: what a rate-limited platform cost the run. */
export interface Throttling {
  /** Chat requests answered 429, every attempt (llm_rate_limited). */
  rateLimited: number;
  /** Time users waited before retries the platform's Retry-After asked for, ms (llm_retry_after_wait). */
  retryAfterWaitMs: number;
  /** The same per org, in the run's org order. */
  byOrg: { org: string; rateLimited: number; retryAfterWaitMs: number }[];
}

/** How long revoked keys kept working: acceptedSec 0 and stillAccepted 0 is "none", anything else a security finding. */
export interface RevokedKeys {
  /** Longest a probed revoked key was still accepted after revocation began, s. */
  acceptedSec: number;
  /** Probed keys still accepted when the probe reached its bound. */
  stillAccepted: number;
}

/** The whole of summary.json. */
export interface Summary {
  schemaVersion: typeof SCHEMA_VERSION;
  /** Where the figures came from: one k6 process's end-of-test data, a fleet query, or the local merge of a split run's instances. */
  source: 'k6' | 'prometheus' | 'k6-merged';
  run: {
    id: string;
    name: string;
    /** The config's metadata.labels; empty when it has none or the report was built without the config. */
    labels: Record<string, string>;
    /** null when not known (a fleet report from Prometheus). */
    seed: number | string | null;
    transport: TransportKind;
    startedAt: string;
    durationSec: number;
    instance: { index: number; count: number } | null;
    endReason: string | null;
    /** setup()'s error when it failed before any load; null when it succeeded. */
    setupError: string | null;
    /** Passed, or failed with every reason: setup, a guard that ended it, a failed threshold, a relay that went away. */
    result: { passed: boolean; failures: string[] };
    /** Whether requests asked for streamed answers (all, some test types, none); null when not known. */
    streamed: Streamed | null;
    /** k6's dropped_iterations: open-model iterations not started for want of a free VU, so never measured. */
    droppedIterations: number | null;
    /** The planned length (phases) and graceful stop, and by how much the run outlasted the plan; null when not known. */
    schedule: { plannedSec: number; gracefulStopSec: number; overranSec: number } | null;
    /** setup()'s provisioning time (llm_bootstrap_duration), the max over the instances the figures cover. */
    bootstrapMs: number | null;
    /** What became of the run's tenants; null when not known (a fleet report from Prometheus). */
    cleanup: CleanupSummary | null;
    /** What the revoked-key probe found after cleanup (cleanup.revocationProbe); null when it did not run. */
    revokedKeys: RevokedKeys | null;
  };
  latency: {
    ttft: Stats | null;
    ttfo: Stats | null;
    ttfb: Stats | null;
    e2e: Stats | null;
    tpot: Stats | null;
    itl: Stats | null;
    clientQueue: Stats | null;
    ttftFromSched: Stats | null;
    e2eFromSched: Stats | null;
  };
  throughput: {
    requests: number;
    requestsPerSec: number;
    outputTokensPerSec: number;
    outputTokensPerSecPerRequest: Stats | null;
    prefillTokensPerSecPerRequest: Stats | null;
  };
  tokens: {
    prompt: number;
    completion: number;
    cached: number;
    /** cached / prompt. */
    cachedShare: number | null;
    outputPerRequest: Stats | null;
    perChunk: Stats | null;
    /** Completion tokens by token_source (usage, or the documented fallback); empty when not tracked. */
    completionBySource: Record<string, number>;
    /** Share of completion tokens that were text estimates, not the platform's usage; null without tokens. */
    estimatedShare: number | null;
    /** Token-bearing chunks of answered requests (llm_chunks): the count to read beside estimated tokens. */
    chunks: number | null;
  };
  errors: {
    total: number;
    /** Failed share of chat requests. */
    rate: number | null;
    /** Counts per tracked category; categories the run did not track are absent. */
    byCategory: Record<string, number>;
    /** Errors no tracked category accounts for. */
    uncategorized: number;
    /** The most frequent messages with their category, status and URL path; null when not tracked (buffered transport). */
    top: ErrorSample[] | null;
    /** Pauses users took after failed requests (errorHandling.failureBackoffMs); null when not known. */
    backoff: { count: number; totalMs: number } | null;
    /** Failures whose status is in errorHandling.ignoreErrorCodes: counted in `total`, left out of `rate`; null when not known. */
    ignored: number | null;
  };
  /** The platform's throttling, reported as a result and not a failure; null when not known (a fleet report). */
  throttling: Throttling | null;
  cost: { totalUSD: number; byOrg: OrgCost[] };
  cache: {
    /**
     * Whether the platform sent cache data: false when no answered request's usage carried
     * prompt_tokens_details.cached_tokens, and then every cache figure below is null (unavailable, not 0%); null when not known.
     */
    dataAvailable: boolean | null;
    /** Share of answered requests whose usage carried prompt_tokens_details.cached_tokens (llm_cache_reported); null when not known. */
    reportedShare: number | null;
    /** The main figure: cached / prompt tokens over the run. */
    cachedTokenRatio: number | null;
    /** The same per test type; null for a type with no prompt tokens (or not tracked). */
    cachedTokenRatioByTestType: Record<string, number | null>;
    /** Share of requests that were hits: their cached share of the prompt reached hitMinRatio. */
    hitRatio: number | null;
    /** The ratio that makes a request a hit (metrics.cacheHitMinRatio); null when not known. */
    hitMinRatio: number | null;
    /** Hit ratio per test type. */
    byTestType: Record<string, number | null>;
    /** Hit ratio per cache_salt scope; null for a scope no request used. */
    bySaltScope: Record<SaltScope, number | null>;
    saltViolations: { rate: number | null; count: number | null };
  };
  /** Responses per finish_reason (llm_finish_reason); null when the run did not track that reason. */
  finishReasons: Record<FinishReason, number | null>;
  testTypes: Record<string, TestTypeFigures>;
  thinkTime: {
    /** null when not known (a fleet report from Prometheus). */
    configured: { meanMs: number; minMs: number; maxMs: number; distribution: string } | null;
    actual: Stats | null;
  };
  thresholds: ThresholdResult[];
  checks: CheckResult[];
  series: Series | null;
  histograms: Histograms | null;
  /** The load generator's verdict on itself: CPU near its cores or scheduler lag inflates latencies. */
  selfCheck: SelfCheck;
}

/** What the process-wide recorder (src/metrics/series.ts) read back at the end of the run. */
export interface SeriesSnapshot {
  series: Series;
  histograms: Histograms;
}
