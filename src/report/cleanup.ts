/**
 * The cleanup section of the reports: what teardown (or a failed setup's rollback) did with the run's tenants,
 * from the note it left with the relay, and what a report says when no such note came (the run was interrupted).
 */
import type { CleanupResult, LeftTenant } from '../platform/cleanup-result';
import type { CleanupSummary } from './model';

/** The end reason of a run a Ctrl-C (SIGINT) stopped, as every report records it. */
export const INTERRUPTED = 'interrupted (SIGINT)';

/** Left tenants a note and a report name; the ledger and `npm run cleanup` have them all. */
const LEFT_SHOWN = 20;
const REASON_CHARS = 160;

/** What teardown tells the reports through the relay's notes (8 KiB at most). */
interface CleanupNote {
  state: 'cleaned' | 'left' | 'kept';
  result: CleanupResult | null;
  leftCount: number;
}

/** The note teardown leaves: its result (null: the policy kept the tenants), the left list cut to fit. */
export function cleanupNote(result: CleanupResult | null, keptCount = 0): string {
  if (result === null) return JSON.stringify({ state: 'kept', result: null, leftCount: keptCount } satisfies CleanupNote);
  const left: LeftTenant[] = result.left.slice(0, LEFT_SHOWN).map((t) => ({ ...t, reason: t.reason.slice(0, REASON_CHARS) }));
  const note: CleanupNote = { state: result.left.length === 0 ? 'cleaned' : 'left', result: { ...result, left }, leftCount: result.left.length };
  return JSON.stringify(note);
}

/** The command that cleans up a run's leftovers. */
export function cleanupCommand(runId: string, resultsDir: string): string {
  const results = resultsDir.replace(/\/+$/, '') === 'results' ? '' : ` --results ${resultsDir}`;
  return `npm run cleanup -- --run-id ${runId}${results}`;
}

/** The report's cleanup section from what handleSummary knows: the adapter, the transport, teardown's note if any. */
export function cleanupSummary(input: { adapter: 'ai-aas' | 'static'; streaming: boolean; note: string | null; ledger: string | null; runId: string; resultsDir: string }): CleanupSummary {
  const none: CleanupSummary = { state: 'none', keys: null, users: null, orgs: null, leftCount: null, left: [], ledger: input.ledger, command: null };
  if (input.adapter === 'static') return { ...none, ledger: null };
  const command = cleanupCommand(input.runId, input.resultsDir);
  if (input.note === null) return { ...none, state: input.streaming ? 'not-run' : 'unknown', command };
  let note: CleanupNote;
  try {
    note = JSON.parse(input.note) as CleanupNote;
  } catch {
    return { ...none, state: 'not-run', command };
  }
  if (note.state === 'kept' || note.result === null) return { ...none, state: 'kept', leftCount: note.leftCount, command };
  const r = note.result;
  return { state: note.state, keys: r.keys, users: r.users, orgs: r.orgs, leftCount: note.leftCount, left: r.left, ledger: input.ledger, command: note.leftCount > 0 ? command : null };
}

/** Why the cleanup makes the run fail, or null: tenants left active, or no cleanup result at all. */
export function cleanupFailure(c: CleanupSummary | null): string | null {
  if (c === null) return null;
  if (c.state === 'left') return `cleanup left ${c.leftCount ?? 0} tenant(s) active: ${c.command ?? 'npm run cleanup'}`;
  if (c.state === 'not-run') return `cleanup did not run (interrupted?): what was created may still be active; ${c.command ?? 'npm run cleanup'}`;
  return null;
}

/** The cleanup section as report lines: counts, then each tenant left (ids only) and how to clean up. */
export function cleanupLines(c: CleanupSummary): string[] {
  const counts = (x: CleanupSummary['keys'], verb: string, noun: string) =>
    x === null ? `${noun}: not known` : `${x.done} ${noun} ${verb}, ${x.alreadyGone} already gone, ${x.failed} failed`;
  const head: Record<CleanupSummary['state'], string> = {
    cleaned: 'done, nothing left active',
    left: `${c.leftCount ?? 0} tenant(s) LEFT ACTIVE`,
    kept: `kept by the cleanup policy (${c.leftCount ?? 0} user(s) and their keys)`,
    'not-run': 'DID NOT RUN: no cleanup result reached this report (setup or teardown was interrupted or skipped)',
    unknown: "not known here: the buffered transport cannot pass teardown's result to the report (see teardown's log line)",
    none: 'nothing to clean up (no tenants were created)',
  };
  const lines = [head[c.state]];
  if (c.keys !== null) lines.push(counts(c.keys, 'revoked', 'keys'), counts(c.users, 'suspended', 'users'), counts(c.orgs, 'suspended', 'orgs'));
  for (const t of c.left) lines.push(`left: ${t.kind} ${t.id} (org ${t.orgId}): ${t.reason}`);
  if (c.leftCount !== null && c.leftCount > c.left.length) lines.push(`... and ${c.leftCount - c.left.length} more (the ledger has them all)`);
  if (c.ledger !== null && c.state !== 'cleaned') lines.push(`ledger: ${c.ledger}`);
  if (c.command !== null && c.state !== 'kept') lines.push(`clean up with: ${c.command}`);
  return lines;
}
