// Config options no other test exercised, each through the real k6 and relay against the sim: what the option
// says is what the platform sees.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim, type SimConfigInput } from '../../sim/index';
import { runLoadtest, type LoadtestRun } from './helpers/loadtest';
import { fastModel, scenarioYaml } from './helpers/scenario-config';
import { selfSignedCert, type Pem } from './helpers/tls-cert';

const sims: RunningSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function withSim(config: SimConfigInput, tls?: Pem): Promise<RunningSim> {
  const s = await startSim({ config, ...(tls ? { tls } : {}) });
  sims.push(s);
  return s;
}

const gpt4o = { models: { 'gpt-4o': fastModel() } };
const endReason = (run: LoadtestRun) => (run.summary?.run as { endReason: string | null } | undefined)?.endReason;
const failure = (run: LoadtestRun) => `k6 exit ${run.code}: ${run.stderr.slice(-1500)}`;

describe('targets.tlsVerify against the sim over HTTPS with a self-signed certificate', () => {
  let pem: Pem;
  beforeAll(() => {
    pem = selfSignedCert();
  });
  // Four users for four seconds: enough requests to see every path, short enough to stay cheap.
  const overTls = (targets: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    scenarioYaml({
      targets,
      limits: { maxDurationSec: 4 },
      loadPattern: { phases: [{ kind: 'sustain', durationSec: 4, target: 4 }] },
      ...extra,
    });

  it('tlsVerify: false provisions, streams and cleans up over https://127.0.0.1, and the run passes', async () => {
    const s = await withSim(gpt4o, pem);
    expect(s.routerUrl).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const run = await runLoadtest(s, overTls({ tlsVerify: false }), { ca: pem.cert });
    expect(run.code, failure(run)).toBe(0);
    expect(run.simRequests.length).toBeGreaterThan(10);
    expect(run.simRequests.every((r) => r.status === 200 && r.outcome === 'complete')).toBe(true);
    expect(run.log.filter((l) => !l.ok)).toEqual([]);
    expect(run.log.length).toBe(run.simRequests.length);
    expect(run.simState.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
  });

  it('tlsVerify on (the default): no chat request gets past the handshake, each fails as a connection error, the run fails', async () => {
    const s = await withSim(gpt4o, pem);
    // Pre-issued keys (static adapter), so provisioning needs no admin call and the chat path alone is on trial;
    // one session of one request per user, as a failed handshake ends it.
    const run = await runLoadtest(
      s,
      overTls(
        {},
        {
          platform: { adapter: 'static' },
          userBehavior: { sessionsPerUser: 1, errorHandling: { retryAttempts: 0, stopOnErrors: 1 } },
          thresholds: { llm_request_failed: ['rate<0.05'] },
        },
      ),
      { ca: pem.cert, env: { LOADTEST_API_KEYS: 'sk-never-sent' } },
    );
    expect(run.code, 'k6 exits 99 when a threshold fails').toBe(99);
    // The sim listens and answered the same setup with tlsVerify: false, so what failed is the handshake.
    expect(run.simRequests).toEqual([]);
    expect(run.log.map((l) => `${l.status} ${l.errorType}`)).toEqual(Array(4).fill('0 connection_error'));
  });

  it('tlsVerify on (the default): provisioning refuses the admin API\'s certificate, setup fails and nothing is created', async () => {
    const s = await withSim(gpt4o, pem);
    const run = await runLoadtest(s, overTls({}), { ca: pem.cert });
    expect(run.code, 'k6 exits 107 when setup throws').toBe(107);
    expect(run.stderr).toMatch(/log in to the admin API: .*x509: unknown authority/);
    expect(run.simState.orgs.filter((o) => o.name.startsWith('e2e-org'))).toEqual([]);
    expect(run.simRequests).toEqual([]);
  });
});

describe('organizations budget.dailyUSD', () => {
  const daily = 0.005;

  it('an org with a tiny daily budget stops once its daily share is spent, without a 402, while the other org goes on; the platform holds the limit the adapter set', async () => {
    const s = await withSim(gpt4o);
    const run = await runLoadtest(
      s,
      scenarioYaml({
        organizations: { count: 2, overrides: [{ org: 2, budget: { limitUSD: 1, dailyUSD: daily } }] },
        users: { perOrg: { min: 3, max: 3 } },
        limits: { maxDurationSec: 6 },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 6, target: 6 }] },
      }),
    );
    expect(run.code, failure(run)).toBe(0);
    expect(endReason(run)).toBeNull();
    const org = (name: string) => run.simState.orgs.find((o) => o.name === name) as LoadtestRun['simState']['orgs'][number];
    const [big, small] = [org('e2e-org-1'), org('e2e-org-2')];
    expect(small.budget).toMatchObject({ limitUSD: 1, dailyUSD: daily });
    expect(big.budget).toMatchObject({ limitUSD: null, dailyUSD: null });
    const byOrg = (run.summary as { cost: { byOrg: { org: string; dailyBudgetUSD: number | null }[] } }).cost.byOrg;
    expect(byOrg.map((o) => [o.org, o.dailyBudgetUSD])).toEqual([['e2e-org-1', null], ['e2e-org-2', daily]]);

    const requestsOf = (o: { orgId: string }) => run.simRequests.filter((r) => r.orgId === o.orgId);
    const spend = requestsOf(small).reduce((sum, r) => sum + r.costUSD, 0);
    const last = Math.max(...run.simRequests.map((r) => r.receivedMonoMs));
    const lateSmall = requestsOf(small).filter((r) => r.receivedMonoMs > last - 2000);
    console.log(`dailyUSD ${daily}: the small org sent ${requestsOf(small).length} requests for $${spend.toFixed(5)}; the other ${requestsOf(big).length}`);
    // The harness stopped it, not the platform: the sim never had to refuse.
    expect(requestsOf(small).filter((r) => r.status !== 200)).toEqual([]);
    expect(spend).toBeLessThanOrEqual(daily);
    expect(spend / daily, 'it spent most of its day before stopping').toBeGreaterThan(0.7);
    expect(lateSmall).toEqual([]);
    expect(requestsOf(big).filter((r) => r.receivedMonoMs > last - 2000).length).toBeGreaterThan(0);
    expect(requestsOf(big).filter((r) => r.status !== 200)).toEqual([]);
  });
});

describe('users.apiKeys', () => {
  interface SimKey {
    apiKeyId: string;
    principalId: string;
    createdAt: string;
    expiresAt: string | null;
  }
  let run: LoadtestRun;
  // One run for both options: two users with two keys each, expiring in a week. Three questions a session, so a
  // rotation that restarted with each session would favour the first key.
  beforeAll(async () => {
    const s = await startSim({ config: gpt4o });
    try {
      run = await runLoadtest(
        s,
        scenarioYaml({
          users: { perOrg: { min: 2, max: 2 }, apiKeys: { perUser: 2, expiryDays: 7 } },
          limits: { maxDurationSec: 5 },
          loadPattern: { phases: [{ kind: 'sustain', durationSec: 5, target: 2 }] },
        }),
      );
    } finally {
      await s.close();
    }
  });
  const keys = () => run.simState.apiKeys as unknown as SimKey[];

  it('perUser: 2 issues two keys a user, and each user\'s requests take them in turn', () => {
    expect(run.code, failure(run)).toBe(0);
    const owners = new Map(keys().map((k) => [k.apiKeyId, k.principalId]));
    const byUser = new Map<string, string[]>();
    for (const r of [...run.simRequests].sort((a, b) => a.receivedMonoMs - b.receivedMonoMs)) {
      const user = owners.get(r.keyId as string) as string;
      byUser.set(user, [...(byUser.get(user) ?? []), r.keyId as string]);
    }
    expect(byUser.size).toBe(2);
    for (const [user, sequence] of byUser) {
      const counts = keys().filter((k) => k.principalId === user).map((k) => sequence.filter((id) => id === k.apiKeyId).length);
      console.log(`user ${user}: ${sequence.length} requests, per key ${counts.join(' / ')}`);
      expect(counts).toHaveLength(2);
      expect(sequence.length).toBeGreaterThan(6);
      expect(sequence.filter((id, i) => i > 0 && id === sequence[i - 1]), 'no key is used twice in a row').toEqual([]);
    }
  });

  it('expiryDays: 7 reaches the platform: every key the ai-aas adapter issued expires 7 days after it was created', () => {
    expect(keys()).toHaveLength(4);
    for (const k of keys()) expect(Date.parse(k.expiresAt as string) - Date.parse(k.createdAt)).toBe(7 * 86_400_000);
  });
});

describe('testTypes[].streamingResponse: false', () => {
  it('runs end to end: requests, E2E latency and usage tokens are reported, TTFT, ITL and TPOT are not (no stream), and the run passes', async () => {
    const s = await withSim(gpt4o);
    const run = await runLoadtest(
      s,
      scenarioYaml({
        testTypes: [{ name: 'plain', weight: 1, streamingResponse: false }],
        limits: { maxDurationSec: 4 },
        loadPattern: { phases: [{ kind: 'sustain', durationSec: 4, target: 4 }] },
      }),
    );
    expect(run.code, failure(run)).toBe(0);
    const sum = run.summary as Record<string, any>;
    const reqs = run.simRequests;
    expect(reqs.length).toBeGreaterThan(10);
    expect(reqs.every((r) => (r as unknown as { stream: boolean }).stream === false && r.status === 200)).toBe(true);

    expect(sum.throughput.requests).toBe(reqs.length);
    expect(sum.errors.total).toBe(0);
    expect(sum.latency.e2e.count).toBe(reqs.length);
    for (const name of ['ttft', 'ttfo', 'itl', 'tpot']) expect(sum.latency[name], `latency.${name}`).toBeNull();
    expect(sum.tokens.prompt).toBe(reqs.reduce((n, r) => n + r.promptTokens, 0));
    expect(sum.tokens.completion).toBe(reqs.reduce((n, r) => n + r.completionTokens, 0));
    expect(sum.tokens.completionBySource).toMatchObject({ usage: sum.tokens.completion });
    // Each answer is cut at max_tokens (16, as long as the sim's fixed answers), and the body says so.
    expect(sum.finishReasons.length).toBe(reqs.length);

    // Each request's E2E is the whole answer, to the end of its body: what the sim took to answer it (~80 ms
    // here), plus loopback. The relay counts from when it finished writing the request and the sim from when it
    // read the headers, so on a busy machine the relay's zero can come a few milliseconds after the sim's.
    const simEnd = new Map(reqs.map((r) => [r.requestId, r.endMs as number]));
    const over = run.log.map((l) => (l.e2eMs as number) - (simEnd.get(l.requestId as string) as number));
    console.log(`non-streaming E2E minus the sim's own answer time: min ${Math.min(...over).toFixed(2)} ms, max ${Math.max(...over).toFixed(2)} ms`);
    expect(run.log).toHaveLength(reqs.length);
    expect(Math.min(...over)).toBeGreaterThan(-5);
    expect(Math.max(...over)).toBeLessThan(50);
  });
});
