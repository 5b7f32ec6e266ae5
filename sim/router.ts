import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { drawOutputTokens, planChunks, ttftMs } from './backend';
import type { ChunkPlan } from './backend';
import { costUSD } from './budget';
import { priceOf } from './config';
import type { FaultKind } from './config';
import type { ModelRuntime, SimContext } from './context';
import { pickFault, STATUS_FAULTS } from './faults';
import type { RequestRecord } from './groundtruth';
import { readBody, sendJson, tryParseJson } from './http';
import { handleIntrospection } from './introspect';
import type { RateDecision } from './ratelimit';
import { monoMs } from './scheduler';
import type { Task } from './scheduler';
import { countTokens, outputToken, tokenize, tokenizeChat } from './tokenizer';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const Message = z.looseObject({
  role: z.string().min(1),
  content: z.union([z.string(), z.array(TextPart), z.null()]).optional(),
});
const Common = {
  model: z.string().min(1),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  cache_salt: z.string().nullish(),
  temperature: z.number().nullish(),
};
const ChatBody = z.looseObject({ ...Common, messages: z.array(Message).min(1) });
const CompletionBody = z.looseObject({ ...Common, prompt: z.union([z.string(), z.array(z.string()).length(1)]) });
const EmbeddingBody = z.looseObject({ model: z.string().min(1), input: z.union([z.string(), z.array(z.string()).min(1)]) });

type Route = 'chat' | 'completions' | 'embeddings';
const ROUTES: Record<string, Route> = {
  '/v1/chat/completions': 'chat',
  '/v1/completions': 'completions',
  '/v1/embeddings': 'embeddings',
};

/** One in-progress router request: its ground-truth record and the helpers that keep it consistent. */
class Exchange {
  readonly t0: number;
  /**
   * When service time starts counting, before any queue wait: the receive time, so the sim's own parsing and
   * validation never add to the modelled TTFT (a slow-headers fault moves it to the end of its delay).
   */
  anchor: number;
  private finalized = false;
  orgId: string | null = null;

  constructor(
    readonly ctx: SimContext,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly rec: RequestRecord,
  ) {
    this.t0 = rec.receivedMonoMs;
    this.anchor = this.t0;
  }

  rel(t: number): number {
    return t - this.t0;
  }

  /** Answers with the router's error JSON and closes the record. */
  fail(status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string | number> = {}): void {
    this.rec.headersMs = this.rel(monoMs());
    sendJson(this.res, status, { error: message, code, trace_id: this.rec.requestId, ...extra }, headers);
    this.finish(status, 'error', code);
  }

  /** Closes the record once: status, outcome, end time, request metric. */
  finish(status: number, outcome: RequestRecord['outcome'], code: string | null = null): void {
    if (this.finalized) return;
    this.finalized = true;
    this.rec.status = status;
    this.rec.outcome = outcome;
    this.rec.errorCode = code;
    this.rec.endMs = this.rel(monoMs());
    this.ctx.metrics.requests.inc([this.rec.route, this.rec.model ?? '', String(status)]);
  }

  get done(): boolean {
    return this.finalized;
  }
}

/** Everything a generated (chat or completions) response needs, drawn at admission in request order. */
interface Generation {
  model: ModelRuntime;
  promptTokens: string[];
  blockKeys: string[];
  completionTokens: number;
  reasoningTokens: number;
  chunks: ChunkPlan[];
  finishReason: 'stop' | 'length';
  includeUsage: boolean;
  textSalt: number;
}

function messageText(content: z.infer<typeof Message>['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text).join('');
  return '';
}

function chunkText(g: Generation, c: ChunkPlan): string {
  let s = '';
  for (let i = c.first; i < c.first + c.tokens; i++) s += outputToken(g.textSalt, i);
  return s;
}

/** The usage object; `dropDetails` leaves out prompt_tokens_details, as the real AI-AAS router does. */
function usageJson(g: Generation, completion: number, cached: number, dropDetails: boolean): Record<string, unknown> {
  return {
    prompt_tokens: g.promptTokens.length,
    completion_tokens: completion,
    total_tokens: g.promptTokens.length + completion,
    ...(dropDetails ? {} : { prompt_tokens_details: { cached_tokens: cached } }),
    completion_tokens_details: { reasoning_tokens: Math.min(completion, g.reasoningTokens) },
  };
}

/** Waits on the shared scheduler (so slow-header and stall delays are as exact as token deadlines). */
function sleepUntil(ctx: SimContext, due: number): Promise<void> {
  return new Promise((resolve) => ctx.scheduler.at(due, resolve));
}

/** Creates the API router's request handler (mirrors the AI-AAS router, plus streaming and embeddings). */
export function createRouterHandler(ctx: SimContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const receivedNs = process.hrtime.bigint();
    const requestId = `req-${ctx.ids.hex(16)}`;
    res.setHeader('x-request-id', requestId);
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sim');
    if (handleIntrospection(ctx, method, url, res)) return;
    const path = url.pathname;
    if (path === '/v1/status/healthz' || path === '/v1/status/readyz') {
      if (method !== 'GET') return methodNotAllowed(res, requestId, 'GET');
      return sendJson(res, 200, { status: 'ok' });
    }
    if (path === '/health') {
      // vLLM's liveness route: 200 with an empty body, no auth (GuideLLM's backend check GETs it).
      if (method !== 'GET') return methodNotAllowed(res, requestId, 'GET');
      res.writeHead(200, { 'content-length': 0 });
      return void res.end();
    }
    if (path === '/v1/models') {
      if (method !== 'GET') return methodNotAllowed(res, requestId, 'GET');
      if (!ctx.config.router.keyless && !authenticate(ctx, req)) return sendJson(res, 401, { error: 'invalid or missing API key', code: 'AUTH_INVALID', trace_id: requestId });
      return sendJson(res, 200, modelList(ctx));
    }
    const route = ROUTES[path];
    if (!route) return sendJson(res, 404, { error: 'route not found', code: 'NOT_FOUND', path, trace_id: requestId });
    if (method !== 'POST') return methodNotAllowed(res, requestId, 'POST');
    const rec = newRecord(ctx, requestId, path, receivedNs);
    ctx.groundTruth.add(rec);
    const ex = new Exchange(ctx, req, res, rec);
    inference(ex, route).catch((err: unknown) => {
      if (!res.headersSent) ex.fail(500, 'INTERNAL_ERROR', `sim error: ${(err as Error).message}`);
      else {
        ex.finish(res.statusCode, 'reset');
        res.destroy();
      }
    });
  };
}

/** Context length /v1/models reports: the sim has no limit of its own, so a common serving default. */
const MAX_MODEL_LEN = 32768;

/** GET /v1/models as vLLM serves it (root, parent, max_model_len, permission), plus the sim's model kind. */
function modelList(ctx: SimContext): Record<string, unknown> {
  const created = Math.floor(Date.now() / 1000);
  const data = [...ctx.models.values()].map((m) => ({
    id: m.name,
    object: 'model',
    created,
    owned_by: 'vllm',
    root: m.name,
    parent: null,
    max_model_len: MAX_MODEL_LEN,
    permission: [
      {
        id: `modelperm-${m.name}`,
        object: 'model_permission',
        created,
        allow_create_engine: false,
        allow_sampling: true,
        allow_logprobs: true,
        allow_search_indices: false,
        allow_view: true,
        allow_fine_tuning: false,
        organization: '*',
        group: null,
        is_blocking: false,
      },
    ],
    kind: m.cfg.kind,
  }));
  return { object: 'list', data };
}

function methodNotAllowed(res: ServerResponse, requestId: string, allow: string): void {
  sendJson(res, 405, { error: 'method not allowed', code: 'METHOD_NOT_ALLOWED', trace_id: requestId }, { allow });
}

function authenticate(ctx: SimContext, req: IncomingMessage): ReturnType<SimContext['tenants']['authenticate']> {
  const header = req.headers['x-api-key'];
  let secret = Array.isArray(header) ? header[0] : header;
  if (!secret) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    secret = m?.[1];
  }
  return secret ? ctx.tenants.authenticate(secret) : undefined;
}

function newRecord(ctx: SimContext, requestId: string, route: string, receivedNs: bigint): RequestRecord {
  return {
    seq: ctx.groundTruth.total,
    requestId,
    route,
    model: null,
    orgId: null,
    keyId: null,
    stream: false,
    status: 0,
    errorCode: null,
    fault: null,
    outcome: 'pending',
    receivedNs: receivedNs.toString(),
    receivedMonoMs: Number(receivedNs) / 1e6,
    headersMs: null,
    admittedMs: null,
    queueWaitMs: 0,
    modelTtftMs: null,
    firstTokenMs: null,
    endMs: null,
    chunkAtMs: [],
    chunkDueMs: [],
    chunkTokens: [],
    promptTokens: 0,
    cachedTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    costUSD: 0,
  };
}

function rateHeaders(decisions: Array<RateDecision | null>): Record<string, string> {
  const active = decisions.filter((d): d is RateDecision => d !== null);
  if (active.length === 0) return {};
  const tight = active.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  return { 'x-ratelimit-limit': String(tight.limit), 'x-ratelimit-remaining': String(tight.remaining) };
}

async function inference(ex: Exchange, route: Route): Promise<void> {
  const { ctx, req, res, rec } = ex;
  // Keyless, credentials are ignored as a model backend ignores them: no org, so no rate limit or budget.
  const key = ctx.config.router.keyless ? null : authenticate(ctx, req);
  if (!key && !ctx.config.router.keyless) {
    req.resume();
    return ex.fail(401, 'AUTH_INVALID', 'invalid or missing API key');
  }
  if (key) {
    rec.orgId = key.orgId;
    rec.keyId = key.apiKeyId;
    ctx.ledger.begin(key.orgId);
  }
  res.once('close', () => {
    if (key) ctx.ledger.end(key.orgId);
    if (!ex.done) ex.finish(res.headersSent ? res.statusCode : 0, 'client_closed');
  });

  const read = await readBody(req, ctx.config.router.maxBodyBytes);
  if (!read.ok) {
    return ex.fail(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${ctx.config.router.maxBodyBytes} bytes`);
  }
  const parsed = tryParseJson(read.body);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    return ex.fail(400, 'INVALID_REQUEST', 'request body is not a JSON object');
  }
  const schema = route === 'chat' ? ChatBody : route === 'completions' ? CompletionBody : EmbeddingBody;
  const valid = schema.safeParse(parsed.value);
  if (!valid.success) {
    const msg = valid.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    return ex.fail(400, 'VALIDATION_ERROR', msg);
  }
  const body = valid.data as z.infer<typeof ChatBody> & z.infer<typeof CompletionBody> & z.infer<typeof EmbeddingBody>;
  const model = ctx.models.get(body.model);
  // The real router's words when no routing policy names the model.
  if (!model) return ex.fail(500, 'ROUTING_ERROR', 'no routing policy configured');
  rec.model = model.name;
  const wantKind = route === 'embeddings' ? 'embedding' : 'chat';
  if (model.cfg.kind !== wantKind) return ex.fail(400, 'VALIDATION_ERROR', `model ${model.name} does not serve ${route}`);
  res.setHeader('x-routing-backend', `sim/${model.name}`);
  res.setHeader('x-routing-decision', 'primary');

  const now = monoMs();
  const keyDecision = key ? ctx.keyLimiter.take(`key:${key.apiKeyId}`, now) : null;
  const orgDecision = !key || keyDecision?.allowed === false ? null : ctx.orgLimiter.take(`org:${key.orgId}`, now);
  for (const [name, value] of Object.entries(rateHeaders([keyDecision, orgDecision]))) res.setHeader(name, value);
  const denied = [keyDecision, orgDecision].find((d) => d !== null && !d.allowed);
  if (denied) {
    const scope = denied === keyDecision ? 'key' : 'org';
    return ex.fail(
      429,
      'RATE_LIMIT_EXCEEDED',
      `rate limit exceeded: ${denied.limit} requests per ${denied.window} per ${scope}`,
      {
        retry_after_seconds: denied.retryAfterSeconds,
        limit_context: { current_usage: denied.current, limit: denied.limit, remaining: 0, quota_type: `${scope}_requests_per_${denied.window}` },
      },
      { 'retry-after': denied.retryAfterSeconds },
    );
  }
  const budget = key ? ctx.ledger.check(key.orgId) : null;
  if (key && budget) {
    ctx.ledger.recordDenied(key.orgId);
    return ex.fail(402, 'BUDGET_EXCEEDED', `org ${budget.quotaType} budget of ${budget.limitUSD} USD is spent`, {
      retry_after_seconds: budget.retryAfterSeconds,
      limit_context: { current_usage: budget.currentUSD, limit: budget.limitUSD, remaining: 0, quota_type: budget.quotaType },
    });
  }

  if (body.stream === true && !ctx.config.router.streaming) {
    // The real router reads the backend's SSE answer as one JSON document and fails on its first byte, 'd' of "data:".
    rec.stream = true;
    return ex.fail(502, 'BACKEND_ERROR', "unmarshal OpenAI chat response: invalid character 'd' looking for beginning of value");
  }

  const fault = pickFault(model.cfg.faults, model.faultRng);
  rec.fault = fault;
  if (fault) ctx.metrics.faults.inc([model.name, fault]);
  const statusFault = fault ? STATUS_FAULTS[fault] : undefined;
  if (statusFault) {
    const retry = model.cfg.faults.retryAfterSeconds;
    const extra = statusFault.status === 429 ? { retry_after_seconds: retry, limit_context: { quota_type: 'backend' } } : {};
    const headers: Record<string, string | number> = statusFault.status === 429 ? { 'retry-after': retry } : {};
    return ex.fail(statusFault.status, statusFault.code, statusFault.message, extra, headers);
  }
  if (fault === 'resetBeforeHeaders') {
    ex.finish(0, 'reset');
    req.socket.destroy();
    return;
  }
  if (fault === 'slowHeaders') {
    ex.anchor = monoMs() + model.cfg.faults.slowHeadersMs;
    await sleepUntil(ctx, ex.anchor);
  }
  if (res.destroyed) return;

  if (route === 'embeddings') return serveEmbeddings(ex, model, body.input, fault);
  const promptTokens =
    route === 'chat'
      ? tokenizeChat(body.messages.map((m) => ({ role: m.role, content: messageText(m.content) })))
      : tokenize(typeof body.prompt === 'string' ? body.prompt : (body.prompt[0] as string));
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const completionTokens = drawOutputTokens(model.cfg.output, model.lengthRng, maxTokens);
  const planCfg = route === 'chat' ? model.cfg : { ...model.cfg, reasoningFraction: 0 };
  const plan = planChunks(planCfg, completionTokens, model.jitterRng);
  const gen: Generation = {
    model,
    promptTokens,
    blockKeys: ctx.cache.blockKeys(body.cache_salt ?? undefined, promptTokens),
    completionTokens,
    reasoningTokens: plan.reasoningTokens,
    chunks: plan.chunks,
    finishReason: maxTokens !== undefined && completionTokens === maxTokens ? 'length' : 'stop',
    includeUsage: body.stream_options?.include_usage === true,
    textSalt: rec.seq,
  };
  rec.stream = body.stream === true;
  rec.promptTokens = promptTokens.length;
  if (rec.stream) streamGeneration(ex, route, gen, fault);
  else respondGeneration(ex, route, gen, fault);
}

/** Settles spend for what was served: prompt tokens once prefill began, plus the completion tokens sent. */
function settle(ex: Exchange, model: ModelRuntime, promptTokens: number, cached: number, completion: number, reasoning: number): void {
  const { ctx, rec } = ex;
  rec.cachedTokens = cached;
  rec.completionTokens = completion;
  rec.reasoningTokens = Math.min(completion, reasoning);
  rec.costUSD = costUSD(priceOf(ctx.config, model.name), promptTokens, cached, completion);
  if (rec.orgId !== null) {
    ctx.ledger.accrue(rec.orgId, rec.costUSD);
    ctx.metrics.cost.inc([rec.orgId], rec.costUSD);
  }
  ctx.metrics.tokens.inc([model.name, 'prompt'], promptTokens);
  ctx.metrics.tokens.inc([model.name, 'cached'], cached);
  ctx.metrics.tokens.inc([model.name, 'completion'], completion);
}

/**
 * Waits for a concurrency slot, then calls `run` with the service start (anchor plus queue wait) and the cached
 * token count. A client that leaves while queued gives up its place; call the returned release when the request
 * stops using the slot.
 */
function admit(ex: Exchange, g: { model: ModelRuntime; blockKeys: string[] }, run: (startAt: number, cached: number) => void): () => void {
  const asked = monoMs();
  let admitted = false;
  let released = false;
  const leave = g.model.slots.acquire(() => {
    admitted = true;
    const at = monoMs();
    ex.rec.admittedMs = ex.rel(at);
    ex.rec.queueWaitMs = at - asked;
    if (ex.res.destroyed) return release();
    run(ex.anchor + ex.rec.queueWaitMs, ex.ctx.cache.lookup(g.blockKeys));
  });
  function release(): void {
    if (!admitted) return leave();
    if (released) return;
    released = true;
    g.model.slots.release();
  }
  return release;
}

function streamGeneration(ex: Exchange, route: 'chat' | 'completions', g: Generation, fault: FaultKind | null): void {
  const { ctx, res, rec } = ex;
  const created = Math.floor(Date.now() / 1000);
  const name = JSON.stringify(g.model.name);
  const id = route === 'chat' ? `chatcmpl-${rec.requestId}` : `cmpl-${rec.requestId}`;
  // Chunk framing is precomputed so each write only adds the token text: per-chunk work stays small.
  const head =
    route === 'chat'
      ? `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${name},"choices":[{"index":0,"delta":{`
      : `data: {"id":"${id}","object":"text_completion","created":${created},"model":${name},"choices":[{"index":0,"text":`;
  const tail = route === 'chat' ? '},"logprobs":null,"finish_reason":null}]}\n\n' : ',"logprobs":null,"finish_reason":null}]}\n\n';
  // A token chunk is opening + text + closing. Output tokens are plain ASCII words (tokenizer VOCAB): quoting
  // needs no escaping and the text's byte length is its length, so the frame size needs no per-chunk encoding.
  const contentOpening = new EventPart(route === 'chat' ? `${head}"content":"` : `${head}"`);
  const reasoningOpening = route === 'chat' ? new EventPart(`${head}"reasoning_content":"`) : contentOpening;
  const closing = new EventPart(`"${tail}`);
  const finishFrame =
    route === 'chat'
      ? `${head}},"logprobs":null,"finish_reason":"${g.finishReason}"}]}\n\n`
      : `${head}"","logprobs":null,"finish_reason":"${g.finishReason}"}]}\n\n`;
  const object = route === 'chat' ? 'chat.completion.chunk' : 'text_completion';

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  if (route === 'chat') res.write(`${head}"role":"assistant","content":""${tail}`);
  else res.flushHeaders();
  rec.headersMs = ex.rel(monoMs());

  const faults = g.model.cfg.faults;
  const faultAt = Math.min(faults.afterChunks, g.chunks.length);
  let pendingFault = fault === 'resetMidStream' || fault === 'malformedChunk' || fault === 'stall' ? fault : null;
  let shift = 0;
  let firstDue = 0;
  let cached = 0;
  let tokensSent = 0;
  let pending: Task | null = null;
  let release: () => void = () => {};

  const dueOf = (j: number): number => firstDue + shift + (j < g.chunks.length ? (g.chunks[j] as ChunkPlan).offsetMs : (g.chunks[g.chunks.length - 1] as ChunkPlan).offsetMs);
  const schedule = (j: number): void => {
    const due = dueOf(j);
    pending = ctx.scheduler.at(due, () => step(j, due));
  };
  const end = (outcome: 'complete' | 'reset'): void => {
    settle(ex, g.model, g.promptTokens.length, cached, tokensSent, g.reasoningTokens);
    ex.finish(200, outcome);
    release();
  };

  const step = (j: number, due: number): void => {
    if (res.destroyed) return;
    if (j === faultAt && pendingFault) {
      const f = pendingFault;
      pendingFault = null;
      if (f === 'resetMidStream') {
        end('reset');
        res.destroy();
        return;
      }
      if (f === 'malformedChunk') res.write('data: {not json\n\n');
      if (f === 'stall') {
        shift += faults.stallSeconds * 1000;
        if (faults.stallThen === 'end') {
          pending = ctx.scheduler.at(due + shift, () => {
            end('complete');
            res.end();
          });
          return;
        }
        return schedule(j);
      }
    }
    if (j === 0) ctx.cache.insert(g.blockKeys);
    if (j < g.chunks.length) {
      const c = g.chunks[j] as ChunkPlan;
      const text = chunkText(g, c);
      const opening = c.kind === 'reasoning' ? reasoningOpening : contentOpening;
      const at = monoMs();
      writeEvent(res, opening, text, closing);
      tokensSent += c.tokens;
      rec.chunkAtMs.push(at - ex.t0);
      rec.chunkDueMs.push(due - ex.t0);
      rec.chunkTokens.push(c.tokens);
      if (j === 0) rec.firstTokenMs = at - ex.t0;
      ctx.groundTruth.lateness.add(at - due);
      g.model.chunksWritten++;
      // The step after the last chunk is scheduled only when a fault is due there; otherwise the stream ends now.
      if (j + 1 < g.chunks.length || (pendingFault !== null && faultAt === j + 1)) return schedule(j + 1);
    }
    res.write(finishFrame);
    if (g.includeUsage) {
      const usage = JSON.stringify(usageJson(g, tokensSent, cached, ctx.config.router.dropPromptTokensDetails));
      res.write(`data: {"id":"${id}","object":"${object}","created":${created},"model":${name},"choices":[],"usage":${usage}}\n\n`);
    }
    end('complete');
    res.end('data: [DONE]\n\n');
  };
  release = admit(ex, g, (startAt, hit) => {
    cached = hit;
    rec.modelTtftMs = ttftMs(g.model.cfg, g.promptTokens.length - cached);
    firstDue = startAt + rec.modelTtftMs;
    schedule(0);
  });
  res.once('close', () => {
    ctx.scheduler.cancel(pending);
    release();
    if (rec.admittedMs !== null && rec.outcome === 'client_closed') settle(ex, g.model, g.promptTokens.length, cached, tokensSent, g.reasoningTokens);
  });
}

/** A fixed part of a stream's events with its UTF-8 byte length, measured once per stream instead of per chunk. */
class EventPart {
  readonly bytes: number;
  constructor(readonly text: string) {
    this.bytes = Buffer.byteLength(text);
  }
}

/**
 * Writes one SSE event (opening + ASCII text + closing) as a single HTTP/1.1 chunked-encoding frame straight to
 * the socket: res.write would queue four pieces (size, CRLF, data, CRLF) into a corked socket and flush them on
 * the next tick, which costs more than the write itself at tens of thousands of chunks per second. Only once the
 * response owns the socket and has sent its headers and first chunk (so nothing of it is buffered elsewhere);
 * its last chunk goes through res.end, so the byte stream stays in order.
 */
function writeEvent(res: ServerResponse, opening: EventPart, text: string, closing: EventPart): void {
  const socket = res.socket;
  if (socket && res.headersSent && res.chunkedEncoding) {
    const size = (opening.bytes + text.length + closing.bytes).toString(16);
    socket.write(`${size}\r\n${opening.text}${text}${closing.text}\r\n`);
  } else res.write(opening.text + text + closing.text);
}

/** Non-streaming answer: the whole body at the last token's deadline. */
function respondGeneration(ex: Exchange, route: 'chat' | 'completions', g: Generation, fault: FaultKind | null): void {
  const { ctx, res, rec } = ex;
  let cached = 0;
  let pending: Task | null = null;
  const release = admit(ex, g, (startAt, hit) => {
    cached = hit;
    rec.modelTtftMs = ttftMs(g.model.cfg, g.promptTokens.length - cached);
    const firstDue = startAt + rec.modelTtftMs;
    const lastDue = firstDue + (g.chunks[g.chunks.length - 1] as ChunkPlan).offsetMs;
    pending = ctx.scheduler.at(firstDue, () => {
      ctx.cache.insert(g.blockKeys);
      pending = ctx.scheduler.at(lastDue, () => {
        let text = '';
        let reasoning = '';
        for (const c of g.chunks) {
          if (c.kind === 'reasoning') reasoning += chunkText(g, c);
          else text += chunkText(g, c);
        }
        const created = Math.floor(Date.now() / 1000);
        const usage = usageJson(g, g.completionTokens, cached, ctx.config.router.dropPromptTokensDetails);
        const doc =
          route === 'chat'
            ? {
                id: `chatcmpl-${rec.requestId}`,
                object: 'chat.completion',
                created,
                model: g.model.name,
                choices: [
                  {
                    index: 0,
                    message: { role: 'assistant', content: text, ...(reasoning ? { reasoning_content: reasoning } : {}) },
                    logprobs: null,
                    finish_reason: g.finishReason,
                  },
                ],
                usage,
              }
            : {
                id: `cmpl-${rec.requestId}`,
                object: 'text_completion',
                created,
                model: g.model.name,
                choices: [{ index: 0, text, logprobs: null, finish_reason: g.finishReason }],
                usage,
              };
        settle(ex, g.model, g.promptTokens.length, cached, g.completionTokens, g.reasoningTokens);
        sendBody(ex, g.model, JSON.stringify(doc), fault, release);
      });
    });
  });
  res.once('close', () => {
    ctx.scheduler.cancel(pending);
    release();
    if (rec.admittedMs !== null && rec.outcome === 'client_closed') settle(ex, g.model, g.promptTokens.length, cached, 0, 0);
  });
}

/** Writes a complete JSON body, applying a mid-response fault to it (reset after half, malformed, or stall first). */
function sendBody(ex: Exchange, model: ModelRuntime, text: string, fault: FaultKind | null, release: () => void): void {
  const { ctx, res } = ex;
  const faults = model.cfg.faults;
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  const write = (): void => {
    ex.rec.headersMs = ex.rel(monoMs());
    if (fault === 'resetMidStream') {
      res.writeHead(200, headers);
      res.write(text.slice(0, text.length >> 1));
      ex.finish(200, 'reset');
      release();
      setImmediate(() => res.destroy());
      return;
    }
    if (fault === 'malformedChunk') {
      const bad = '{not json';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bad.length });
      res.end(bad);
    } else {
      res.writeHead(200, headers);
      res.end(text);
    }
    ex.finish(200, 'complete');
    release();
  };
  if (fault === 'stall') ctx.scheduler.at(monoMs() + faults.stallSeconds * 1000, write);
  else write();
}

function serveEmbeddings(ex: Exchange, model: ModelRuntime, input: string | string[], fault: FaultKind | null): void {
  const { ctx, rec } = ex;
  const inputs = typeof input === 'string' ? [input] : input;
  const tokens = inputs.reduce((s, t) => s + countTokens(t), 0);
  rec.promptTokens = tokens;
  let pending: Task | null = null;
  const release = admit(ex, { model, blockKeys: [] }, (startAt) => {
    rec.modelTtftMs = ttftMs(model.cfg, tokens);
    pending = ctx.scheduler.at(startAt + rec.modelTtftMs, () => {
      const data = inputs.map((t, index) => ({ object: 'embedding', index, embedding: embed(t, model.cfg.embeddingDims) }));
      settle(ex, model, tokens, 0, 0, 0);
      const doc = { object: 'list', data, model: model.name, usage: { prompt_tokens: tokens, total_tokens: tokens } };
      sendBody(ex, model, JSON.stringify(doc), fault, release);
    });
  });
  ex.res.once('close', () => {
    ctx.scheduler.cancel(pending);
    release();
  });
}

/** Deterministic unit vector of a text (FNV-1a seeded per dimension), so equal inputs embed equally. */
function embed(text: string, dims: number): number[] {
  const v: number[] = [];
  for (let d = 0; d < dims; d++) {
    let h = (2166136261 ^ d) >>> 0;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    v.push(h / 4294967296 - 0.5);
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}
