/**
 * Inline SVG charts for report.html, drawn in TypeScript so the report needs no script and no network.
 * Every label passes through escapeMarkup; no xmlns (inline SVG in HTML does not need it, and the
 * report carries no URL at all).
 */
import { escapeMarkup } from './escape';
import { histogramQuantile } from './histogram';
import type { Histogram } from './model';

const W = 640;
const H = 240;
const PAD = { left: 56, right: 16, top: 16, bottom: 40 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

function r(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

function svg(body: string, label: string, height = H): string {
  return `<svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label="${escapeMarkup(label)}">${body}</svg>`;
}

function text(x: number, y: number, s: string, anchor: 'start' | 'middle' | 'end', cls = 'tick'): string {
  return `<text x="${r(x)}" y="${r(y)}" text-anchor="${anchor}" class="${cls}">${escapeMarkup(s)}</text>`;
}

/** A placeholder panel that says why there is no chart. */
export function emptyChart(message: string): string {
  return `<div class="nochart">${escapeMarkup(message)}</div>`;
}

/** Round step for about `target` ticks over [0, max]. */
function niceStep(max: number, target: number): number {
  const raw = max / target;
  const mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${r(v / 1e6)}M`;
  if (a >= 1e3) return `${r(v / 1e3)}k`;
  return a < 1 ? v.toPrecision(2) : r(v);
}

function fmtMsTick(ms: number): string {
  if (ms >= 60000) return `${r(ms / 60000)} min`;
  if (ms >= 1000) return `${r(ms / 1000)} s`;
  return `${ms < 1 ? ms.toPrecision(1) : r(ms)} ms`;
}

function yAxis(max: number, label: string): { scale: (v: number) => number; svg: string; top: number } {
  const step = niceStep(max > 0 ? max : 1, 4);
  const top = Math.ceil((max > 0 ? max : 1) / step) * step;
  const scale = (v: number): number => PAD.top + PLOT_H - (v / top) * PLOT_H;
  let out = '';
  for (let v = 0; v <= top + step / 2; v += step) {
    const y = scale(v);
    out += `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${r(y)}" y2="${r(y)}" class="grid"/>`;
    out += text(PAD.left - 6, y + 4, fmtTick(v), 'end');
  }
  out += text(12, PAD.top + PLOT_H / 2, label, 'middle', 'axis-label').replace('<text ', `<text transform="rotate(-90 12 ${r(PAD.top + PLOT_H / 2)})" `);
  return { scale, svg: out, top };
}

/** Bars of a latency histogram on a log time axis, with p50/p95/p99 marks. */
export function histogramChart(h: Histogram, label: string): string {
  if (h.count <= 0 || h.buckets.length === 0) return emptyChart(`${label}: no data`);
  // The open-ended ends get a nominal width so they can be drawn on a log axis.
  const spans = h.buckets.map((b) => {
    const hi = b.hi ?? b.lo * 2;
    const lo = b.lo > 0 ? b.lo : hi / 2;
    return { lo, hi, count: b.count };
  });
  const first = spans[0];
  const last = spans[spans.length - 1];
  if (first === undefined || last === undefined) return emptyChart(`${label}: no data`);
  const lmin = Math.log(first.lo) / Math.LN10;
  const lmax = Math.log(last.hi) / Math.LN10;
  const span = lmax - lmin > 0 ? lmax - lmin : 1;
  const x = (ms: number): number => PAD.left + ((Math.log(ms) / Math.LN10 - lmin) / span) * PLOT_W;
  const maxCount = spans.reduce((m, s) => Math.max(m, s.count), 0);
  const y = yAxis(maxCount, 'requests');
  let body = y.svg;
  for (const s of spans) {
    const x0 = x(s.lo);
    const yTop = y.scale(s.count);
    body += `<rect x="${r(x0)}" y="${r(yTop)}" width="${r(Math.max(1, x(s.hi) - x0 - 0.5))}" height="${r(PAD.top + PLOT_H - yTop)}" class="bar"/>`;
  }
  for (let d = Math.floor(lmin); d <= Math.ceil(lmax); d++) {
    for (const m of [1, 2, 5]) {
      const ms = m * Math.pow(10, d);
      if (ms >= first.lo && ms <= last.hi) body += text(x(ms), H - PAD.bottom + 16, fmtMsTick(ms), 'middle');
    }
  }
  const marks: [string, number][] = [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]];
  marks.forEach(([name, q], mi) => {
    const v = histogramQuantile(h, q);
    if (v === null || v <= 0) return;
    const xv = x(Math.min(Math.max(v, first.lo), last.hi));
    body += `<line x1="${r(xv)}" x2="${r(xv)}" y1="${PAD.top}" y2="${PAD.top + PLOT_H}" class="mark"/>`;
    // Staggered so close percentiles (p95 next to p99) do not print over each other.
    body += text(xv + 3, PAD.top + 10 + mi * 12, `${name} ${fmtMsTick(v)}`, 'start', 'mark-label');
  });
  body += text(PAD.left + PLOT_W / 2, H - 6, `${label} (log scale)`, 'middle', 'axis-label');
  return svg(body, `${label} distribution`);
}

interface Line {
  name: string;
  cls: string;
  values: (number | null)[];
}

/** Lines over the run's time windows; a null value leaves a gap rather than a made-up point. */
export function timeChart(startsSec: number[], windowSec: number, lines: Line[], yLabel: string): string {
  const maxY = lines.reduce((m, l) => l.values.reduce((mm: number, v) => (v === null ? mm : Math.max(mm, v)), m), 0);
  const any = lines.some((l) => l.values.some((v) => v !== null));
  if (startsSec.length === 0 || !any) return emptyChart(`${yLabel}: no data`);
  const endSec = (startsSec[startsSec.length - 1] ?? 0) + windowSec;
  const x = (sec: number): number => PAD.left + (sec / endSec) * PLOT_W;
  const y = yAxis(maxY, yLabel);
  let body = y.svg;
  const step = niceStep(endSec, 6);
  for (let t = 0; t <= endSec; t += step) body += text(x(t), H - PAD.bottom + 16, `${fmtTick(t)}s`, 'middle');
  lines.forEach((l, li) => {
    let seg: [number, number][] = [];
    const flush = (): void => {
      const only = seg.length === 1 ? seg[0] : undefined;
      if (only !== undefined) body += `<circle cx="${r(only[0])}" cy="${r(only[1])}" r="2" class="${l.cls} dot"/>`;
      else if (seg.length > 1) body += `<polyline points="${seg.map((p) => `${r(p[0])},${r(p[1])}`).join(' ')}" class="${l.cls} line"/>`;
      seg = [];
    };
    l.values.forEach((v, i) => {
      if (v === null) return flush();
      seg.push([x((startsSec[i] ?? 0) + windowSec / 2), y.scale(v)]);
    });
    flush();
    const lx = PAD.left + 8 + li * 140;
    body += `<rect x="${lx}" y="${H - 14}" width="10" height="4" class="${l.cls} swatch"/>`;
    body += text(lx + 14, H - 9, l.name, 'start', 'legend');
  });
  body += text(W - PAD.right, H - 9, 'time since start', 'end', 'axis-label');
  return svg(body, yLabel);
}

interface Bar {
  label: string;
  value: number | null;
  /** Drawn as a red tick across the bar and named after the value. */
  budget: number | null;
}

const BAR_H = 18;
const BAR_GAP = 6;
const BAR_LABEL_W = 150;
const BAR_VALUE_W = 160;

/** Horizontal bars, one per item, with budget ticks; values formatted by `fmt`. */
export function barChart(items: Bar[], label: string, fmt: (v: number | null) => string): string {
  if (items.length === 0) return emptyChart(`${label}: no data`);
  const max = items.reduce((m, b) => Math.max(m, b.value ?? 0, b.budget ?? 0), 0);
  const plotW = W - BAR_LABEL_W - BAR_VALUE_W;
  const x = (v: number): number => BAR_LABEL_W + (max > 0 ? (v / max) * plotW : 0);
  const height = PAD.top + items.length * (BAR_H + BAR_GAP) + 8;
  let body = '';
  items.forEach((b, i) => {
    const y0 = PAD.top + i * (BAR_H + BAR_GAP);
    body += text(BAR_LABEL_W - 8, y0 + BAR_H - 5, b.label, 'end');
    if (b.value !== null) body += `<rect x="${BAR_LABEL_W}" y="${y0}" width="${r(Math.max(1, x(b.value) - BAR_LABEL_W))}" height="${BAR_H}" class="bar"/>`;
    if (b.budget !== null) body += `<line x1="${r(x(b.budget))}" x2="${r(x(b.budget))}" y1="${y0 - 3}" y2="${y0 + BAR_H + 3}" class="budget"/>`;
    const end = Math.max(b.value === null ? BAR_LABEL_W : x(b.value), b.budget === null ? 0 : x(b.budget));
    const caption = b.budget === null ? fmt(b.value) : `${fmt(b.value)} of ${fmt(b.budget)} budget`;
    body += text(end + 6, y0 + BAR_H - 5, caption, 'start');
  });
  return svg(body, label, height);
}
