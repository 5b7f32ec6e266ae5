import { z } from 'zod';

/**
 * One admin fault: requests matching `route` ("METHOD /pattern" as the admin routes spell it, e.g.
 * "POST /v1/orgs/:org/invites", or "*" for every /v1 request, login included) pass `after` times, then are
 * answered `status` (`times` times, or for good when null). Set at run time through POST /_sim/admin-faults so
 * a test can break provisioning mid-batch or take the admin API away during teardown.
 */
const AdminFaultSchema = z.strictObject({
  route: z.string().regex(/^(\*|(GET|POST|PATCH|PUT|DELETE) \/\S*)$/, 'route must be "*" or "METHOD /pattern"'),
  status: z.number().int().min(400).max(599),
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

  /** The status to answer instead of handling the request, or null; `route` is "METHOD pattern" or null when no route matched. */
  strike(path: string, route: string | null): number | null {
    for (const r of this.rules) {
      const hit = r.fault.route === '*' ? path.startsWith('/v1/') : route === r.fault.route;
      if (!hit) continue;
      r.seen++;
      const past = r.seen - r.fault.after;
      if (past > 0 && (r.fault.times === null || past <= r.fault.times)) return r.fault.status;
    }
    return null;
  }
}
