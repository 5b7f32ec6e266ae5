/**
 * The k6-operator (v1.6.0) and the API server it reconciles against, emulated in memory behind the launcher's
 * Cluster interface: an applied TestRun goes through the operator's stages, with its initializer run for real
 * (the exact `sh -c` line, test/e2e/helpers/operator.ts), its starter pod's identity taken from spec.starter, its
 * runners' outcomes from the test, `cleanup: post` deleting the finished TestRun, and garbage collection deleting
 * what the TestRun owns (its pods, and objects whose ownerReferences name its uid). Failed pods keep their logs
 * until then, as the kubelet does.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster, FailedPod, RunnerPod, TestRunInfo } from '../../../tools/k8s/cluster';
import type { K8sObject } from '../../../tools/k8s/render';
import { mountConfigMap, runInitializer, starterPod } from './operator';

/** A pod the emulated operator made for a TestRun. */
interface EmulatedPod {
  name: string;
  testRun: string;
  role: 'initializer' | 'starter' | 'runner';
  phase: string;
  exitCode?: number;
  log: string;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
}

interface Options {
  /** The runner image's filesystem on this machine (documents/ of an image of your own, say). */
  imageRoot: string;
  /** What runner `index` (1-based) of a TestRun exits with, and logs. */
  runner: (testRun: K8sObject, index: number, mountDir: string) => Promise<{ code: number; log: string }>;
}

const key = (kind: string, name: string) => `${kind}/${name}`;

/** The operator and API server of one namespace, emulated; see the file comment. */
export class EmulatedOperatorCluster implements Cluster {
  readonly context = 'emulated';
  private readonly objects = new Map<string, { obj: K8sObject; uid: string }>();
  private readonly stages = new Map<string, string | null>();
  private readonly watchers = new Map<string, { onStage: (s: string | null) => void; onGone: () => void }[]>();
  readonly pods: EmulatedPod[] = [];
  /** The identity of every starter pod made, kept after garbage collection took the pods. */
  readonly starters: ReturnType<typeof starterPod>[] = [];
  private readonly reconciles: Promise<void>[] = [];

  constructor(private readonly opts: Options) {}

  /** Resolves once every TestRun applied so far has been reconciled to its end. */
  async settled(): Promise<void> {
    await Promise.all(this.reconciles);
  }

  /** The names of the stored objects of a kind. */
  stored(kind: string): string[] {
    return [...this.objects.values()].filter((o) => o.obj.kind === kind).map((o) => o.obj.metadata.name);
  }

  async serverVersion() { return 'v1.34.0-emulated'; }
  async hasTestRunCrd() { return true; }
  async namespaceExists() { return true; }
  async secretExists() { return true; }

  async apply(obj: K8sObject): Promise<{ uid: string }> {
    const k = key(obj.kind, obj.metadata.name);
    const had = this.objects.get(k);
    const uid = had?.uid ?? randomUUID();
    this.objects.set(k, { obj: structuredClone(obj), uid });
    if (obj.kind === 'TestRun' && !had) {
      this.stages.set(obj.metadata.name, null);
      this.reconciles.push(this.reconcile(obj.metadata.name));
    }
    return { uid };
  }

  private setStage(name: string, stage: string): void {
    if (!this.stages.has(name)) return;
    this.stages.set(name, stage);
    for (const w of this.watchers.get(name) ?? []) w.onStage(stage);
  }

  /** The operator's pass over one TestRun: initializer, runners, starter, and cleanup: post. */
  private async reconcile(name: string): Promise<void> {
    // The operator acts on its next reconcile, not inside the apply call.
    await new Promise((r) => setTimeout(r, 10));
    const stored = this.objects.get(key('TestRun', name))?.obj;
    if (!stored) return;
    const spec = stored.spec as { parallelism: number; cleanup?: string; script: { configMap: { name: string } } };
    const mount = mkdtempSync(join(tmpdir(), 'emulated-mount-'));
    try {
      this.setStage(name, 'initialization');
      const configMap = this.objects.get(key('ConfigMap', spec.script.configMap.name))?.obj;
      if (!configMap) throw new Error(`the TestRun's ConfigMap ${spec.script.configMap.name} was never applied`);
      mountConfigMap(configMap, mount);
      const init = await runInitializer(stored, mount, this.opts.imageRoot);
      this.pods.push({ name: `${name}-initializer-${randomUUID().slice(0, 5)}`, testRun: name, role: 'initializer', phase: init.code === 0 ? 'Succeeded' : 'Failed', exitCode: init.code ?? 137, log: init.log });
      // The operator refuses more runners than the script has VUs.
      if (init.code !== 0 || (init.inspect?.maxVUs ?? 0) < spec.parallelism) return this.setStage(name, 'error');
      this.setStage(name, 'initialized');
      const runners = Array.from({ length: spec.parallelism }, (_, i): EmulatedPod => ({ name: `${name}-${i + 1}-r${i + 1}`, testRun: name, role: 'runner', phase: 'Pending', log: '' }));
      this.pods.push(...runners);
      this.setStage(name, 'created');
      const starter = starterPod(stored);
      this.starters.push(starter);
      this.pods.push({ name: `${name}-starter-${randomUUID().slice(0, 5)}`, testRun: name, role: 'starter', phase: 'Succeeded', exitCode: 0, log: '', ...starter });
      this.setStage(name, 'started');
      await Promise.all(
        runners.map(async (p, i) => {
          p.phase = 'Running';
          const r = await this.opts.runner(stored, i + 1, mount);
          Object.assign(p, { phase: r.code === 0 ? 'Succeeded' : 'Failed', exitCode: r.code, log: r.log });
        }),
      );
      this.setStage(name, 'finished');
      if (spec.cleanup === 'post') await this.deleteTestRun('', name);
    } finally {
      rmSync(mount, { recursive: true, force: true });
    }
  }

  async testRunStage(_ns: string, name: string) {
    return this.stages.has(name) ? (this.stages.get(name) ?? null) : undefined;
  }

  async watchTestRun(_ns: string, name: string, onStage: (s: string | null) => void, onGone: () => void) {
    const w = { onStage, onGone };
    this.watchers.set(name, [...(this.watchers.get(name) ?? []), w]);
    if (this.stages.has(name)) onStage(this.stages.get(name) ?? null);
    else onGone();
    return () => this.watchers.set(name, (this.watchers.get(name) ?? []).filter((x) => x !== w));
  }

  async runnerPods(_ns: string, testRun: string): Promise<RunnerPod[]> {
    return this.pods.filter((p) => p.testRun === testRun && p.role === 'runner').map((p) => ({ name: p.name, phase: p.phase, exitCode: p.exitCode }));
  }

  async failedPods(_ns: string, testRun: string): Promise<FailedPod[]> {
    return this.pods.filter((p) => p.testRun === testRun && p.phase === 'Failed').map((p) => ({ name: p.name, container: 'k6' }));
  }

  async podLog(_ns: string, pod: string): Promise<string> {
    const p = this.pods.find((x) => x.name === pod);
    if (!p) throw new Error(`pods "${pod}" not found`);
    return p.log;
  }

  async followLog(_ns: string, pod: string, onLine: (line: string) => void) {
    for (const l of (await this.podLog('', pod)).split('\n')) if (l !== '') onLine(l);
    return { done: Promise.resolve(), stop: () => {} };
  }

  /** Deletes the TestRun; garbage collection takes its pods and every object it owns. */
  async deleteTestRun(_ns: string, name: string): Promise<boolean> {
    const tr = this.objects.get(key('TestRun', name));
    if (!tr) return false;
    this.objects.delete(key('TestRun', name));
    this.stages.delete(name);
    for (const [k, o] of this.objects) if (o.obj.metadata.ownerReferences?.some((r) => r.uid === tr.uid)) this.objects.delete(k);
    for (let i = this.pods.length - 1; i >= 0; i--) if (this.pods[i]?.testRun === name) this.pods.splice(i, 1);
    for (const w of this.watchers.get(name) ?? []) w.onGone();
    return true;
  }

  async deleteConfigMap(_ns: string, name: string): Promise<boolean> {
    return this.objects.delete(key('ConfigMap', name));
  }

  async listTestRuns(): Promise<TestRunInfo[]> {
    return this.stored('TestRun').map((name) => ({ name, namespace: 'load-testing', stage: this.stages.get(name) ?? null, parallelism: 0, runId: name, created: null }));
  }
}
