/**
 * Seeded randomness for the whole harness: a run is reproducible from its seed. The generator is sfc32
 * (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, 32-bit integer arithmetic only),
 * which passes PractRand and needs no BigInt, so it runs unchanged in k6's JS engine.
 */

/** A part of a seed: run seed, org, user, loop iteration, a label... */
export type SeedPart = string | number;

/** An item a weighted choice can pick; weight is relative and must be >= 0. */
interface Weighted {
  weight: number;
}

/** MurmurHash3's finaliser: a bijective 32-bit mix where every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A MurmurHash3-style 32-bit hash: each UTF-16 code unit is mixed in as one block, then Murmur3's finaliser. */
export function hash32(text: string, seed = 0): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ text.length);
}

// Length-prefixing each part makes the encoding unambiguous: ("a:b") and ("a", "b") hash differently.
function encodeParts(parts: readonly SeedPart[]): string {
  let out = '';
  for (const p of parts) {
    const s = typeof p === 'number' ? `n${p}` : `s${p}`;
    out += `${s.length}:${s}|`;
  }
  return out;
}

/** A 32-bit seed derived from its parts, e.g. seedFrom(runSeed, org, user, loop): same parts, same seed. */
export function seedFrom(...parts: SeedPart[]): number {
  return hash32(encodeParts(parts), 0x9e3779b9);
}

/** A stream derived from its parts with a full 128-bit state, so distinct part lists do not collide in practice. */
export function rngFrom(...parts: SeedPart[]): Rng {
  const text = encodeParts(parts);
  return new Rng([hash32(text, 0x243f6a88), hash32(text, 0x85a308d3), hash32(text, 0x13198a2e), hash32(text, 0x03707344)]);
}

/** A stream from a single 32-bit seed (see seedFrom). */
export function createRng(seed: number): Rng {
  return rngFrom(seed >>> 0);
}

/** A seeded pseudo-random stream. Every draw advances it; fork() derives children without advancing it. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private readonly seedWords: readonly [number, number, number, number];

  /** Seeds the generator from four 32-bit words; prefer rngFrom or createRng. */
  constructor(words: readonly [number, number, number, number]) {
    this.seedWords = [words[0] >>> 0, words[1] >>> 0, words[2] >>> 0, words[3] >>> 0];
    this.a = this.seedWords[0];
    this.b = this.seedWords[1];
    this.c = this.seedWords[2];
    this.d = this.seedWords[3];
    // The first outputs of a counter-based generator still echo the seed: discard them.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max)) throw new Error(`Rng.int: bounds must be integers (got ${min}, ${max})`);
    if (min > max) throw new Error(`Rng.int: min (${min}) is greater than max (${max})`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  uniform(min: number, max: number): number {
    if (min > max) throw new Error(`Rng.uniform: min (${min}) is greater than max (${max})`);
    return min + this.next() * (max - min);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: the list is empty');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One item with probability proportional to its weight. */
  weighted<T extends Weighted>(items: readonly T[]): T {
    let total = 0;
    let last: T | undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as T;
      const w = item.weight;
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`Rng.weighted: item ${i} has an invalid weight (${w}); weights must be finite and >= 0`);
      total += w;
      if (w > 0) last = item;
    }
    if (last === undefined) throw new Error(`Rng.weighted: no item has a positive weight (${items.length} items)`);
    let r = this.next() * total;
    for (const item of items) {
      r -= item.weight;
      if (r < 0) return item;
    }
    // Rounding can leave r a hair above zero after the last item: that draw belongs to the last positive weight.
    return last;
  }

  /** Normal draw (Box-Muller). */
  normal(mean: number, sd: number): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Exponential draw with the given mean (inverse CDF). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /**
   * An independent child stream named by label. It depends only on this stream's seed and the label, not on how
   * many draws were made, so adding a draw somewhere never reshuffles an unrelated child. Same label, same child.
   */
  fork(label: SeedPart): Rng {
    // Integer mixing of the parent's seed words with the label's hash: hashing a long string of all four
    // words instead cost ~1 ms per fork in k6's interpreter, a visible pause at every session start.
    const l = hash32(typeof label === 'number' ? `n${label}` : `s${label}`, 0x2545f491);
    const [a, b, c, d] = this.seedWords;
    return new Rng([fmix32(a ^ l ^ 0x9e3779b9), fmix32(b ^ Math.imul(l, 0x85ebca6b) ^ 0x7f4a7c15), fmix32((c + l) ^ 0x94d049bb), fmix32(d ^ (l >>> 7) ^ 0x3c6ef372)]);
  }
}
