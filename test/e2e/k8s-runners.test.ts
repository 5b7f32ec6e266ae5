// The rendered TestRun, run as the k6-operator would run its pods: the official k6 with the operator's
// execution-segment and instance_id arguments, each beside its own relay (the pod's native sidecar), against the sim.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleForCluster } from '../../tools/build/bundle';
import { loadConfigFile, packArchive, planSplit, renderLoaded, type LoadedConfig } from '../../tools/k8s/prepare';
import type { ScriptPayload } from '../../tools/k8s/render';
import type { RunningSim } from '../../sim/index';
import { repoRoot } from './helpers/k6';
import { sim, type LoadtestRun, type SimRequest } from './helpers/loadtest';
import { mountConfigMap, runPod, type PodRun } from './helpers/operator';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

let script: ScriptPayload;
beforeAll(async () => {
  script = { kind: 'bundle', file: 'loadtest.js', text: await bundleForCluster() };
}, 60_000);

function configFile(yaml: string): LoadedConfig {
  const path = join(mkdtempSync(join(tmpdir(), 'k8s-e2e-')), 'config.yaml');
  writeFileSync(path, yaml);
  return loadConfigFile(path);
}

async function simState(s: RunningSim) {
  const state = (await (await fetch(`${s.adminUrl}/_sim/state`)).json()) as Omit<LoadtestRun['simState'], 'users'> & { users: { email: string; status: string }[] };
  const requests = ((await (await fetch(`${s.routerUrl}/_sim/requests`)).json()) as { requests: SimRequest[] }).requests;
  return { state, requests };
}

/** Runs every pod of a rendered TestRun here, all at once: each its relay sidecar and the official k6. */
function runPods(rendered: ReturnType<typeof renderLoaded>, s: RunningSim): Promise<PodRun[]> {
  const mount = mkdtempSync(join(tmpdir(), 'k8s-mount-'));
  mountConfigMap(rendered.configMap, mount);
  const secret = { 'loadtest-admin': { AIAAS_ADMIN_EMAIL: s.config.admin.email, AIAAS_ADMIN_PASSWORD: s.config.admin.password } };
  return Promise.all(
    Array.from({ length: rendered.parallelism }, (_, k) =>
      runPod(rendered.testRun, k + 1, mount, secret, { env: { LOADTEST_REQUEST_LOG: '1' }, timeoutMs: 120_000 }),
    ),
  );
}

const threeOrgs = scenarioYaml({
  organizations: { count: 3 },
  users: { perOrg: { min: 3, max: 3 } },
  loadPattern: { phases: [{ kind: 'sustain', durationSec: 4, target: 9 }] },
  limits: { maxDurationSec: 4 },
});

describe('a rendered TestRun run as the operator runs its pods', () => {
  it('two runner pods provision disjoint shares of the tenants and together clean up all of them', async () => {
    const s = (running = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]));
    const loaded = configFile(threeOrgs);
    const rendered = renderLoaded(loaded, script, { runId: `k8s-pods-${Date.now()}`, parallelism: 2, env: { API_ROUTER_URL: s.routerUrl, USER_ORG_URL: s.adminUrl } });
    expect(rendered.parallelism).toBe(2);
    const pods = await runPods(rendered, s);
    for (const p of pods) expect(p.code, p.stderr.slice(-1500)).toBe(0);
    // handleSummary's folder came from the sidecar (POST /v1/mkdir under -results-root, the pod's working
    // directory), and k6 wrote its reports into it, named by the pod's execution segment.
    expect(pods.map((p) => p.files.filter((f) => f.endsWith('summary.json')))).toEqual([[`results/${rendered.name}/segment-0-1_2/summary.json`], [`results/${rendered.name}/segment-1_2-1/summary.json`]]);

    const plays = pods.map((p) => Number(/this instance plays (\d+) of 9 users/.exec(p.stderr)?.[1]));
    expect(plays.reduce((a, b) => a + b, 0)).toBe(9);
    expect(plays.every((n) => n > 0)).toBe(true);
    const { state, requests } = await simState(s);
    // Disjoint: each user and org was created once, by exactly one pod, and every user's key was used.
    expect(state.users).toHaveLength(9);
    expect(new Set(state.users.map((u) => u.email)).size).toBe(9);
    expect(state.orgs).toHaveLength(3);
    expect(new Set(requests.map((r) => r.keyId)).size).toBe(9);
    // Complete cleanup: every key revoked, every org suspended.
    expect(state.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
    expect(state.orgs.filter((o) => o.status !== 'suspended')).toEqual([]);
  });

  it('a run split across two clusters gives each its own orgs, under one run id', async () => {
    const s = (running = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]));
    const loaded = configFile(threeOrgs);
    const runId = `k8s-split-${Date.now()}`;
    const parts = planSplit(loaded, [{ context: 'east', weight: 2 }, { context: 'west', weight: 1 }]);
    expect(parts.map((p) => p.orgRange)).toEqual([{ from: 1, to: 2 }, { from: 3, to: 3 }]);
    const clusters = await Promise.all(
      parts.map((p) => runPods(renderLoaded(loaded, script, { runId, orgRange: p.orgRange, parallelism: 1, env: { API_ROUTER_URL: s.routerUrl, USER_ORG_URL: s.adminUrl } }), s)),
    );
    const [east, west] = clusters.map((pods) => pods[0] as PodRun);
    for (const p of [east, west]) expect(p?.code, p?.stderr.slice(-1500)).toBe(0);
    const orgsRequested = (p: { stderr: string; stdout: string }) =>
      new Set(`${p.stdout}\n${p.stderr}`.split('\n').flatMap((l) => {
        // k6's default log format quotes the console line: {\"request\":{...,\"org\":\"e2e-org-1\",...}}
        const m = /request\\?":.*?\\?"org\\?":\\?"([^"\\]+)/.exec(l);
        return m ? [m[1]] : [];
      }));
    expect(orgsRequested(east as { stderr: string; stdout: string })).toEqual(new Set(['e2e-org-1', 'e2e-org-2']));
    expect(orgsRequested(west as { stderr: string; stdout: string })).toEqual(new Set(['e2e-org-3']));
    expect(east?.stderr).toMatch(/plays 6 of 9 users .*orgs 1-2 of 3/);
    expect(west?.stderr).toMatch(/plays 3 of 9 users .*orgs 3 of 3/);
    const { state } = await simState(s);
    expect(state.users).toHaveLength(9);
    expect(state.orgs).toHaveLength(3);
    expect(state.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
    expect(state.orgs.filter((o) => o.status !== 'suspended')).toEqual([]);
  });

  it('a k6 archive carries the config and its documents: the pod needs no files but the ConfigMap', async () => {
    const s = (running = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]));
    const yaml = scenarioYaml({
      testTypes: [
        {
          name: 'docs',
          weight: 100,
          questionStrategy: 'technical',
          documentLibrary: { enabled: true, bucketName: 'load-test-documents', documentPaths: ['technical/'], sampleSize: 3 },
        },
      ],
      documents: { root: 'documents' },
      loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 4 }] },
      limits: { maxDurationSec: 3 },
    });
    // Packed from a folder holding a copy of documents/, deleted before the pod runs: only the archive has them.
    const loaded = configFile(yaml);
    const base = mkdtempSync(join(tmpdir(), 'k8s-base-'));
    cpSync(join(repoRoot, 'documents'), join(base, 'documents'), { recursive: true });
    const archive: ScriptPayload = { kind: 'archive', file: 'archive.tar', bytes: await packArchive(loaded, base) };
    rmSync(base, { recursive: true, force: true });
    const rendered = renderLoaded(loaded, archive, { runId: `k8s-archive-${Date.now()}`, parallelism: 1, env: { API_ROUTER_URL: s.routerUrl, USER_ORG_URL: s.adminUrl } });
    expect(rendered.configMap.binaryData).toHaveProperty(['archive.tar']);
    const [pod] = await runPods(rendered, s);
    expect(pod?.code, pod?.stderr.slice(-1500)).toBe(0);
    const { requests, state } = await simState(s);
    expect(requests.length).toBeGreaterThan(0);
    // Document prompts are long: the documents came out of the archive.
    expect(requests.filter((r) => r.promptTokens > 300).length).toBeGreaterThan(0);
    expect(state.apiKeys.filter((k) => k.status === 'active')).toEqual([]);
  }, 120_000);
});
