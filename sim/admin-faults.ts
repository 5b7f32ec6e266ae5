import { z } from 'zod';

/**
 * One admin fault: requests matching `route` ("METHOD /pattern" as the admin routes spell it, e.g.
 * "POST /v1/orgs/:org/invites", or "*" for every /v1 request, login included) pass `after` times, then are
 * answered `status` (`times` times, or for good when null). Set at run time through POST /_sim/admin-faults so
 * a test can break provisioning mid-batch or take the admin API away during teardown. With `delayMs` (and no
 * status) it only slows the route, so a test can interrupt setup or teardown while they run. `mode` says how a
 * status is given: `fail` (default) answers a plain error text; `echo` a JSON body echoing the request (its body and
 * Authorization header, as some servers' errors do); `restatus` handles the request as usual but sends `status`
 * instead (a key issued with 200, not 201), so tests can check that no secret in such answers reaches a message.
 */
const AdminFaultSchema = z.strictObject({
  route: z.string().regex(/^(\*|(GET|POST|PATCH|PUT|DELETE) \/\S*)$/, 'route must be "*" or "METHOD /pattern"'),
  status: z.number().int().min(200).max(599).nullable().default(null),
  mode: z.enum(['fail', 'echo', 'restatus']).default('fail'),
  /** Hold the request this long first (a slow admin API); a request whose client went away meanwhile is dropped. */
  delayMs: z.number().int().nonnegative().max(60_000).default(0),
  after: z.number().int().nonnegative().default(0),
  times: z.number().int().positive().nullable().default(null),
});
export const AdminFaultsSchema = z.array(AdminFaultSchema).max(32);
type AdminFault = z.output<typeof AdminFaultSchema>;

/** The admin faults in force and how many requests each has seen. */
export class AdminFaults {
  private rules: { fault: AdminFault; seen: number }[] = [];

  /** Replaces every fault (an empty list clears them). */
  set(faults: AdminFault[]): void {
    this.rules = faults.map((fault) => ({ fault, seen: 0 }));
  }

  /** The faults with their request counts, for GET /_sim/admin-faults. */
  list(): (AdminFault & { seen: number })[] {
    return this.rules.map((r) => ({ ...r.fault, seen: r.seen }));
  }

  /** What to do to a request: hold it delayMs, then give it status the way mode says (null: handle it); `route` is "METHOD pattern" or null. */
  strike(path: string, route: string | null): { status: number | null; mode: AdminFault['mode']; delayMs: number } {
    const out = { status: null as number | null, mode: 'fail' as AdminFault['mode'], delayMs: 0 };
    for (const r of this.rules) {
      const hit = r.fault.route === '*' ? path.startsWith('/v1/') : route === r.fault.route;
      if (!hit) continue;
      r.seen++;
      const past = r.seen - r.fault.after;
      if (past > 0 && (r.fault.times === null || past <= r.fault.times)) {
        out.delayMs = Math.max(out.delayMs, r.fault.delayMs);
        if (out.status === null && r.fault.status !== null) {
          out.status = r.fault.status;
          out.mode = r.fault.mode;
        }
      }
    }
    return out;
  }
}
