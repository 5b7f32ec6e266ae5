import type { Rng } from './random';

/** Think time as configured (userBehavior.thinkTimeSeconds), in seconds. */
export interface ThinkTimeSpec {
  base: number;
  variance: number;
  distribution: 'uniform' | 'gaussian' | 'exponential';
  min?: number;
  max?: number;
}

/** An inclusive {min, max} range. */
export interface Range {
  min: number;
  max: number;
}

/** A sampled request parameter (max_tokens, temperature). */
type DistSpec =
  | { distribution: 'fixed'; value: number }
  | { distribution: 'uniform'; min: number; max: number }
  | { distribution: 'gaussian'; mean: number; stddev: number; min?: number; max?: number };

interface Bounds {
  lo: number;
  hi: number;
}

// A pause cannot be negative, so the lower clamp is never below 0 even when min is absent or a draw goes negative.
function thinkBounds(spec: ThinkTimeSpec): Bounds {
  const where = 'thinkTimeSeconds';
  for (const key of ['base', 'variance', 'min', 'max'] as const) {
    const v = spec[key];
    if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new Error(`${where}.${key} must be a finite number >= 0 (got ${v})`);
  }
  if (spec.distribution !== 'uniform' && spec.distribution !== 'gaussian' && spec.distribution !== 'exponential') {
    throw new Error(`${where}.distribution must be uniform, gaussian or exponential (got ${String(spec.distribution)})`);
  }
  const lo = spec.min ?? 0;
  const hi = spec.max ?? Infinity;
  if (lo > hi) throw new Error(`${where}: min (${lo}) is greater than max (${hi})`);
  return { lo, hi };
}

function clamp(x: number, b: Bounds): number {
  return x < b.lo ? b.lo : x > b.hi ? b.hi : x;
}

/**
 * One think time in milliseconds. uniform: base ± variance; gaussian: mean base, standard deviation variance;
 * exponential: mean base (variance is ignored: an exponential's spread is fixed by its mean). Every draw is then
 * clamped to [min, max] (min defaults to 0, max to unbounded). Clamping piles probability onto the bounds, so
 * the mean of the samples is generally not `base`: compare actual think times against expectedThinkTimeMs.
 */
export function sampleThinkTimeMs(rng: Rng, spec: ThinkTimeSpec): number {
  const b = thinkBounds(spec);
  let seconds: number;
  if (spec.distribution === 'uniform') seconds = rng.uniform(spec.base - spec.variance, spec.base + spec.variance);
  else if (spec.distribution === 'gaussian') seconds = rng.normal(spec.base, spec.variance);
  else seconds = rng.exponential(spec.base);
  return clamp(seconds, b) * 1000;
}

// Standard normal CDF via Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7), enough for a mean to 0.01%.
function normalCdf(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function normalPdf(z: number): number {
  return Number.isFinite(z) ? Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI) : 0;
}

/**
 * The true mean, in milliseconds, of sampleThinkTimeMs for this spec: the mean of the clamped distribution,
 * computed analytically from E[clamp(X, lo, hi)] = lo + integral from lo to hi of P(X > t) dt.
 */
export function expectedThinkTimeMs(spec: ThinkTimeSpec): number {
  const b = thinkBounds(spec);
  return expectedClamped(spec, b) * 1000;
}

function expectedClamped(spec: ThinkTimeSpec, b: Bounds): number {
  const { lo, hi } = b;
  if (spec.distribution === 'exponential') {
    const m = spec.base;
    if (m === 0) return lo;
    return lo + m * (Math.exp(-lo / m) - Math.exp(-hi / m));
  }
  if (spec.variance === 0) return clamp(spec.base, b);
  if (spec.distribution === 'uniform') {
    const a = spec.base - spec.variance;
    const z = spec.base + spec.variance;
    // P(X > t) is 1 below a, falls linearly to 0 at z, and is 0 above z.
    let integral = Math.max(0, Math.min(hi, a) - lo);
    const t1 = Math.max(lo, a);
    const t2 = Math.min(hi, z);
    if (t2 > t1) integral += ((z - t1) ** 2 - (z - t2) ** 2) / (2 * (z - a));
    return lo + integral;
  }
  const mu = spec.base;
  const sd = spec.variance;
  const alpha = (lo - mu) / sd;
  const beta = (hi - mu) / sd;
  const upperTail = hi === Infinity ? 0 : hi * (1 - normalCdf(beta));
  return lo * normalCdf(alpha) + mu * (normalCdf(beta) - normalCdf(alpha)) + sd * (normalPdf(alpha) - normalPdf(beta)) + upperTail;
}

/** A uniform integer in [min, max] inclusive; `what` names the range in errors (e.g. "questionsPerSession"). */
export function sampleRange(rng: Rng, range: Range, what = 'range'): number {
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max)) {
    throw new Error(`${what}: min and max must be integers (got min ${range.min}, max ${range.max})`);
  }
  if (range.min > range.max) throw new Error(`${what}: min (${range.min}) is greater than max (${range.max})`);
  return rng.int(range.min, range.max);
}

/** A uniform real in [min, max]; `what` names the range in errors (e.g. "sessionDuration"). */
export function sampleUniform(rng: Rng, range: Range, what = 'range'): number {
  if (!Number.isFinite(range.min) || !Number.isFinite(range.max)) {
    throw new Error(`${what}: min and max must be finite numbers (got min ${range.min}, max ${range.max})`);
  }
  if (range.min > range.max) throw new Error(`${what}: min (${range.min}) is greater than max (${range.max})`);
  return rng.uniform(range.min, range.max);
}

function checkDist(dist: DistSpec, what: string): void {
  const need = (key: string, v: number | undefined): void => {
    if (v === undefined || !Number.isFinite(v)) throw new Error(`${what}: ${dist.distribution} needs a finite ${key} (got ${v})`);
  };
  if (dist.distribution === 'fixed') need('value', dist.value);
  else if (dist.distribution === 'uniform') {
    need('min', dist.min);
    need('max', dist.max);
    if (dist.min > dist.max) throw new Error(`${what}: min (${dist.min}) is greater than max (${dist.max})`);
  } else if (dist.distribution === 'gaussian') {
    need('mean', dist.mean);
    need('stddev', dist.stddev);
    if (dist.stddev < 0) throw new Error(`${what}: stddev must be >= 0 (got ${dist.stddev})`);
    if (dist.min !== undefined && dist.max !== undefined && dist.min > dist.max) {
      throw new Error(`${what}: min (${dist.min}) is greater than max (${dist.max})`);
    }
  } else {
    throw new Error(`${what}: distribution must be fixed, uniform or gaussian (got ${String((dist as { distribution: unknown }).distribution)})`);
  }
}

function clampOptional(x: number, min: number | undefined, max: number | undefined): number {
  if (min !== undefined && x < min) return min;
  if (max !== undefined && x > max) return max;
  return x;
}

/** A real draw: fixed value, uniform in [min, max], or gaussian clamped to [min, max] when given (temperature). */
export function sampleDist(rng: Rng, dist: DistSpec, what = 'distribution'): number {
  checkDist(dist, what);
  if (dist.distribution === 'fixed') return dist.value;
  if (dist.distribution === 'uniform') return rng.uniform(dist.min, dist.max);
  return clampOptional(rng.normal(dist.mean, dist.stddev), dist.min, dist.max);
}

/** An integer draw: uniform is over integers in [min, max] inclusive; gaussian is rounded, then clamped (max_tokens). */
export function sampleIntDist(rng: Rng, dist: DistSpec, what = 'distribution'): number {
  checkDist(dist, what);
  if (dist.distribution === 'fixed') {
    if (!Number.isInteger(dist.value)) throw new Error(`${what}: value must be an integer (got ${dist.value})`);
    return dist.value;
  }
  if (dist.distribution === 'uniform') return sampleRange(rng, dist, what);
  return clampOptional(Math.round(rng.normal(dist.mean, dist.stddev)), dist.min, dist.max);
}
