/**
 * Which share of a run a k6 instance plays, as the name of its report folder. Instances that split one run id
 * (LOADTEST_ORGS org ranges, k6 --execution-segment) each write results/<run id>/<instance>/, so none overwrites
 * another's reports, and the local merge (`npm run report -- --from`) reads back from the names which shares it
 * merges. The name is the only place the share is kept, so it must parse back to exactly what was played.
 */
import { formatOrgRange, type OrgRange } from '../platform/slice';
import { parsePoint } from '../llm/transport/segments';

/** A point of an execution segment, as a reduced fraction. */
interface Fraction {
  num: number;
  den: number;
}

/** The orgs (null: all of them) and the execution segment [from, to) an instance played. */
export interface InstanceShare {
  orgs: OrgRange | null;
  segment: { from: Fraction; to: Fraction };
}

const ZERO: Fraction = { num: 0, den: 1 };
const ONE: Fraction = { num: 1, den: 1 };
const less = (a: Fraction, b: Fraction): boolean => a.num * b.den < b.num * a.den;
const same = (a: Fraction, b: Fraction): boolean => a.num * b.den === b.num * a.den;

// "/" cannot be in a folder name: 1/2 is written 1_2.
const fractionText = (f: Fraction): string => (f.den === 1 ? String(f.num) : `${f.num}_${f.den}`);
const ORGS_PART = /^orgs-(\d+)(?:-(\d+))?$/;
const SEGMENT_PART = /^segment-(\d+(?:_\d+)?)-(\d+(?:_\d+)?)$/;
const point = (text: string): Fraction => parsePoint(text.replace('_', '/'), 'instance name');

/** The segment "from:to" k6 reports (exec.test.options.executionSegment), reduced; null when absent. */
function parseSegment(segment: string | null | undefined): InstanceShare['segment'] | null {
  if (segment === null || segment === undefined || segment.trim() === '') return null;
  const parts = segment.split(':');
  if (parts.length !== 2) throw new Error(`execution segment "${segment}" is not "from:to"`);
  const [from, to] = parts.map((p) => parsePoint(p, `execution segment "${segment}"`)) as [Fraction, Fraction];
  return { from, to };
}

/**
 * The folder name of an instance's reports: `orgs-<from>-<to>` for an org range, `segment-<from>-<to>` for an
 * execution segment (fractions as n_d), both joined by "."; null for an instance that plays the whole run.
 */
export function instanceName(orgs: OrgRange | null, segment: string | null | undefined): string | null {
  const seg = parseSegment(segment);
  const parts: string[] = [];
  if (orgs !== null) parts.push(`orgs-${formatOrgRange(orgs)}`);
  if (seg !== null && !(same(seg.from, ZERO) && same(seg.to, ONE))) parts.push(`segment-${fractionText(seg.from)}-${fractionText(seg.to)}`);
  return parts.length === 0 ? null : parts.join('.');
}

/** The share an instance folder name stands for ("" is the whole run); null for a name instanceName never makes. */
export function parseInstanceName(name: string): InstanceShare | null {
  let orgs: OrgRange | null = null;
  let segment = { from: ZERO, to: ONE };
  try {
    for (const part of name === '' ? [] : name.split('.')) {
      const o = ORGS_PART.exec(part);
      const s = SEGMENT_PART.exec(part);
      if (o !== null) orgs = { from: Number(o[1]), to: Number(o[2] ?? o[1]) };
      else if (s !== null) segment = { from: point(s[1] as string), to: point(s[2] as string) };
      else return null;
    }
    if (!less(segment.from, segment.to) || (orgs !== null && (orgs.from < 1 || orgs.to < orgs.from))) return null;
    // Only the canonical spelling counts (order, reduced fractions), so one share never hides under two names.
    const canonical = instanceName(orgs, `${segment.from.num}/${segment.from.den}:${segment.to.num}/${segment.to.den}`) ?? '';
    return canonical === name ? { orgs, segment } : null;
  } catch {
    return null;
  }
}

/** Whether two instances played some of the same users: their org ranges and their segments both intersect. */
export function sharesOverlap(a: InstanceShare, b: InstanceShare): boolean {
  const orgs = a.orgs === null || b.orgs === null || (a.orgs.from <= b.orgs.to && b.orgs.from <= a.orgs.to);
  return orgs && less(a.segment.from, b.segment.to) && less(b.segment.from, a.segment.to);
}

/** The orgs (1-based, of `orgCount`) whose users the shares do not all cover; assumes the shares do not overlap. */
export function uncoveredOrgs(shares: readonly InstanceShare[], orgCount: number): number[] {
  const out: number[] = [];
  for (let org = 1; org <= orgCount; org++) {
    const segments = shares
      .filter((s) => s.orgs === null || (s.orgs.from <= org && org <= s.orgs.to))
      .map((s) => s.segment)
      .sort((x, y) => (less(x.from, y.from) ? -1 : less(y.from, x.from) ? 1 : 0));
    let reached = ZERO;
    for (const s of segments) if (same(s.from, reached)) reached = s.to;
    if (!same(reached, ONE)) out.push(org);
  }
  return out;
}

/** How a share reads in a message: "orgs 1-2, segment 0:1/2", or "the whole run". */
export function describeShare(s: InstanceShare): string {
  const parts: string[] = [];
  if (s.orgs !== null) parts.push(`orgs ${formatOrgRange(s.orgs)}`);
  const f = (x: Fraction) => (x.den === 1 ? String(x.num) : `${x.num}/${x.den}`);
  if (!(same(s.segment.from, ZERO) && same(s.segment.to, ONE))) parts.push(`segment ${f(s.segment.from)}:${f(s.segment.to)}`);
  return parts.length === 0 ? 'the whole run' : parts.join(', ');
}
