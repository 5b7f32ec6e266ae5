/** Number formatting shared by the text, JUnit and HTML renderers; plain ASCII, no Intl (k6 has none). */
import type { Summary } from './model';

const NO_DATA = '-';

/** Milliseconds with precision that suits their size: 3.14, 31.4, 314. */
export function fmtMs(v: number | null): string {
  if (v === null) return NO_DATA;
  const a = Math.abs(v);
  return v.toFixed(a < 10 ? 2 : a < 100 ? 1 : 0);
}

/** An integer with thousands separators: 12,345. */
export function fmtInt(v: number | null): string {
  if (v === null) return NO_DATA;
  return Math.round(v)
    .toFixed(0)
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A plain number with up to `digits` decimals. */
export function fmtNum(v: number | null, digits = 2): string {
  return v === null ? NO_DATA : v.toFixed(digits);
}

/** US dollars; sub-dollar amounts keep four decimals since LLM requests cost fractions of a cent. */
export function fmtUSD(v: number | null): string {
  if (v === null) return NO_DATA;
  return `$${v.toFixed(Math.abs(v) < 1 ? 4 : 2)}`;
}

/** A ratio as a percentage: 0.1234 -> 12.3%. */
export function fmtPct(v: number | null): string {
  return v === null ? NO_DATA : `${(v * 100).toFixed(1)}%`;
}

/** Seconds as a short duration: 59.2s, 12m03s, 1h02m. */
export function fmtDuration(sec: number): string {
  if (sec < 60) return `${sec.toFixed(1)}s`;
  const s = Math.round(sec);
  const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}

/** A check's display name: its group path without k6's leading "::" (the bare name at top level). */
export function checkLabel(c: { name: string; path: string }): string {
  const p = c.path.replace(/^::/, '');
  return p === '' ? c.name : p;
}

/** The transport as the header names it: the relay, and whether the requests asked for streamed answers. */
export function describeTransport(sum: Summary): string {
  if (sum.run.transport === 'buffered') return 'buffered (no relay)';
  const s = sum.run.streamed;
  return s === null ? 'relay' : s === 'all' ? 'relay, streamed' : s === 'none' ? 'relay, not streamed' : 'relay, some test types streamed';
}

/** The run's verdict in one line: passed, or FAILED with every reason. */
export function describeResult(sum: Summary): string {
  const r = sum.run.result;
  return r.passed ? 'passed' : `FAILED: ${r.failures.join('; ')}`;
}

/** How the run outlasted its planned schedule, or null when it kept to it. */
export function describeOverrun(sum: Summary): string | null {
  const s = sum.run.schedule;
  if (s === null || s.overranSec <= 0) return null;
  return `planned ${fmtDuration(s.plannedSec)}, overran by ${fmtDuration(s.overranSec)}: sessions still running at the end were given up to gracefulStopSec (${fmtDuration(s.gracefulStopSec)}) to finish`;
}

/** dropped_iterations with what they mean. */
export function describeDropped(sum: Summary): string {
  const n = sum.run.droppedIterations;
  if (n === null) return 'not known';
  return n === 0 ? '0' : `${fmtInt(n)}: iterations k6 did not start for want of a free VU; no figure counts their requests (raise maxVUs)`;
}
