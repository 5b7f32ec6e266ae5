import { describe, expect, it } from 'vitest';
import { createRng, hash32, rngFrom, seedFrom } from '../../../src/behaviour/random';

function draws(rng: { next(): number }, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe('seeded random streams', () => {
  it('same parts give the same stream, different parts a different one', () => {
    expect(draws(rngFrom(7, 'org-1', 'user-2', 3), 20)).toEqual(draws(rngFrom(7, 'org-1', 'user-2', 3), 20));
    expect(draws(rngFrom(7, 'org-1', 'user-2', 3), 20)).not.toEqual(draws(rngFrom(7, 'org-1', 'user-2', 4), 20));
    expect(draws(rngFrom(7, 'org-1', 'user-2', 3), 20)).not.toEqual(draws(rngFrom(8, 'org-1', 'user-2', 3), 20));
  });

  it('seedFrom is stable and unambiguous about part boundaries and types', () => {
    expect(seedFrom(1, 'a', 2)).toBe(seedFrom(1, 'a', 2));
    expect(seedFrom('a:b')).not.toBe(seedFrom('a', 'b'));
    expect(seedFrom(1)).not.toBe(seedFrom('1'));
    expect(draws(createRng(seedFrom(1, 'x')), 5)).toEqual(draws(createRng(seedFrom(1, 'x')), 5));
  });

  it('a new seed per loop: 10,000 loop seeds of one user are all distinct', () => {
    const seeds = new Set<number>();
    for (let loop = 0; loop < 10_000; loop++) seeds.add(seedFrom(42, 'org-1', 'user-1', loop));
    expect(seeds.size).toBe(10_000);
  });

  it('hash32 avalanches: neighbouring inputs differ in about half of their 32 bits', () => {
    let bits = 0;
    for (let i = 0; i < 1000; i++) {
      let x = hash32(`user-${i}`) ^ hash32(`user-${i + 1}`);
      while (x !== 0) {
        bits += x & 1;
        x >>>= 1;
      }
    }
    expect(bits / 1000).toBeGreaterThan(14);
    expect(bits / 1000).toBeLessThan(18);
  });

  it('next() stays in [0, 1) with a mean near 1/2', () => {
    const xs = draws(rngFrom('uniformity'), 100_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 2);
  });

  it('int covers both bounds and nothing outside them', () => {
    const rng = rngFrom('int');
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(() => rng.int(5, 4)).toThrow(/min \(5\) is greater than max \(4\)/);
    expect(() => rng.int(1.5, 4)).toThrow(/integers/);
  });

  it('weighted follows the weights and rejects bad ones', () => {
    const rng = rngFrom('weighted');
    const items = [{ id: 'a', weight: 1 }, { id: 'b', weight: 0 }, { id: 'c', weight: 3 }];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 100_000; i++) counts[rng.weighted(items).id]! += 1;
    expect(counts.b).toBe(0);
    expect(counts.a! / 100_000).toBeCloseTo(0.25, 2);
    expect(() => rng.weighted([{ weight: 0 }])).toThrow(/no item has a positive weight/);
    expect(() => rng.weighted([{ weight: -1 }])).toThrow(/item 0 has an invalid weight/);
    expect(() => rng.pick([])).toThrow(/empty/);
  });

  it('normal and exponential have the asked-for moments', () => {
    const rng = rngFrom('moments');
    const n = 100_000;
    const normals = Array.from({ length: n }, () => rng.normal(10, 2));
    const mean = normals.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(normals.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
    const exps = Array.from({ length: n }, () => rng.exponential(4));
    expect(Math.min(...exps)).toBeGreaterThanOrEqual(0);
    expect(exps.reduce((a, b) => a + b, 0) / n).toBeCloseTo(4, 1);
  });

  it('fork gives independent children that do not depend on how far the parent has drawn', () => {
    const a = rngFrom('parent');
    const b = rngFrom('parent');
    draws(b, 100);
    expect(draws(a.fork('think'), 10)).toEqual(draws(b.fork('think'), 10));
    expect(draws(a.fork('think'), 10)).not.toEqual(draws(a.fork('questions'), 10));
    expect(draws(a.fork('think'), 10)).not.toEqual(draws(rngFrom('parent'), 10));
  });
});
