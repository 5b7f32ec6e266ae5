// The launcher's logic against a scripted fake cluster: pre-flight, apply, follow, exit codes, Ctrl-C.
import { describe, expect, it } from 'vitest';
import type { Cluster, RunnerPod, TestRunInfo } from '../../../../tools/k8s/cluster';
import { EXIT, launch, summaryFromLog, type LaunchOptions } from '../../../../tools/k8s/launcher';
import { DEFAULT_NAMESPACE, render, type K8sObject, type Rendered } from '../../../../tools/k8s/render';
import { LoadTestConfigSchema } from '../../../../src/config/schema';

class FakeCluster implements Cluster {
  calls: string[] = [];
  crd = true;
  namespaces = new Set([DEFAULT_NAMESPACE]);
  secrets = new Set([`${DEFAULT_NAMESPACE}/loadtest-admin`]);
  reachable = true;
  /** A watch that never reports, as when the server keeps dropping it. */
  silentWatch = false;
  stage: string | null | undefined = undefined;
  pods: RunnerPod[] = [];
  private onStage: ((s: string | null) => void) | undefined;
  private logs = new Map<string, { onLine: (l: string) => void; end: () => void }>();

  constructor(readonly context = 'kind-test') {}

  async serverVersion() {
    if (!this.reachable) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
    return 'v1.34.0';
  }
  async hasTestRunCrd() { return this.crd; }
  async namespaceExists(ns: string) { return this.namespaces.has(ns); }
  async secretExists(ns: string, name: string) { return this.secrets.has(`${ns}/${name}`); }
  async apply(obj: K8sObject) {
    this.calls.push(`apply ${obj.kind}/${obj.metadata.name}`);
    if (obj.kind === 'TestRun') this.stage = null;
  }
  async testRunStage() { return this.stage; }
  async watchTestRun(_ns: string, _name: string, onStage: (s: string | null) => void) {
    if (this.silentWatch) return () => {};
    this.onStage = onStage;
    onStage(this.stage ?? null);
    return () => { this.onStage = undefined; };
  }
  async runnerPods() { return this.pods; }
  async followLog(_ns: string, pod: string, onLine: (l: string) => void) {
    let end: () => void = () => {};
    const done = new Promise<void>((r) => { end = r; });
    this.logs.set(pod, { onLine, end });
    this.calls.push(`follow ${pod}`);
    return { done, stop: end };
  }
  async deleteTestRun(_ns: string, name: string) {
    this.calls.push(`delete TestRun/${name}`);
    const had = this.stage !== undefined;
    this.stage = undefined;
    return had;
  }
  async deleteConfigMap(_ns: string, name: string) {
    this.calls.push(`delete ConfigMap/${name}`);
    return true;
  }
  async listTestRuns(): Promise<TestRunInfo[]> { return []; }

  /** Moves the run to a stage, as the operator would. */
  setStage(stage: string) {
    this.stage = stage;
    this.onStage?.(stage);
  }
  log(pod: string, ...lines: string[]) {
    for (const l of lines) this.logs.get(pod)?.onLine(l);
  }
  endLog(pod: string) { this.logs.get(pod)?.end(); }
}

const config = LoadTestConfigSchema.parse({
  apiVersion: 'loadtest.ai-aas.dev/v1',
  kind: 'LoadTestScenario',
  metadata: { name: 'unit' },
  spec: {
    organizations: { count: 1 },
    users: { perOrg: { min: 4, max: 4 } },
    targets: { apiRouterUrl: 'http://router.example', userOrgUrl: 'http://admin.example' },
    limits: { maxDurationSec: 60 },
  },
});
const rendered = (parallelism = 2): Rendered =>
  render({ config, configText: 'x', script: { kind: 'bundle', file: 'loadtest.js', text: 'export default function () {}' }, users: 4, options: { runId: 'unit-1', parallelism } });

function options(over: Partial<LaunchOptions> = {}) {
  const logged: string[] = [];
  const output: string[] = [];
  const o: LaunchOptions = { wait: true, follow: true, keep: false, needsSecret: true, secretName: 'loadtest-admin', timeoutMs: 5000, pollMs: 5, log: (l) => logged.push(l), output: (l) => output.push(l), ...over };
  return { o, logged, output };
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('pre-flight', () => {
  it('names every missing piece and applies nothing', async () => {
    const c = new FakeCluster();
    c.crd = false;
    c.secrets.clear();
    const { o, logged } = options();
    const res = await launch([{ cluster: c, rendered: rendered() }], o);
    expect(res.code).toBe(EXIT.preflight);
    expect(logged.join('\n')).toMatch(/TestRun CRD \(testruns\.k6\.io\) is not installed/);
    expect(logged.join('\n')).toContain(`Secret loadtest-admin is missing in ${DEFAULT_NAMESPACE}`);
    expect(c.calls).toEqual([]);
  });

  it('an unreachable API server or a missing namespace stops the launch', async () => {
    const down = new FakeCluster('down');
    down.reachable = false;
    const noNs = new FakeCluster('no-ns');
    noNs.namespaces.clear();
    const { o, logged } = options();
    const res = await launch([{ cluster: down, rendered: rendered() }, { cluster: noNs, rendered: rendered() }], o);
    expect(res.code).toBe(EXIT.preflight);
    expect(logged.join('\n')).toContain('context down: the API server does not answer (connect ECONNREFUSED');
    expect(logged.join('\n')).toContain(`context no-ns: namespace ${DEFAULT_NAMESPACE} does not exist`);
  });

  it('an API error during the checks is a pre-flight problem, not a crash', async () => {
    const c = new FakeCluster();
    c.hasTestRunCrd = async () => {
      throw new Error('HTTP-Code: 403\nMessage: forbidden');
    };
    const { o, logged } = options();
    expect((await launch([{ cluster: c, rendered: rendered() }], o)).code).toBe(EXIT.preflight);
    expect(logged.join('\n')).toContain('context kind-test: pre-flight could not finish: HTTP-Code: 403');
  });

  it('target problems found from here stop the launch too', async () => {
    const c = new FakeCluster();
    const { o } = options({ checkTargets: async () => ['target http://router.example does not answer'] });
    expect((await launch([{ cluster: c, rendered: rendered() }], o)).code).toBe(EXIT.preflight);
    expect(c.calls).toEqual([]);
  });
});

describe('a launched run', () => {
  it('without --wait: applies the ConfigMap, then the TestRun, and returns', async () => {
    const c = new FakeCluster();
    const { o } = options({ wait: false, follow: false });
    const res = await launch([{ cluster: c, rendered: rendered() }], o);
    expect(res.code).toBe(EXIT.ok);
    expect(c.calls).toEqual(['apply ConfigMap/unit-1-script', 'apply TestRun/unit-1']);
  });

  it('followed to the end: logs prefixed by pod, summaries collected, exit 0, objects deleted', async () => {
    const c = new FakeCluster();
    const { o, output, logged } = options();
    const done = launch([{ cluster: c, rendered: rendered() }], o);
    await tick();
    c.setStage('started');
    c.pods = [{ name: 'unit-1-1-abc', phase: 'Running' }, { name: 'unit-1-2-def', phase: 'Running' }];
    await tick();
    c.log('unit-1-1-abc', 'setup done', 'LLM summary: unit (run unit-1, seed 1, streaming, 60 s)', '  requests 10');
    c.log('unit-1-2-def', 'LLM summary: unit (run unit-1, seed 1, streaming, 60 s)', '  requests 12');
    c.pods = c.pods.map((p) => ({ ...p, phase: 'Succeeded', exitCode: 0 }));
    c.endLog('unit-1-1-abc');
    c.endLog('unit-1-2-def');
    c.setStage('finished');
    const res = await done;
    expect(res.code, res.reason).toBe(EXIT.ok);
    expect(output).toContain('[kind-test/unit-1-1-abc] setup done');
    expect(res.outcomes[0]?.summaries['unit-1-2-def']).toContain('requests 12');
    expect(logged.some((l) => l.includes('stage started'))).toBe(true);
    expect(c.calls.slice(-2)).toEqual(['delete TestRun/unit-1', 'delete ConfigMap/unit-1-script']);
  });

  it('a runner that exits 108 fails the launch, naming the pod and the reason', async () => {
    const c = new FakeCluster();
    const { o } = options({ follow: false });
    const done = launch([{ cluster: c, rendered: rendered() }], o);
    await tick();
    c.pods = [{ name: 'unit-1-1-abc', phase: 'Succeeded', exitCode: 0 }, { name: 'unit-1-2-def', phase: 'Failed', exitCode: 108 }];
    c.setStage('finished');
    const res = await done;
    expect(res.code).toBe(EXIT.failed);
    expect(res.reason).toContain('1 of 2 runner(s) failed: unit-1-2-def (exit 108, aborted by a limit)');
  });

  it('sees the stages by polling when the watch reports nothing', async () => {
    const c = new FakeCluster();
    c.silentWatch = true;
    const { o } = options({ follow: false });
    const done = launch([{ cluster: c, rendered: rendered() }], o);
    await tick();
    c.pods = [{ name: 'unit-1-1-abc', phase: 'Succeeded', exitCode: 0 }, { name: 'unit-1-2-def', phase: 'Succeeded', exitCode: 0 }];
    c.setStage('finished');
    expect((await done).code).toBe(EXIT.ok);
  });

  it('a stale stage from a lagging watch never moves the run back', async () => {
    const c = new FakeCluster();
    const { o, logged } = options({ follow: false });
    const done = launch([{ cluster: c, rendered: rendered() }], o);
    await tick();
    c.stage = 'started';
    await tick();
    c.setStage('created');
    c.pods = [{ name: 'unit-1-1-abc', phase: 'Succeeded', exitCode: 0 }];
    c.setStage('finished');
    expect((await done).code).toBe(EXIT.ok);
    expect(logged.flatMap((l) => /: stage (\w+)$/.exec(l)?.[1] ?? [])).toEqual(['started', 'finished']);
  });

  it('stage error fails the launch', async () => {
    const c = new FakeCluster();
    const { o } = options({ follow: false });
    const done = launch([{ cluster: c, rendered: rendered() }], o);
    await tick();
    c.setStage('error');
    expect((await done).reason).toContain('the operator reports stage error');
  });

  it('--keep leaves the finished TestRun in place', async () => {
    const c = new FakeCluster();
    const { o } = options({ follow: false, keep: true });
    const done = launch([{ cluster: c, rendered: rendered() }], o);
    await tick();
    c.pods = [{ name: 'unit-1-1-abc', phase: 'Succeeded', exitCode: 0 }];
    c.setStage('finished');
    expect((await done).code).toBe(EXIT.ok);
    expect(c.calls.filter((x) => x.startsWith('delete'))).toEqual([]);
  });

  it('Ctrl-C deletes the TestRun and ConfigMap on every cluster and exits 130', async () => {
    const a = new FakeCluster('east');
    const b = new FakeCluster('west');
    const ctrl = new AbortController();
    const { o } = options({ signal: ctrl.signal });
    const done = launch([{ cluster: a, rendered: rendered() }, { cluster: b, rendered: rendered() }], o);
    await tick();
    a.setStage('started');
    ctrl.abort();
    const res = await done;
    expect(res.code).toBe(EXIT.interrupted);
    for (const c of [a, b]) expect(c.calls).toContain('delete TestRun/unit-1');
  });

  it('a run that outlives the timeout is deleted and exits 4', async () => {
    const c = new FakeCluster();
    const { o } = options({ timeoutMs: 50, follow: false });
    const res = await launch([{ cluster: c, rendered: rendered() }], o);
    expect(res.code).toBe(EXIT.timeout);
    expect(c.calls).toContain('delete TestRun/unit-1');
  });
});

describe('summaries from runner logs', () => {
  it('cuts from the summary banner to the end, or finds none', () => {
    expect(summaryFromLog(['a', 'LLM summary: x (run r)', 'b'])).toBe('LLM summary: x (run r)\nb');
    expect(summaryFromLog(['a', 'b'])).toBeNull();
  });
});
