/** The Cluster interface on @kubernetes/client-node, for one kube context. */
import { PassThrough } from 'node:stream';
import {
  ApiextensionsV1Api,
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  Log,
  PatchStrategy,
  VersionApi,
  Watch,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Cluster, FailedPod, RunnerPod, TestRunInfo } from './cluster';
import { RUN_ID_LABEL, type K8sObject } from './render';

const GROUP = 'k6.io';
const VERSION = 'v1alpha1';
const PLURAL = 'testruns';
/** Field manager of every server-side apply, so re-applies own (and may change) their fields. */
export const FIELD_MANAGER = 'ai-aas-loadtest';
/** Lines of a failed pod's log the launcher reads: k6's error and what led to it. */
const POD_LOG_LINES = 200;

/** Whether a call found its object: true when it succeeds, false on 404, the error otherwise. */
async function found(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (e) {
    if (e instanceof ApiException && e.code === 404) return false;
    throw e;
  }
}

/** Loads the kubeconfig (KUBECONFIG or ~/.kube/config, or the given file) and selects a context. */
export function loadKubeConfig(context?: string, file?: string): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  if (context) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new Error(`kube context "${context}" is not in the kubeconfig (known: ${known.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) throw new Error('no Kubernetes cluster configured: set KUBECONFIG or pass --context');
  return kc;
}

/** A Cluster backed by a real API server. */
export class KubeCluster implements Cluster {
  readonly context: string;
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly objects: KubernetesObjectApi;

  constructor(private readonly kc: KubeConfig) {
    this.context = kc.getCurrentContext();
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  async serverVersion(): Promise<string> {
    return (await this.kc.makeApiClient(VersionApi).getCode()).gitVersion;
  }

  async hasTestRunCrd(): Promise<boolean> {
    return found(this.kc.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name: `${PLURAL}.${GROUP}` }));
  }

  async namespaceExists(namespace: string): Promise<boolean> {
    return found(this.core.readNamespace({ name: namespace }));
  }

  async secretExists(namespace: string, name: string): Promise<boolean> {
    // Only presence matters; the body (with the credentials) is dropped unread.
    return found(this.core.readNamespacedSecret({ name, namespace }));
  }

  async apply(obj: K8sObject): Promise<{ uid: string }> {
    const stored = await this.objects.patch(obj as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    return { uid: stored.metadata?.uid ?? '' };
  }

  async testRunStage(namespace: string, name: string): Promise<string | null | undefined> {
    try {
      const tr = (await this.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as { status?: { stage?: string } };
      return tr.status?.stage ?? null;
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw e;
    }
  }

  async watchTestRun(namespace: string, name: string, onStage: (stage: string | null) => void, onGone: () => void): Promise<() => void> {
    let stopped = false;
    let controller: AbortController | undefined;
    // The server ends watches after a while, and answers 429 for a moment after a CRD is established:
    // reopen a second later until stopped. The launcher also polls, so a gap only delays a stage line.
    const reopen = () => {
      if (!stopped) setTimeout(() => void start(), 1000);
    };
    const start = async (): Promise<void> => {
      if (stopped) return;
      const path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`;
      try {
        controller = await new Watch(this.kc).watch(
          path,
          { fieldSelector: `metadata.name=${name}` },
          (phase, obj: { status?: { stage?: string } }) => {
            if (phase === 'DELETED') onGone();
            else onStage(obj.status?.stage ?? null);
          },
          reopen,
        );
      } catch {
        reopen();
      }
    };
    const current = await this.testRunStage(namespace, name);
    if (current === undefined) onGone();
    else onStage(current);
    await start();
    return () => {
      stopped = true;
      controller?.abort();
    };
  }

  async runnerPods(namespace: string, testRun: string): Promise<RunnerPod[]> {
    // The operator labels its runner pods app=k6, k6_cr=<testrun>, runner=true.
    const list = await this.core.listNamespacedPod({ namespace, labelSelector: `k6_cr=${testRun},runner=true` });
    return list.items
      .map((p) => {
        const term = p.status?.containerStatuses?.find((c) => c.name === 'k6')?.state?.terminated;
        return { name: p.metadata?.name ?? '?', phase: p.status?.phase ?? 'Unknown', exitCode: term?.exitCode };
      })
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  async failedPods(namespace: string, testRun: string): Promise<FailedPod[]> {
    // Every pod the operator makes for a TestRun carries k6_cr=<testrun>: the initializer, the starter, the runners.
    const list = await this.core.listNamespacedPod({ namespace, labelSelector: `k6_cr=${testRun}` });
    return list.items.flatMap((p) => {
      const failedContainer = p.status?.containerStatuses?.find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0)?.name;
      if (p.status?.phase !== 'Failed' && !failedContainer) return [];
      return [{ name: p.metadata?.name ?? '?', container: failedContainer ?? p.spec?.containers[0]?.name ?? 'k6' }];
    });
  }

  async podLog(namespace: string, pod: string, container: string): Promise<string> {
    return this.core.readNamespacedPodLog({ namespace, name: pod, container, tailLines: POD_LOG_LINES });
  }

  async followLog(namespace: string, pod: string, onLine: (line: string) => void): Promise<{ done: Promise<void>; stop: () => void }> {
    const stream = new PassThrough();
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    });
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const controller = await new Log(this.kc).log(namespace, pod, 'k6', stream, () => {
      if (buffered) onLine(buffered);
      buffered = '';
      finish();
    }, { follow: true });
    return { done, stop: () => { controller.abort(); finish(); } };
  }

  async deleteTestRun(namespace: string, name: string): Promise<boolean> {
    return found(this.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name, propagationPolicy: 'Background' }));
  }

  async deleteConfigMap(namespace: string, name: string): Promise<boolean> {
    return found(this.core.deleteNamespacedConfigMap({ namespace, name }));
  }

  async listTestRuns(namespace: string): Promise<TestRunInfo[]> {
    const list = (await this.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, labelSelector: RUN_ID_LABEL })) as {
      items: { metadata: { name: string; namespace: string; creationTimestamp?: string; labels?: Record<string, string> }; spec?: { parallelism?: number }; status?: { stage?: string } }[];
    };
    return list.items.map((i) => ({
      name: i.metadata.name,
      namespace: i.metadata.namespace,
      stage: i.status?.stage ?? null,
      parallelism: i.spec?.parallelism ?? 0,
      runId: i.metadata.labels?.[RUN_ID_LABEL] ?? null,
      created: i.metadata.creationTimestamp ?? null,
    }));
  }
}
