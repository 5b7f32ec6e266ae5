import { describe, expect, it } from 'vitest';
import { expectedThinkTimeMs, sampleDist, sampleIntDist, sampleRange, sampleThinkTimeMs, sampleUniform, type ThinkTimeSpec } from '../../../src/behaviour/distributions';
import { rngFrom } from '../../../src/behaviour/random';

const CASES: { label: string; spec: ThinkTimeSpec }[] = [
  { label: 'smoke-test uniform 5 ± 2 in [1, 10]', spec: { base: 5, variance: 2, distribution: 'uniform', min: 1, max: 10 } },
  { label: 'uniform clamped on both sides', spec: { base: 4, variance: 6, distribution: 'uniform', min: 1, max: 7 } },
  { label: 'single-org-50-users gaussian 10, sd 5 in [2, 30]', spec: { base: 10, variance: 5, distribution: 'gaussian', min: 2, max: 30 } },
  { label: 'gaussian clamped hard', spec: { base: 3, variance: 4, distribution: 'gaussian', min: 2, max: 6 } },
  { label: 'exponential mean 5 in [1, 10]', spec: { base: 5, variance: 99, distribution: 'exponential', min: 1, max: 10 } },
  { label: 'exponential without bounds', spec: { base: 2, variance: 0, distribution: 'exponential' } },
  { label: 'no variance', spec: { base: 3, variance: 0, distribution: 'gaussian', min: 1, max: 10 } },
];

describe('think time', () => {
  for (const { label, spec } of CASES) {
    it(`${label}: 100k draws stay in [min, max] and average expectedThinkTimeMs within 2%`, () => {
      const rng = rngFrom('think', label);
      const lo = (spec.min ?? 0) * 1000;
      const hi = (spec.max ?? Infinity) * 1000;
      let sum = 0;
      let outside = 0;
      for (let i = 0; i < 100_000; i++) {
        const ms = sampleThinkTimeMs(rng, spec);
        if (ms < lo || ms > hi) outside++;
        sum += ms;
      }
      expect(outside).toBe(0);
      const expected = expectedThinkTimeMs(spec);
      expect(Math.abs(sum / 100_000 - expected) / expected).toBeLessThan(0.02);
    });
  }

  it('clamping shifts the mean away from base, and expectedThinkTimeMs accounts for it', () => {
    expect(expectedThinkTimeMs({ base: 5, variance: 2, distribution: 'uniform', min: 1, max: 10 })).toBeCloseTo(5000, 6);
    // Gaussian 3 ± 4 in [2, 6]: the mass below 2 and above 6 lands on the bounds, raising the mean above 3 s.
    expect(expectedThinkTimeMs({ base: 3, variance: 4, distribution: 'gaussian', min: 2, max: 6 })).toBeGreaterThan(3400);
    // Exponential mean 5 cut at 10 s loses its long tail: E = 1 + 5 (e^-0.2 - e^-2).
    expect(expectedThinkTimeMs({ base: 5, variance: 0, distribution: 'exponential', min: 1, max: 10 })).toBeCloseTo(1000 + 5000 * (Math.exp(-0.2) - Math.exp(-2)), 6);
  });

  it('variance is ignored by the exponential distribution', () => {
    const a = { base: 5, variance: 0, distribution: 'exponential', min: 1, max: 10 } as const;
    expect(expectedThinkTimeMs({ ...a, variance: 50 })).toBe(expectedThinkTimeMs(a));
    expect(sampleThinkTimeMs(rngFrom('v'), { ...a, variance: 50 })).toBe(sampleThinkTimeMs(rngFrom('v'), a));
  });

  it('bad specs are rejected with the field named', () => {
    const rng = rngFrom('bad');
    expect(() => sampleThinkTimeMs(rng, { base: 5, variance: 2, distribution: 'uniform', min: 9, max: 3 })).toThrow('thinkTimeSeconds: min (9) is greater than max (3)');
    expect(() => sampleThinkTimeMs(rng, { base: 5, variance: -1, distribution: 'gaussian' })).toThrow(/thinkTimeSeconds.variance must be a finite number >= 0/);
    expect(() => expectedThinkTimeMs({ base: 5, variance: 1, distribution: 'poisson' as 'uniform' })).toThrow(/thinkTimeSeconds.distribution must be uniform, gaussian or exponential \(got poisson\)/);
  });
});

describe('ranges and sampled request parameters', () => {
  it('sampleRange draws integers in [min, max] inclusive and names a bad range', () => {
    const rng = rngFrom('range');
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) seen.add(sampleRange(rng, { min: 5, max: 15 }));
    expect(Math.min(...seen)).toBe(5);
    expect(Math.max(...seen)).toBe(15);
    expect(seen.size).toBe(11);
    expect(() => sampleRange(rng, { min: 4, max: 2 }, 'questionsPerSession')).toThrow('questionsPerSession: min (4) is greater than max (2)');
    expect(() => sampleRange(rng, { min: 1.5, max: 2 }, 'turnsPerConversation')).toThrow(/turnsPerConversation: min and max must be integers/);
    expect(() => sampleUniform(rng, { min: 600, max: 300 }, 'sessionDuration')).toThrow('sessionDuration: min (600) is greater than max (300)');
  });

  it('fixed, uniform and clamped gaussian distributions', () => {
    const rng = rngFrom('dist');
    expect(sampleDist(rng, { distribution: 'fixed', value: 0.7 })).toBe(0.7);
    for (let i = 0; i < 2000; i++) {
      const t = sampleDist(rng, { distribution: 'uniform', min: 0.2, max: 0.9 });
      expect(t >= 0.2 && t <= 0.9).toBe(true);
      const g = sampleDist(rng, { distribution: 'gaussian', mean: 1, stddev: 2, min: 0, max: 2 });
      expect(g >= 0 && g <= 2).toBe(true);
    }
    const tokens = new Set<number>();
    for (let i = 0; i < 2000; i++) tokens.add(sampleIntDist(rng, { distribution: 'uniform', min: 100, max: 103 }));
    expect([...tokens].sort()).toEqual([100, 101, 102, 103]);
    const g = Array.from({ length: 2000 }, () => sampleIntDist(rng, { distribution: 'gaussian', mean: 256, stddev: 64, min: 1 }));
    expect(g.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
  });

  it('distributions missing a field or out of order are rejected by name', () => {
    const rng = rngFrom('dist-bad');
    expect(() => sampleDist(rng, { distribution: 'fixed' } as never, 'temperature')).toThrow('temperature: fixed needs a finite value (got undefined)');
    expect(() => sampleIntDist(rng, { distribution: 'uniform', min: 9, max: 1 }, 'maxTokens')).toThrow('maxTokens: min (9) is greater than max (1)');
    expect(() => sampleIntDist(rng, { distribution: 'fixed', value: 2.5 }, 'maxTokens')).toThrow('maxTokens: value must be an integer (got 2.5)');
    expect(() => sampleDist(rng, { distribution: 'gaussian', mean: 1, stddev: -1 }, 'temperature')).toThrow('temperature: stddev must be >= 0 (got -1)');
  });
});
