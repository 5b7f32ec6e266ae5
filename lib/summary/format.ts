/** Number formatting shared by the text, JUnit and HTML renderers; plain ASCII, no Intl (k6 has none). */

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
