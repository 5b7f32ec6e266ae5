import type { LoadTestConfig } from '../config/schema';
import { orgsOf, type TenantPlan, type UserPlan } from './tenants';
import type { Provisioned, ProvisionedKey } from './types';

/** What the static adapter reads of spec.platform. */
export type StaticPlatform = Pick<LoadTestConfig['spec']['platform'], 'auth' | 'staticKeysEnv' | 'staticKeysFile'>;

/** Every user's credential against a server without auth: an empty secret, sent as no Authorization header. */
const NO_KEY: ProvisionedKey = { id: 'no-key', secret: '' };

/** Parses the static adapter's keys: comma- or newline-separated, blanks and `#` comments ignored. */
export function parseStaticKeys(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && s.charAt(0) !== '#');
}

/** Why a bearer-auth run has no key, naming where keys were looked for and how to say there are none to send. */
function noKeysError(platform: StaticPlatform): Error {
  const file = platform.staticKeysFile ? `${platform.staticKeysFile} (spec.platform.staticKeysFile) holds none and ` : '';
  return new Error(
    `static adapter: no API keys given: ${file}the env var ${platform.staticKeysEnv} (spec.platform.staticKeysEnv) is unset or empty; ` +
      'for a server without auth, set spec.platform.auth: none',
  );
}

/**
 * For any OpenAI-compatible endpoint: nothing is created; users take the given keys round-robin
 * (by test-wide index, so every instance hands out the same key to the same user), or no key at all
 * when spec.platform.auth is none. A forgotten key is an error, never an unauthenticated request.
 */
export function provisionStatic(plan: TenantPlan, share: UserPlan[], keys: string[], platform: StaticPlatform): Provisioned {
  const credentials = platform.auth === 'none' ? [NO_KEY] : keys.map((secret, i) => ({ id: `static-key-${i + 1}`, secret }));
  if (credentials.length === 0) throw noKeysError(platform);
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
      keys: [credentials[(u.index - 1) % credentials.length] as ProvisionedKey],
    })),
    warnings: [],
  };
}
