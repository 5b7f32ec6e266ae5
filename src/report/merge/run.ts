/**
 * The `run` block of a merged summary: one run id over the wall time from the first instance's start to the last
 * one's end, and a verdict that fails when any instance failed, each reason named by its instance.
 */
import { isPlannedEnd } from '../../spend/limits';
import type { Summary } from '../model';
import type { MergePart } from './checks';
import { common, sumAll } from './sums';
import { mergeCleanup } from './cleanup';
import { mergeRevokedKeys } from '../revoked-keys';

/** How a message names an instance: its folder name, or "the whole run" for the run folder's own report. */
export const instanceLabel = (p: MergePart): string => (p.instance === '' ? 'the whole run' : p.instance);

// endReason stays one END_REASONS value, which junit.xml and src/report/result.ts judge: a guard that stopped an
// instance before a planned cap. Every instance's failure is in result.failures.
function endReason(runs: Summary['run'][]): string | null {
  const reasons = runs.map((r) => r.endReason).filter((r): r is string => r !== null);
  return reasons.find((r) => !isPlannedEnd(r)) ?? reasons[0] ?? null;
}

function schedule(runs: Summary['run'][]): Summary['run']['schedule'] {
  const first = runs[0]?.schedule;
  if (first === undefined || first === null || runs.some((r) => r.schedule === null)) return null;
  return { plannedSec: first.plannedSec, gracefulStopSec: first.gracefulStopSec, overranSec: Math.max(...runs.map((r) => (r.schedule as NonNullable<Summary['run']['schedule']>).overranSec)) };
}

/** The merged run block of distinct instances of one run (src/report/merge/checks.ts has made sure they are). */
export function mergeRun(parts: MergePart[]): Summary['run'] {
  const runs = parts.map((p) => p.summary.run);
  const first = runs[0] as Summary['run'];
  const starts = runs.map((r) => Date.parse(r.startedAt));
  const startedAtMs = Math.min(...starts);
  const endMs = Math.max(...runs.map((r, i) => (starts[i] as number) + r.durationSec * 1000));
  const setupErrors = parts.filter((p) => p.summary.run.setupError !== null).map((p) => `${instanceLabel(p)}: ${p.summary.run.setupError}`);
  const failures = parts.flatMap((p) => p.summary.run.result.failures.map((f) => `${instanceLabel(p)}: ${f}`));
  const bootstraps = runs.map((r) => r.bootstrapMs).filter((b): b is number => b !== null);
  return {
    id: first.id,
    name: first.name,
    labels: first.labels,
    seed: first.seed,
    transport: first.transport,
    startedAt: new Date(startedAtMs).toISOString(),
    durationSec: (endMs - startedAtMs) / 1000,
    instance: null,
    endReason: endReason(runs),
    setupError: setupErrors.length === 0 ? null : setupErrors.join('; '),
    // k6 judged each instance, and its exit code says so: the run passed only if every instance did.
    result: { passed: failures.length === 0, failures },
    streamed: common(runs.map((r) => r.streamed)),
    droppedIterations: sumAll(runs.map((r) => r.droppedIterations)),
    schedule: schedule(runs),
    // The slowest setup gates the run.
    bootstrapMs: bootstraps.length === 0 ? null : Math.max(...bootstraps),
    cleanup: mergeCleanup(runs.map((r) => r.cleanup ?? null)),
    revokedKeys: mergeRevokedKeys(runs.map((r) => r.revokedKeys)),
  };
}
