// The static adapter (any OpenAI-compatible endpoint): given keys round-robin, or, for a server without auth
// and only when the config says so, no key at all. A forgotten key stops the run with an error naming where
// the keys were looked for; it never turns into unauthenticated requests.
import { describe, expect, it } from 'vitest';
import { provisionStatic, type StaticPlatform } from '../../../src/platform/static';
import { planTenants } from '../../../src/platform/tenants';

const plan = planTenants(
  { runTag: 'r', organizations: { count: 2, namePrefix: 'org' }, users: { perOrg: { min: 2, max: 2 }, namePrefix: 'user', emailDomain: 'loadtest.invalid' } },
  { int: (min) => min },
);
const bearer: StaticPlatform = { auth: 'bearer', staticKeysEnv: 'LOADTEST_API_KEYS' };
const secretsOf = (keys: string[], platform: StaticPlatform) => provisionStatic(plan, plan.users, keys, platform).users.map((u) => u.keys.map((k) => k.secret));

describe('the static adapter', () => {
  it('hands the given keys out round-robin by test-wide user index', () => {
    expect(secretsOf(['sk-a', 'sk-b', 'sk-c'], bearer)).toEqual([['sk-a'], ['sk-b'], ['sk-c'], ['sk-a']]);
  });

  it('with platform.auth none, needs no key and gives every user an empty one: no Authorization header', () => {
    expect(secretsOf([], { ...bearer, auth: 'none' })).toEqual([[''], [''], [''], ['']]);
  });

  it('with bearer auth and no key, stops naming the env var and the way to say the server has no auth', () => {
    expect(() => secretsOf([], bearer)).toThrow(
      'static adapter: no API keys given: the env var LOADTEST_API_KEYS (spec.platform.staticKeysEnv) is unset or empty; for a server without auth, set spec.platform.auth: none',
    );
    expect(() => secretsOf([], { ...bearer, staticKeysEnv: 'MY_KEYS', staticKeysFile: 'keys.txt' })).toThrow(
      'no API keys given: keys.txt (spec.platform.staticKeysFile) holds none and the env var MY_KEYS (spec.platform.staticKeysEnv) is unset or empty',
    );
  });
});
