import { orgsOf, type TenantPlan, type UserPlan } from '../tenants';
import type { Provisioned } from './types';

/** Parses the static adapter's keys: comma- or newline-separated, blanks and `#` comments ignored. */
export function parseStaticKeys(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && s.charAt(0) !== '#');
}

/**
 * For any OpenAI-compatible endpoint: nothing is created; users take the given keys round-robin
 * (by test-wide index, so every instance hands out the same key to the same user).
 */
export function provisionStatic(plan: TenantPlan, share: UserPlan[], keys: string[]): Provisioned {
  if (keys.length === 0) throw new Error('static adapter: no API keys given (set the env var named by spec.platform.staticKeysEnv, or spec.platform.staticKeysFile)');
  return {
    adapter: 'static',
    orgs: orgsOf(share).map((i) => ({ index: i, name: (plan.orgs[i - 1] as { name: string }).name, orgId: `static-${i}`, owned: false })),
    users: share.map((u) => ({
      index: u.index,
      name: u.name,
      org: (plan.orgs[u.orgIndex - 1] as { name: string }).name,
      orgIndex: u.orgIndex,
      orgId: `static-${u.orgIndex}`,
      userId: `static-${u.index}`,
      keys: [{ id: `static-key-${((u.index - 1) % keys.length) + 1}`, secret: keys[(u.index - 1) % keys.length] as string }],
    })),
    warnings: [],
  };
}
