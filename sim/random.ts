import { createHash } from 'node:crypto';

/** A seeded PRNG (mulberry32): every random draw in the sim comes from one of these, so a run replays from its seed. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lower-case hex string of `chars` characters. */
  hex(chars: number): string {
    let out = '';
    while (out.length < chars) out += Math.floor(this.next() * 4294967296).toString(16).padStart(8, '0');
    return out.slice(0, chars);
  }

  /** RFC 4122-shaped (version 4) id built from this stream. */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/**
 * An independent stream for one purpose (e.g. "faults:gpt-4o"), so adding draws for one model or feature
 * never shifts the draws of another.
 */
export function forkRng(seed: number, label: string): Rng {
  const digest = createHash('sha256').update(`${seed}\u0000${label}`).digest();
  return new Rng(digest.readUInt32LE(0));
}
