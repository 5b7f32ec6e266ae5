import type { K6SummaryData } from './k6-data';
import type { RevokedKeys } from './model';

/** The revoked-key probe's finding from its gauges; null when the probe did not run. */
export function readRevokedKeys(data: K6SummaryData): RevokedKeys | null {
  const accepted = gauge(data, 'llm_revoked_key_accepted_seconds');
  if (accepted === null) return null;
  return { acceptedSec: accepted, stillAccepted: gauge(data, 'llm_revoked_keys_still_accepted') ?? 0 };
}

/** The worst finding of a split run's instances; null when none probed. */
export function mergeRevokedKeys(parts: (RevokedKeys | null)[]): RevokedKeys | null {
  const found = parts.filter((p): p is RevokedKeys => p !== null);
  if (found.length === 0) return null;
  return { acceptedSec: Math.max(...found.map((p) => p.acceptedSec)), stillAccepted: found.reduce((s, p) => s + p.stillAccepted, 0) };
}

/** Whether revoked keys kept working: the security finding. */
export function revokedKeysAccepted(r: RevokedKeys): boolean {
  return r.acceptedSec > 0 || r.stillAccepted > 0;
}

/** The finding in words: "none" when the router refused the revoked keys at once. */
export function describeRevokedKeys(r: RevokedKeys | null): string {
  if (r === null) return 'not probed';
  if (!revokedKeysAccepted(r)) return 'none: refused at once';
  if (r.stillAccepted > 0) return `SECURITY FINDING: revoked keys still accepted ${fmtSec(r.acceptedSec)} s after revocation, when the probe stopped (${r.stillAccepted} key${r.stillAccepted === 1 ? '' : 's'})`;
  return `SECURITY FINDING: revoked keys accepted for ${fmtSec(r.acceptedSec)} s after revocation`;
}

function fmtSec(s: number): string {
  return s.toFixed(1);
}

function gauge(data: K6SummaryData, key: string): number | null {
  const m = data.metrics[key];
  const v = m === undefined || m.type !== 'gauge' ? undefined : m.values.value;
  return typeof v === 'number' ? v : null;
}
