// Cleans up what a run's ledger says it created, from Node: `npm run cleanup` and `npm run k6` after an
// interrupted run. Revokes every key, then suspends every user and org, best effort, and appends the outcome as
// the ledger's end line. The admin credentials come from the env vars the ledger's head names (names, not values).
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeCleanup, emptyCleanup, failAll, tallyCleanup, type CleanupResult, type TenantRef } from '../../src/platform/cleanup-result';
import { LEDGER_FILE, ledgerLine, parseLedger } from '../../src/platform/ledger';
import { redact } from '../../src/platform/redact';
import { runDirName } from '../../src/report/index';

const CALL_TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;
const BACKOFF_MS = 300;

/** One ledger's cleanup: where it is, what it asked for, what happened. */
interface LedgerCleanup {
  path: string;
  tenants: number;
  result: CleanupResult;
  /** Why nothing could be tried (no head, no credentials); the result then counts every tenant as failed. */
  problem: string | null;
}

/** The ledgers of a run: results/<run id>/ledger.jsonl and results/<run id>/<instance>/ledger.jsonl. */
export function findLedgers(resultsDir: string, runId: string): string[] {
  const dir = join(resultsDir, runDirName(runId));
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  if (existsSync(join(dir, LEDGER_FILE))) out.push(join(dir, LEDGER_FILE));
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name, LEDGER_FILE);
    if (statSync(join(dir, name)).isDirectory() && existsSync(p)) out.push(p);
  }
  return out;
}

/** Whether a ledger still needs a cleanup: it has tenants and no end line saying they were cleaned up or kept. */
export function needsCleanup(path: string): boolean {
  const l = parseLedger(readFileSync(path, 'utf8'));
  return l.tenants.length > 0 && (l.end === null || l.end.state === 'left');
}

type Answer = { ok: true; status: number } | { ok: false; status: number; error: string };

/** One admin call with bounded retries on no answer, 429 and 5xx; `ok` lists the statuses that count as done. */
async function call(base: string, method: string, path: string, token: string | null, body: unknown, ok: number[]): Promise<Answer & { json?: unknown }> {
  let last: Answer = { ok: false, status: 0, error: 'not tried' };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const text = await res.text();
      if (ok.includes(res.status)) return { ok: true, status: res.status, json: parseJson(text) };
      // The body is an error text, redacted (it may echo the token) and cut short; a login's is never echoed (it may repeat the password).
      last = { ok: false, status: res.status, error: `${method} ${path} answered HTTP ${res.status}${path === '/v1/auth/login' ? '' : `: ${redact(text.trim(), token ? [token] : []).slice(0, 120)}`}` };
      if (res.status !== 429 && res.status < 500) return last;
    } catch (err) {
      last = { ok: false, status: 0, error: `${method} ${path} failed: ${(err as Error).message}` };
    }
    if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, BACKOFF_MS * attempt));
  }
  return { ...last, error: `${last.error} (after ${ATTEMPTS} attempts)` } as Answer;
}

/** A body as JSON when it is JSON (a 404 or 409 is text/plain), else null. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** What to send for each tenant: keys are revoked (404/409: already gone), users and orgs suspended (404: gone). */
function request(t: TenantRef): { method: string; path: string; body?: unknown; ok: number[] } {
  if (t.kind === 'key') return { method: 'DELETE', path: `/v1/orgs/${t.orgId}/api-keys/${t.id}`, ok: [204, 404, 409] };
  if (t.kind === 'user') return { method: 'PATCH', path: `/v1/orgs/${t.orgId}/users/${t.id}`, body: { status: 'suspended' }, ok: [200, 404] };
  return { method: 'PATCH', path: `/v1/orgs/${t.id}`, body: { status: 'suspended' }, ok: [200, 404] };
}

/**
 * Cleans up one ledger (a ledger file, or a k6 log with ledger lines; `runId` picks that run's lines) against its
 * admin API, or `adminUrl` when given. Keys first: suspending a user or an org leaves its keys working.
 */
export async function cleanLedger(path: string, env: NodeJS.ProcessEnv, opts: { runId?: string; adminUrl?: string; write?: boolean } = {}): Promise<LedgerCleanup> {
  const ledger = parseLedger(readFileSync(path, 'utf8'), opts.runId);
  const order: TenantRef['kind'][] = ['key', 'user', 'org'];
  const tenants = order.flatMap((k) => ledger.tenants.filter((t) => t.kind === k));
  const result = emptyCleanup();
  const done = (problem: string | null): LedgerCleanup => {
    if (opts.write !== false && !path.endsWith('.log') && tenants.length > 0) {
      const state = result.left.length === 0 ? 'cleaned' : 'left';
      appendFileSync(path, `${ledgerLine({ kind: 'end', state, left: result.left.length, at: new Date().toISOString() })}\n`);
    }
    return { path, tenants: tenants.length, result, problem };
  };
  if (tenants.length === 0) return done(null);
  const head = ledger.head;
  if (head === null && opts.adminUrl === undefined) {
    failAll(result, tenants, 'the ledger has no head line naming its admin API: give --admin-url');
    return done('no admin URL');
  }
  const emailEnv = head?.emailEnv ?? 'AIAAS_ADMIN_EMAIL';
  const passwordEnv = head?.passwordEnv ?? 'AIAAS_ADMIN_PASSWORD';
  const email = env[emailEnv];
  const password = env[passwordEnv];
  if (!email || !password) {
    const problem = `the admin credentials are not set: export ${emailEnv} and ${passwordEnv}`;
    failAll(result, tenants, problem);
    return done(problem);
  }
  const base = opts.adminUrl ?? (head as { adminUrl: string }).adminUrl;
  const login = await call(base, 'POST', '/v1/auth/login', null, { email, password }, [200]);
  const token = login.ok ? (login.json as { access_token?: unknown } | null)?.access_token : undefined;
  if (!login.ok || typeof token !== 'string') {
    failAll(result, tenants, `cannot log in to ${base}: ${login.ok ? 'no access_token' : login.error}`);
    return done(null);
  }
  for (const kind of order) {
    const refs = tenants.filter((t) => t.kind === kind);
    const answers = await Promise.all(refs.map((t) => {
      const r = request(t);
      return call(base, r.method, r.path, token, r.body, r.ok);
    }));
    tallyCleanup(result, refs, answers);
  }
  return done(null);
}

/** The lines `npm run cleanup` prints for one ledger: what it did, and every id left. */
export function cleanupReport(c: LedgerCleanup): string[] {
  const [head] = describeCleanup(c.result).split('; ');
  const lines = [`${c.path}: ${c.tenants} tenant(s) in the ledger; ${head}; ${c.result.left.length === 0 ? 'nothing left' : `${c.result.left.length} LEFT ACTIVE`}`];
  for (const t of c.result.left) lines.push(`  left: ${t.kind} ${t.id} (org ${t.orgId}): ${t.reason}`);
  return lines;
}
