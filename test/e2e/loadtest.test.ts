// The scenario library end to end: the real k6 runs dist/loadtest.js against the real sim, and the
// tests compare what the harness reports with the sim's ground truth.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectedThinkTimeMs } from '../../src/behaviour/distributions';
import type { RunningSim } from '../../sim/index';
import { bundle, repoRoot, runK6 } from './helpers/k6';
import { runLoadtest, sim, type LoadtestRun, type LoggedRequest, type SimRequest } from './helpers/loadtest';
import { startFlakyProxy } from './helpers/flaky-proxy';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function withSim(config: Parameters<typeof sim>[0]): Promise<RunningSim> {
  running = await sim(config);
  return running;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

function summaryOf(run: LoadtestRun): Record<string, any> {
  if (!run.summary) throw new Error(`no summary.json (k6 exit ${run.code}): ${run.stderr.slice(-2000)}`);
  return run.summary as Record<string, any>;
}

/** No VU threw: k6 reports uncaught script errors on stderr. */
function expectNoScriptErrors(run: LoadtestRun): void {
  expect(run.stderr).not.toMatch(/Uncaught|GoError|TypeError|ReferenceError|panic:/);
}

/** Gaps between one key's consecutive requests, as the sim saw them (think time + client overhead). */
function serverGaps(reqs: SimRequest[]): number[] {
  const byKey = new Map<string, SimRequest[]>();
  for (const r of reqs) {
    if (!r.keyId || r.endMs === null) continue;
    byKey.set(r.keyId, [...(byKey.get(r.keyId) ?? []), r]);
  }
  const gaps: number[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => a.receivedMonoMs - b.receivedMonoMs);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1] as SimRequest;
      gaps.push((list[i] as SimRequest).receivedMonoMs - (prev.receivedMonoMs + (prev.endMs as number)));
    }
  }
  return gaps;
}

describe('multi-org run (3 orgs of 10/20/30 users)', () => {
  it('bootstraps every user, keeps per-org figures apart, cleans up, and leaks no secret', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const metricsFile = join(mkdtempSync(join(tmpdir(), 'multi-org-metrics-')), 'metrics.json');
    const run = await runLoadtest(
      s,
      scenarioYaml({
        organizations: { count: 3, namePrefix: 'multi-org', overrides: [{ org: 1, users: 10 }, { org: 2, users: 20 }, { org: 3, users: 30 }] },
        users: { perOrg: { min: 1, max: 1 } },
        userBehavior: { thinkTimeSeconds: { base: 0.5, variance: 0.2, distribution: 'uniform', min: 0.3, max: 0.7 } },
        loadPattern: { phases: [{ kind: 'ramp', durationSec: 2, target: 60 }, { kind: 'sustain', durationSec: 6, target: 60 }] },
      }),
      // Every sample with its tags, so the secret check below covers metric tags too.
      { args: ['--out', `json=${metricsFile}`] },
    );
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expectNoScriptErrors(run);
    const sum = summaryOf(run);

    const orgs = run.simState.orgs.filter((o) => o.name.startsWith('multi-org-'));
    expect(orgs.map((o) => o.name).sort()).toEqual(['multi-org-1', 'multi-org-2', 'multi-org-3']);
    expect(new Set(run.simRequests.map((r) => r.keyId)).size).toBe(60);
    expect(run.simState.users).toHaveLength(60);

    const simCost = new Map<string, number>();
    for (const r of run.simRequests) if (r.orgId) simCost.set(r.orgId, (simCost.get(r.orgId) ?? 0) + r.costUSD);
    expect(sum.cost.byOrg).toHaveLength(3);
    for (const o of sum.cost.byOrg) {
      const id = orgs.find((x) => x.name === o.org)?.orgId as string;
      expect(o.requests).toBeGreaterThan(0);
      expect(o.costUSD).toBeCloseTo(simCost.get(id) ?? -1, 6);
    }
    const reqs = Object.fromEntries(sum.cost.byOrg.map((o: { org: string; requests: number }) => [o.org, o.requests]));
    expect(reqs['multi-org-3']).toBeGreaterThan(reqs['multi-org-1']);

    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
    expect(run.simState.users.filter((u) => u.status !== 'suspended')).toEqual([]);
    expect(orgs.filter((o) => o.status !== 'suspended')).toEqual([]);

    const secrets = [s.config.admin.password, ...run.simState.apiKeys.map((k) => k.secret as string)];
    expect(secrets.length).toBe(61);
    const samples = readFileSync(metricsFile, 'utf8');
    expect(samples).toContain('"org":"multi-org-3"');
    const outputs = { stdout: run.stdout, stderr: run.stderr, ...run.files, console: run.log.map((l) => JSON.stringify(l)).join('\n'), 'metric samples and tags': samples };
    for (const [name, text] of Object.entries(outputs)) {
      for (const secret of secrets) expect(text.includes(secret), `a secret appears in ${name}`).toBe(false);
    }
  });

  it('cleans up every org when k6 is interrupted (Ctrl-C) midway', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    let interruptedAfter = 0;
    const run = await runLoadtest(
      s,
      scenarioYaml({
        organizations: { count: 3, namePrefix: 'sigint-org' },
        users: { perOrg: { min: 3, max: 3 } },
        limits: { maxDurationSec: 60 },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 60, target: 9 }] },
      }),
      {
        // Interrupt once the users are sending, as a person at the terminal would.
        onSpawn: (child) => {
          const poll = setInterval(async () => {
            const seen = ((await (await fetch(`${s.routerUrl}/_sim/requests?limit=1`)).json()) as { total: number }).total;
            if (seen >= 20 && interruptedAfter === 0) {
              interruptedAfter = seen;
              child.kill('SIGINT');
            }
          }, 100);
          child.on('exit', () => clearInterval(poll));
        },
      },
    );
    expect(interruptedAfter, 'the run was interrupted while sending').toBeGreaterThan(0);
    expect(run.simRequests.length, 'it stopped soon after the interrupt').toBeLessThan(400);
    expect(run.simState.apiKeys.length).toBe(9);
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
    expect(run.simState.orgs.filter((o) => o.name.startsWith('sigint-org-') && o.status !== 'suspended')).toEqual([]);
    expect(run.summary, 'handleSummary still wrote the reports').not.toBeNull();
  });

  it('cleans up every key when a guard aborts the run midway', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(s, scenarioYaml({ limits: { maxCostUSD: 0.002 } }));
    expect(run.code, 'k6 exits 108 when the script aborts the test').toBe(108);
    expect(summaryOf(run).run.endReason).toBe('maxCostUSD reached');
    expect(summaryOf(run).run.result.passed).toBe(false);
    expect(run.simState.apiKeys.length).toBe(4);
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
  });

  it('maxRequests is a planned cap: the run sends that many, idles out its schedule, exits 0 and passes', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(s, scenarioYaml({ limits: { maxRequests: 12, maxDurationSec: 4 }, loadPattern: { phases: [{ kind: 'sustain', durationSec: 4, target: 4 }] } }));
    expect(run.code, run.stderr.slice(-1000)).toBe(0);
    const sum = summaryOf(run);
    expect(sum.run.endReason).toBe('maxRequests reached');
    expect(sum.run.result).toEqual({ passed: true, failures: [] });
    expect(run.simRequests.length).toBe(12);
    expect(run.stdout).toMatch(/ended by \.+ maxRequests reached \(a planned cap/);
    expect(run.files['junit.xml']).not.toContain('<failure');
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
  });
});

describe('thresholds and per-type request parameters', () => {
  it('a failed threshold makes k6 exit 99 and is a failed case in junit.xml; each test type sends its own max_tokens', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(
      s,
      scenarioYaml({
        request: { maxTokens: { distribution: 'fixed', value: 64 } },
        testTypes: [
          { name: 'short', weight: 1, questionStrategy: 'mixed', maxTokens: { distribution: 'fixed', value: 3 } },
          { name: 'plain', weight: 1, questionStrategy: 'mixed' },
        ],
        thresholds: { llm_request_failed: ['rate<0.5'], llm_e2e: ['max<1'], 'llm_ttft{test_type:short}': [{ threshold: 'p(95)<60000' }] },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 4 }] },
      }),
    );
    expect(run.code, `k6 exits 99 when a threshold fails: ${run.stderr.slice(-1000)}`).toBe(99);
    const short = run.log.filter((l) => l.testType === 'short');
    const plain = run.log.filter((l) => l.testType === 'plain');
    expect(short.length).toBeGreaterThan(3);
    expect(plain.length).toBeGreaterThan(3);
    expect(new Set(short.map((l) => l.maxTokens))).toEqual(new Set([3]));
    expect(new Set(plain.map((l) => l.maxTokens))).toEqual(new Set([64]));
    const byId = new Map(run.simRequests.map((r) => [r.requestId, r]));
    for (const l of short) expect(byId.get(l.requestId as string)?.completionTokens).toBe(3);
    expect(short.every((l) => l.finishReason === 'length')).toBe(true);
    expect(plain.every((l) => l.finishReason === 'stop')).toBe(true);
    expect(summaryOf(run).finishReasons).toMatchObject({ length: short.length, stop: plain.length });

    const junit = run.files['junit.xml'] as string;
    const thresholdSuite = /<testsuite name="thresholds" tests="(\d+)" failures="(\d+)"/.exec(junit);
    // The config's three, and the default error guard (limits.failAboveErrorRate), which passed.
    expect(thresholdSuite?.slice(1)).toEqual(['4', '1']);
    expect(junit).toMatch(/<failure message="threshold max&lt;1 on llm_e2e failed/);
  });

  it('a schedule replaced on the command line still ends at maxDurationSec, named as the reason', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const started = Date.now();
    const run = await runLoadtest(s, scenarioYaml({ limits: { maxDurationSec: 2 }, loadPattern: { phases: [{ kind: 'sustain', durationSec: 2, target: 2 }] } }), {
      args: ['--vus', '2', '--duration', '60s'],
    });
    expect(run.code, run.stderr.slice(-1000)).toBe(108);
    expect(summaryOf(run).run.endReason).toBe('maxDurationSec exceeded');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
  });
});

describe('think times', () => {
  const cases = [
    { distribution: 'uniform', base: 0.2, variance: 0.1, min: 0.1, max: 0.3, users: 10, seconds: 8 },
    { distribution: 'gaussian', base: 0.2, variance: 0.05, min: 0.1, max: 0.35, users: 10, seconds: 8 },
    { distribution: 'exponential', base: 0.2, variance: 0, min: 0.02, max: 1.2, users: 20, seconds: 15 },
  ];
  for (const c of cases) {
    it(`${c.distribution}: gaps between a user's requests match the configured mean within 10% and respect min/max`, async () => {
      const think = { base: c.base, variance: c.variance, distribution: c.distribution, min: c.min, max: c.max };
      const s = await withSim({ models: { 'gpt-4o': fastModel({ output: { kind: 'fixed', tokens: 4 } }) } } as Parameters<typeof sim>[0]);
      const run = await runLoadtest(
        s,
        scenarioYaml({
          users: { perOrg: { min: c.users, max: c.users } },
          userBehavior: { thinkTimeSeconds: think, questionsPerSession: { min: 5, max: 5 } },
          limits: { maxDurationSec: c.seconds },
          loadPattern: { phases: [{ kind: 'sustain', durationSec: c.seconds, target: c.users }] },
        }),
      );
      expect(run.code, run.stderr.slice(-2000)).toBe(0);
      const gaps = serverGaps(run.simRequests);
      const want = expectedThinkTimeMs(think as Parameters<typeof expectedThinkTimeMs>[0]);
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      const slept = run.thinks.reduce((a, b) => a + b, 0) / run.thinks.length;
      console.log(`${c.distribution}: ${gaps.length} gaps, mean ${mean.toFixed(1)} ms vs configured ${want.toFixed(1)} ms (slept ${slept.toFixed(1)} ms), min ${Math.min(...gaps).toFixed(1)}, max ${Math.max(...gaps).toFixed(1)}`);
      expect(gaps.length).toBeGreaterThan(300);
      expect(Math.abs(mean - want) / want).toBeLessThan(0.1);
      // On the wire a gap is the think time plus the client's own turn-around, so only the floor is exact there;
      // the ceiling is checked on the think times the harness actually slept (k6's sleep overshoots by a few ms under load).
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(c.min * 1000);
      expect(Math.min(...run.thinks)).toBeGreaterThanOrEqual(c.min * 1000);
      expect(Math.max(...run.thinks)).toBeLessThanOrEqual(c.max * 1000 + 10);
    });
  }
});

describe('test types, cache and accuracy', () => {
  const mixed = (leaky: boolean, seconds: number) => ({
    sim: { cache: { leaky }, models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0],
    yaml: scenarioYaml({
      users: { perOrg: { min: 12, max: 12 } },
      userBehavior: { thinkTimeSeconds: { base: 0.01, variance: 0, distribution: 'uniform', min: 0.01, max: 0.01 }, questionsPerSession: { min: 4, max: 4 } },
      loadPattern: { phases: [{ kind: 'sustain', durationSec: seconds, target: 12 }] },
      limits: { maxDurationSec: seconds },
      testTypes: [
        { name: 'random_short', weight: 60, questionStrategy: 'mixed', cacheBehavior: 'avoid' },
        { name: 'cached', weight: 30, questionStrategy: 'historical', cacheBehavior: 'prefer', cacheSalt: { scope: 'user' } },
        { name: 'technical', weight: 10, questionStrategy: 'technical', cacheBehavior: 'avoid' },
      ],
    }),
  });

  it('mix within 5 points over >= 1,000 requests; cached >80% hits, random_short <5%; no salt violation', async () => {
    const c = mixed(false, 10);
    const s = await withSim(c.sim);
    const run = await runLoadtest(s, c.yaml);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const sum = summaryOf(run);
    const shares = Object.entries(sum.testTypes as Record<string, { share: number; configuredShare: number }>).map(([n, t]) => `${n} ${(100 * t.share).toFixed(1)}% (configured ${(100 * t.configuredShare).toFixed(1)}%)`);
    console.log(`${sum.throughput.requests} requests: ${shares.join(', ')}; cache hits: cached ${(100 * sum.cache.byTestType.cached).toFixed(1)}%, random_short ${(100 * sum.cache.byTestType.random_short).toFixed(1)}%; salt violations ${sum.cache.saltViolations.count}`);
    expect(sum.throughput.requests).toBeGreaterThanOrEqual(1000);
    for (const [name, t] of Object.entries(sum.testTypes as Record<string, { share: number; configuredShare: number }>)) {
      expect(Math.abs(t.share - t.configuredShare), `${name} share ${t.share}`).toBeLessThanOrEqual(0.05);
    }
    expect(sum.cache.byTestType.cached).toBeGreaterThan(0.8);
    expect(sum.cache.byTestType.random_short).toBeLessThan(0.05);
    expect(sum.cache.saltViolations.count).toBe(0);
  });

  it('per request, harness TTFT and TPOT agree with the sim’s ground truth (median error <= 2 ms)', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel({ ttftBaseMs: 40, gapMs: 6, output: { kind: 'fixed', tokens: 32 } }) } } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(s, scenarioYaml({ request: { maxTokens: { distribution: 'fixed', value: 32 } }, loadPattern: { phases: [{ kind: 'sustain', durationSec: 6, target: 4 }] }, limits: { maxDurationSec: 6 } }));
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const byId = new Map(run.simRequests.map((r) => [r.requestId, r]));
    const ttftErr: number[] = [];
    const tpotErr: number[] = [];
    for (const l of run.log) {
      const r = l.requestId ? byId.get(l.requestId) : undefined;
      if (!r || !l.ok || l.ttftMs === null || l.tpotMs === null || r.chunks.length < 2) continue;
      const first = r.chunks[0] as { atMs: number };
      const last = r.chunks[r.chunks.length - 1] as { atMs: number };
      ttftErr.push(Math.abs(l.ttftMs - first.atMs));
      tpotErr.push(Math.abs(l.tpotMs - (last.atMs - first.atMs) / (r.completionTokens - 1)));
    }
    console.log(`accuracy over ${ttftErr.length} requests: TTFT error median ${median(ttftErr).toFixed(3)} ms, TPOT error median ${median(tpotErr).toFixed(3)} ms`);
    expect(ttftErr.length).toBeGreaterThan(50);
    expect(median(ttftErr)).toBeLessThanOrEqual(2);
    expect(median(tpotErr)).toBeLessThanOrEqual(2);
  });

  it('reports salt-isolation violations when the platform’s cache leaks across salts', async () => {
    const c = mixed(true, 5);
    const s = await withSim(c.sim);
    const run = await runLoadtest(s, c.yaml);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    console.log(`leaky cache: ${summaryOf(run).cache.saltViolations.count} salt-isolation violations reported`);
    expect(summaryOf(run).cache.saltViolations.count).toBeGreaterThan(0);
  });
});

describe('faults', () => {
  const faults: [string, Record<string, unknown>, string][] = [
    ['http500', { http500: 0.5 }, 'http_5xx'],
    ['http502', { http502: 0.5 }, 'http_5xx'],
    ['http503', { http503: 0.5 }, 'http_5xx'],
    ['http429', { http429: 0.5, retryAfterSeconds: 1 }, 'rate_limited'],
    ['resetBeforeHeaders', { resetBeforeHeaders: 0.5 }, 'connection_reset'],
    ['resetMidStream', { resetMidStream: 0.5, afterChunks: 2 }, 'stream_interrupted'],
    ['malformedChunk', { malformedChunk: 0.5, afterChunks: 2 }, 'malformed_stream'],
    ['stall', { stall: 0.5, stallSeconds: 3, afterChunks: 2 }, 'timeout'],
    ['slowHeaders', { slowHeaders: 0.5, slowHeadersMs: 3000 }, 'timeout'],
  ];

  it('every fault mode completes the run, is counted under its category, throws in no VU and hangs no request', async () => {
    const models: Record<string, Record<string, unknown>> = {};
    for (const [name, f] of faults) models[`m-${name}`] = fastModel({ faults: f });
    const s = await withSim({ models } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(
      s,
      scenarioYaml({
        users: { perOrg: { min: 9, max: 9 } },
        targets: { timeout: 1, idleTimeout: 1 },
        // Every fault model fails most requests: the error guard and the failure backoff are other tests' subject.
        userBehavior: { errorHandling: { retryAttempts: 0, stopOnErrors: 1000, failureBackoffMs: 0 } },
        limits: { maxDurationSec: 8, failAboveErrorRate: 1 },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 8, target: 9 }] },
        testTypes: faults.map(([name]) => ({ name, weight: 1, questionStrategy: 'mixed', modelTargeting: { mediumModels: [`m-${name}`] } })),
      }),
      { timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expectNoScriptErrors(run);
    for (const [name, , category] of faults) {
      const lines = run.log.filter((l) => l.model === `m-${name}`);
      const failed = lines.filter((l) => !l.ok);
      expect(lines.length, `${name}: requests`).toBeGreaterThan(2);
      expect(failed.length, `${name}: failures`).toBeGreaterThan(0);
      expect(new Set(failed.map((l) => l.errorType)), `${name}: categories`).toEqual(new Set([category]));
      // The timeouts are 1 s and the stall and slow headers last 3 s: a request that waited them out hung.
      for (const l of lines) expect(l.attemptMs, `${name}: an attempt outlived its 1 s timeout`).toBeLessThan(2500);
    }
    expect(summaryOf(run).errors.total).toBe(run.log.filter((l) => !l.ok).length);
    // These models have no price: each gets the default price and one warning for the whole process, never a silent zero.
    const consoleText = readFileSync(join(run.dir, 'console.log'), 'utf8') + run.stderr;
    for (const [name] of faults) expect(consoleText.split(`no price for model m-${name}:`).length - 1, `${name}: price warnings`).toBe(1);
  });
});

describe('buffered bundle (no relay)', () => {
  it('runs the same scenario with buffered HTTP, reports TTFB, never TTFT, and says which limits it cannot enforce', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(s, scenarioYaml({ limits: { maxRequests: 100000 }, loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 4 }] } }), { stock: true });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(run.log.length).toBeGreaterThan(10);
    expect(run.log.every((l) => l.ok && l.ttftMs === null && l.e2eMs !== null)).toBe(true);
    expect(run.stderr + run.stdout + readFileSync(join(run.dir, 'console.log'), 'utf8')).toMatch(/buffered transport: maxRequests NOT enforced/);
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
    const summary = JSON.parse(readFileSync(join(run.dir, `${run.runId}-summary.json`), 'utf8'));
    expect(summary.run.transport).toBe('buffered');
    expect(summary.latency.ttft).toBeNull();
    expect(summary.latency.ttfb.count).toBeGreaterThan(10);
  });
});

describe('bad input', () => {
  it('an invalid config stops k6 before setup: path-specific message, non-zero exit, nothing provisioned', async () => {
    const s = await withSim({});
    const yaml = scenarioYaml({ userBehavior: { thinkTimeSeconds: { base: 1, variance: 0, distribution: 'uniform', min: 3, max: 2 } } });
    const run = await runLoadtest(s, yaml);
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toMatch(/spec\.userBehavior\.thinkTimeSeconds\.min: must be <= max/);
    expect(run.simState.orgs).toEqual([]);
  });
  it('a target override that is not a URL is named, and nothing is provisioned', async () => {
    const s = await withSim({});
    const run = await runLoadtest(s, scenarioYaml(), { env: { API_ROUTER_URL: 'router:8080' } });
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toMatch(/API_ROUTER_URL: must be an http:\/\/ or https:\/\/ URL/);
    expect(run.simState.orgs).toEqual([]);
  });
  it('missing admin credentials are named, and nothing is provisioned', async () => {
    const s = await withSim({});
    const run = await runLoadtest(s, scenarioYaml(), { env: { AIAAS_ADMIN_PASSWORD: '' } });
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toMatch(/AIAAS_ADMIN_EMAIL and AIAAS_ADMIN_PASSWORD/);
    expect(run.simState.orgs).toEqual([]);
  });
});

/** For each 429 the sim answered, the time until the same key's next request reached it. */
function waitsAfter429(requests: SimRequest[]): number[] {
  const byKey = new Map<string, SimRequest[]>();
  for (const r of requests) byKey.set(r.keyId as string, [...(byKey.get(r.keyId as string) ?? []), r]);
  const waits: number[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => a.receivedMonoMs - b.receivedMonoMs);
    list.forEach((r, i) => {
      const next = list[i + 1];
      if (r.status === 429 && next) waits.push(next.receivedMonoMs - r.receivedMonoMs);
    });
  }
  return waits;
}

describe('errorHandling', () => {
  it('a 429 is retried after the Retry-After the platform asked for, not the shorter backoff', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel({ faults: { http429: 0.3, retryAfterSeconds: 1 } }) } } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(
      s,
      scenarioYaml({
        userBehavior: { errorHandling: { retryAttempts: 3, retryBackoffMs: 10, stopOnErrors: 1000 } },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 5, target: 4 }] },
      }),
    );
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    const waits = waitsAfter429(run.simRequests);
    console.log(`Retry-After 1 s: ${waits.length} retries after a 429, waits ${Math.min(...waits).toFixed(0)}-${Math.max(...waits).toFixed(0)} ms`);
    expect(waits.length).toBeGreaterThan(3);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(995);
  });

  it("a key's next question waits out the Retry-After window a 429 opened, even with no retry left", async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel({ faults: { http429: 0.3, retryAfterSeconds: 1 } }) } } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(
      s,
      scenarioYaml({
        userBehavior: {
          thinkTimeSeconds: { base: 0.05, variance: 0, distribution: 'uniform', min: 0.05, max: 0.05 },
          errorHandling: { retryAttempts: 0, stopOnErrors: 1000, failureBackoffMs: 0 },
        },
        limits: { failAboveErrorRate: 1 },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 5, target: 4 }] },
      }),
    );
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    const waits = waitsAfter429(run.simRequests);
    console.log(`Retry-After 1 s, no retries: ${waits.length} next questions after a 429, waits ${Math.min(...waits).toFixed(0)}-${Math.max(...waits).toFixed(0)} ms`);
    expect(waits.length).toBeGreaterThan(3);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(995);
  });

  it('stopOnErrors ends a user\'s session after that many errors; ignoreErrorCodes do not count', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel({ faults: { http500: 1 } }), 'm-502': fastModel({ faults: { http502: 1 } }) } } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(
      s,
      scenarioYaml({
        users: { perOrg: { min: 2, max: 2 } },
        // Every request fails: the error guard and the failure backoff are other tests' subject.
        userBehavior: { questionsPerSession: { min: 6, max: 6 }, errorHandling: { retryAttempts: 0, stopOnErrors: 2, ignoreErrorCodes: [502], failureBackoffMs: 0 } },
        limits: { maxDurationSec: 8, failAboveErrorRate: 1 },
        testTypes: [
          { name: 'counted', weight: 1, questionStrategy: 'mixed' },
          { name: 'ignored', weight: 1, questionStrategy: 'mixed', modelTargeting: { mediumModels: ['m-502'] } },
        ],
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 2 }] },
      }),
    );
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    // Every request fails; a session of 6 questions ends at its second counted (500) error, however many ignored 502s came between.
    const sessions = splitSessions(run.log);
    expect(sessions.length).toBeGreaterThan(2);
    for (const s_ of sessions) {
      const counted = s_.filter((l) => l.status === 500).length;
      expect(counted === 2 || (counted < 2 && s_.length === 6), `session ${s_.map((l) => l.status).join(',')}`).toBe(true);
      if (counted === 2) expect(s_[s_.length - 1]?.status).toBe(500);
    }
  });
});

describe('the static adapter (any OpenAI-compatible endpoint)', () => {
  it('uses the given keys, provisions and revokes nothing, and leaks no key', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const keys = [await issueKey(s), await issueKey(s, 'second')];
    const run = await runLoadtest(
      s,
      scenarioYaml({ platform: { adapter: 'static' }, users: { perOrg: { min: 3, max: 3 } }, loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 3 }] } }),
      { env: { LOADTEST_API_KEYS: keys.join(','), AIAAS_ADMIN_PASSWORD: '' } },
    );
    expect(run.code, run.stderr.slice(-1500)).toBe(0);
    expect(run.log.length).toBeGreaterThan(5);
    expect(run.log.every((l) => l.ok)).toBe(true);
    expect(new Set(run.simRequests.map((r) => r.keyId)).size).toBe(2);
    expect(run.simState.orgs.map((o) => o.name).sort()).toEqual(['example', 'second']);
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toHaveLength(2);
    const outputs = [run.stdout, run.stderr, ...Object.values(run.files), run.log.map((l) => JSON.stringify(l)).join('\n')];
    for (const key of keys) for (const text of outputs) expect(text.includes(key)).toBe(false);
  });
});

/** A user's requests split into sessions: the request log holds each VU's requests in order, and a session's questions are consecutive. */
function splitSessions(log: LoggedRequest[]): LoggedRequest[][] {
  const sessions: LoggedRequest[][] = [];
  const open = new Map<string, LoggedRequest[]>();
  for (const l of log) {
    const key = l.session;
    if (!open.has(key)) {
      open.set(key, []);
      sessions.push(open.get(key) as LoggedRequest[]);
    }
    (open.get(key) as LoggedRequest[]).push(l);
  }
  return sessions;
}

describe('provisioning against a struggling admin API', () => {
  const quickRetries = { platform: { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 } } };

  it('retries 5xx answers with backoff and provisions every user', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    // Every admin call fails once, then succeeds on its retry.
    const proxy = await startFlakyProxy(s.adminUrl, ({ refusedBefore }) => refusedBefore === 0);
    try {
      const run = await runLoadtest(s, scenarioYaml({ ...quickRetries, loadPattern: { phases: [{ kind: 'sustain', durationSec: 2, target: 4 }] } }), { env: { USER_ORG_URL: proxy.url } });
      expect(run.code, run.stderr.slice(-1500)).toBe(0);
      expect(proxy.refused.length).toBeGreaterThan(10);
      expect(run.simState.users).toHaveLength(4);
      expect(run.log.length).toBeGreaterThan(4);
      expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('names the step when retries run out, and undoes what it had made', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const proxy = await startFlakyProxy(s.adminUrl, ({ method, path }) => method === 'POST' && path.endsWith('/api-keys'));
    try {
      const run = await runLoadtest(s, scenarioYaml(quickRetries), { env: { USER_ORG_URL: proxy.url } });
      expect(run.code).not.toBe(0);
      expect(run.stderr + run.stdout).toMatch(/issue key 1 for user e2e-user-\S+: .*503.*\(after 3 attempts\)/);
      expect(run.simRequests, 'no chat request was sent').toEqual([]);
      expect(run.simState.users.filter((u) => u.status !== 'suspended')).toEqual([]);
      expect(run.simState.orgs.filter((o) => o.status !== 'suspended')).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('cleanup policy', () => {
  it('never keeps the keys active; on-success keeps them only when the run failed', async () => {
    const keptBy = async (policy: string, http503: number): Promise<number> => {
      const s = await sim({ models: { 'gpt-4o': fastModel({ faults: { http503 } }) } } as Parameters<typeof sim>[0]);
      try {
        const run = await runLoadtest(
          s,
          scenarioYaml({
            cleanup: { policy },
            userBehavior: { errorHandling: { retryAttempts: 0, stopOnErrors: 1000, failureBackoffMs: 0 } },
            // Half the requests fail by design here: the default error guard would fail the run on a coin toss.
            limits: { maxDurationSec: 8, failAboveErrorRate: 1 },
            loadPattern: { phases: [{ kind: 'sustain', durationSec: 2, target: 4 }] },
          }),
        );
        expect(run.code, run.stderr.slice(-1500)).toBe(0);
        return run.simState.apiKeys.filter((k) => k.status === 'active').length;
      } finally {
        await s.close();
      }
    };
    expect(await keptBy('never', 0)).toBe(4);
    expect(await keptBy('on-success', 0)).toBe(0);
    // Half the requests fail, above the default 10% that counts as a failed run: the tenants stay for debugging.
    expect(await keptBy('on-success', 0.5)).toBe(4);
  });
});

describe('custom scenario from the library', () => {
  it('src/entry/examples/fixed-prompt.ts streams with a given key and records llm_* metrics', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const key = await issueKey(s);
    const out = join(mkdtempSync(join(tmpdir(), 'fixed-prompt-')), 'summary.json');
    const res = await runK6(['run', '--quiet', '--vus', '2', '--iterations', '6', '--summary-export', out, '-e', `BASE_URL=${s.routerUrl}`, '-e', `API_KEY=${key}`, '-e', 'PAUSE_SEC=0', bundle('examples/fixed-prompt.js')]);
    expect(res.code, res.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(out, 'utf8')).metrics;
    expect(metrics.llm_requests.count).toBe(6);
    expect(metrics.llm_ttft.count ?? metrics.llm_ttft.avg).toBeGreaterThan(0);
    expect(res.stdout + res.stderr).not.toContain(key);
  });
});

/** Provisions one key on the sim through its admin API, as a user of the static adapter would have. */
async function issueKey(s: RunningSim, name = 'example'): Promise<string> {
  const post = async (path: string, body: unknown, token?: string, method = 'POST') => {
    const r = await fetch(`${s.adminUrl}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, string>;
  };
  const { access_token: token } = await post('/v1/auth/login', { email: s.config.admin.email, password: s.config.admin.password });
  const org = await post('/v1/orgs', { name, slug: name }, token);
  const invite = await post(`/v1/orgs/${org.orgId}/invites`, { email: `user@${name}.invalid` }, token);
  await post(`/v1/orgs/${org.orgId}/users/${invite.inviteId}`, { status: 'active' }, token, 'PATCH');
  return (await post(`/v1/orgs/${org.orgId}/users/${invite.inviteId}/api-keys`, {}, token)).secret as string;
}

describe('the seed configs run unchanged', () => {
  for (const [file, vus] of [['smoke-test.yaml', 5], ['single-org-50-users.yaml', 50]] as const) {
    it(`configs/${file} provisions, streams (documents, model targeting, salts included) and cleans up`, async () => {
      const s = await withSim({});
      const yaml = readFileSync(join(repoRoot, 'configs', file), 'utf8');
      // --vus/--duration shorten the seed's 5-60 minute runs without touching the file.
      const run = await runLoadtest(s, yaml, { args: ['--vus', String(vus), '--duration', '6s'], timeoutMs: 120_000, cwd: repoRoot });
      expect(run.code, run.stderr.slice(-2000)).toBe(0);
      expectNoScriptErrors(run);
      expect(run.log.length).toBeGreaterThan(vus);
      expect(run.log.filter((l) => !l.ok)).toEqual([]);
      expect(run.simState.users).toHaveLength(vus);
      expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
      if (file === 'single-org-50-users.yaml') {
        const types = new Set(run.log.map((l) => l.testType));
        expect(types).toEqual(new Set(['random_short', 'long_document', 'cached']));
        expect(new Set(run.log.map((l) => l.model))).toEqual(new Set(['gpt-3.5-turbo', 'gpt-4o']));
        const docPrompts = run.simRequests.filter((r) => r.promptTokens > 700);
        expect(docPrompts.length).toBeGreaterThan(0);
      }
    });
  }
});

describe('several k6 instances (execution segments, as the k6-operator runs them)', () => {
  it('provision disjoint shares of one run, share its orgs, and together clean up everything', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const yaml = scenarioYaml({ organizations: { count: 3 }, users: { perOrg: { min: 3, max: 3 } }, loadPattern: { phases: [{ kind: 'sustain', durationSec: 4, target: 9 }] }, limits: { maxDurationSec: 4 } });
    const runId = `segments-${Date.now()}`;
    const seq = ['--execution-segment-sequence', '0,1/2,1'];
    const [a, b] = await Promise.all([
      runLoadtest(s, yaml, { runId, args: ['--execution-segment', '0:1/2', ...seq] }),
      runLoadtest(s, yaml, { runId, args: ['--execution-segment', '1/2:1', ...seq] }),
    ]);
    expect(a.code, a.stderr.slice(-1500)).toBe(0);
    expect(b.code, b.stderr.slice(-1500)).toBe(0);
    const state = (await (await fetch(`${s.adminUrl}/_sim/state`)).json()) as LoadtestRun['simState'];
    expect(state.orgs).toHaveLength(3);
    expect(state.users).toHaveLength(9);
    const requests = ((await (await fetch(`${s.routerUrl}/_sim/requests`)).json()) as { requests: SimRequest[] }).requests;
    expect(new Set(requests.map((r) => r.keyId)).size).toBe(9);
    expect(state.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
    expect(state.orgs.filter((o) => o.status !== 'suspended')).toEqual([]);
  });
});


describe('self-check', () => {
  it('the summary carries the self-check block: the relay CPU and lag, and the k6 CPU seen by the relay, with a verdict', async () => {
    const s = await withSim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]);
    const run = await runLoadtest(s, scenarioYaml({ loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 4 }] }, limits: { maxDurationSec: 3 } }));
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const sc = summaryOf(run).selfCheck;
    expect(['ok', 'warn']).toContain(sc.verdict);
    expect(sc.reason).toBeNull();
    expect(sc.cpu.coresAvailable).toBeGreaterThanOrEqual(1);
    expect(sc.cpu.cpuSeconds).toBeGreaterThan(0);
    expect(sc.cpu.windows).toBeGreaterThanOrEqual(2);
    expect(sc.k6Cpu.cpuSeconds, 'the relay finds the k6 process on the other end of its session').toBeGreaterThan(0);
    expect(sc.lag.samples).toBeGreaterThan(100);
    expect(sc.lag.p99Ms).toBeGreaterThanOrEqual(sc.lag.p50Ms);
    expect(sc.limits).toEqual({ cpuAvgShare: 0.85, cpuWindowBusyShare: 0.9, cpuBusyWindowsShare: 0.1, lagP50Ms: 1, lagP99Ms: 2.5 });
    expect(sc.verdict === 'warn').toBe(sc.warnings.length > 0);
    expect(run.stdout).toMatch(/self-check \.+ (ok|WARNING): relay CPU [\d.]+ of \d+ core\(s\)(, peak [\d.]+)?; k6 CPU [\d.]+ of \d+ core\(s\)/);
  });
});
