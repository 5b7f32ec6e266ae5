import exec from 'k6/execution';
import { bindSession, counters, interrupts, mkdirAll, notes, selfCheck, transportKind } from '#transport';
import { ledgerPath, readCleanupNote } from './cleanup-ledger';
import { cleanupSummary, INTERRUPTED } from '../report/cleanup';
import { setupNoteKey } from './lifecycle';
import { ERROR_TALLY_LIMIT, ERROR_TALLY_PREFIX, errorSamples } from '../metrics/error-tally';
import { RunLimits } from '../spend/limits';
import type { SharedCounters } from '../llm/transport/types';
import type { Run } from './run';
import { readSeries } from '../metrics/series';
import { configInfo } from '../report/config-info';
import { buildReports, reportsDir } from '../report/index';
import { instanceName } from '../report/instance';
import type { K6SummaryData } from '../report/k6-data';
import type { RunInfo } from '../report/model';

/** What the run tells its report: names and numbers only, never setup data (which holds keys). */
function runInfo(run: Run, startedAt: string): RunInfo {
  const lp = run.loadPattern;
  const info: RunInfo = {
    ...configInfo(run.config, run.orgs),
    runId: run.runId,
    transport: transportKind,
    startedAt,
    schedule: { plannedSec: lp.phases.reduce((sum, p) => sum + p.durationSec, 0), gracefulStopSec: lp.gracefulStopSec },
  };
  // Read once, in handleSummary: the relay's sampler ran through the whole run.
  info.selfCheck = selfCheck ? relayRead(selfCheck, null) : null;
  const ended = counters ? relayRead(() => new RunLimits(run.config.spec.limits, counters as SharedCounters).ended(), null) : null;
  if (ended) info.endReason = ended;
  else if (interrupts && relayRead(interrupts, 0) > 0) info.endReason = INTERRUPTED;
  const spec = run.config.spec;
  info.cleanup = cleanupSummary({ adapter: spec.platform.adapter, streaming: notes !== null, note: readCleanupNote(run), ledger: ledgerPath(run), runId: run.runId, resultsDir: spec.run.resultsDir });
  info.errorSamples = counters ? relayRead(() => errorSamples((counters as SharedCounters).list(ERROR_TALLY_PREFIX, ERROR_TALLY_LIMIT)), null) : null;
  return info;
}

/**
 * setup()'s error, when it failed: our setup always returns data, so none means it threw. The message comes from
 * the note setup left with the relay; k6 prints the error itself only after the summary.
 */
function setupError(run: Run, data: K6SummaryData): string | undefined {
  if ((data as { setup_data?: unknown }).setup_data !== undefined) return undefined;
  const note = notes ? relayRead(() => notes?.read(setupNoteKey(run)) ?? null, null) : null;
  return note ?? 'setup() failed before the load started (k6 prints its error after this summary)';
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

/** handleSummary(): stdout text plus summary.json, junit.xml and report.html under results/<run id>/[<instance>/]. */
export function reports(run: Run, data: K6SummaryData): Record<string, string> {
  bindSession((data as { setup_data?: { relaySession?: string } }).setup_data?.relaySession);
  const durationMs = (data.state as { testRunDurationMs?: number } | undefined)?.testRunDurationMs ?? 0;
  const startedAt = new Date(Date.now() - durationMs).toISOString();
  const series = counters ? relayRead(() => readSeries(counters as SharedCounters, { durationSec: Math.ceil(durationMs / 1000) }), undefined) : undefined;
  // Instances splitting one run id would overwrite each other's reports: each writes under its own share's name.
  const instance = instanceName(run.orgRange, (exec.test.options as { executionSegment?: string | null }).executionSegment);
  // k6 writes files but cannot make folders: the relay makes results/<run id>/; without it the reports land flat.
  const folder = reportsDir(run.config.spec.run.resultsDir, run.runId, instance);
  const made = mkdirAll !== null && relayRead(() => (mkdirAll?.(folder), true), false);
  const info = runInfo(run, startedAt);
  const failed = setupError(run, data);
  if (failed !== undefined) info.setupError = failed;
  return buildReports(data, info, series, { resultsDir: run.config.spec.run.resultsDir, flat: !made, instance });
}
