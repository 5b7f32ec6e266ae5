import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error a handler throws to answer with a status and message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes a text/plain response (the admin service's error style). */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true };

/** Reads a request body, giving up (and draining the rest) once it exceeds `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve({ ok: false, tooLarge: true });
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        resolve({ ok: false, tooLarge: true });
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve({ ok: true, body: Buffer.concat(parts) });
    });
    req.on('error', reject);
  });
}

/** Parses JSON, returning undefined instead of throwing. */
export function tryParseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

export interface Route<C> {
  /** Path pattern with `:name` segments, e.g. /v1/orgs/:org/users/:userId. */
  pattern: string;
  methods: Partial<Record<string, (ctx: C, params: Record<string, string>) => Promise<void> | void>>;
}

/** Finds the route for a path: its handler for the method, or the allowed methods (405), or null (404). */
export function matchRoute<C>(
  routes: readonly Route<C>[],
  method: string,
  path: string,
): { handler: NonNullable<Route<C>['methods'][string]>; params: Record<string, string>; pattern: string } | { allowed: string[] } | null {
  const segs = path.split('/').filter(Boolean);
  for (const r of routes) {
    const pat = r.pattern.split('/').filter(Boolean);
    if (pat.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pat.length && ok; i++) {
      const p = pat[i] as string;
      const s = segs[i] as string;
      if (!p.startsWith(':')) ok = p === s;
      else {
        const value = safeDecode(s);
        if (value === null) ok = false;
        else params[p.slice(1)] = value;
      }
    }
    if (!ok) continue;
    const handler = r.methods[method];
    if (handler) return { handler, params, pattern: r.pattern };
    return { allowed: Object.keys(r.methods) };
  }
  return null;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
