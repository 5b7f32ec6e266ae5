// The test Kubernetes API server (test/e2e/helpers/kube.ts) does what the k8s launcher needs, through
// @kubernetes/client-node: namespaces, server-side apply, the k6-operator's TestRun CRD with its status
// subresource, watches, Pod objects without a controller-manager, and RBAC.
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  loadYaml,
  setHeaderOptions,
  type KubernetesObject,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
  type V1Pod,
} from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForCluster } from '../../tools/build/bundle';
import { loadConfigFile, renderLoaded } from '../../tools/k8s/prepare';
import type { K8sObject } from '../../tools/k8s/render';
import { crdPath } from './helpers/crd.js';
import { repoRoot } from './helpers/k6.js';
import { startKube, type TestKube } from './helpers/kube.js';
import { until } from './helpers/wait.js';
import { runnerPod } from './helpers/operator.js';

const ns = 'loadtest-kube-test';
const group = 'k6.io';
const version = 'v1alpha1';
const plural = 'testruns';
const fieldManager = 'ai-aas-loadtest-test';


/** Status code of a GET with the server's CA and an optional token (raw, to see what RBAC answers). */
function statusOf(kube: TestKube, path: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${kube.server}${path}`, { ca: kube.caPem, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('test Kubernetes API server (kube-apiserver + etcd on loopback)', () => {
  let kube: TestKube;
  let kc: KubeConfig;

  // A cold build of kube-apiserver takes ~8 minutes on 2 cores (npm test builds it before vitest).
  beforeAll(async () => {
    kube = await startKube();
    kc = new KubeConfig();
    kc.loadFromFile(kube.kubeconfigPath);
  }, 1_800_000);

  afterAll(async () => {
    await kube?.close();
  }, 60_000);

  it('authenticates the admin token, verifies TLS with the kubeconfig CA and enforces RBAC', async () => {
    expect(await statusOf(kube, '/api/v1/namespaces', kube.token)).toBe(200);
    expect(await statusOf(kube, '/api/v1/namespaces')).toBe(403); // anonymous: authenticated as nobody with rights
    expect(await statusOf(kube, '/api/v1/namespaces', 'not-a-token')).toBe(401);
    expect(await statusOf(kube, '/readyz')).toBe(200);
  });

  it('creates a namespace and a Pod object in it (no ServiceAccount admission, no scheduler)', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const pod = await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'runner-0' }, spec: { containers: [{ name: 'k6', image: 'grafana/k6:1.1.0' }], restartPolicy: 'Never' } },
    });
    expect(pod.metadata?.uid).toBeTruthy();
    expect(pod.spec?.nodeName).toBeUndefined(); // stored, never scheduled
    await core.deleteNamespacedPod({ namespace: ns, name: 'runner-0', gracePeriodSeconds: 0 });
  });

  it('server-side applies a ConfigMap and a Secret, and re-applies a change', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const apply = <T extends KubernetesObject>(o: T) => objects.patch(o, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
    const cm: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'scenario', namespace: ns }, data: { 'loadtest.js': 'export default () => {}' } };
    await apply(cm);
    await apply({ ...cm, data: { 'loadtest.js': 'export default function () {}', 'config.yaml': 'a: 1' } });
    await apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: ns }, stringData: { AIAAS_ADMIN_PASSWORD: 'x' } });

    const core = kc.makeApiClient(CoreV1Api);
    const got = await core.readNamespacedConfigMap({ name: 'scenario', namespace: ns });
    expect(got.data).toEqual({ 'loadtest.js': 'export default function () {}', 'config.yaml': 'a: 1' });
    expect(got.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toEqual([[fieldManager, 'Apply']]);
    const secret = await core.readNamespacedSecret({ name: 'creds', namespace: ns });
    expect(Buffer.from(secret.data?.AIAAS_ADMIN_PASSWORD ?? '', 'base64').toString()).toBe('x');
  });

  it('installs the TestRun CRD, then creates, watches, patches the status of and deletes a TestRun', async () => {
    // client-node's typed APIs serialize their model classes, whose fields are camelCase: a plain YAML parse loses
    // `x-kubernetes-int-or-string` (the API then rejects the probes' ports). loadYaml deserializes into the model.
    const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(crdPath, 'utf8'));
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: crd });
    // Installing it again by server-side apply (as an installer would, idempotently) works on the same object.
    await KubernetesObjectApi.makeApiClient(kc).patch(crd, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
    await until('the TestRun CRD to be Established', async () => {
      const c = await ext.readCustomResourceDefinition({ name: 'testruns.k6.io' });
      return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined;
    });

    const events: { phase: string; stage?: string; name?: string }[] = [];
    let watchError: unknown;
    const watch = new Watch(kc);
    // Right after a CRD is Established its watch cache is still filling, and kube-apiserver answers a watch with
    // 429 (Retry-After: 1) until it is ready, as a real cluster does: a launcher's watch must retry that too.
    // Watch.watch calls done(err) before it resolves when the response is not a 200.
    const ctl = await until('a watch on testruns that is not refused', async () => {
      let started = false;
      let refused: (Error & { statusCode?: number }) | undefined;
      const c = await watch.watch(
        `/apis/${group}/${version}/namespaces/${ns}/${plural}`,
        {},
        (phase, obj: { metadata?: { name?: string }; status?: { stage?: string } }) => events.push({ phase, stage: obj.status?.stage, name: obj.metadata?.name }),
        (err) => (started ? (watchError = err) : (refused = err)),
      );
      started = true;
      if (refused?.statusCode === 429) {
        await new Promise((r) => setTimeout(r, 1000));
        return undefined;
      }
      if (refused) throw refused;
      return c;
    });
    try {
      const custom = kc.makeApiClient(CustomObjectsApi);
      const testRun = {
        apiVersion: `${group}/${version}`,
        kind: 'TestRun',
        metadata: { name: 'run-1', namespace: ns, labels: { 'app.kubernetes.io/part-of': 'ai-aas-loadtest' } },
        spec: { parallelism: 2, script: { configMap: { name: 'scenario', file: 'loadtest.js' } } },
      };
      const created = (await custom.createNamespacedCustomObject({ group, version, namespace: ns, plural, body: testRun })) as { metadata: { uid: string } };
      expect(created.metadata.uid).toBeTruthy();
      await until('the ADDED event', async () => (events.some((e) => e.phase === 'ADDED' && e.name === 'run-1') ? true : undefined));

      // The status subresource: a merge patch on .../status changes status only.
      const patched = (await custom.patchNamespacedCustomObjectStatus(
        { group, version, namespace: ns, plural, name: 'run-1', body: { status: { stage: 'started' } }, fieldManager },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as { status?: { stage?: string } };
      expect(patched.status?.stage).toBe('started');
      await until('the MODIFIED event with stage started', async () => (events.some((e) => e.phase === 'MODIFIED' && e.stage === 'started') ? true : undefined));

      // The CRD's schema is enforced: an unknown stage is rejected.
      await expect(
        custom.patchNamespacedCustomObjectStatus(
          { group, version, namespace: ns, plural, name: 'run-1', body: { status: { stage: 'bogus' } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      ).rejects.toThrow(/stage/);

      // Server-side apply works on custom resources too.
      const objects = KubernetesObjectApi.makeApiClient(kc);
      await objects.patch({ ...testRun, spec: { ...testRun.spec, parallelism: 3 } }, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
      const read = (await custom.getNamespacedCustomObject({ group, version, namespace: ns, plural, name: 'run-1' })) as { spec: { parallelism: number }; status: { stage: string } };
      expect(read.spec.parallelism).toBe(3);
      expect(read.status.stage).toBe('started');

      await custom.deleteNamespacedCustomObject({ group, version, namespace: ns, plural, name: 'run-1' });
      await until('the DELETED event', async () => (events.some((e) => e.phase === 'DELETED' && e.name === 'run-1') ? true : undefined));
      expect(watchError).toBeUndefined();
    } finally {
      ctl.abort();
    }
  });
  it('stores a rendered TestRun with its relay sidecar unpruned, and accepts the runner Pod the operator builds from it', async () => {
    const script = { kind: 'bundle' as const, file: 'loadtest.js', text: await bundleForCluster() };
    const rendered = renderLoaded(loadConfigFile(join(repoRoot, 'configs', 'demo.yaml')), script, { runId: 'sidecar-1', namespace: ns, parallelism: 2 });
    const custom = kc.makeApiClient(CustomObjectsApi);
    const stored = (await custom.createNamespacedCustomObject({ group, version, namespace: ns, plural, body: rendered.testRun })) as K8sObject;
    // Everything rendered comes back (the CRD only adds its defaults: paused, quiet, disabled): nothing was pruned.
    expect(stored.spec).toMatchObject(rendered.testRun.spec as object);
    const runner = (stored.spec as { runner: { image: string; env: { name: string; value: string }[]; initContainers: Record<string, unknown>[] } }).runner;
    expect(runner.image).toBe('grafana/k6:1.1.0');
    expect(runner.env).toContainEqual({ name: 'LLM_RELAY_URL', value: 'http://127.0.0.1:8391' });
    expect(runner.initContainers).toEqual([
      {
        name: 'relay',
        image: 'ghcr.io/otherjamesbrown/ai-aas-loadtest-relay:0.1.0',
        restartPolicy: 'Always',
        args: ['-listen', '127.0.0.1:8391', '-results-root', '/home/k6'],
        volumeMounts: [{ name: 'workdir', mountPath: '/home/k6' }],
        resources: { requests: { cpu: '250m', memory: '69Mi' }, limits: { memory: '69Mi' } },
      },
    ]);

    // The CRD gives init containers no probe field: the API server drops one (the relay's health is the script's to wait for).
    const probed = structuredClone(rendered.testRun) as K8sObject & { spec: { runner: { initContainers: Record<string, unknown>[] } } };
    probed.metadata = { ...probed.metadata, name: 'sidecar-probe' };
    probed.spec.runner.initContainers[0] = { ...probed.spec.runner.initContainers[0], readinessProbe: { httpGet: { path: '/v1/health', port: 8391 } } };
    const pruned = (await custom.createNamespacedCustomObject({ group, version, namespace: ns, plural, body: probed })) as { spec: { runner: { initContainers: Record<string, unknown>[] } } };
    expect(pruned.spec.runner.initContainers[0]).not.toHaveProperty('readinessProbe');

    // The runner Pod as the operator builds it from the stored TestRun: k6 plus the relay as a native sidecar.
    const core = kc.makeApiClient(CoreV1Api);
    const { metadata, spec } = runnerPod(stored, 1);
    const pod = await core.createNamespacedPod({ namespace: ns, body: { metadata, spec } as unknown as V1Pod });
    expect(pod.spec?.initContainers?.map((c) => ({ name: c.name, restartPolicy: c.restartPolicy, requests: c.resources?.requests }))).toEqual([{ name: 'relay', restartPolicy: 'Always', requests: { cpu: '250m', memory: '69Mi' } }]);
    expect(pod.spec?.containers.map((c) => ({ name: c.name, image: c.image, requests: c.resources?.requests }))).toEqual([{ name: 'k6', image: 'grafana/k6:1.1.0', requests: { cpu: '500m', memory: '296Mi' } }]);
    expect(pod.spec?.securityContext).toMatchObject({ runAsUser: 12345, runAsGroup: 12345, fsGroup: 12345 });
    // The pod validation is real: an unknown restartPolicy on the init container is refused.
    const bad = { metadata: { name: 'sidecar-bad' }, spec: { ...spec, initContainers: [{ ...(spec.initContainers as object[])[0], restartPolicy: 'Sometimes' }] } };
    await expect(core.createNamespacedPod({ namespace: ns, body: bad as unknown as V1Pod })).rejects.toThrow(/restartPolicy/);
    await core.deleteNamespacedPod({ namespace: ns, name: metadata.name, gracePeriodSeconds: 0 });
    for (const name of ['sidecar-1', 'sidecar-probe']) await custom.deleteNamespacedCustomObject({ group, version, namespace: ns, plural, name });
  }, 120_000);
});
