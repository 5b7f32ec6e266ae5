/**
 * A run's verdict, judged from its summary alone so that every report (one process, a fleet, a merge) says the same
 * thing k6's exit code says: a failed setup (107), a guard that aborted the run (108), a failed threshold (99).
 * A planned cap that ended the run (src/spend/limits.ts isPlannedEnd) is no failure.
 */
import { isPlannedEnd } from '../spend/limits';
import { cleanupFailure, INTERRUPTED } from './cleanup';
import type { Summary } from './model';

type Judged = Pick<Summary, 'thresholds' | 'errors'> & { run: Pick<Summary['run'], 'setupError' | 'endReason' | 'cleanup'> };

/** Every reason the run failed; empty when it passed. */
function runFailures(sum: Judged): string[] {
  const out: string[] = [];
  if (sum.run.setupError !== null) out.push(`setup failed: ${sum.run.setupError}`);
  if (sum.run.endReason === INTERRUPTED) out.push(`${INTERRUPTED}: the run did not finish its plan`);
  else if (sum.run.endReason !== null && !isPlannedEnd(sum.run.endReason)) out.push(`stopped by a guard: ${sum.run.endReason}`);
  const cleanup = cleanupFailure(sum.run.cleanup);
  if (cleanup !== null) out.push(cleanup);
  for (const t of sum.thresholds) if (!t.ok) out.push(`threshold ${t.metric} ${t.expression} failed${t.reason === undefined ? '' : `: ${t.reason}`}`);
  const relay = sum.errors.byCategory.relay_unavailable ?? 0;
  if (relay > 0) out.push(`the stream relay stopped answering (${relay} request(s))`);
  return out;
}

/** The result block of summary.json. */
export function runResult(sum: Judged): Summary['run']['result'] {
  const failures = runFailures(sum);
  return { passed: failures.length === 0, failures };
}

/** How long the run outlasted its planned schedule (phases), seconds; 0 when it did not. */
export function overranSec(durationSec: number, plannedSec: number): number {
  // A second of slack: setup, teardown and k6's own start and stop are not part of the plan.
  return Math.max(0, Math.round((durationSec - plannedSec - 1) * 10) / 10);
}
