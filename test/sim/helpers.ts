import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { DEFAULT_ADMIN_PASSWORD } from '../../sim/config';
import type { RunningSim } from '../../sim/index';
import { monoMs } from '../../sim/scheduler';

interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Monotonic ms when the request was flushed to the socket, when headers arrived, and per body chunk received. */
  tSend: number;
  tHeaders: number;
  /** Monotonic ms when the response ended or failed. */
  tEnd: number;
  /** Set when the connection failed (e.g. reset) instead of completing. */
  error?: string;
  /** Body pieces as they arrived, with their monotonic arrival time. */
  pieces: Array<{ at: number; text: string }>;
}

/** One HTTP exchange on loopback with arrival timestamps; never rejects (errors are reported in the result). */
export function http(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve) => {
    const out: HttpResult = { status: 0, headers: {}, text: '', tSend: 0, tHeaders: 0, tEnd: 0, pieces: [] };
    const done = (error?: string): void => {
      out.tEnd = monoMs();
      resolve(error === undefined ? out : { ...out, error });
    };
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      out.tHeaders = monoMs();
      out.status = res.statusCode ?? 0;
      out.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        out.pieces.push({ at: monoMs(), text: d });
        out.text += d;
      });
      res.on('end', () => done());
      res.on('error', (e) => done(e.message));
      res.on('aborted', () => done('aborted'));
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error('client timeout')));
    req.on('error', (e) => done((e as NodeJS.ErrnoException).code ?? e.message));
    // t_send is when the request was handed to the socket (as the harness defines it), not when it was queued.
    req.on('finish', () => (out.tSend = monoMs()));
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** JSON request helper (POST, PATCH, ...). */
export function sendJson(url: string, method: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  return http(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

interface SseEvent {
  at: number;
  data: string;
  json?: Record<string, unknown>;
}

/** Splits an SSE body into events, timestamped with the arrival of the piece that completed each event. */
export function sseEvents(r: HttpResult): SseEvent[] {
  const events: SseEvent[] = [];
  let buf = '';
  for (const p of r.pieces) {
    buf += p.text;
    let idx: number;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(data) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      events.push(json ? { at: p.at, data, json } : { at: p.at, data });
    }
  }
  return events;
}

/** Whether an event's delta carries content or reasoning text (a token-bearing event). */
export function isTokenEvent(e: SseEvent): boolean {
  const choice = (e.json?.choices as Array<Record<string, unknown>> | undefined)?.[0];
  if (!choice) return false;
  const delta = choice.delta as Record<string, unknown> | undefined;
  const text = delta ? ((delta.content as string | undefined) ?? (delta.reasoning_content as string | undefined)) : (choice.text as string | undefined);
  return typeof text === 'string' && text.length > 0;
}

/** Logs in as the seeded admin and returns the bearer header. */
export async function adminAuth(sim: RunningSim): Promise<Record<string, string>> {
  const r = await sendJson(`${sim.adminUrl}/v1/auth/login`, 'POST', { email: 'admin@sim.local', password: DEFAULT_ADMIN_PASSWORD });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  return { authorization: `Bearer ${(JSON.parse(r.text) as { access_token: string }).access_token}` };
}

export interface Tenant {
  orgId: string;
  slug: string;
  userId: string;
  apiKeyId: string;
  secret: string;
}

/** Creates an org with one active user holding one API key, through the admin API as the harness does. */
export async function provision(sim: RunningSim, slug: string, auth?: Record<string, string>): Promise<Tenant> {
  const h = auth ?? (await adminAuth(sim));
  const org = await sendJson(`${sim.adminUrl}/v1/orgs`, 'POST', { name: slug, slug }, h);
  if (org.status !== 201) throw new Error(`create org: ${org.status} ${org.text}`);
  const orgId = (JSON.parse(org.text) as { orgId: string }).orgId;
  const inv = await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/invites`, 'POST', { email: `user@${slug}.test` }, h);
  const userId = (JSON.parse(inv.text) as { inviteId: string }).inviteId;
  await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/users/${userId}`, 'PATCH', { status: 'active' }, h);
  const key = await sendJson(`${sim.adminUrl}/v1/orgs/${orgId}/users/${userId}/api-keys`, 'POST', {}, h);
  const k = JSON.parse(key.text) as { apiKeyId: string; secret: string };
  return { orgId, slug, userId, apiKeyId: k.apiKeyId, secret: k.secret };
}

/** POSTs a chat completion with the tenant's key. */
export function chat(sim: RunningSim, secret: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<HttpResult> {
  return sendJson(`${sim.routerUrl}/v1/chat/completions`, 'POST', body, { 'x-api-key': secret, ...headers });
}

/** Ground-truth records from /_sim/requests. */
export async function groundTruth(sim: RunningSim, query = ''): Promise<Array<Record<string, unknown>>> {
  const r = await http(`${sim.routerUrl}/_sim/requests${query}`);
  return (JSON.parse(r.text) as { requests: Array<Record<string, unknown>> }).requests;
}

/** Median of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export const USER_MSG = [{ role: 'user', content: 'Explain prefix caching in one paragraph.' }];
