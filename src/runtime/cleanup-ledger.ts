/**
 * The k6 side of the cleanup ledger and of the cleanup note: setup() appends each tenant as it is created,
 * teardown() (or a failed setup's rollback) records what it did, and handleSummary reads that back for the reports.
 */
import exec from 'k6/execution';
import { ledgerAppend, notes } from '#transport';
import type { CleanupResult, TenantRef } from '../platform/cleanup-result';
import { LEDGER_FILE, LEDGER_LOG_MARK, ledgerLine } from '../platform/ledger';
import { cleanupNote } from '../report/cleanup';
import { reportsDir } from '../report/index';
import { instanceName } from '../report/instance';
import type { Run } from './run';

let warned = false;

function instanceOf(run: Run): string | null {
  return instanceName(run.orgRange, (exec.test.options as { executionSegment?: string | null }).executionSegment);
}

/** Where this instance's ledger is: results/<run id>/[<instance>/]ledger.jsonl; null on the buffered transport (k6's log has it). */
export function ledgerPath(run: Run): string | null {
  return ledgerAppend === null ? null : `${reportsDir(run.config.spec.run.resultsDir, run.runId, instanceOf(run))}/${LEDGER_FILE}`;
}

/** Appends lines to the ledger; a ledger that cannot be written is warned about once and the run goes on. */
function append(run: Run, lines: string[]): void {
  const path = ledgerPath(run);
  if (path === null || ledgerAppend === null) {
    for (const l of lines) console.log(`${LEDGER_LOG_MARK} ${l}`);
    return;
  }
  try {
    ledgerAppend(path, lines);
  } catch (err) {
    if (!warned) console.warn(`[loadtest] cleanup ledger ${path}: ${(err as Error).message}; what this run creates may need cleaning up by hand`);
    warned = true;
  }
}

/** The ledger's head: the run, its admin API and the env vars (names only) that hold the admin credentials. */
export function openLedger(run: Run, adminUrl: string): void {
  const p = run.config.spec.platform;
  append(run, [ledgerLine({ kind: 'run', v: 1, runId: run.runId, adminUrl, emailEnv: p.adminEmailEnv, passwordEnv: p.adminPasswordEnv, at: new Date().toISOString() })]);
}

/** Records tenants as they are created. */
export function ledgerCreated(run: Run, refs: TenantRef[]): void {
  append(run, refs.map(ledgerLine));
}

function noteKey(run: Run): string {
  return `cleanup:${run.runId}:${instanceOf(run) ?? ''}`;
}

/** Records what a cleanup did (null: the policy kept `kept` users): the ledger's end line and the note for the reports. */
export function recordCleanup(run: Run, result: CleanupResult | null, kept = 0): void {
  const left = result === null ? kept : result.left.length;
  const state = result === null ? 'kept' : left === 0 ? 'cleaned' : 'left';
  append(run, [ledgerLine({ kind: 'end', state, left, at: new Date().toISOString() })]);
  if (!notes) return;
  try {
    notes.put(noteKey(run), cleanupNote(result, kept));
  } catch (err) {
    console.warn(`[loadtest] cannot hand the cleanup result to the reports: ${(err as Error).message}`);
  }
}

/** The note teardown left, or null when none came (teardown did not run or was cut short, or there is no relay). */
export function readCleanupNote(run: Run): string | null {
  if (!notes) return null;
  try {
    return notes.read(noteKey(run));
  } catch {
    return null;
  }
}
