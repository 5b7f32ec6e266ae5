/**
 * The reports of a run, as k6's handleSummary returns them: stdout text plus summary.json, junit.xml
 * and report.html in a folder named by the run id (and by the instance, for one instance of a split run).
 */
import { buildSummary } from './build';
import { renderHtml } from './html';
import { renderJUnit } from './junit';
import type { K6SummaryData } from './k6-data';
import type { RunInfo, SeriesSnapshot } from './model';
import { renderText } from './text';

export { buildSummary } from './build';
export { isBookkeepingThreshold, summaryThresholds } from './bookkeeping';
export { histogramQuantile } from './histogram';
export { renderHtml } from './html';
export { renderJUnit } from './junit';
export { SUMMARY_TREND_STATS } from './k6-data';
export type { K6SummaryData } from './k6-data';
export { ERROR_CATEGORIES, FINISH_REASONS, SALT_SCOPES, SCHEMA_VERSION } from './model';
export type { ErrorCategory, FinishReason, RunInfo, SaltScope, SeriesSnapshot, Summary } from './model';
export { renderText } from './text';

/** A run id made safe as one path segment: anything outside [A-Za-z0-9._-] becomes "_". */
export function runDirName(runId: string): string {
  const safe = runId.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? 'run' : safe;
}

/**
 * The folder a run's reports go to: `${resultsDir}/${runId}` (the run id made safe for a path), and within it
 * `${instance}/` for one instance of a split or segmented run (src/report/instance.ts names it).
 */
export function reportsDir(resultsDir: string, runId: string, instance: string | null = null): string {
  const base = resultsDir.replace(/\/+$/, '');
  const run = base === '' ? runDirName(runId) : `${base}/${runDirName(runId)}`;
  return instance === null ? run : `${run}/${instance}`;
}

/**
 * handleSummary's return value: 'stdout' plus the three report files, under reportsDir(), or, with `flat` (for a
 * runtime that cannot create that folder), as `${runId}-<file>` (`${runId}-${instance}-<file>`) in the working directory.
 */
export function buildReports(
  data: K6SummaryData,
  run: RunInfo,
  series: SeriesSnapshot | undefined,
  opts: { resultsDir: string; flat?: boolean; instance?: string | null },
): Record<string, string> {
  const summary = buildSummary(data, run, series);
  const instance = opts.instance ?? null;
  const dir = reportsDir(opts.resultsDir, run.runId, instance);
  const prefix = instance === null ? runDirName(run.runId) : `${runDirName(run.runId)}-${instance}`;
  const path = (file: string) => (opts.flat ? `${prefix}-${file}` : `${dir}/${file}`);
  return {
    stdout: renderText(summary, { reports: opts.flat ? `./${prefix}-{summary.json, junit.xml, report.html}` : `${dir}/ (summary.json, junit.xml, report.html)` }),
    [path('summary.json')]: `${JSON.stringify(summary, null, 2)}\n`,
    [path('junit.xml')]: renderJUnit(summary),
    [path('report.html')]: renderHtml(summary),
  };
}
