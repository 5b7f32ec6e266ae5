// The revoked-key probe end to end (issue 16): the real k6, the relay and the sim, whose router caches key
// validations for router.revocationDelaySeconds after a revocation, as the real router does. After cleanup the
// harness probes a sample of the revoked keys until they are refused, and reports how long they kept working.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import { runLoadtest, sim, type LoadtestRun } from './helpers/loadtest';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A 2 s run of 2 orgs of 2 users, with the probe on (scenarioYaml turns it off for the tests that count requests). */
async function runWithDelay(delaySec: number): Promise<LoadtestRun> {
  running = await sim({ models: { 'gpt-4o': fastModel() }, router: { revocationDelaySeconds: delaySec } });
  const yaml = scenarioYaml({
    organizations: { count: 2, namePrefix: 'revoke-org' },
    users: { perOrg: { min: 2, max: 2 } },
    limits: { maxDurationSec: 2 },
    loadPattern: { phases: [{ kind: 'sustain', durationSec: 2, target: 4 }] },
    cleanup: { revocationProbe: { enabled: true, keys: 3, maxSeconds: 10, intervalMs: 250 } },
  });
  return runLoadtest(running, yaml);
}

const revoked = (run: LoadtestRun) => (run.summary?.run as { revokedKeys: { acceptedSec: number; stillAccepted: number } | null }).revokedKeys;
const securityCase = (run: LoadtestRun) => /<testcase classname="run.security" name="revoked keys are refused at once"[^]*?(\/>|<\/testcase>)/.exec(run.files['junit.xml'] ?? '')?.[0] ?? '';

describe('the revoked-key probe', () => {
  it('reports revoked keys accepted for the sim\'s configured delay (3 s, within 1 s), as a security finding', async () => {
    const run = await runWithDelay(3);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const found = revoked(run);
    expect(found).not.toBeNull();
    console.log(`revoked keys accepted for ${found?.acceptedSec} s (sim delay 3 s)`);
    expect(found?.acceptedSec).toBeGreaterThanOrEqual(2);
    expect(found?.acceptedSec).toBeLessThanOrEqual(4);
    expect(found?.stillAccepted).toBe(0);
    expect(run.stdout).toMatch(/revoked keys \.+ SECURITY FINDING: revoked keys accepted for \d+\.\d s after revocation/);
    expect(securityCase(run)).toContain('<failure message="SECURITY FINDING: revoked keys accepted for');
    // Every key was revoked all the same, and the probe's requests all carried revoked keys.
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
  });

  it('reports "none" when the sim refuses revoked keys at once', async () => {
    const run = await runWithDelay(0);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(revoked(run)).toEqual({ acceptedSec: 0, stillAccepted: 0 });
    expect(run.stdout).toMatch(/revoked keys \.+ none: refused at once/);
    expect(securityCase(run)).toMatch(/\/>$/);
    // One probe round: the 3 sampled keys, each refused.
    expect(run.simRequests.filter((r) => r.status === 401)).toHaveLength(3);
  });
});
