/**
 * Which test-wide VU ids an instance of a segmented run gets. Stock k6 numbers VUs across a split run with its
 * execution-segment striping: the segments of the full sequence share out each block of LCD consecutive ids
 * (LCD: the least common denominator of the segment lengths), the longest segment choosing first, each taking
 * a position once its share of the block so far falls behind it. An instance hands its VUs the ids of its
 * positions, block after block, in ascending order. setup() needs this list before any VU exists, to provision
 * exactly the users this instance will play; test/e2e/segments.test.ts checks it against real k6.
 */

interface Rational {
  num: number;
  den: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

function reduce(num: number, den: number): Rational {
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g };
}

/** Parses one point of a segment: "1/4", "0.25", "25%", "0" or "1". */
export function parsePoint(text: string, where: string): Rational {
  const t = text.trim();
  const percent = t.endsWith('%');
  const r = parseNumber(percent ? t.slice(0, -1) : t, text, where);
  const point = percent ? reduce(r.num, r.den * 100) : r;
  if (point.num < 0 || point.num > point.den) throw new Error(`${where}: "${text}" is outside [0, 1]`);
  return point;
}

function parseNumber(t: string, text: string, where: string): Rational {
  if (t.includes('/')) {
    const [n, d] = t.split('/');
    const num = Number(n);
    const den = Number(d);
    if (!Number.isInteger(num) || !Number.isInteger(den) || den <= 0) throw new Error(`${where}: "${text}" is not a fraction`);
    return reduce(num, den);
  }
  if (!/^\d+(\.\d+)?$/.test(t)) throw new Error(`${where}: "${text}" is not a number in [0, 1]`);
  const decimals = t.includes('.') ? (t.split('.')[1] as string).length : 0;
  const den = Math.pow(10, decimals);
  return reduce(Math.round(Number(t) * den), den);
}

const same = (a: Rational, b: Rational) => a.num * b.den === b.num * a.den;
const less = (a: Rational, b: Rational) => a.num * b.den < b.num * a.den;

/** The full sequence of points 0 = p0 < p1 < ... < pn = 1 that k6 stripes over. */
export function fullSequence(segment: string | undefined, sequence: string | undefined): Rational[] {
  let points: Rational[];
  if (sequence && sequence.trim() !== '') {
    points = sequence.split(',').map((p) => parsePoint(p, `execution segment sequence "${sequence}"`));
  } else if (segment && segment.trim() !== '') {
    const parts = segment.split(':');
    if (parts.length !== 2) throw new Error(`execution segment "${segment}" is not "from:to"`);
    points = parts.map((p) => parsePoint(p, `execution segment "${segment}"`));
  } else {
    points = [];
  }
  const zero = { num: 0, den: 1 };
  const one = { num: 1, den: 1 };
  const filled = [zero, ...points, one];
  const out: Rational[] = [];
  for (const p of filled) {
    const last = out[out.length - 1];
    if (last && same(last, p)) continue;
    if (last && less(p, last)) throw new Error(`execution segments must ascend: ${sequence ?? segment}`);
    out.push(p);
  }
  return out;
}

/** Positions in [0, lcd) that each segment of the sequence owns, and the lcd. */
function stripe(points: Rational[]): { lcd: number; offsets: number[][] } {
  const lengths: Rational[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Rational;
    const b = points[i] as Rational;
    lengths.push(reduce(b.num * a.den - a.num * b.den, a.den * b.den));
  }
  let lcd = 1;
  for (const l of lengths) lcd = (lcd / gcd(lcd, l.den)) * l.den;
  const norm = lengths.map((l) => l.num * (lcd / l.den));
  const order = norm.map((n, i) => ({ n, i })).sort((x, y) => y.n - x.n || x.i - y.i);
  const chosen = order.map(() => 0);
  const offsets: number[][] = lengths.map(() => []);
  for (let pos = 0; pos < lcd; pos++) {
    for (let s = 0; s < order.length; s++) {
      const { n, i } = order[s] as { n: number; i: number };
      const due = (chosen[s] as number) * lcd;
      const q = Math.floor(due / n);
      if (pos > q || (pos === q && due % n === 0)) {
        chosen[s] = (chosen[s] as number) + 1;
        (offsets[i] as number[]).push(pos);
        break;
      }
    }
  }
  return { lcd, offsets };
}

/** The test-wide VU ids in [1, total] the instance running `segment` of `sequence` hands its VUs, in order. */
export function instanceShareOf(segment: string | undefined, sequence: string | undefined, total: number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new Error(`instance share: total must be a whole number >= 0, got ${total}`);
  const points = fullSequence(segment, sequence);
  let index = 0;
  if (segment && segment.trim() !== '') {
    const from = parsePoint(segment.split(':')[0] as string, `execution segment "${segment}"`);
    index = points.findIndex((p) => same(p, from));
    if (index < 0 || index >= points.length - 1) throw new Error(`execution segment "${segment}" is not in the sequence "${sequence}"`);
  } else if (points.length > 2) {
    throw new Error(`an execution segment sequence "${sequence}" was given without this instance's execution segment`);
  }
  const { lcd, offsets } = stripe(points);
  const mine = offsets[index] as number[];
  const ids: number[] = [];
  if (mine.length === 0) return ids;
  for (let block = 0; ; block++) {
    for (const p of mine) {
      const id = block * lcd + p + 1;
      if (id > total) return ids;
      ids.push(id);
    }
  }
}
