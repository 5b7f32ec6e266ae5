import { bindSession, counters, mkdirAll, selfCheck, transportKind } from '#transport';
import { RunLimits } from './limits';
import type { SharedCounters } from './transport/types';
import type { Run } from './run';
import { readSeries } from './series';
import { configInfo } from './summary/config-info';
import { buildReports, reportsDir } from './summary/index';
import type { K6SummaryData } from './summary/k6-data';
import type { RunInfo } from './summary/model';

/** What the run tells its report: names and numbers only, never setup data (which holds keys). */
export function runInfo(run: Run, startedAt: string): RunInfo {
  const info: RunInfo = { ...configInfo(run.config, run.orgs), runId: run.runId, transport: transportKind, startedAt };
  // Read once, in handleSummary: the relay's sampler ran through the whole run.
  info.selfCheck = selfCheck ? relayRead(selfCheck, null) : null;
  const ended = counters ? relayRead(() => new RunLimits(run.config.spec.limits, counters as SharedCounters).ended(), null) : null;
  if (ended) info.endReason = ended;
  return info;
}

/** A read from the relay for the reports; a relay that is gone by now leaves the figure out rather than the report. */
function relayRead<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch (err) {
    console.warn(`[loadtest] report: ${(err as Error).message}`);
    return fallback;
  }
}

/** handleSummary(): stdout text plus summary.json, junit.xml and report.html under results/<run id>/. */
export function reports(run: Run, data: K6SummaryData): Record<string, string> {
  bindSession((data as { setup_data?: { relaySession?: string } }).setup_data?.relaySession);
  const durationMs = (data.state as { testRunDurationMs?: number } | undefined)?.testRunDurationMs ?? 0;
  const startedAt = new Date(Date.now() - durationMs).toISOString();
  const series = counters ? relayRead(() => readSeries(counters as SharedCounters, { durationSec: Math.ceil(durationMs / 1000) }), undefined) : undefined;
  // k6 writes files but cannot make folders: the relay makes results/<run id>/; without it the reports land flat.
  const folder = reportsDir(run.config.spec.run.resultsDir, run.runId);
  const made = mkdirAll !== null && relayRead(() => (mkdirAll?.(folder), true), false);
  return buildReports(data, runInfo(run, startedAt), series, { resultsDir: run.config.spec.run.resultsDir, flat: !made });
}
