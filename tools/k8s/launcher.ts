/**
 * The launcher's logic: pre-flight every cluster, apply the rendered objects, follow the TestRun's
 * stage and the runners' logs, and decide the exit code. It talks to clusters only through the
 * Cluster interface, so it is tested against a fake and, in e2e, a real API server.
 */
import type { Cluster, RunnerPod } from './cluster';
import { ownedBy, type Rendered } from './render';

/** Exit codes of k8s:run. */
export const EXIT = { ok: 0, failed: 1, usage: 2, preflight: 3, timeout: 4, interrupted: 130 } as const;

/** The operator's stages in the order a TestRun moves through them (status.stage). */
const STAGES = ['initialization', 'initialized', 'created', 'started', 'stopped', 'finished', 'error'] as const;

const rank = (stage: string | null) => (STAGES as readonly (string | null)[]).indexOf(stage);

/** One cluster's part of a launch. */
export interface LaunchTarget {
  cluster: Cluster;
  rendered: Rendered;
}

export interface LaunchOptions {
  wait: boolean;
  follow: boolean;
  keep: boolean;
  /** Whether the runners need the admin Secret (the ai-aas adapter, or static keys from the env). */
  needsSecret: boolean;
  secretName: string;
  /** Checks the config's target URLs from here; returns problems. */
  checkTargets?: (() => Promise<string[]>) | undefined;
  /** Longest the launcher waits for the run to end. */
  timeoutMs: number;
  pollMs?: number | undefined;
  /** Aborted on Ctrl-C: the launcher deletes what it created and returns EXIT.interrupted. */
  signal?: AbortSignal | undefined;
  /** Progress and outcome lines (stderr in the CLI). */
  log: (line: string) => void;
  /** Runner log lines, prefixed with the context and pod (stdout in the CLI). */
  output: (line: string) => void;
}

/** What one cluster's runners did. */
interface ClusterOutcome {
  context: string;
  stage: string | null;
  pods: RunnerPod[];
  /** Each runner's end-of-run summary, cut from its log (when followed). */
  summaries: Record<string, string>;
  /** Each runner's whole log (when followed). */
  logs: Record<string, string[]>;
}

interface LaunchResult {
  code: number;
  reason: string;
  outcomes: ClusterOutcome[];
}

/** Checks one cluster before anything is applied; returns the problems, each saying how to fix it. */
async function preflight(t: LaunchTarget, o: Pick<LaunchOptions, 'needsSecret' | 'secretName'>): Promise<string[]> {
  const { cluster, rendered } = t;
  const where = `context ${cluster.context}`;
  try {
    await cluster.serverVersion();
  } catch (e) {
    return [`${where}: the API server does not answer (${(e as Error).message}); check the kubeconfig and --context`];
  }
  const problems: string[] = [];
  try {
    await checkCluster(t, o, problems);
  } catch (e) {
    // A 403 here means the kubeconfig's identity lacks a read the launcher needs (deploy/k8s/rbac.yaml lists them).
    problems.push(`${where}: pre-flight could not finish: ${(e as Error).message.split('\n')[0]?.slice(0, 300)}`);
  }
  return problems;
}

async function checkCluster(t: LaunchTarget, o: Pick<LaunchOptions, 'needsSecret' | 'secretName'>, problems: string[]): Promise<void> {
  const { cluster, rendered } = t;
  const where = `context ${cluster.context}`;
  if (!(await cluster.hasTestRunCrd())) problems.push(`${where}: the k6-operator's TestRun CRD (testruns.k6.io) is not installed; install the operator (README "Running on Kubernetes")`);
  if (!(await cluster.namespaceExists(rendered.namespace))) {
    problems.push(`${where}: namespace ${rendered.namespace} does not exist; kubectl apply -f deploy/k8s/namespace.yaml (or pass --namespace)`);
  } else if (o.needsSecret && !(await cluster.secretExists(rendered.namespace, o.secretName))) {
    problems.push(`${where}: Secret ${o.secretName} is missing in ${rendered.namespace}; create it from deploy/k8s/admin-secret.example.yaml (credentials live only there)`);
  }
}

/** Cuts the end-of-run summary from a runner's log: from the summary banner to the end. */
export function summaryFromLog(lines: readonly string[]): string | null {
  const at = lines.findIndex((l) => /^\s*LLM summary: /.test(l));
  return at < 0 ? null : lines.slice(at).join('\n');
}

/**
 * Resolves after ms, or at once on abort. cancel() clears the timer and the abort listener: a timer left
 * pending after the verdict kept the CLI alive for its full length (30 s) after the run had ended.
 */
function delay(ms: number, signal?: AbortSignal): { done: Promise<void>; cancel: () => void } {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(() => finish(), ms);
    finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    signal?.addEventListener('abort', finish, { once: true });
  });
  return { done, cancel: () => finish() };
}

/** Longest reason taken from a failed pod's log, in characters. */
const REASON_CHARS = 300;

/** Why a pod's log says it failed: the message of its last error-level k6 line, else its last line. */
export function failureFromLog(lines: readonly string[]): string {
  const nonEmpty = lines.map((l) => l.trim()).filter((l) => l !== '');
  const error = [...nonEmpty].reverse().find((l) => /\blevel=(error|fatal)\b/.test(l));
  const msg = error ? /\bmsg="((?:[^"\\]|\\.)*)"/.exec(error)?.[1]?.replace(/\\n[\s\S]*$/, '').replace(/\\"/g, '"') : undefined;
  const why = msg ?? error ?? nonEmpty[nonEmpty.length - 1] ?? 'its log is empty';
  return why.length > REASON_CHARS ? `${why.slice(0, REASON_CHARS)}...` : why;
}

/** Deletes a target's TestRun and ConfigMap, reporting what went. */
async function removeObjects(t: LaunchTarget, log: (l: string) => void): Promise<void> {
  const { cluster, rendered } = t;
  try {
    const tr = await cluster.deleteTestRun(rendered.namespace, rendered.name);
    const cm = await cluster.deleteConfigMap(rendered.namespace, rendered.configMap.metadata.name);
    log(`[${cluster.context}] deleted ${[tr && `testrun/${rendered.name}`, cm && `configmap/${rendered.configMap.metadata.name}`].filter(Boolean).join(' and ') || 'nothing (already gone)'}`);
  } catch (e) {
    log(`[${cluster.context}] could not delete testrun/${rendered.name}: ${(e as Error).message}; delete it with npm run k8s:delete -- --run-id ${rendered.name}`);
  }
}

/**
 * Reads the log of every failed pod of a target's TestRun (the initializer's says why a stage error happened),
 * prints it, and keeps it in the outcome's logs (k8s:run saves those under results/). Must run before the TestRun
 * is deleted: garbage collection takes its pods, and their logs, with it. Returns "pod: why" per failed pod.
 */
async function explainFailure(t: LaunchTarget, outcome: ClusterOutcome, log: (l: string) => void): Promise<string[]> {
  const { cluster, rendered } = t;
  const where = `[${cluster.context}]`;
  try {
    const pods = await cluster.failedPods(rendered.namespace, rendered.name);
    const reasons: string[] = [];
    for (const p of pods) {
      let lines = outcome.logs[p.name];
      if (!lines || lines.length === 0) {
        try {
          lines = (await cluster.podLog(rendered.namespace, p.name, p.container)).split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
        } catch (e) {
          log(`${where} could not read the log of failed pod ${p.name}: ${(e as Error).message.split('\n')[0]}`);
          continue;
        }
        outcome.logs[p.name] = lines;
        log(`${where} pod ${p.name} failed; its log (${p.container}):`);
        for (const l of lines) log(`[${cluster.context}/${p.name}] ${l}`);
      }
      reasons.push(`${p.name}: ${failureFromLog(lines)}`);
    }
    return reasons;
  } catch (e) {
    log(`${where} could not list the failed pods of testrun/${rendered.name}: ${(e as Error).message.split('\n')[0]}`);
    return [];
  }
}

/** Follows one cluster's run until its stage is finished or error, or the run is cut short. */
async function follow(t: LaunchTarget, o: LaunchOptions, deadline: number): Promise<ClusterOutcome & { ended: 'done' | 'gone' | 'timeout' | 'interrupted' }> {
  const { cluster, rendered } = t;
  const ns = rendered.namespace;
  const outcome: ClusterOutcome = { context: cluster.context, stage: null, pods: [], summaries: {}, logs: {} };
  let stageChanged: () => void = () => {};
  let gone = false;
  const onStage = (stage: string | null) => {
    // Polling can run ahead of the watch's queued events; a stage never goes back, so a late one is dropped.
    if (rank(stage) < rank(outcome.stage)) return;
    if (stage !== outcome.stage) o.log(`[${cluster.context}] testrun/${rendered.name}: stage ${stage ?? '(none yet)'}`);
    outcome.stage = stage;
    stageChanged();
  };
  const stop = await cluster.watchTestRun(ns, rendered.name, onStage, () => { gone = true; stageChanged(); });
  const streams = new Map<string, { done: Promise<void>; stop: () => void }>();
  const pollMs = o.pollMs ?? 2000;
  let lastProgress = 0;
  let ended: 'done' | 'gone' | 'timeout' | 'interrupted' = 'done';
  try {
    for (;;) {
      if (o.signal?.aborted) { ended = 'interrupted'; break; }
      if (Date.now() > deadline) { ended = 'timeout'; break; }
      if (outcome.stage === 'finished' || outcome.stage === 'error') break;
      if (gone) { ended = 'gone'; break; }
      // The watch reports stages at once; polling as well means a dropped watch cannot hang the launcher.
      const polled = await cluster.testRunStage(ns, rendered.name);
      if (polled === undefined) gone = true;
      else if (polled !== outcome.stage) onStage(polled);
      if (gone || outcome.stage === 'finished' || outcome.stage === 'error') continue;
      outcome.pods = await cluster.runnerPods(ns, rendered.name);
      if (o.follow) {
        for (const p of outcome.pods) {
          if (streams.has(p.name) || p.phase === 'Pending') continue;
          const lines: string[] = (outcome.logs[p.name] = []);
          const prefix = `[${cluster.context}/${p.name}]`;
          streams.set(p.name, await cluster.followLog(ns, p.name, (line) => { lines.push(line); o.output(`${prefix} ${line}`); }));
        }
      }
      if (Date.now() - lastProgress >= 10_000) {
        lastProgress = Date.now();
        const count = (phase: string) => outcome.pods.filter((p) => p.phase === phase).length;
        o.log(`[${cluster.context}] ${rendered.name}: stage ${outcome.stage ?? 'pending'}, runners ${count('Running')} running, ${count('Succeeded')} done, ${count('Failed')} failed of ${rendered.parallelism}`);
      }
      const poll = delay(pollMs, o.signal);
      await Promise.race([poll.done, new Promise<void>((r) => { stageChanged = r; })]);
      poll.cancel();
    }
  } finally {
    stop();
  }
  if (ended === 'done' || ended === 'gone') {
    // Logs end with the pods; wait a little for the last lines (the summary) to arrive.
    const grace = delay(30_000, o.signal);
    await Promise.race([Promise.all([...streams.values()].map((s) => s.done)), grace.done]);
    grace.cancel();
    outcome.pods = await cluster.runnerPods(ns, rendered.name).catch(() => outcome.pods);
  }
  for (const s of streams.values()) s.stop();
  for (const [pod, lines] of Object.entries(outcome.logs)) {
    const summary = summaryFromLog(lines);
    if (summary) outcome.summaries[pod] = summary;
  }
  return { ...outcome, ended };
}

/** Why a finished cluster run failed, or null when every runner exited 0. */
function judge(outcome: ClusterOutcome, parallelism: number): string | null {
  if (outcome.stage === 'error') return `[${outcome.context}] the operator reports stage error`;
  const failed = outcome.pods.filter((p) => p.phase === 'Failed' || (p.exitCode !== undefined && p.exitCode !== 0));
  if (failed.length > 0) {
    return `[${outcome.context}] ${failed.length} of ${parallelism} runner(s) failed: ${failed.map((p) => `${p.name} (exit ${p.exitCode ?? '?'}${p.exitCode === 108 ? ', aborted by a limit' : p.exitCode === 99 ? ', thresholds failed' : ''})`).join(', ')}`;
  }
  if (outcome.stage !== 'finished') return `[${outcome.context}] the TestRun went away at stage ${outcome.stage ?? 'none'} before finishing`;
  return null;
}

/**
 * Launches every target: pre-flight all (nothing is applied if one fails), apply, then with wait or
 * follow see the runs through, delete them unless kept, and return the exit code and reason.
 */
export async function launch(targets: LaunchTarget[], o: LaunchOptions): Promise<LaunchResult> {
  const problems = (await Promise.all(targets.map((t) => preflight(t, o)))).flat();
  if (o.checkTargets) problems.push(...(await o.checkTargets()));
  if (problems.length > 0) {
    for (const p of problems) o.log(`pre-flight: ${p}`);
    return { code: EXIT.preflight, reason: `pre-flight failed (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was applied`, outcomes: [] };
  }
  const applied: LaunchTarget[] = [];
  try {
    for (const t of targets) {
      await t.cluster.apply(t.rendered.configMap);
      applied.push(t);
      const { uid } = await t.cluster.apply(t.rendered.testRun);
      if (!uid) throw new Error(`the API server returned testrun/${t.rendered.name} without a uid`);
      // The TestRun owns its ConfigMap (about 750 KB), so cleanup: post leaves none behind. Applied after the
      // TestRun, whose uid it needs, and not before: the operator's pods mount the ConfigMap as soon as it starts.
      await t.cluster.apply(ownedBy(t.rendered.configMap, t.rendered.testRun, uid));
      o.log(`[${t.cluster.context}] applied configmap/${t.rendered.configMap.metadata.name} and testrun/${t.rendered.name} in ${t.rendered.namespace} (${t.rendered.parallelism} runner${t.rendered.parallelism === 1 ? '' : 's'})`);
    }
  } catch (e) {
    o.log(`apply failed: ${(e as Error).message}`);
    for (const t of applied) await removeObjects(t, o.log);
    return { code: EXIT.failed, reason: 'apply failed; what was applied has been deleted', outcomes: [] };
  }
  if (!o.wait && !o.follow) {
    return { code: EXIT.ok, reason: `launched; watch with npm run k8s:status -- --run-id ${targets[0]?.rendered.name ?? ''}`, outcomes: [] };
  }
  const deadline = Date.now() + o.timeoutMs;
  const results = await Promise.all(targets.map((t) => follow(t, o, deadline)));
  const interrupted = o.signal?.aborted === true || results.some((r) => r.ended === 'interrupted');
  const timedOut = results.some((r) => r.ended === 'timeout');
  const verdicts = results.map((r, i) => judge(r, targets[i]?.rendered.parallelism ?? 0));
  // Read why before deleting anything: the failed pods (and their logs) go with the TestRun.
  const why = await Promise.all(
    targets.map((t, i) => (verdicts[i] !== null && !interrupted && !timedOut ? explainFailure(t, results[i] as ClusterOutcome, o.log) : Promise.resolve([]))),
  );
  if (interrupted || timedOut || !o.keep) for (const t of targets) await removeObjects(t, o.log);
  const outcomes: ClusterOutcome[] = results.map(({ ended: _ended, ...rest }) => rest);
  if (interrupted) return { code: EXIT.interrupted, reason: 'interrupted: the TestRun(s) were deleted, which stops the runners', outcomes };
  if (timedOut) return { code: EXIT.timeout, reason: `the run did not finish within ${Math.round(o.timeoutMs / 1000)} s; the TestRun(s) were deleted`, outcomes };
  const failures = verdicts.flatMap((v, i) => (v === null ? [] : [why[i]?.length ? `${v}: ${why[i]?.join('; ')}` : v]));
  if (failures.length > 0) return { code: EXIT.failed, reason: failures.join('; '), outcomes };
  return { code: EXIT.ok, reason: 'finished: every runner exited 0', outcomes };
}
