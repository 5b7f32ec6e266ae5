import { createHash } from 'node:crypto';

/**
 * LRU prefix KV cache over fixed-size token blocks, as vLLM's automatic prefix caching: block i's key hashes the
 * salt, the previous block's key and block i's tokens, so a hit on block i implies the whole prefix matched.
 * Capacity counts blocks; the least recently used block is evicted first.
 */
export class PrefixCache {
  private readonly blocks = new Map<string, true>();

  constructor(
    private readonly blockTokens: number,
    private readonly capacityBlocks: number,
    private readonly leaky: boolean,
  ) {}

  /** Chained block keys of the cacheable part of a prompt (full blocks, leaving at least one token to compute). */
  blockKeys(salt: string | undefined, tokens: readonly string[]): string[] {
    // A zero-capacity cache never hits: skip hashing entirely.
    const full = this.capacityBlocks === 0 ? 0 : Math.floor(Math.max(0, tokens.length - 1) / this.blockTokens);
    const keys: string[] = [];
    // A leaky cache ignores the salt, which lets one tenant's prompts warm another's: the isolation tests' target.
    let prev = this.leaky ? '' : `salt:${salt ?? ''}`;
    for (let b = 0; b < full; b++) {
      const h = createHash('sha1').update(prev).update('\u0000');
      for (let i = b * this.blockTokens; i < (b + 1) * this.blockTokens; i++) h.update(tokens[i] as string).update('\u0001');
      prev = h.digest('base64');
      keys.push(prev);
    }
    return keys;
  }

  /** Number of prompt tokens served from cache: the leading blocks present, marked as recently used. */
  lookup(keys: readonly string[]): number {
    let hits = 0;
    for (const k of keys) {
      if (!this.blocks.has(k)) break;
      this.blocks.delete(k);
      this.blocks.set(k, true);
      hits++;
    }
    return hits * this.blockTokens;
  }

  /** Stores a prompt's blocks once its prefill is done, evicting least recently used blocks beyond capacity. */
  insert(keys: readonly string[]): void {
    if (this.capacityBlocks === 0) return;
    for (const k of keys) {
      this.blocks.delete(k);
      this.blocks.set(k, true);
    }
    while (this.blocks.size > this.capacityBlocks) {
      const oldest = this.blocks.keys().next().value as string;
      this.blocks.delete(oldest);
    }
  }

  /** Blocks currently held. */
  get size(): number {
    return this.blocks.size;
  }
}
