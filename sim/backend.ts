import type { ModelConfig, OutputDist } from './config';
import type { Rng } from './random';

/** FIFO counting semaphore: a model's concurrency limit, whose queue makes latency grow with load. */
export class Semaphore {
  private active = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly limit: number) {}

  /** Calls `granted` once a slot is free (maybe synchronously); returns a function that leaves the queue. */
  acquire(granted: () => void): () => void {
    if (this.active < this.limit && this.waiters.size === 0) {
      this.active++;
      granted();
      return noop;
    }
    const waiter = (): void => {
      this.active++;
      granted();
    };
    this.waiters.add(waiter);
    return () => {
      this.waiters.delete(waiter);
    };
  }

  /** Frees a slot and hands it to the oldest waiter. */
  release(): void {
    this.active--;
    const next = this.waiters.values().next();
    if (!next.done) {
      this.waiters.delete(next.value);
      next.value();
    }
  }

  /** Requests being served. */
  get inUse(): number {
    return this.active;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiters.size;
  }
}

/** Output length: a draw from the model's distribution, capped by the request's max_tokens. */
export function drawOutputTokens(dist: OutputDist, rng: Rng, maxTokens: number | undefined): number {
  let n: number;
  switch (dist.kind) {
    case 'fixed':
      n = dist.tokens;
      break;
    case 'uniform':
      n = rng.int(dist.min, dist.max);
      break;
    case 'normal':
      n = Math.round(dist.mean + dist.stddev * rng.normal());
      n = Math.min(dist.max, Math.max(dist.min, n));
      break;
  }
  return Math.max(1, maxTokens === undefined ? n : Math.min(n, maxTokens));
}

/** Time to first token after admission: base + prefill per uncached prompt token (queue wait comes on top). */
export function ttftMs(model: ModelConfig, uncachedPromptTokens: number): number {
  return model.ttftBaseMs + model.prefillMsPerToken * uncachedPromptTokens;
}

export interface ChunkPlan {
  kind: 'reasoning' | 'content';
  /** First output token index in this chunk. */
  first: number;
  tokens: number;
  /** Due time relative to the first token's due time, ms. */
  offsetMs: number;
}

/**
 * Splits an output into chunks: reasoning tokens first (reasoningFraction of the output), then content, each
 * part cut into chunks of tokensPerChunk. Chunk j is due gapMs per token after the first token, plus a seeded
 * jitter in [0, jitterMs) for all but the first chunk, never before the previous chunk.
 */
export function planChunks(model: ModelConfig, completionTokens: number, rng: Rng): { reasoningTokens: number; chunks: ChunkPlan[] } {
  const reasoningTokens = Math.min(completionTokens - 1, Math.floor(completionTokens * model.reasoningFraction));
  const chunks: ChunkPlan[] = [];
  let prevOffset = 0;
  const cut = (kind: ChunkPlan['kind'], from: number, to: number): void => {
    for (let first = from; first < to; first += model.tokensPerChunk) {
      const jitter = chunks.length > 0 && model.jitterMs > 0 ? rng.next() * model.jitterMs : 0;
      const offsetMs = Math.max(prevOffset, first * model.gapMs + jitter);
      prevOffset = offsetMs;
      chunks.push({ kind, first, tokens: Math.min(model.tokensPerChunk, to - first), offsetMs });
    }
  };
  cut('reasoning', 0, Math.max(0, reasoningTokens));
  cut('content', Math.max(0, reasoningTokens), completionTokens);
  return { reasoningTokens: Math.max(0, reasoningTokens), chunks };
}

function noop(): void {}
