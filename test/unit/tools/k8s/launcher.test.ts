// The launcher's logic against a scripted fake cluster: pre-flight, apply, follow, exit codes, Ctrl-C.
import { describe, expect, it } from 'vitest';
import type { Cluster, FailedPod, RunnerPod, TestRunInfo } from '../../../../tools/k8s/cluster';
import { EXIT, failureFromLog, launch, summaryFromLog, type LaunchOptions } from '../../../../tools/k8s/launcher';
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
  /** Failed pods of the TestRun, with their logs, until the TestRun is deleted (garbage collection). */
  failed: (FailedPod & { log: string })[] = [];
  /** Objects as last applied, by kind/name. */
  applied = new Map<string, K8sObject>();
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
    const owner = obj.metadata.ownerReferences?.map((r) => ` owned by ${r.kind}/${r.name} ${r.uid}`).join('') ?? '';
    this.calls.push(`apply ${obj.kind}/${obj.metadata.name}${owner}`);
    this.applied.set(`${obj.kind}/${obj.metadata.name}`, obj);
    if (obj.kind === 'TestRun') this.stage = null;
    return { uid: `uid-${obj.kind}-${obj.metadata.name}` };
  }
  async testRunStage() { return this.stage; }
  async watchTestRun(_ns: string, _name: string, onStage: (s: string | null) => void) {
    if (this.silentWatch) return () => {};
    this.onStage = onStage;
    onStage(this.stage ?? null);
    return () => { this.onStage = undefined; };
  }
  async runnerPods() { return this.pods; }
  async failedPods() {
    this.calls.push('list failed pods');
    return this.failed.map(({ name, container }) => ({ name, container }));
  }
  async podLog(_ns: string, pod: string, container: string) {
    this.calls.push(`log ${pod}/${container}`);
    const p = this.failed.find((f) => f.name === pod);
    if (!p) throw new Error(`pods "${pod}" not found`);
    return p.log;
  }
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
    this.failed = [];
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
    expect(c.calls).toEqual(['apply ConfigMap/unit-1-script', 'apply TestRun/unit-1', 'apply ConfigMap/unit-1-script owned by TestRun/unit-1 uid-TestRun-unit-1']);
  });

  it('makes the stored TestRun the owner of its ConfigMap, so cleanup: post leaves no ConfigMap behind', async () => {
    const c = new FakeCluster();
    const r = rendered();
    await launch([{ cluster: c, rendered: r }], options({ wait: false, follow: false }).o);
    const cm = c.applied.get('ConfigMap/unit-1-script') as K8sObject;
    expect(cm.metadata.ownerReferences).toEqual([{ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', name: 'unit-1', uid: 'uid-TestRun-unit-1' }]);
    // Still the whole ConfigMap: server-side apply would drop the data a later apply of the same manager left out.
    expect(cm.data).toEqual(r.configMap.data);
    expect(r.configMap.metadata.ownerReferences).toBeUndefined();
  });

  it('leaves no timer behind once it has a verdict, so the CLI exits at once', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    const before = timers();
    const c = new FakeCluster();
    const { o } = options();
    const done = launch([{ cluster: c, rendered: rendered() }], o);
    await tick();
    c.setStage('started');
    c.pods = [{ name: 'unit-1-1-abc', phase: 'Running' }];
    await tick();
    c.pods = [{ name: 'unit-1-1-abc', phase: 'Succeeded', exitCode: 0 }];
    c.endLog('unit-1-1-abc');
    c.setStage('finished');
    expect((await done).code).toBe(EXIT.ok);
    expect(timers()).toBeLessThanOrEqual(before);
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

  it("stage error: reads and prints the failed initializer's log, and gives its error as the reason, before deleting anything", async () => {
    const c = new FakeCluster();
    const { o, logged } = options({ follow: false });
    const done = launch([{ cluster: c, rendered: rendered() }], o);
    await tick();
    c.failed = [{ name: 'unit-1-initializer-x1', container: 'k6', log: 'time="t" level=error msg="Error: document library: cannot read documents/a/001.txt (stat ...)\\n\\tat D0 (file:///test/loadtest.js:1)" hint="script exception"\n' }];
    c.setStage('error');
    const res = await done;
    expect(res.code).toBe(EXIT.failed);
    expect(res.reason).toBe('[kind-test] the operator reports stage error: unit-1-initializer-x1: Error: document library: cannot read documents/a/001.txt (stat ...)');
    expect(res.outcomes[0]?.logs['unit-1-initializer-x1']?.[0]).toContain('level=error');
    expect(logged.some((l) => l.startsWith('[kind-test/unit-1-initializer-x1] time="t" level=error'))).toBe(true);
    const at = (call: string) => c.calls.indexOf(call);
    expect(at('log unit-1-initializer-x1/k6')).toBeGreaterThan(-1);
    expect(at('log unit-1-initializer-x1/k6')).toBeLessThan(at('delete TestRun/unit-1'));
  });

  it('a log that cannot be read is named, and the verdict stands', async () => {
    const c = new FakeCluster();
    const { o, logged } = options({ follow: false });
    const done = launch([{ cluster: c, rendered: rendered() }], o);
    await tick();
    c.failed = [{ name: 'unit-1-initializer-x1', container: 'k6', log: '' }];
    c.podLog = async () => { throw new Error('pods "unit-1-initializer-x1" is forbidden'); };
    c.setStage('error');
    const res = await done;
    expect(res.reason).toBe('[kind-test] the operator reports stage error');
    expect(logged.join('\n')).toContain('could not read the log of failed pod unit-1-initializer-x1: pods "unit-1-initializer-x1" is forbidden');
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

describe('why a pod failed, from its log', () => {
  it("takes the message of k6's last error line, else the last line", () => {
    expect(failureFromLog(['time="a" level=info msg="x"', 'time="b" level=error msg="Error: cannot read \\"documents/x\\"\\n\\tat y" hint="script exception"', ''])).toBe('Error: cannot read "documents/x"');
    expect(failureFromLog(['starting', 'panic: out of memory', ''])).toBe('panic: out of memory');
    expect(failureFromLog([])).toBe('its log is empty');
    expect(failureFromLog([`level=error msg="${'x'.repeat(400)}"`])).toHaveLength(303);
  });
});

describe('summaries from runner logs', () => {
  it('cuts from the summary banner to the end, or finds none', () => {
    expect(summaryFromLog(['a', 'LLM summary: x (run r)', 'b'])).toBe('LLM summary: x (run r)\nb');
    expect(summaryFromLog(['a', 'b'])).toBeNull();
  });
});
