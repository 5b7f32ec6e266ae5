/**
 * PromQL for one run's fleet report. k6's remote-write output sends counters and native histograms that
 * are cumulative from the start of each k6 process and never reset within it, so the last sample of each
 * series in the run's range is that pod's whole-run total. Summing those last samples over pods (and
 * merging the histograms before taking quantiles) gives the run's totals and percentiles. increase()
 * would be wrong here: it drops everything counted before a series' first push and extrapolates the rest.
 * Every query is evaluated at the run's end.
 */

/** A label value made safe inside a double-quoted PromQL string. */
export function quoteLabel(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function runSelector(metric: string, testid: string): string {
  return `${metric}{testid=${quoteLabel(testid)}}`;
}

/** Each series' whole-run value: its last sample within `rangeSec` before the evaluation time. */
function lastInRun(metric: string, testid: string, rangeSec: number): string {
  return `last_over_time(${runSelector(metric, testid)}[${Math.max(1, Math.ceil(rangeSec))}s])`;
}

/** A counter's run total over all pods, optionally split by labels. */
export function counterTotal(metric: string, testid: string, rangeSec: number, by: string[] = []): string {
  const grouping = by.length > 0 ? ` by (${by.join(', ')})` : '';
  return `sum${grouping} (${lastInRun(metric, testid, rangeSec)})`;
}

/**
 * The native histograms of every pod and label set merged into one, evaluated at the run's end. Prometheus
 * 2.42 (Debian 12's) has no last_over_time for native histograms, so this takes each series' latest sample
 * within Prometheus' 5-minute lookback: a series that stopped more than 5 minutes before the run ended is missed.
 */
export function mergedHistogram(metric: string, testid: string): string {
  return `sum(${runSelector(metric, testid)})`;
}

/** A quantile (0..1) of the merged histogram: percentiles are never averaged across pods. */
export function histogramQuantileQuery(q: number, metric: string, testid: string): string {
  return `histogram_quantile(${q}, ${mergedHistogram(metric, testid)})`;
}

/**
 * A Rate's overall ratio, split by `by`. k6 sends a Rate as a per-series cumulative ratio, so each series
 * is weighted by how many samples it had: the count of `weightHistogram`, which k6 records once for every
 * sample of the Rate with the same labels.
 */
export function weightedRate(rateMetric: string, weightHistogram: string, testid: string, rangeSec: number, by: string[] = []): string {
  const grouping = by.length > 0 ? ` by (${by.join(', ')})` : '';
  const weight = `histogram_count(${runSelector(weightHistogram, testid)})`;
  return `sum${grouping} (${lastInRun(rateMetric, testid, rangeSec)} * ${weight}) / sum${grouping} (${weight})`;
}

/** The fleet's cumulative value of a counter at each step of a range query (for the time series). */
export function fleetCumulative(metric: string, testid: string): string {
  return `sum(${runSelector(metric, testid)})`;
}

/** The fleet's cumulative count or sum (`histogram_count`/`histogram_sum`) of a native histogram. */
export function fleetHistogramCumulative(fn: 'histogram_count' | 'histogram_sum', metric: string, testid: string): string {
  return `sum(${fn}(${runSelector(metric, testid)}))`;
}
