// A keyless target end to end: the real k6 runs dist/loadtest.js with the static adapter against an
// OpenAI-like server that has no auth, with no LOADTEST_API_KEYS anywhere. With spec.platform.auth: none it
// runs and sends no Authorization header; without it, the same run stops before any request, naming the
// env var it looked in.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, runK6, type K6Run } from './helpers/k6';
import { scenarioYaml } from './helpers/scenario-config';
import { startSseServer, type SseTestServer } from './helpers/sse-server';

let server: SseTestServer;
beforeAll(async () => {
  server = await startSseServer([5, 5, 5, 5]);
});
afterAll(async () => {
  await server?.close();
});

/** Runs a short static-adapter scenario against the server, with LOADTEST_API_KEYS empty whatever this shell has. */
async function runStatic(platform: Record<string, unknown>): Promise<K6Run> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-e2e-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, scenarioYaml({ platform: { adapter: 'static', ...platform }, loadPattern: { phases: [{ kind: 'sustain', durationSec: 2, target: 2 }] } }, 'keyless'));
  return runK6(['run', '--quiet', '--log-format', 'raw', bundle('loadtest.js')], {
    cwd: dir,
    env: { CONFIG: config, RUN_ID: `keyless-${Date.now()}`, API_ROUTER_URL: new URL(server.url).origin, LOADTEST_API_KEYS: '' },
  });
}

describe('a server without auth', () => {
  it('with spec.platform.auth: none, the run needs no key and sends no Authorization header', async () => {
    server.requests.clear();
    const run = await runStatic({ auth: 'none' });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(run.stdout + run.stderr).toContain('static adapter, no auth');
    const served = [...server.requests.values()];
    expect(served.length).toBeGreaterThan(2);
    expect(served.map((r) => r.authorization).filter((a) => a !== undefined)).toEqual([]);
  });

  it('without it, a missing key stops the run before any request, naming the env var', async () => {
    server.requests.clear();
    const run = await runStatic({});
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('the env var LOADTEST_API_KEYS (spec.platform.staticKeysEnv) is unset or empty; for a server without auth, set spec.platform.auth: none');
    expect(server.requests.size).toBe(0);
  });
});
