/**
 * What the k6-operator (v1.6.0) runs in runner pod i of a TestRun, reproduced on this machine: the
 * script ConfigMap "mounted" into a folder, the runner's command line and env as the operator builds them
 * (see deploy/k8s/k6-operator/NOTICE.md), and the pod's native sidecar (the stream relay, from
 * spec.runner.initContainers with restartPolicy Always) started before k6 and stopped after it, on a
 * loopback port of its own since the emulated pods share this machine's network. k6 is the official
 * binary (tools/build/k6-binary.ts: v1.1.0, as the pinned runner image). Without --paused: there is no starter here.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureK6 } from '../../../tools/build/k6-binary';
import { startRelay } from '../../../tools/build/relay-process';
import { RELAY_URL_ENV, RUNNER_WORKDIR, SCRIPT_MOUNT, type K8sObject } from '../../../tools/k8s/render';

interface EnvVar {
  name: string;
  value: string;
}

/** spec.runner.initContainers[] as the CRD has them (no probes). */
interface InitContainer {
  name: string;
  image: string;
  restartPolicy?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface RunnerSpec {
  parallelism: number;
  arguments?: string;
  script: { configMap: { name: string; file: string } };
  runner: {
    image: string;
    imagePullPolicy?: string;
    metadata?: { labels?: Record<string, string> };
    serviceAccountName?: string;
    automountServiceAccountToken?: string;
    env: EnvVar[];
    envFrom: { secretRef: { name: string } }[];
    resources?: InitContainer['resources'];
    securityContext?: Record<string, unknown>;
    initContainers?: InitContainer[];
    volumes?: Record<string, unknown>[];
    volumeMounts?: { name: string; mountPath: string }[];
  };
}

const specOf = (testRun: K8sObject) => testRun.spec as RunnerSpec;

/** Writes the ConfigMap's files into dir, as the operator's volume mount at /test/ would show them. */
export function mountConfigMap(configMap: K8sObject, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries((configMap.data as Record<string, string> | undefined) ?? {})) writeFileSync(join(dir, file), text);
  for (const [file, b64] of Object.entries((configMap.binaryData as Record<string, string> | undefined) ?? {})) writeFileSync(join(dir, file), Buffer.from(b64, 'base64'));
}

/** The k6 arguments and env of runner `index` (1-based), with /test/ mapped to mountDir and the Secret's data given. */
function runnerCommand(testRun: K8sObject, index: number, mountDir: string, secrets: Record<string, Record<string, string>>): { args: string[]; env: Record<string, string> } {
  const spec = specOf(testRun);
  const n = spec.parallelism;
  const args = ['run', '--quiet'];
  if (n > 1) {
    const seq = Array.from({ length: n + 1 }, (_, k) => (k === 0 ? '0' : k === n ? '1' : `${k}/${n}`));
    args.push(`--execution-segment=${seq[index - 1]}:${seq[index]}`, `--execution-segment-sequence=${seq.join(',')}`);
  }
  if (spec.arguments) args.push(...spec.arguments.split(' ').filter((a) => a !== ''));
  args.push(join(mountDir, spec.script.configMap.file), '--tag', `instance_id=${index}`, '--tag', `testrun_name=${testRun.metadata.name}`);
  const env: Record<string, string> = {};
  for (const ref of spec.runner.envFrom) {
    const data = secrets[ref.secretRef.name];
    if (!data) throw new Error(`the TestRun needs Secret ${ref.secretRef.name}, which the test did not provide`);
    Object.assign(env, data);
  }
  for (const e of spec.runner.env) env[e.name] = e.value.startsWith(`${SCRIPT_MOUNT}/`) ? join(mountDir, e.value.slice(SCRIPT_MOUNT.length + 1)) : e.value;
  return { args, env };
}

/**
 * The Pod the operator (v1.6.0) creates for runner `index` (1-based) from a stored TestRun: the k6 container
 * with the script volume at /test/ and the runner's settings, the runner's init containers copied with their
 * restartPolicy and resources (a native sidecar), the runner's volumes and pod securityContext. Labels as
 * the operator sets them (app, k6_cr, runner), which the launcher selects runner pods by.
 */
export function runnerPod(testRun: K8sObject, index: number): { metadata: { name: string; labels: Record<string, string> }; spec: Record<string, unknown> } {
  const spec = specOf(testRun);
  const r = spec.runner;
  const name = testRun.metadata.name;
  const { args } = runnerCommand(testRun, index, SCRIPT_MOUNT, Object.fromEntries(r.envFrom.map((e) => [e.secretRef.name, {}])));
  return {
    metadata: { name: `${name}-${index}-x${index}`, labels: { ...(r.metadata?.labels ?? {}), app: 'k6', k6_cr: name, runner: 'true' } },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: r.serviceAccountName,
      automountServiceAccountToken: r.automountServiceAccountToken === 'true',
      securityContext: r.securityContext,
      initContainers: (r.initContainers ?? []).map((c) => ({ ...c })),
      containers: [
        {
          name: 'k6',
          image: r.image,
          imagePullPolicy: r.imagePullPolicy,
          // --paused: the starter resumes every runner at once.
          command: ['k6', ...args, '--paused', '--address=0.0.0.0:6565'],
          env: r.env,
          envFrom: r.envFrom,
          resources: r.resources,
          volumeMounts: [{ name: 'k6-test-volume', mountPath: SCRIPT_MOUNT }, ...(r.volumeMounts ?? [])],
          ports: [{ containerPort: 6565 }],
        },
      ],
      volumes: [{ name: 'k6-test-volume', configMap: { name: spec.script.configMap.name } }, ...(r.volumes ?? [])],
    },
  };
}

/** The runner pods' native sidecars: init containers that keep running beside k6 (restartPolicy Always). */
function sidecars(testRun: K8sObject): InitContainer[] {
  return (specOf(testRun).runner.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
}

/** The value of `-flag value` in a container's args, or undefined. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

/** A relay started for one emulated pod, and the env change that points that pod's k6 at it. */
interface PodSidecar {
  url: string;
  stop(): Promise<unknown>;
}

/**
 * Starts the relay sidecar of one emulated pod, as the kubelet would (before k6): on a free loopback port
 * instead of the pod-local 127.0.0.1:8391, with its -results-root (the pod's shared /home/k6) mapped to
 * workDir. Throws when the TestRun has no relay sidecar or its wiring does not match the runner's env.
 */
async function startSidecar(testRun: K8sObject, workDir: string): Promise<PodSidecar> {
  const [relay, ...more] = sidecars(testRun);
  if (!relay || more.length > 0) throw new Error(`the TestRun should have exactly one native sidecar (the relay), has ${sidecars(testRun).length}`);
  if (relay.command) throw new Error('the relay sidecar should run its image\'s ENTRYPOINT (no command)');
  const args = relay.args ?? [];
  const listen = flagValue(args, '-listen');
  const wanted = specOf(testRun).runner.env.find((e) => e.name === RELAY_URL_ENV)?.value;
  if (!listen || wanted !== `http://${listen}`) throw new Error(`the runner's ${RELAY_URL_ENV} (${wanted}) is not the sidecar's -listen ${listen}`);
  if (!/^127\.0\.0\.1:\d+$/.test(listen)) throw new Error(`the relay sidecar should listen on pod loopback, not ${listen}`);
  const root = flagValue(args, '-results-root');
  if (root !== RUNNER_WORKDIR) throw new Error(`the relay's -results-root should be k6's working directory ${RUNNER_WORKDIR}, is ${root}`);
  // Every other flag is passed on as given; -listen and -results-root are startRelay's and this pod's.
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-listen' || args[i] === '-results-root') i++;
    else rest.push(args[i] as string);
  }
  const r = await startRelay({ cwd: workDir, args: [...rest, '-results-root', workDir], quiet: true, log: () => {} });
  return { url: r.url, stop: () => r.stop() };
}

export interface PodRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Files the pod left in its working directory (handleSummary's results/<run id>/...), relative to it. */
  files: string[];
}

/**
 * Runs runner pod `index` (1-based) of a TestRun here: its relay sidecar first, then the official k6 with the
 * operator's arguments in the pod's working directory (an emptyDir in the cluster, a fresh folder here), with
 * the pod's env only (the container sees nothing of this machine's), then the sidecar is stopped.
 */
export async function runPod(
  testRun: K8sObject,
  index: number,
  mountDir: string,
  secrets: Record<string, Record<string, string>>,
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<PodRun> {
  const { args, env } = runnerCommand(testRun, index, mountDir, secrets);
  const k6 = await ensureK6({ quiet: true });
  const workDir = mkdtempSync(join(tmpdir(), `k8s-pod-${index}-`));
  const sidecar = await startSidecar(testRun, workDir);
  try {
    const run = await new Promise<Omit<PodRun, 'files'>>((resolve, reject) => {
      const child = spawn(k6, args, {
        cwd: workDir,
        env: { HOME: workDir, K6_NO_USAGE_REPORT: 'true', ...env, [RELAY_URL_ENV]: sidecar.url, ...(opts.env ?? {}) },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
    const files = (readdirSync(workDir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(workDir.length + 1))
      .sort();
    return { ...run, files };
  } finally {
    await sidecar.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
