/**
 * The instances' time series laid over one another. Each instance counts its windows from its own start, so a
 * part is shifted by its start's offset from the earliest start, rounded to whole windows: a merged window is
 * within half a window of the wall time its requests finished at. Totals stay exact, since every field is a sum.
 */
import type { Series, SeriesWindow } from '../model';

/** A part's series and when its test started (ms since the epoch). */
interface TimedSeries {
  series: Series | null;
  startedAtMs: number;
}

const empty = (startSec: number): SeriesWindow => ({ startSec, requests: 0, errors: 0, outputTokens: 0, costUSD: 0, ttftCount: 0, ttftMeanMs: null, e2eCount: 0, e2eMeanMs: null });

// Means combine weighted by their counts.
function add(a: SeriesWindow, b: SeriesWindow): SeriesWindow {
  const mean = (ma: number | null, na: number, mb: number | null, nb: number) => (na + nb === 0 ? null : ((ma ?? 0) * na + (mb ?? 0) * nb) / (na + nb));
  return {
    startSec: a.startSec,
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    outputTokens: a.outputTokens + b.outputTokens,
    costUSD: a.costUSD + b.costUSD,
    ttftCount: a.ttftCount + b.ttftCount,
    ttftMeanMs: mean(a.ttftMeanMs, a.ttftCount, b.ttftMeanMs, b.ttftCount),
    e2eCount: a.e2eCount + b.e2eCount,
    e2eMeanMs: mean(a.e2eMeanMs, a.e2eCount, b.e2eMeanMs, b.e2eCount),
  };
}

/** The merged series; null when a part has none or the parts' windows differ in length. */
export function mergeSeries(parts: TimedSeries[]): Series | null {
  const first = parts[0]?.series;
  if (first === undefined || first === null || parts.some((p) => p.series === null || p.series.windowSec !== first.windowSec)) return null;
  const windowSec = first.windowSec;
  const origin = Math.min(...parts.map((p) => p.startedAtMs));
  const windows: SeriesWindow[] = [];
  for (const p of parts) {
    const shift = Math.round((p.startedAtMs - origin) / 1000 / windowSec);
    for (const w of (p.series as Series).windows) {
      const i = Math.round(w.startSec / windowSec) + shift;
      while (windows.length <= i) windows.push(empty(windows.length * windowSec));
      windows[i] = add(windows[i] as SeriesWindow, w);
    }
  }
  return { windowSec, windows };
}
