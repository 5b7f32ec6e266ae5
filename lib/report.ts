import { counters, mkdirAll, selfCheck, transportKind } from '#transport';
import { expectedThinkTimeMs } from './distributions';
import { RunLimits } from './limits';
import { usesDocuments } from './questions/test-types';
import type { Run } from './run';
import { readSeries } from './series';
import { buildReports } from './summary/index';
import type { K6SummaryData } from './summary/k6-data';
import type { RunInfo } from './summary/model';

/** What the run tells its report: names and numbers only, never setup data (which holds keys). */
export function runInfo(run: Run, startedAt: string): RunInfo {
  const spec = run.config.spec;
  const think = spec.userBehavior.thinkTimeSeconds;
  const info: RunInfo = {
    runId: run.runId,
    scenarioName: run.config.metadata.name,
    seed: spec.run.seed,
    transport: transportKind,
    startedAt,
    orgs: run.orgs.map((o) => {
      const org: RunInfo['orgs'][number] = { name: o.name, users: o.userCount };
      if (o.budget?.limitUSD !== undefined) org.budgetUSD = o.budget.limitUSD;
      if (o.budget?.dailyUSD !== undefined) org.dailyBudgetUSD = o.budget.dailyUSD;
      return org;
    }),
    // Only what the sampler picks by, so the summary can work out each type's configured share as it does.
    testTypes: spec.testTypes.map((t) => ({ name: t.name, weight: t.weight, documentLibrary: { enabled: usesDocuments(t) } })),
    thinkTime: { configuredMeanMs: expectedThinkTimeMs(think), minMs: think.min * 1000, maxMs: think.max * 1000, distribution: think.distribution },
  };
  const mix = spec.scenarioMix;
  if (mix) info.scenarioMix = { scenarios: mix.scenarios.map((s) => ({ name: s.name, weight: s.weight })) };
  // Read once, in handleSummary: the sampler ran in Go through the whole run.
  info.selfCheck = selfCheck ? selfCheck() : null;
  const ended = counters ? new RunLimits(spec.limits, counters).ended() : null;
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
