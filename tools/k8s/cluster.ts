/**
 * The narrow view of a Kubernetes cluster the launcher needs. kube-client.ts implements it on
 * @kubernetes/client-node; tests drive the launcher's logic through a fake.
 */
import type { K8sObject } from './render';

/** One runner pod of a TestRun, as far as the launcher cares. */
export interface RunnerPod {
  name: string;
  /** Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  /** The k6 container's exit code once it terminated. */
  exitCode?: number | undefined;
}

/** A pod of a TestRun that failed, and the container whose log says why. */
export interface FailedPod {
  name: string;
  container: string;
}

/** A TestRun as status/delete list it. */
export interface TestRunInfo {
  name: string;
  namespace: string;
  stage: string | null;
  parallelism: number;
  runId: string | null;
  created: string | null;
}

export interface Cluster {
  /** The kube context this cluster was reached through (for messages). */
  readonly context: string;
  /** The API server's version, proving it answers with our credentials. */
  serverVersion(): Promise<string>;
  /** Whether the TestRun CRD (testruns.k6.io) is installed. */
  hasTestRunCrd(): Promise<boolean>;
  namespaceExists(namespace: string): Promise<boolean>;
  /** Whether a Secret exists (its data is dropped unread). */
  secretExists(namespace: string, name: string): Promise<boolean>;
  /** Server-side apply of one object; resolves with the stored object's uid (for owner references). */
  apply(obj: K8sObject): Promise<{ uid: string }>;
  /** The TestRun's status.stage; null before the operator set one; undefined when it is gone. */
  testRunStage(namespace: string, name: string): Promise<string | null | undefined>;
  /** Calls onStage on every stage change until stopped; resolves with a stop function. */
  watchTestRun(namespace: string, name: string, onStage: (stage: string | null) => void, onGone: () => void): Promise<() => void>;
  runnerPods(namespace: string, testRun: string): Promise<RunnerPod[]>;
  /** The TestRun's pods (initializer, starter, runners) that failed, each with the container to read. */
  failedPods(namespace: string, testRun: string): Promise<FailedPod[]>;
  /** The last lines of a container's log, read once. */
  podLog(namespace: string, pod: string, container: string): Promise<string>;
  /** Streams a pod's k6 log line by line until it ends or stop is called. */
  followLog(namespace: string, pod: string, onLine: (line: string) => void): Promise<{ done: Promise<void>; stop: () => void }>;
  deleteTestRun(namespace: string, name: string): Promise<boolean>;
  deleteConfigMap(namespace: string, name: string): Promise<boolean>;
  listTestRuns(namespace: string): Promise<TestRunInfo[]>;
}
