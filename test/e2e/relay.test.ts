// The relay is part of the harness, not of the platform: when it is missing the run stops before anything is
// created, and when it dies mid-run the run stops with one line, its requests counted as relay_unavailable,
// never as platform errors, and the tenants are still cleaned up.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import { startRelay } from './helpers/k6';
import { runLoadtest, sim } from './helpers/loadtest';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A loopback port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the stream relay, as k6 depends on it', () => {
  it('no relay at LLM_RELAY_URL: setup stops the run in one line naming `npm run relay`, before anything is created', async () => {
    running = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runLoadtest(running, scenarioYaml({ loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 2 }] } }), { env: { LLM_RELAY_URL: url } });
    const out = run.stdout + run.stderr;
    expect(run.code).not.toBe(0);
    expect(out).toContain(`stream relay unavailable at ${url}`);
    expect(out).toContain('npm run relay');
    expect(run.simState.orgs, 'nothing provisioned').toEqual([]);
    expect(run.simRequests).toEqual([]);
  }, 120_000);

  it('the relay killed mid-run: the run aborts with one line, no platform error is counted, and cleanup still runs', async () => {
    running = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const relay = await startRelay({ quiet: true, log: () => {} });
    const yaml = scenarioYaml({ loadPattern: { phases: [{ kind: 'sustain', durationSec: 20, target: 4 }] }, limits: { maxDurationSec: 20 } });
    const started = Date.now();
    const runP = runLoadtest(running, yaml, { env: { LLM_RELAY_URL: relay.url } });
    // Kill the relay once requests flow; SIGKILL leaves no graceful shutdown to hide behind.
    const s = running;
    for (let i = 0; i < 200; i++) {
      const n = ((await (await fetch(`${s.routerUrl}/_sim/requests`)).json()) as { requests: unknown[] }).requests.length;
      if (n >= 5) break;
      await sleep(100);
    }
    process.kill(relay.pid as number, 'SIGKILL');
    const run = await runP;
    const tookS = (Date.now() - started) / 1000;
    console.log(`relay killed mid-run: k6 exited ${run.code} after ${tookS.toFixed(1)} s, ${run.log.filter((l) => l.ok).length} requests answered, ${run.log.filter((l) => !l.ok).length} relay_unavailable`);
    const out = run.stdout + run.stderr;
    expect(run.code, 'an aborted run never exits 0').toBe(108);
    expect(tookS, 'stopped long before the 20 s schedule').toBeLessThan(18);
    expect(out).toMatch(/stream relay unavailable at http:\/\/127\.0\.0\.1:\d+/);
    const failed = run.log.filter((l) => !l.ok);
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((l) => l.errorType)), 'only the relay is blamed').toEqual(new Set(['relay_unavailable']));
    expect(run.log.filter((l) => l.ok).length, 'requests went through before the relay died').toBeGreaterThan(0);
    expect(run.simState.apiKeys.filter((k) => k.status === 'active'), 'teardown needs no relay to clean up').toEqual([]);
  }, 120_000);
});
