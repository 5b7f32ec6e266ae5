// The sim as a model backend behind a gateway (issue 16 item 6): a tiny loopback gateway (a test helper that
// holds each request for a fixed delay, then forwards it without credentials and streams the answer through)
// sits in front of the keyless sim; `npm run bench -- --gateway` runs the real k6 and relay through it with a
// keyless static config and reports the gateway's added TTFT against the sim's ground truth of each stream.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim/index';
import type { GatewayFigures } from '../../bench/stats';
import { startGateway, type TestGateway } from './helpers/gateway';
import { bundle, repoRoot } from './helpers/k6';

const DELAY_MS = 150;
// The gateway's own forwarding, the harness's stamping and a busy 2-core machine, above the configured delay.
const TOLERANCE_MS = 40;

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], { cwd: repoRoot, env: { ...process.env, LOADTEST_API_KEYS: '', K6_NO_USAGE_REPORT: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Result {
  auth: string;
  k6ExitCode: number | null;
  failed: number;
  figures: GatewayFigures;
  problems: string[];
}

let sim: RunningSim;
let gateway: TestGateway;
let blind: TestGateway;
beforeAll(async () => {
  bundle('loadtest.js');
  sim = await startSim({
    config: {
      router: { keyless: true },
      models: { 'gpt-4o': { ttftBaseMs: 40, prefillMsPerToken: 0, gapMs: 5, jitterMs: 0, output: { kind: 'fixed', tokens: 8 } } },
    },
  });
  gateway = await startGateway(sim.routerUrl, DELAY_MS);
  blind = await startGateway(sim.routerUrl, 0, { dropRequestId: true });
});
afterAll(async () => {
  await gateway?.close();
  await blind?.close();
  await sim?.close();
});

describe('npm run bench -- --gateway, in front of the keyless sim', () => {
  it("reports the gateway's added TTFT against the sim's truth, matching the gateway's configured delay", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bench-gateway-e2e-')), 'gateway.json');
    const res = await runBench(['--gateway', gateway.url, '--sim', sim.routerUrl, '--gateway-users', '3', '--sustain-sec', '3', '--tokens', '8', '--out', out]);
    expect(res.code, res.stdout + res.stderr.slice(-3000)).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8')) as Result;
    console.log(res.stdout);
    expect(r).toMatchObject({ auth: 'none', k6ExitCode: 0, failed: 0, problems: [] });
    expect(r.figures.unmatched).toBe(0);
    expect(r.figures.matched).toBeGreaterThan(10);
    expect(r.figures.addedTtft?.n).toBe(r.figures.matched);
    // The truth is the sim's own TTFT (40 ms configured), counted from when the gateway forwarded the request.
    expect(r.figures.simTtft?.median).toBeGreaterThanOrEqual(40);
    expect(r.figures.simTtft?.median).toBeLessThan(40 + TOLERANCE_MS);
    const added = r.figures.addedTtft;
    expect(added?.median).toBeGreaterThanOrEqual(DELAY_MS);
    expect(added?.median).toBeLessThan(DELAY_MS + TOLERANCE_MS);
    // Node timers never fire early by more than their ms rounding, so no stream gets less than the delay.
    expect(added?.min).toBeGreaterThanOrEqual(DELAY_MS - 1);
    expect(res.stdout).toMatch(new RegExp(`the gateway adds ${Math.floor(added?.median ?? 0)}\\.\\d ms to TTFT`));
    // The harness sent no key (platform.auth: none), and the gateway forwarded none: the sim needed none.
    expect(gateway.forwarded.length).toBeGreaterThanOrEqual(r.figures.matched);
    expect(gateway.forwarded.filter((f) => f.hadCredentials)).toEqual([]);
  }, 120_000);

  it('fails, saying why, when the gateway does not pass the sim’s x-request-id through', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bench-gateway-e2e-')), 'gateway.json');
    const res = await runBench(['--gateway', blind.url, '--sim', sim.routerUrl, '--gateway-users', '1', '--sustain-sec', '1', '--tokens', '4', '--out', out]);
    expect(res.code).toBe(1);
    const r = JSON.parse(readFileSync(out, 'utf8')) as Result;
    expect(r.figures.matched).toBe(0);
    expect(r.figures.addedTtft).toBeNull();
    expect(r.problems.join('\n')).toContain("the gateway must pass the sim's x-request-id response header through");
    expect(res.stdout).toContain('problem: none of');
  }, 120_000);
});
