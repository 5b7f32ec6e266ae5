import http, { type RefinedParams, type RefinedResponse, type ResponseType } from 'k6/http';
import { sleep } from 'k6';
import { redact } from './redact';
import { backoffMs, isRetryable, type RetryPolicy } from './retry';

/** One admin API call: what it does (for error messages), and what success looks like. */
export interface AdminCall {
  step: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** Statuses that count as done (e.g. 409 "already revoked" during cleanup). */
  ok: number[];
}

/** The outcome of a call that reached an accepted status. */
interface AdminResult {
  status: number;
  json: unknown;
}

/** The outcome of one call of a best-effort batch: its accepted result, or why it failed (0: no answer). */
export type AdminOutcome = ({ ok: true } & AdminResult) | { ok: false; status: number; error: string };

/** A provisioning failure that names the step and never carries a secret. */
class ProvisioningError extends Error {}

type Resp = RefinedResponse<ResponseType | undefined>;

/**
 * Talks to the platform's admin API: bearer token from login, bounded retries with backoff on
 * connection errors, 429 and 5xx, one re-login on 401 (tokens expire after an hour, no refresh),
 * and batches so hundreds of users provision in parallel rather than one by one.
 */
export class AdminHttp {
  private token = '';

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: { email: string; password: string },
    private readonly retry: RetryPolicy,
    private readonly timeoutMs: number,
  ) {}

  /** Logs in with the admin credentials; the token stays in this object only. */
  login(): void {
    const res = this.run([
      {
        step: 'log in to the admin API',
        method: 'POST',
        path: '/v1/auth/login',
        body: { email: this.credentials.email, password: this.credentials.password },
        // Answered here rather than as a failed call: wrong credentials deserve their own words.
        ok: [200, 400, 401, 403],
      },
    ])[0] as AdminResult;
    const refused = credentialsRefused(res, [this.credentials.password]);
    if (refused !== null) {
      throw new ProvisioningError(
        `log in to the admin API: the admin email or password is wrong (${refused}): check the env vars named by spec.platform.adminEmailEnv and adminPasswordEnv`,
      );
    }
    if (res.status !== 200) throw new ProvisioningError(`log in to the admin API: POST /v1/auth/login answered HTTP ${res.status}: ${redact(JSON.stringify(res.json), [this.credentials.password]).slice(0, 200)} (expected 200)`);
    const tok = (res.json as { access_token?: unknown } | null)?.access_token;
    if (typeof tok !== 'string' || tok === '') throw new ProvisioningError('log in to the admin API: the response has no access_token');
    this.token = tok;
  }

  /** Runs calls in parallel batches of `batchSize`, retrying the failed ones; throws on the first that cannot succeed. */
  run(calls: AdminCall[], batchSize = 20): AdminResult[] {
    return this.runAll(calls, batchSize).map((r) => {
      if (!r.ok) throw new ProvisioningError(r.error);
      return r;
    });
  }

  /**
   * Runs every call, best effort: each gets its own outcome, so a batch that fails part-way still tells what it
   * created, and one call that cannot succeed never stops the others.
   */
  runAll(calls: AdminCall[], batchSize = 20): AdminOutcome[] {
    const out: AdminOutcome[] = [];
    for (let i = 0; i < calls.length; i += batchSize) {
      const part = this.send(calls.slice(i, i + batchSize));
      for (const r of part) out.push(r);
    }
    return out;
  }

  private send(calls: AdminCall[]): AdminOutcome[] {
    const results: (AdminOutcome | undefined)[] = calls.map(() => undefined);
    let pending = calls.map((_, i) => i);
    let reloggedIn = false;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const responses = http.batch(pending.map((i) => this.request(calls[i] as AdminCall))) as Resp[];
      const again: number[] = [];
      let needLogin = false;
      pending.forEach((callIndex, k) => {
        const call = calls[callIndex] as AdminCall;
        const res = responses[k] as Resp;
        if (call.ok.indexOf(res.status) >= 0) {
          results[callIndex] = { ok: true, status: res.status, json: parseJson(res) };
          return;
        }
        if (res.status === 401 && this.token !== '' && !reloggedIn) {
          needLogin = true;
          again.push(callIndex);
          return;
        }
        if (isRetryable(res.status) && attempt < this.retry.attempts) {
          again.push(callIndex);
          return;
        }
        results[callIndex] = { ok: false, status: res.status, error: `${call.step}: ${describe(call, res, [this.credentials.password, this.token])}${isRetryable(res.status) ? ` (after ${attempt} attempts)` : ''}` };
      });
      if (needLogin) {
        reloggedIn = true;
        try {
          this.login();
        } catch (err) {
          for (const i of again) results[i] = { ok: false, status: 401, error: `${(calls[i] as AdminCall).step}: ${(err as Error).message}` };
          break;
        }
      } else if (again.length > 0) {
        sleep(backoffMs(attempt, this.retry, Math.random()) / 1000);
      }
      pending = again;
    }
    return results as AdminOutcome[];
  }

  private request(call: AdminCall): { method: string; url: string; body: string | null; params: RefinedParams<'text'> } {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return {
      method: call.method,
      url: this.baseUrl.replace(/\/+$/, '') + call.path,
      body: call.body === undefined ? null : JSON.stringify(call.body),
      params: { headers, timeout: `${this.timeoutMs}ms`, responseType: 'text', tags: { name: `admin ${call.method} ${templatePath(call.path)}` } },
    };
  }
}

/**
 * How a login answer says the credentials are wrong, or null: 401/403, or an OAuth error 400 (the real admin
 * service answers a wrong password 400 invalid_grant).
 */
function credentialsRefused(res: AdminResult, known: readonly string[]): string | null {
  const oauth = (res.json as { error?: unknown } | null)?.error;
  if (res.status === 400 && (oauth === 'invalid_grant' || oauth === 'invalid_client' || oauth === 'unauthorized_client')) return `HTTP 400 ${oauth}`;
  if (res.status === 401 || res.status === 403) return `HTTP ${res.status}${typeof res.json === 'string' && res.json !== '' ? ` ${redact(res.json, known).slice(0, 100)}` : ''}`;
  return null;
}

const COLLECTIONS = ['orgs', 'users', 'invites', 'api-keys', 'service-accounts', 'budgets'];

/** Collapses ids in a path (the segment after a collection name) so admin calls share a few `name` tags. */
function templatePath(path: string): string {
  const segs = path.split('/');
  return segs.map((seg, i) => (i > 0 && COLLECTIONS.indexOf(segs[i - 1] as string) >= 0 ? '{id}' : seg)).join('/');
}

function parseJson(res: Resp): unknown {
  const body = typeof res.body === 'string' ? res.body : '';
  if (body === '') return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * The failure as a person reads it. The body is redacted before it is cut short (a cut could leave part of a secret
 * unrecognised): an unexpected answer may hold a key secret (a 200 to a key issue) or echo the request (a password).
 */
function describe(call: AdminCall, res: Resp, known: readonly string[]): string {
  if (res.status === 0) return `${call.method} ${call.path} failed: ${redact(res.error || 'no response', known)}`;
  const body = typeof res.body === 'string' ? redact(res.body.trim(), known).slice(0, 200) : '';
  return `${call.method} ${call.path} answered HTTP ${res.status}${body ? `: ${body}` : ''} (expected ${call.ok.join(' or ')})`;
}
