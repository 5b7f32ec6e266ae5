import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import type { ChatOutcome } from '../llm/chat/analyze';
import { METRICS, type MetricName } from './catalog';
import { FINISH_REASONS, type FinishReason, type SaltScope } from '../report/model';

type K6Metric = Trend | Counter | Rate | Gauge;

// k6 only allows custom metrics to be created in the init context: this module runs there once per VU.
const registry = {} as Record<MetricName, K6Metric>;
for (const m of METRICS) {
  registry[m.name] =
    m.kind === 'trend'
      ? new Trend(m.name, 'time' in m && m.time)
      : m.kind === 'counter'
        ? new Counter(m.name)
        : m.kind === 'gauge'
          ? new Gauge(m.name)
          : new Rate(m.name);
}

/** Tags every request's samples carry. `user` only when per-user tags are switched on. */
export interface RequestTags {
  org: string;
  model: string;
  test_type: string;
  /** How the request's cache_salt was chosen (never the salt itself, which would be unbounded). */
  salt_scope: SaltScope;
  transport: string;
  user?: string;
}

/** Adds one sample to a catalogue metric. */
export function record(name: MetricName, value: number | boolean, tags: Record<string, string>): void {
  (registry[name] as { add(v: number | boolean, t?: Record<string, string>): void }).add(value, tags);
}

/** A response's finish_reason as a bounded tag value: anything unexpected is "other", none is "none". */
function finishReasonTag(reason: string | undefined): FinishReason {
  if (reason === undefined) return 'none';
  return (FINISH_REASONS as readonly string[]).indexOf(reason) >= 0 ? (reason as FinishReason) : 'other';
}

/** Extra figures the VU knows about a request beyond its response. */
interface RequestContext {
  costUSD: number;
  cacheHit: boolean;
  saltViolation?: boolean;
  /** ms from when an open-loop iteration was due to when its request was written. */
  clientQueueMs?: number;
  /** A failure whose status is in errorHandling.ignoreErrorCodes: kept out of llm_request_failed. */
  ignored?: boolean;
}

/** Records every llm_* metric of one finished request. */
export function recordRequest(o: ChatOutcome, tags: RequestTags, ctx: RequestContext): void {
  const t = tags as unknown as Record<string, string>;
  record('llm_requests', 1, { ...t, status: String(o.status) });
  // An ignored status is neither a failure nor a success of the rate limits.failAboveErrorRate judges.
  if (ctx.ignored !== true) record('llm_request_failed', !o.ok, t);
  if (o.status === 429) record('llm_rate_limited', 1, t);
  if (!o.ok) {
    record('llm_errors', 1, { ...t, error_type: o.error?.category ?? 'other' });
    return;
  }
  // Every figure counted in tokens says where its count came from: the platform's usage, or a text estimate.
  const out = { ...t, token_source: o.tokenSource };
  const prompt = { ...t, token_source: o.promptTokenSource };
  if (o.ttfbMs !== undefined) record('llm_ttfb', o.ttfbMs, t);
  if (o.ttftMs !== undefined) record('llm_ttft', o.ttftMs, t);
  if (o.ttfoMs !== undefined) record('llm_ttfo', o.ttfoMs, t);
  if (o.e2eMs !== undefined) record('llm_e2e', o.e2eMs, t);
  if (o.tpotMs !== undefined) record('llm_tpot', o.tpotMs, out);
  for (const gap of o.itlMs) record('llm_itl', gap, t);
  if (o.chunks > 0 && o.tokenSource === 'usage') record('llm_tokens_per_chunk', o.completionTokens / o.chunks, out);
  if (o.chunks > 0) record('llm_chunks', o.chunks, out);
  if (o.e2eMs !== undefined && o.e2eMs > 0) record('llm_output_tokens_per_second', (o.completionTokens * 1000) / o.e2eMs, out);
  if (o.ttftMs !== undefined && o.ttftMs > 0) record('llm_prefill_tokens_per_second', (o.promptTokens * 1000) / o.ttftMs, prompt);
  record('llm_finish_reason', 1, { ...t, reason: finishReasonTag(o.finishReason) });
  record('llm_output_tokens', o.completionTokens, out);
  record('llm_prompt_tokens', o.promptTokens, prompt);
  record('llm_completion_tokens', o.completionTokens, out);
  record('llm_cached_tokens', o.cachedTokens, t);
  record('llm_cache_reported', o.cacheReported, t);
  const costSource = o.tokenSource === 'usage' && o.promptTokenSource === 'usage' ? 'usage' : 'estimate';
  record('llm_cost_usd', ctx.costUSD, { ...t, token_source: costSource });
  // The same labels as llm_output_tokens, whose count weighs these Rates in PromQL (series must match one to one).
  record('llm_cache_hit', ctx.cacheHit, out);
  if (ctx.saltViolation !== undefined) record('llm_salt_violation', ctx.saltViolation, out);
  if (ctx.clientQueueMs !== undefined) {
    record('llm_client_queue', ctx.clientQueueMs, t);
    if (o.ttftMs !== undefined) record('llm_ttft_from_sched', ctx.clientQueueMs + o.ttftMs, t);
    if (o.e2eMs !== undefined) record('llm_e2e_from_sched', ctx.clientQueueMs + o.e2eMs, t);
  }
}
