// Failures a new user can see, and figures that say where they came from: the real k6, the relay and the sim.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim/index';
import { repoRoot } from './helpers/k6';
import { runLoadtest, sim, simJson, type LoadtestRun } from './helpers/loadtest';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function withSim(config: Record<string, unknown> = { models: { 'gpt-4o': fastModel() } }): Promise<RunningSim> {
  running = await sim(config as Parameters<typeof sim>[0]);
  return running;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const summaryOf = (run: LoadtestRun): Record<string, any> => {
  if (run.summary === null) throw new Error(`no summary.json; k6 exited ${run.code}: ${run.stderr.slice(-1500)}`);
  return run.summary;
};

/** A user with no think time and no retries: the case that used to hammer a broken target. */
const impatient = (spec: Record<string, unknown> = {}) =>
  scenarioYaml({
    userBehavior: {
      thinkTimeSeconds: { base: 0, variance: 0, distribution: 'uniform', min: 0, max: 0 },
      errorHandling: { retryAttempts: 0, stopOnErrors: 3 },
    },
    loadPattern: { phases: [{ kind: 'sustain', durationSec: 4, target: 4 }] },
    limits: { maxDurationSec: 4 },
    ...spec,
  });

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a run where the requests fail never looks like a run that passed', () => {
  it('a wrong path: exit 99, FAILED on the second line, the 404s listed with their URL path, and users back off', async () => {
    const s = await withSim();
    const run = await runLoadtest(s, impatient(), { env: { API_ROUTER_URL: `${s.routerUrl}/nope` } });
    expect(run.code, run.stderr.slice(-1500)).toBe(99);
    const sum = summaryOf(run);
    expect(sum.run.result.passed).toBe(false);
    expect(sum.run.result.failures).toContain('threshold llm_request_failed rate<=0.5 failed');
    expect(sum.errors.top[0]).toMatchObject({ category: 'http_4xx', status: 404, path: '/nope/v1/chat/completions' });
    expect(sum.errors.top[0].message).toContain('route not found');
    expect(run.stdout.split('\n').find((l) => l.includes('result ..'))).toMatch(/FAILED: threshold llm_request_failed rate<=0\.5 failed/);
    expect(run.stdout).toMatch(/x http_4xx 404 \/nope\/v1\/chat\/completions: HTTP 404: route not found/);
    // Four users with no think time: without the backoff this was hundreds of requests a second.
    expect(sum.errors.backoff.count).toBeGreaterThan(0);
    console.log(`wrong path: ${sum.throughput.requests} requests in 4 s from 4 users, ${sum.errors.backoff.count} backoffs`);
    expect(sum.throughput.requests).toBeLessThan(60);
  });

  it('nothing listening: exit 99, and the summary names the refused connection', async () => {
    const s = await withSim();
    const port = await closedPort();
    const run = await runLoadtest(s, impatient(), { env: { API_ROUTER_URL: `http://127.0.0.1:${port}` } });
    expect(run.code, run.stderr.slice(-1500)).toBe(99);
    const top = summaryOf(run).errors.top[0];
    expect(top).toMatchObject({ category: 'connection_error', status: 0, path: '/v1/chat/completions' });
    expect(top.message).toMatch(/connection refused/);
  });

  it('a base URL written with the OpenAI SDK\'s /v1 is taken as the API root', async () => {
    const s = await withSim();
    const run = await runLoadtest(s, impatient({ loadPattern: { phases: [{ kind: 'sustain', durationSec: 2, target: 2 }] }, limits: { maxDurationSec: 2 } }), {
      env: { API_ROUTER_URL: `${s.routerUrl}/v1` },
    });
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    expect(run.simRequests.length).toBeGreaterThan(0);
    expect(run.simRequests.every((r) => r.status === 200)).toBe(true);
  });

  it('a failed setup puts its reason at the top of the summary and in summary.json, and exits 107', async () => {
    const s = await withSim();
    const run = await runLoadtest(s, impatient(), { env: { AIAAS_ADMIN_PASSWORD: 'not-the-password' } });
    expect(run.code).toBe(107);
    const sum = summaryOf(run);
    expect(sum.run.setupError).toMatch(/log in to the admin API: the admin email or password is wrong \(HTTP 400 invalid_grant\)/);
    expect(sum.run.result.passed).toBe(false);
    const lines = run.stdout.split('\n');
    const title = lines.findIndex((l) => l.startsWith('LLM summary:'));
    expect(lines[title + 1]).toMatch(/result \.+ FAILED: setup failed: provisioning failed: log in to the admin API/);
    expect(lines[title + 2]).toMatch(/ended by \.+ setup failed: provisioning failed: log in to the admin API/);
    expect(run.stdout + run.stderr).not.toContain('not-the-password');
    expect(run.files['junit.xml']).toMatch(/<failure message="setup failed: provisioning failed: log in to the admin API/);
  });
});

describe('figures that say where they came from', () => {
  it('without usage, the summary says the tokens were estimated and gives the chunks beside them', async () => {
    const s = await withSim();
    const run = await runLoadtest(s, scenarioYaml({ request: { includeUsage: false }, loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 4 }] }, limits: { maxDurationSec: 3 } }));
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    const t = summaryOf(run).tokens;
    expect(t.estimatedShare).toBe(1);
    const simChunks = run.simRequests.reduce((n, r) => n + r.chunks.filter((c) => c.tokens > 0).length, 0);
    expect(t.chunks).toBe(simChunks);
    expect(run.stdout).toMatch(/completion [\d,]+ \(100\.0% ESTIMATED from text, not the platform's usage; [\d,]+ token-bearing chunks\)/);
  });

  it('an open run short of VUs reports its dropped iterations, and measures client queue from the schedule', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel({ ttftBaseMs: 150 }) } });
    const run = await runLoadtest(
      s,
      scenarioYaml({
        // merge() keeps the base pattern's fields: an open pattern has no ramp-down, so it is nulled out of the YAML.
        loadPattern: { model: 'open', iteration: 'request', preAllocatedVUs: 1, maxVUs: 1, gracefulStopSec: 2, gracefulRampDownSec: undefined, phases: [{ kind: 'sustain', durationSec: 3, target: 20 }] },
        limits: { maxDurationSec: 3 },
      }),
    );
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    const sum = summaryOf(run);
    expect(sum.run.droppedIterations).toBeGreaterThan(10);
    expect(run.stdout).toMatch(/dropped iterations \.+ [\d,]+: iterations k6 did not start for want of a free VU/);
    expect(sum.latency.clientQueue.count).toBe(sum.throughput.requests);
    // Started iterations start when due (late ones are dropped), so the queue is the harness's own overhead.
    expect(sum.latency.clientQueue.med).toBeLessThan(50);
    console.log(`open run short of VUs: ${sum.run.droppedIterations} dropped, client queue p50 ${sum.latency.clientQueue.med.toFixed(1)} ms`);
  });

  it('a fleet guard whose Prometheus has no series warns once and keeps each pod to its share', async () => {
    const empty = createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    });
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    try {
      const prometheusUrl = `http://127.0.0.1:${(empty.address() as AddressInfo).port}`;
      const s = await withSim({ models: { 'gpt-4o': { ...fastModel({ ttftBaseMs: 10, gapMs: 1 }), output: { kind: 'uniform', min: 8, max: 32 } } } });
      const yaml = scenarioYaml({
        users: { perOrg: { min: 10, max: 10 } },
        request: { maxTokens: { distribution: 'fixed', value: 32 } },
        limits: { maxCostUSD: 0.3, maxDurationSec: 30, fleetGuard: { prometheusUrl, intervalSec: 1 } },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 30, target: 10 }] },
      });
      const seq = ['--execution-segment-sequence', '0,1/2,1'];
      const runId = `guard-nodata-${Date.now()}`;
      const env = { LOADTEST_REQUEST_LOG: '0' };
      const [a, b] = await Promise.all([
        runLoadtest(s, yaml, { runId, env, args: ['--execution-segment', '0:1/2', ...seq] }),
        runLoadtest(s, yaml, { runId, env, args: ['--execution-segment', '1/2:1', ...seq] }),
      ]);
      const spend = (await simJson<{ requests: { costUSD: number }[] }>(`${s.routerUrl}/_sim/requests`)).requests.reduce((sum, r) => sum + r.costUSD, 0);
      console.log(`fleet guard without data: two pods spent $${spend.toFixed(4)} of $0.3`);
      expect(spend).toBeLessThanOrEqual(0.3 * 1.05);
      for (const run of [a, b]) {
        const out = run.stdout + run.stderr + readFileSync(join(run.dir, 'console.log'), 'utf8');
        expect(out.match(/fleet guard: .*no llm_cost_usd series/g) ?? []).toHaveLength(1);
        expect(out).toMatch(/keeps to its own share of maxCostUSD \(\$0\.1500 of \$0\.3\)/);
        expect((run.summary?.run as { endReason: string }).endReason).toBe('maxCostUSD reached');
      }
    } finally {
      await new Promise<void>((resolve) => empty.close(() => resolve()));
    }
  });
});

describe('every shipped config ends cleanly on a healthy platform', () => {
  const seeds = ['smoke-test.yaml', 'single-org-50-users.yaml'];
  const shipped = readdirSync(join(repoRoot, 'configs')).filter((f) => f.endsWith('.yaml') && !seeds.includes(f) && (parse(readFileSync(join(repoRoot, 'configs', f), 'utf8')) as { kind?: string }).kind === 'LoadTestScenario');

  it('each exits 0 against the sim, with a passing result', async () => {
    const s = await withSim({});
    // All at once on one sim (each run has its own run id, so its own tenants): one at a time takes minutes, since
    // each waits up to gracefulStopSec for its users' sessions. --vus/--duration shorten runs of minutes to hours
    // without touching the files, as the seed configs' test does.
    const runs = await Promise.all(
      shipped.map((file) =>
        runLoadtest(s, readFileSync(join(repoRoot, 'configs', file), 'utf8'), {
          runId: `shipped-${file.replace(/\.yaml$/, '')}-${Date.now()}`,
          args: ['--vus', '2', '--duration', '5s'],
          timeoutMs: 180_000,
          cwd: repoRoot,
          env: { LOADTEST_REQUEST_LOG: '0' },
        }),
      ),
    );
    expect(shipped.length).toBeGreaterThanOrEqual(6);
    runs.forEach((run, i) => {
      const file = shipped[i] as string;
      expect(run.code, `${file}: ${run.stderr.slice(-2000)}`).toBe(0);
      const sum = summaryOf(run);
      expect(sum.run.result, file).toEqual({ passed: true, failures: [] });
      expect(sum.throughput.requests, file).toBeGreaterThan(0);
      expect(run.files['junit.xml'], file).not.toContain('<failure');
    });
  });
});
