import type { ProvisionedUser } from './types';

/** What the revoked-key probe found. */
export interface RevocationOutcome {
  /** Revoked keys sent. */
  probed: number;
  /** Longest a probed key was still accepted after revocation began, s; 0 when every key was refused at once. */
  acceptedSec: number;
  /** Probed keys still accepted when the probe reached its bound. */
  stillAccepted: number;
}

/** Up to `n` revoked keys to probe: the first key of users taken from each org in turn, so the sample spans orgs. */
export function sampleRevokedKeys(users: readonly ProvisionedUser[], n: number): string[] {
  const byOrg = new Map<number, ProvisionedUser[]>();
  for (const u of users) if (u.keys.length > 0 && u.keys[0]?.secret) byOrg.set(u.orgIndex, [...(byOrg.get(u.orgIndex) ?? []), u]);
  const queues = [...byOrg.values()];
  const out: string[] = [];
  for (let round = 0; out.length < n && queues.some((q) => round < q.length); round++) {
    for (const q of queues) {
      const u = q[round];
      if (u && out.length < n) out.push(u.keys[0]?.secret as string);
    }
  }
  return out;
}

/**
 * Follows each probed key from the start of revocation until the router refuses it (401 or 403). Any other answer
 * means the key got past authentication, so it is still accepted; no answer at all (status 0) tells nothing.
 */
export class RevocationWatch {
  private readonly refusedAt: (number | null)[];
  private readonly everAccepted: boolean[];

  constructor(
    keys: number,
    private readonly fromMs: number,
  ) {
    this.refusedAt = new Array<number | null>(keys).fill(null);
    this.everAccepted = new Array<boolean>(keys).fill(false);
  }

  /** Records key i's answer to a probe sent at `sentMs`. */
  record(i: number, status: number, sentMs: number): void {
    if (this.refusedAt[i] !== null || status === 0) return;
    if (status === 401 || status === 403) this.refusedAt[i] = sentMs;
    else this.everAccepted[i] = true;
  }

  /** Indexes of the keys not refused yet. */
  pending(): number[] {
    return this.refusedAt.map((r, i) => (r === null ? i : -1)).filter((i) => i >= 0);
  }

  /** The outcome when the probe stops at `nowMs`: a key never refused counts as accepted until then. */
  outcome(nowMs: number): RevocationOutcome {
    let acceptedMs = 0;
    this.refusedAt.forEach((r, i) => {
      if (!this.everAccepted[i]) return;
      acceptedMs = Math.max(acceptedMs, (r ?? nowMs) - this.fromMs);
    });
    const stillAccepted = this.refusedAt.filter((r, i) => r === null && this.everAccepted[i]).length;
    return { probed: this.refusedAt.length, acceptedSec: Math.round(acceptedMs / 100) / 10, stillAccepted };
  }
}
