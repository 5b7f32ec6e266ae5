import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SimContext } from './context';
import { HttpError, matchRoute, readBody, sendJson, sendText, tryParseJson } from './http';
import type { Route } from './http';
import { AdminFaultsSchema } from './admin-faults';
import { handleIntrospection } from './introspect';
import type { ApiKey, Result } from './tenants';

const ADMIN_BODY_LIMIT = 1 << 20;

interface AdminCall {
  ctx: SimContext;
  req: IncomingMessage;
  res: ServerResponse;
}

const LoginBody = z.object({
  email: z.string().min(1),
  password: z.string().min(1),
  org_id: z.string().optional(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});
const Metadata = z.record(z.string(), z.unknown());
const CreateOrgBody = z.object({
  name: z.string().trim().min(1),
  slug: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'slug must be letters, digits and dashes'),
  metadata: Metadata.optional(),
});
const Status = z.enum(['active', 'suspended']);
const PatchOrgBody = z.object({
  displayName: z.string().min(1).optional(),
  status: Status.optional(),
  budgetPolicyId: z.string().nullable().optional(),
  metadata: Metadata.optional(),
});
const InviteBody = z.object({
  email: z.email(),
  roles: z.array(z.string().min(1)).optional(),
  expiresInHours: z.number().positive().optional(),
});
const PatchUserBody = z.object({ status: Status.optional(), roles: z.array(z.string().min(1)).optional() });
const IssueKeyBody = z.object({
  scopes: z.array(z.string().min(1)).optional(),
  expiresInDays: z.number().int().positive().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const ServiceAccountBody = z.object({ name: z.string().trim().min(1) });
/** Body of POST /v1/budgets/{org}/overrides: an org's total and daily budget in USD; null removes a limit, an absent field keeps it. */
const BudgetBody = z
  .object({ limitUSD: z.number().nonnegative().nullable().optional(), dailyUSD: z.number().nonnegative().nullable().optional() })
  .refine((b) => b.limitUSD !== undefined || b.dailyUSD !== undefined, { message: 'give limitUSD and/or dailyUSD' });

async function body<T>(call: AdminCall, schema: z.ZodType<T>, allowEmpty = false): Promise<T> {
  const read = await readBody(call.req, ADMIN_BODY_LIMIT);
  if (!read.ok) throw new HttpError(413, 'request body too large');
  if (allowEmpty && read.body.length === 0) return schema.parse({});
  const parsed = tryParseJson(read.body);
  if (!parsed.ok) throw new HttpError(400, 'malformed JSON body');
  const result = schema.safeParse(parsed.value);
  if (!result.success) {
    throw new HttpError(400, result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  return result.data;
}

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new HttpError(r.status, r.message);
  return r.value;
}

function keyJson(key: ApiKey, secret: string): Record<string, unknown> {
  return {
    apiKeyId: key.apiKeyId,
    secret,
    fingerprint: key.fingerprint,
    status: key.status,
    scopes: key.scopes,
    ...(key.expiresAt !== null ? { expiresAt: key.expiresAt } : {}),
  };
}

function requireBearer(call: AdminCall): void {
  const auth = call.req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  const session = m ? call.ctx.sessions.get(m[1] as string) : undefined;
  if (!session) throw new HttpError(401, 'unauthorized: missing or invalid bearer token');
  if (session.expiresAtMs <= call.ctx.clock().getTime()) {
    call.ctx.sessions.delete(m?.[1] as string);
    throw new HttpError(401, 'unauthorized: token expired');
  }
}

const routes: Route<AdminCall>[] = [
  { pattern: '/healthz', methods: { GET: ({ res }) => sendText(res, 200, 'ok') } },
  { pattern: '/readyz', methods: { GET: ({ res }) => sendText(res, 200, 'ready') } },
  {
    pattern: '/v1/auth/login',
    methods: {
      POST: async (call) => {
        const b = await body(call, LoginBody);
        const admin = call.ctx.config.admin;
        if (b.email.toLowerCase() !== admin.email.toLowerCase() || b.password !== admin.password) {
          // The real service answers wrong credentials as an OAuth token endpoint does (RFC 6749 5.2), not 401.
          sendJson(call.res, 400, { error: 'invalid_grant', error_description: 'invalid email or password' });
          return;
        }
        const token = `sim-at-${call.ctx.ids.hex(48)}`;
        call.ctx.sessions.set(token, { email: admin.email, expiresAtMs: call.ctx.clock().getTime() + admin.tokenTtlSeconds * 1000 });
        sendJson(call.res, 200, {
          access_token: token,
          token_type: 'Bearer',
          expires_in: admin.tokenTtlSeconds,
          scope: b.scope ?? 'admin',
        });
      },
    },
  },
  {
    pattern: '/v1/orgs',
    methods: {
      POST: async (call) => {
        const b = await body(call, CreateOrgBody);
        sendJson(call.res, 201, unwrap(call.ctx.tenants.createOrg(b)));
      },
    },
  },
  {
    pattern: '/v1/orgs/:org',
    methods: {
      GET: (call, p) => {
        const org = call.ctx.tenants.org(p.org as string);
        if (!org) throw new HttpError(404, `org ${p.org} not found`);
        sendJson(call.res, 200, org);
      },
      PATCH: async (call, p) => {
        const b = await body(call, PatchOrgBody);
        sendJson(call.res, 200, unwrap(call.ctx.tenants.patchOrg(p.org as string, b)));
      },
    },
  },
  {
    pattern: '/v1/orgs/:org/invites',
    methods: {
      POST: async (call, p) => {
        const b = await body(call, InviteBody);
        const user = unwrap(call.ctx.tenants.invite(p.org as string, b));
        sendJson(call.res, 202, { inviteId: user.userId, email: user.email, status: 'pending', expiresAt: user.inviteExpiresAt });
      },
    },
  },
  {
    pattern: '/v1/orgs/:org/users/:userId',
    methods: {
      GET: (call, p) => sendJson(call.res, 200, unwrap(call.ctx.tenants.user(p.org as string, p.userId as string))),
      PATCH: async (call, p) => {
        const b = await body(call, PatchUserBody);
        sendJson(call.res, 200, unwrap(call.ctx.tenants.patchUser(p.org as string, p.userId as string, b)));
      },
    },
  },
  {
    pattern: '/v1/orgs/:org/users/:userId/api-keys',
    methods: {
      POST: async (call, p) => {
        const b = await body(call, IssueKeyBody, true);
        const { key, secret } = unwrap(call.ctx.tenants.issueKey(p.org as string, { type: 'user', id: p.userId as string }, b));
        sendJson(call.res, 201, keyJson(key, secret));
      },
    },
  },
  {
    pattern: '/v1/orgs/:org/service-accounts',
    methods: {
      POST: async (call, p) => {
        const b = await body(call, ServiceAccountBody);
        sendJson(call.res, 201, unwrap(call.ctx.tenants.createServiceAccount(p.org as string, b.name)));
      },
    },
  },
  {
    pattern: '/v1/orgs/:org/service-accounts/:id/api-keys',
    methods: {
      POST: async (call, p) => {
        const b = await body(call, IssueKeyBody, true);
        const principal = { type: 'service_account' as const, id: p.id as string };
        const { key, secret } = unwrap(call.ctx.tenants.issueKey(p.org as string, principal, b));
        sendJson(call.res, 201, keyJson(key, secret));
      },
    },
  },
  {
    pattern: '/v1/orgs/:org/api-keys/:apiKeyId',
    methods: {
      DELETE: (call, p) => {
        unwrap(call.ctx.tenants.revokeKey(p.org as string, p.apiKeyId as string));
        call.res.writeHead(204);
        call.res.end();
      },
    },
  },
  {
    pattern: '/v1/budgets/:org/status',
    methods: {
      GET: (call, p) => {
        const org = call.ctx.tenants.org(p.org as string);
        if (!org) throw new HttpError(404, `org ${p.org} not found`);
        sendJson(call.res, 200, call.ctx.ledger.status(org.orgId));
      },
    },
  },
  {
    // The contract's route for setting budgets. It answers the org's resulting budget status (not a new
    // resource), so 200 rather than 201.
    pattern: '/v1/budgets/:org/overrides',
    methods: {
      POST: async (call, p) => {
        const b = await body(call, BudgetBody);
        const org = call.ctx.tenants.org(p.org as string);
        if (!org) throw new HttpError(404, `org ${p.org} not found`);
        call.ctx.ledger.setLimits(org.orgId, b);
        sendJson(call.res, 200, call.ctx.ledger.status(org.orgId));
      },
    },
  },
];

/** GET lists the admin faults in force, POST replaces them (a JSON array, see sim/admin-faults.ts). */
async function adminFaults(call: AdminCall, method: string): Promise<void> {
  if (method === 'GET') {
    sendJson(call.res, 200, { faults: call.ctx.adminFaults.list() });
    return;
  }
  if (method !== 'POST') throw new HttpError(405, 'method not allowed');
  call.ctx.adminFaults.set(await body(call, AdminFaultsSchema));
  sendJson(call.res, 200, { faults: call.ctx.adminFaults.list() });
}

/** Paths that need an admin bearer token: the org tree and the budget extension. */
function needsAuth(path: string): boolean {
  return path === '/v1/orgs' || path.startsWith('/v1/orgs/') || path.startsWith('/v1/budgets/');
}

/** The admin service's request handler (mirrors the AI-AAS user/org service). */
export function createAdminHandler(ctx: SimContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    res.setHeader('x-request-id', `adm-${ctx.ids.hex(16)}`);
    res.on('finish', () => ctx.metrics.adminRequests.inc([String(res.statusCode)]));
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sim');
    const call: AdminCall = { ctx, req, res };
    if (url.pathname === '/_sim/admin-faults') {
      adminFaults(call, method).catch((err: unknown) => sendText(res, err instanceof HttpError ? err.status : 500, (err as Error).message));
      return;
    }
    if (handleIntrospection(ctx, method, url, res)) return;
    const run = async (): Promise<void> => {
      const unimplemented = !ctx.config.budgets.api && url.pathname.startsWith('/v1/budgets/');
      const match = unimplemented ? null : matchRoute(routes, method, url.pathname);
      const injected = ctx.adminFaults.strike(url.pathname, match && 'pattern' in match ? `${method} ${match.pattern}` : null);
      if (injected.delayMs > 0) {
        await new Promise((r) => setTimeout(r, injected.delayMs));
        if (req.socket.destroyed) return;
      }
      if (injected.status !== null && injected.mode === 'fail') {
        sendText(res, injected.status, 'injected admin fault');
        return;
      }
      if (injected.status !== null && injected.mode === 'echo') {
        const read = await readBody(req, ADMIN_BODY_LIMIT);
        const parsed = read.ok ? tryParseJson(read.body) : { ok: false as const };
        sendJson(res, injected.status, { error: 'injected admin fault', request: parsed.ok ? parsed.value : null, authorization: req.headers.authorization ?? null });
        return;
      }
      if (injected.status !== null) {
        const status = injected.status;
        const writeHead = res.writeHead.bind(res) as (code: number, ...rest: unknown[]) => ServerResponse;
        (res as { writeHead: unknown }).writeHead = (_code: number, ...rest: unknown[]) => writeHead(status, ...rest);
      }
      // Auth is middleware on the protected trees (as on the platform): it runs before routing there.
      if (needsAuth(url.pathname) && !unimplemented) requireBearer(call);
      if (match === null) {
        sendJson(res, 404, { error: 'route not found', path: url.pathname, method });
        return;
      }
      if ('allowed' in match) {
        sendText(res, 405, 'method not allowed', { allow: match.allowed.join(', ') });
        return;
      }
      await match.handler(call, match.params);
    };
    run().catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) sendText(res, err.status, err.message);
      else sendText(res, 500, `internal error: ${(err as Error).message}`);
    });
  };
}
