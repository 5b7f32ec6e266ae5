import { counters, mkdirAll, selfCheck, transportKind } from '#transport';
import { RunLimits } from './limits';
import type { Run } from './run';
import { readSeries } from './series';
import { configInfo } from './summary/config-info';
import { buildReports } from './summary/index';
import type { K6SummaryData } from './summary/k6-data';
import type { RunInfo } from './summary/model';

/** What the run tells its report: names and numbers only, never setup data (which holds keys). */
export function runInfo(run: Run, startedAt: string): RunInfo {
  const info: RunInfo = { ...configInfo(run.config, run.orgs), runId: run.runId, transport: transportKind, startedAt };
  // Read once, in handleSummary: the sampler ran in Go through the whole run.
  info.selfCheck = selfCheck ? selfCheck() : null;
  const ended = counters ? new RunLimits(run.config.spec.limits, counters).ended() : null;
  if (ended) info.endReason = ended;
  return info;
}

/** handleSummary(): stdout text plus summary.json, junit.xml and report.html under results/<run id>/. */
export function reports(run: Run, data: K6SummaryData): Record<string, string> {
  const durationMs = (data.state as { testRunDurationMs?: number } | undefined)?.testRunDurationMs ?? 0;
  const startedAt = new Date(Date.now() - durationMs).toISOString();
  const series = counters ? readSeries(counters, { durationSec: Math.ceil(durationMs / 1000) }) : undefined;
  // Stock k6 writes files but cannot make folders: there the reports land flat in the working directory.
  const out = buildReports(data, runInfo(run, startedAt), series, { resultsDir: run.config.spec.run.resultsDir, flat: mkdirAll === null });
  if (mkdirAll) for (const f of Object.keys(out)) if (f !== 'stdout') mkdirAll(f.slice(0, f.lastIndexOf('/')));
  return out;
}
