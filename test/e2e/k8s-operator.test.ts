// A rendered TestRun through the k6-operator's own command forms, run here: the initializer's `sh -c` line
// (k6 archive with every runner env var as -e NAME="${NAME}", then k6 inspect) under a real /bin/sh, the
// runners' exec form, and the operator's stages, cleanup and garbage collection around the launcher.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleForCluster } from '../../tools/build/bundle';
import { EXIT, launch, type LaunchOptions } from '../../tools/k8s/launcher';
import { loadConfigFile, renderLoaded, type LoadedConfig } from '../../tools/k8s/prepare';
import type { ScriptPayload } from '../../tools/k8s/render';
import type { RunningSim } from '../../sim/index';
import { repoRoot } from './helpers/k6';
import { sim } from './helpers/loadtest';
import { initializerCommand, mountConfigMap, runInitializer, runPod } from './helpers/operator';
import { EmulatedOperatorCluster } from './helpers/operator-cluster';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const scratch = mkdtempSync(join(tmpdir(), 'k8s-operator-e2e-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let script: ScriptPayload;
beforeAll(async () => {
  script = { kind: 'bundle', file: 'loadtest.js', text: await bundleForCluster() };
}, 60_000);

let n = 0;
/** A folder of its own under the test's scratch folder. */
function folder(name: string): string {
  return mkdtempSync(join(scratch, `${name}-${++n}-`));
}

function configFile(yaml: string): LoadedConfig {
  const path = join(folder('config'), 'config.yaml');
  writeFileSync(path, yaml);
  return loadConfigFile(path);
}

/** A config whose users ask about documents read from documents/ (relative to the base directory). */
const documentsYaml = scenarioYaml({
  testTypes: [
    {
      name: 'docs',
      weight: 100,
      questionStrategy: 'technical',
      documentLibrary: { enabled: true, bucketName: 'load-test-documents', documentPaths: ['technical/'], sampleSize: 3 },
    },
  ],
  documents: { root: 'documents' },
  loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 2 }] },
  limits: { maxDurationSec: 3 },
});

/** A runner image of your own: the official one plus documents/ at its root (README "Running on Kubernetes"). */
function imageWithDocuments(): string {
  const root = folder('image');
  cpSync(join(repoRoot, 'documents'), join(root, 'documents'), { recursive: true });
  return root;
}

describe("the operator's initializer and runners, in their exact command forms", () => {
  it('the initializer is one sh -c line passing every runner env var as -e NAME="${NAME}"', () => {
    const loaded = configFile(documentsYaml);
    const r = renderLoaded(loaded, script, { runId: 'init-form', parallelism: 1, prometheusUrl: 'http://prom:9090' });
    const [sh, flag, line] = initializerCommand(r.testRun);
    expect([sh, flag]).toEqual(['sh', '-c']);
    // The output flag is dropped (archive takes none); the tag stays.
    expect(line).toMatch(/^k6 archive \/test\/loadtest\.js -O \/tmp\/loadtest\.js\.archived\.tar --tag testid=init-form -e \S+="\$\{\S+\}"/);
    expect(line).toContain(' -e CONFIG="${CONFIG}" ');
    expect(line).toMatch(/ 2> \/tmp\/k6logs && k6 inspect --execution-requirements \/tmp\/loadtest\.js\.archived\.tar 2> \/tmp\/k6logs ; ! cat \/tmp\/k6logs \| grep 'level=error'$/);
  });

  it('a bundle whose config reads documents/ passes the initializer, and its runner asks about the documents', async () => {
    const s = (running = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]));
    const loaded = configFile(documentsYaml);
    const r = renderLoaded(loaded, script, { runId: `k8s-docs-${Date.now()}`, parallelism: 1, env: { API_ROUTER_URL: s.routerUrl, USER_ORG_URL: s.adminUrl } });
    const mount = folder('mount');
    mountConfigMap(r.configMap, mount);
    const image = imageWithDocuments();
    const init = await runInitializer(r.testRun, mount, image);
    // Before LOADTEST_BASE_DIR, the shell turned PWD=/ into its working directory and this said "cannot read documents/...".
    expect(init.code, init.log.slice(-1500)).toBe(0);
    expect(init.inspect?.maxVUs).toBeGreaterThanOrEqual(1);
    const secret = { 'loadtest-admin': { AIAAS_ADMIN_EMAIL: s.config.admin.email, AIAAS_ADMIN_PASSWORD: s.config.admin.password } };
    const pod = await runPod(r.testRun, 1, mount, secret, { imageRoot: image, timeoutMs: 120_000 });
    expect(pod.code, pod.stderr.slice(-1500)).toBe(0);
    const requests = ((await (await fetch(`${s.routerUrl}/_sim/requests`)).json()) as { requests: { promptTokens: number }[] }).requests;
    expect(requests.filter((q) => q.promptTokens > 300).length).toBeGreaterThan(0);
  }, 180_000);

  it('an image without documents/ fails the initializer, and its log says why', async () => {
    const loaded = configFile(documentsYaml);
    const r = renderLoaded(loaded, script, { runId: 'k8s-nodocs', parallelism: 1 });
    const mount = folder('mount');
    mountConfigMap(r.configMap, mount);
    const init = await runInitializer(r.testRun, mount, folder('bare-image'));
    expect(init.code).not.toBe(0);
    expect(init.log).toMatch(/level=error.*document library: cannot read/);
  }, 120_000);
});

function launchOptions(over: Partial<LaunchOptions> = {}): LaunchOptions & { logged: string[] } {
  const logged: string[] = [];
  return { wait: true, follow: false, keep: false, needsSecret: true, secretName: 'loadtest-admin', timeoutMs: 120_000, pollMs: 200, log: (l) => logged.push(l), output: () => {}, logged, ...over };
}

const noRunner = async (): Promise<never> => {
  throw new Error('no runner should start');
};

describe('the launcher against the emulated operator', () => {
  it("a TestRun whose initializer fails: the launcher prints and keeps the initializer's log, and its error is the reason", async () => {
    const cluster = new EmulatedOperatorCluster({ imageRoot: folder('bare-image'), runner: noRunner });
    // As k8s:run renders a waited-for run: the launcher, not cleanup: post, deletes it once it has read it.
    const r = renderLoaded(configFile(documentsYaml), script, { runId: 'k8s-init-fails', parallelism: 1, keep: true });
    const o = launchOptions();
    const res = await launch([{ cluster, rendered: r }], o);
    expect(res.code).toBe(EXIT.failed);
    expect(res.reason).toMatch(/^\[emulated\] the operator reports stage error: k8s-init-fails-initializer-\w+: .*document library: cannot read documents\/load-test-documents\/technical\/001\.txt/);
    const logs = Object.entries(res.outcomes[0]?.logs ?? {});
    expect(logs).toHaveLength(1);
    expect(logs[0]?.[0]).toMatch(/^k8s-init-fails-initializer-/);
    expect(logs[0]?.[1].join('\n')).toContain('level=error');
    expect(o.logged.some((l) => /^\[emulated\/k8s-init-fails-initializer-\w+\] .*level=error/.test(l))).toBe(true);
    // Read first, deleted after: nothing of the run is left.
    expect(cluster.stored('TestRun')).toEqual([]);
    expect(cluster.stored('ConfigMap')).toEqual([]);
  }, 120_000);

  it('fire-and-forget (cleanup: post): the finished TestRun takes its ConfigMap with it, and the starter ran without a token', async () => {
    const runs: number[] = [];
    const cluster = new EmulatedOperatorCluster({
      imageRoot: folder('image'),
      runner: async (_tr, index) => {
        runs.push(index);
        return { code: 0, log: 'done' };
      },
    });
    const r = renderLoaded(configFile(scenarioYaml()), script, { runId: 'k8s-post', parallelism: 2 });
    const res = await launch([{ cluster, rendered: r }], launchOptions({ wait: false }));
    expect(res.code, res.reason).toBe(EXIT.ok);
    await cluster.settled();
    expect(runs.sort()).toEqual([1, 2]);
    expect(cluster.stored('TestRun')).toEqual([]);
    // Without an owner the ~750 KB script ConfigMap stayed behind after every such run.
    expect(cluster.stored('ConfigMap')).toEqual([]);
    expect(cluster.starters).toEqual([{ serviceAccountName: 'loadtest-runner', automountServiceAccountToken: false }]);
  }, 120_000);
});
