/**
 * The cleanup ledger's lines (JSON Lines, ids only, never a secret): a head naming the run and its admin API,
 * then each org, user and key as it is created, and an end line when teardown is done with them. setup() appends
 * them as it goes (through the relay, or to k6's log on the buffered transport); `npm run cleanup` reads them.
 */
import type { TenantRef } from './cleanup-result';

/** The ledger's file name in the run's results folder (results/<run id>/[<instance>/]). */
export const LEDGER_FILE = 'ledger.jsonl';

/** What marks a ledger line in k6's log, where the buffered transport (no relay, no files) writes them. */
export const LEDGER_LOG_MARK = '[loadtest-ledger]';

/** The first line: which run, and where and as whom (env var names, not values) to clean it up. */
interface LedgerHead {
  kind: 'run';
  v: 1;
  runId: string;
  adminUrl: string;
  emailEnv: string;
  passwordEnv: string;
  at: string;
}

/** The last line, once teardown (or a rollback) dealt with the tenants: cleaned up, kept by the policy, or some left. */
interface LedgerEnd {
  kind: 'end';
  state: 'cleaned' | 'kept' | 'left';
  left: number;
  at: string;
}

type LedgerLine = LedgerHead | TenantRef | LedgerEnd;

/** One ledger as read back: its head, its tenants (each once, in order), its end if it has one. */
interface Ledger {
  head: LedgerHead | null;
  tenants: TenantRef[];
  end: LedgerEnd | null;
  /** Lines that could not be read, by line number: a line cut short by a killed writer. */
  bad: number[];
}

/** The JSON of one ledger line. */
export function ledgerLine(line: LedgerLine): string {
  return JSON.stringify(line);
}

function isTenant(v: Record<string, unknown>): boolean {
  return (v.kind === 'key' || v.kind === 'user' || v.kind === 'org') && typeof v.id === 'string' && typeof v.orgId === 'string';
}

/** The JSON after the log mark, as k6 wrote it: raw, or quoted inside logfmt's msg="...". */
function fromLog(line: string): string | null {
  const at = line.indexOf(LEDGER_LOG_MARK);
  if (at < 0) return null;
  const rest = line.slice(at + LEDGER_LOG_MARK.length).trim();
  if (rest.startsWith('{') && rest.endsWith('}')) return rest;
  const quoted = /^(\{.*\})"/.exec(rest);
  return quoted ? (quoted[1] as string).replace(/\\(["\\])/g, '$1') : rest;
}

/**
 * Reads a ledger file, or a k6 log holding ledger lines (those with LEDGER_LOG_MARK); with `runId`, only that run's
 * lines count (a log may hold several runs: each run's lines follow its head).
 */
export function parseLedger(text: string, runId?: string): Ledger {
  const out: Ledger = { head: null, tenants: [], end: null, bad: [] };
  const seen = new Set<string>();
  const isLog = text.indexOf(LEDGER_LOG_MARK) >= 0;
  let inRun = runId === undefined;
  text.split('\n').forEach((raw, i) => {
    const json = isLog ? fromLog(raw) : raw.trim();
    if (json === null || json === '') return;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(json) as Record<string, unknown>;
    } catch {
      out.bad.push(i + 1);
      return;
    }
    if (v.kind === 'run') {
      inRun = runId === undefined || v.runId === runId;
      if (inRun && out.head === null) out.head = v as unknown as LedgerHead;
      return;
    }
    if (!inRun) return;
    if (v.kind === 'end') out.end = v as unknown as LedgerEnd;
    else if (isTenant(v)) {
      const key = `${v.kind as string}:${v.id as string}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.tenants.push({ kind: v.kind as TenantRef['kind'], id: v.id as string, orgId: v.orgId as string });
    } else out.bad.push(i + 1);
  });
  return out;
}
