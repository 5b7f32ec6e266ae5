// The launcher against a real Kubernetes API server (kube-apiserver + etcd on loopback, test/e2e/helpers/kube.ts),
// running as the loadtest-launcher ServiceAccount under deploy/k8s/rbac.yaml. There is no operator or kubelet here, so the
// test plays the operator: it moves the TestRun's status.stage and stores runner Pods, built from the stored TestRun
// as the operator builds them (the official k6 beside the relay as a native sidecar), with their exit codes.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, loadAllYaml, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForCluster } from '../../tools/build/bundle';
import { KubeCluster, loadKubeConfig } from '../../tools/k8s/kube-client';
import { EXIT, launch, type LaunchOptions } from '../../tools/k8s/launcher';
import { loadConfigFile, renderLoaded } from '../../tools/k8s/prepare';
import { DEFAULT_NAMESPACE, type K8sObject, type Rendered, type ScriptPayload } from '../../tools/k8s/render';
import { crdPath } from './helpers/crd';
import { repoRoot } from './helpers/k6';
import { startKube, type TestKube } from './helpers/kube';
import { until } from './helpers/wait';
import { initializerCommand, runnerPod } from './helpers/operator';

const ns = DEFAULT_NAMESPACE;
const T = { group: 'k6.io', version: 'v1alpha1', plural: 'testruns' };

let kube: TestKube;
let admin: KubeConfig;
let script: ScriptPayload;


/** Applies YAML documents as the cluster admin (server-side apply). */
async function applyYaml(text: string): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(admin);
  for (const obj of loadAllYaml(text) as KubernetesObject[]) await api.patch(obj, undefined, undefined, 'test-admin', true, PatchStrategy.ServerSideApply);
}

/** A KubeConfig that authenticates as the loadtest-launcher ServiceAccount, with a token from the TokenRequest API. */
async function launcherConfig(): Promise<KubeConfig> {
  const tr = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({ name: 'loadtest-launcher', namespace: ns, body: { spec: { expirationSeconds: 3600, audiences: [] } } });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: kube.server, caData: Buffer.from(kube.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'launcher', token: tr.status?.token }],
    contexts: [{ name: 'launcher', cluster: 'test', user: 'launcher' }],
    currentContext: 'launcher',
  });
  return kc;
}

/** The operator's part: stage changes and runner pods with their outcome. */
const operator = {
  async waitForTestRun(name: string) {
    return until(`testrun/${name}`, () => admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...T, namespace: ns, name }) as Promise<Record<string, unknown>>);
  },
  async setStage(name: string, stage: string) {
    const api = admin.makeApiClient(CustomObjectsApi);
    const tr = (await api.getNamespacedCustomObject({ ...T, namespace: ns, name })) as Record<string, unknown>;
    await api.replaceNamespacedCustomObjectStatus({ ...T, namespace: ns, name, body: { ...tr, status: { stage } } });
  },
  /** Stores the TestRun's initializer pod (the operator's labels), failed, as when its `sh -c` line exits 1. */
  async initializerFailed(testRun: string) {
    const core = admin.makeApiClient(CoreV1Api);
    const stored = (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...T, namespace: ns, name: testRun })) as K8sObject;
    const name = `${testRun}-initializer-x0`;
    const labels = { app: 'k6', k6_cr: testRun, 'job-name': `${testRun}-initializer` };
    const pod = await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name, labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'k6', image: 'grafana/k6:1.1.0', command: initializerCommand(stored) }] } },
    });
    const now = new Date();
    pod.status = { phase: 'Failed', containerStatuses: [{ name: 'k6', image: 'grafana/k6:1.1.0', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, startedAt: now, finishedAt: now } } }] };
    await core.replaceNamespacedPodStatus({ name, namespace: ns, body: pod });
  },
  /** Stores runner pod `index` of the stored TestRun, the k6 container ended with exitCode, the relay sidecar stopped by the kubelet. */
  async runner(testRun: string, index: number, exitCode: number) {
    const core = admin.makeApiClient(CoreV1Api);
    const stored = (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...T, namespace: ns, name: testRun })) as K8sObject;
    const { metadata, spec } = runnerPod(stored, index);
    // The API server validates the pod as a kubelet would get it: a native sidecar (init container, restartPolicy Always).
    const pod = await core.createNamespacedPod({ namespace: ns, body: { metadata, spec } as unknown as V1Pod });
    expect(pod.spec?.initContainers?.map((c) => [c.name, c.restartPolicy])).toEqual([['relay', 'Always']]);
    const now = new Date();
    const terminated = (code: number) => ({ terminated: { exitCode: code, startedAt: now, finishedAt: now } });
    pod.status = {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      // The kubelet stops a sidecar with SIGTERM once k6 has exited: its status is no runner's outcome.
      initContainerStatuses: [{ name: 'relay', image: 'relay', imageID: '', ready: false, restartCount: 0, started: false, state: terminated(143) }],
      containerStatuses: [{ name: 'k6', image: 'grafana/k6:1.1.0', imageID: '', ready: false, restartCount: 0, state: terminated(exitCode) }],
    };
    await core.replaceNamespacedPodStatus({ name: metadata.name, namespace: ns, body: pod });
  },
};

async function exists(kind: 'testrun' | 'configmap', name: string): Promise<boolean> {
  try {
    if (kind === 'testrun') await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...T, namespace: ns, name });
    else await admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: ns, name });
    return true;
  } catch {
    return false;
  }
}

function rendered(runId: string): Rendered {
  return renderLoaded(loadConfigFile(join(repoRoot, 'configs', 'demo.yaml')), script, { runId, parallelism: 2 });
}

function options(over: Partial<LaunchOptions> = {}): LaunchOptions & { logged: string[] } {
  const logged: string[] = [];
  return { wait: true, follow: false, keep: false, needsSecret: true, secretName: 'loadtest-admin', timeoutMs: 60_000, pollMs: 100, log: (l) => logged.push(l), output: () => {}, logged, ...over };
}

beforeAll(async () => {
  kube = await startKube();
  admin = loadKubeConfig(undefined, kube.kubeconfigPath);
  script = { kind: 'bundle', file: 'loadtest.js', text: await bundleForCluster() };
}, 1_800_000);

afterAll(async () => {
  await kube?.close();
}, 60_000);

describe('k8s launcher against a real API server', () => {
  it('pre-flight on a bare cluster names the missing CRD and namespace, and applies nothing', async () => {
    const r = options();
    const res = await launch([{ cluster: new KubeCluster(admin), rendered: rendered('k8s-api-bare') }], r);
    expect(res.code).toBe(EXIT.preflight);
    expect(r.logged.join('\n')).toContain("the k6-operator's TestRun CRD (testruns.k6.io) is not installed");
    expect(r.logged.join('\n')).toContain(`namespace ${ns} does not exist`);
  });

  it('after installing the CRD and deploy/k8s/ manifests, pre-flight as the launcher ServiceAccount finds the missing Secret', async () => {
    await applyYaml(readFileSync(crdPath, 'utf8'));
    for (const f of ['namespace.yaml', 'rbac.yaml', 'networkpolicy.yaml']) await applyYaml(readFileSync(join(repoRoot, 'deploy', 'k8s', f), 'utf8'));
    const cluster = new KubeCluster(await launcherConfig());
    await until('the CRD to be established', async () => ((await cluster.hasTestRunCrd()) ? true : undefined));
    const r = options();
    const res = await launch([{ cluster, rendered: rendered('k8s-api-nosecret') }], r);
    expect(res.code).toBe(EXIT.preflight);
    expect(r.logged.join('\n')).toContain(`Secret loadtest-admin is missing in ${ns}`);
    // The Secret template is a valid Secret; applied with its placeholders, pre-flight passes.
    await applyYaml(readFileSync(join(repoRoot, 'deploy', 'k8s', 'admin-secret.example.yaml'), 'utf8'));
    expect(await cluster.secretExists(ns, 'loadtest-admin')).toBe(true);
  });

  it('as the launcher: applies server-side, follows the stages, judges the runners, then deletes its objects', async () => {
    const cluster = new KubeCluster(await launcherConfig());
    const r = rendered('k8s-api-ok');
    const o = options();
    const done = launch([{ cluster, rendered: r }], o);
    const tr = await operator.waitForTestRun(r.name);
    const managers = ((tr.metadata as { managedFields: { manager: string; operation: string }[] }).managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('ai-aas-loadtest/Apply');
    expect((tr.spec as { parallelism: number }).parallelism).toBe(2);
    // Accepted as rendered (the CRD adds only its defaults): it prunes nothing (the official image, the relay sidecar with its restartPolicy,
    // args, resources and mounts, the shared volume, the securityContext, LLM_RELAY_URL).
    expect(tr.spec).toMatchObject(r.testRun.spec as object);
    // The stored TestRun owns the script ConfigMap (its uid from the API server), so cleanup: post leaves none behind.
    const uid = (tr.metadata as { uid: string }).uid;
    const owners = await until('the ConfigMap owned by the TestRun', async () => {
      const cm = await admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: ns, name: r.configMap.metadata.name });
      return cm.metadata?.ownerReferences?.length ? cm.metadata.ownerReferences : undefined;
    });
    expect(owners).toEqual([{ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', name: r.name, uid }]);
    const runner = (tr.spec as { runner: { image: string; initContainers: { restartPolicy: string; resources: object }[] } }).runner;
    expect(runner.image).toBe('grafana/k6:1.1.0');
    expect(runner.initContainers[0]).toMatchObject({ name: 'relay', restartPolicy: 'Always', resources: { requests: { cpu: '250m' } } });
    await operator.setStage(r.name, 'created');
    await operator.setStage(r.name, 'started');
    await operator.runner(r.name, 1, 0);
    await operator.runner(r.name, 2, 0);
    await operator.setStage(r.name, 'finished');
    const res = await done;
    expect(res.code, `${res.reason}\n${o.logged.join('\n')}`).toBe(EXIT.ok);
    expect(res.outcomes[0]?.pods.map((p) => `${p.name}:${p.exitCode}`)).toEqual([`${r.name}-1-x1:0`, `${r.name}-2-x2:0`]);
    expect(o.logged.flatMap((l) => /testrun\/\S+: stage (\w+)$/.exec(l)?.[1] ?? [])).toEqual(['created', 'started', 'finished']);
    expect(await exists('testrun', r.name)).toBe(false);
    expect(await exists('configmap', r.configMap.metadata.name)).toBe(false);
  });

  it('a runner that exits 108 fails the launch, naming it', async () => {
    const cluster = new KubeCluster(await launcherConfig());
    const r = rendered('k8s-api-abort');
    const done = launch([{ cluster, rendered: r }], options());
    await operator.waitForTestRun(r.name);
    await operator.setStage(r.name, 'started');
    await operator.runner(r.name, 1, 0);
    await operator.runner(r.name, 2, 108);
    await operator.setStage(r.name, 'finished');
    const res = await done;
    expect(res.code).toBe(EXIT.failed);
    expect(res.reason).toContain(`${r.name}-2-x2 (exit 108, aborted by a limit)`);
  });

  it('Ctrl-C while running deletes the TestRun and its ConfigMap', async () => {
    const cluster = new KubeCluster(await launcherConfig());
    const r = rendered('k8s-api-interrupt');
    const ctrl = new AbortController();
    const done = launch([{ cluster, rendered: r }], options({ signal: ctrl.signal }));
    await operator.waitForTestRun(r.name);
    await operator.setStage(r.name, 'started');
    ctrl.abort();
    expect((await done).code).toBe(EXIT.interrupted);
    expect(await exists('testrun', r.name)).toBe(false);
    expect(await exists('configmap', r.configMap.metadata.name)).toBe(false);
  });

  it('stage error: the launcher lists the failed initializer pod and names it when its log cannot be read (no kubelet here)', async () => {
    const cluster = new KubeCluster(await launcherConfig());
    const r = rendered('k8s-api-error');
    const o = options();
    const done = launch([{ cluster, rendered: r }], o);
    await operator.waitForTestRun(r.name);
    await operator.initializerFailed(r.name);
    await operator.setStage(r.name, 'error');
    const res = await done;
    expect(res.code).toBe(EXIT.failed);
    expect(res.reason).toContain('the operator reports stage error');
    // Listing the TestRun's pods works under the launcher's RBAC; the log itself needs a kubelet this server lacks.
    expect(o.logged.join('\n')).toContain(`could not read the log of failed pod ${r.name}-initializer-x0`);
    expect(await exists('testrun', r.name)).toBe(false);
  });

  it('npm run k8s:run --wait exits promptly after the verdict, with no timer keeping it alive', async () => {
    const start = Date.now();
    const p = spawn(process.execPath, ['--import', 'tsx', 'tools/k8s.ts', 'run', '--config', 'configs/demo.yaml', '--run-id', 'k8s-api-prompt', '--parallelism', '1', '--skip-target-check', '--wait'], {
      cwd: repoRoot,
      env: { ...process.env, KUBECONFIG: kube.kubeconfigPath },
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => p.on('close', (code) => resolve(code)));
    await operator.waitForTestRun('k8s-api-prompt');
    await operator.setStage('k8s-api-prompt', 'started');
    await operator.runner('k8s-api-prompt', 1, 0);
    await operator.setStage('k8s-api-prompt', 'finished');
    const verdictAt = Date.now();
    const code = await exited;
    const afterVerdictMs = Date.now() - verdictAt;
    expect(code, out).toBe(EXIT.ok);
    expect(out).toContain('finished: every runner exited 0');
    // It lingered 30 s on an uncleared timer; polling (2 s) and deleting take a few seconds on a loaded machine.
    expect(afterVerdictMs, `${afterVerdictMs} ms after the verdict (run started ${verdictAt - start} ms before it)`).toBeLessThan(15_000);
  }, 120_000);

  it('npm run k8s:status and k8s:delete find and delete a run through the kubeconfig', async () => {
    const cluster = new KubeCluster(admin);
    const r = rendered('k8s-api-cli');
    await cluster.apply(r.configMap);
    await cluster.apply(r.testRun);
    await operator.setStage(r.name, 'started');
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn(process.execPath, ['--import', 'tsx', 'tools/k8s.ts', ...args], { cwd: repoRoot, env: { ...process.env, KUBECONFIG: kube.kubeconfigPath } });
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (out += d));
        p.on('close', (code) => resolve({ code, out }));
      });
    const status = await cli('status');
    expect(status.code, status.out).toBe(0);
    expect(status.out).toMatch(/k8s-api-cli\s+stage=started\s+parallelism=2/);
    const del = await cli('delete', '--run-id', 'k8s-api-cli');
    expect(del.out).toContain(`deleted testrun/k8s-api-cli and configmap/k8s-api-cli-script in ${ns}`);
    expect(await exists('testrun', r.name)).toBe(false);
    const run = await cli('run', '--config', 'configs/demo.yaml', '--namespace', 'nowhere', '--skip-target-check');
    expect(run.code, run.out).toBe(EXIT.preflight);
    expect(run.out).toContain('namespace nowhere does not exist');
  }, 60_000);
});
