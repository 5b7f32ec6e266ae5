/**
 * What the k6-operator (v1.6.0) runs in runner pod i of a TestRun, reproduced on this machine: the
 * script ConfigMap "mounted" into a folder, the runner's command line and env as the operator builds them
 * (see deploy/k8s/k6-operator/NOTICE.md), and the pod's native sidecar (the stream relay, from
 * spec.runner.initContainers with restartPolicy Always) started before k6 and stopped after it, on a
 * loopback port of its own since the emulated pods share this machine's network. k6 is the official
 * binary (tools/build/k6-binary.ts: v1.1.0, as the pinned runner image). Without --paused: there is no starter here.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

/** spec.starter: the fields the emulation reads. */
interface StarterSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: string;
}

interface RunnerSpec {
  parallelism: number;
  arguments?: string;
  cleanup?: string;
  starter?: StarterSpec;
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
function runnerCommand(
  testRun: K8sObject,
  index: number,
  mountDir: string,
  secrets: Record<string, Record<string, string>>,
  imageRoot?: string,
): { args: string[]; env: Record<string, string> } {
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
  for (const e of spec.runner.env) {
    if (e.value.startsWith(`${SCRIPT_MOUNT}/`)) env[e.name] = join(mountDir, e.value.slice(SCRIPT_MOUNT.length + 1));
    else env[e.name] = imageRoot && e.value.startsWith('/') ? hostPath(e.value, mountDir, imageRoot) : e.value;
  }
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
 * the pod's env only (the container sees nothing of this machine's), then the sidecar is stopped. With imageRoot,
 * the env's absolute paths outside /test/ point into that folder, as into the runner image.
 */
export async function runPod(
  testRun: K8sObject,
  index: number,
  mountDir: string,
  secrets: Record<string, Record<string, string>>,
  opts: { env?: Record<string, string>; timeoutMs?: number; imageRoot?: string } = {},
): Promise<PodRun> {
  const { args, env } = runnerCommand(testRun, index, mountDir, secrets, opts.imageRoot);
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

/**
 * The arguments of spec.arguments the operator (v1.6.0, pkg/types ParseCLI) passes on to `k6 archive`: it drops
 * outputs (-o/--out and their values), flags archive does not take (--linger, --no-usage-report, --log-output and
 * a few more) and --verbose (it would spoil inspect's JSON), and keeps the rest.
 */
function archiveArgs(argLine: string): string[] {
  const args = argLine.split(' ').map((a) => a.trim()).filter((a) => a !== '');
  const dropWithValues = ['-o', '--out', '--log-output', '--block-hostnames', '--blacklist-ip', '--user-agent'];
  const dropAlone = ['-l', '--linger', '--no-usage-report', '-v', '--verbose'];
  const kept: string[] = [];
  for (let i = 0; i < args.length; ) {
    let end = i + 1;
    while (end < args.length && !(args[end] as string).startsWith('-')) end++;
    const flag = args[i] as string;
    const drop = dropAlone.includes(flag) || dropWithValues.some((d) => flag === d || flag.startsWith(`${d}=`));
    if (!drop) kept.push(...args.slice(i, end));
    i = end;
  }
  return kept;
}

/** Where the initializer's command finds the script volume and its scratch files (in the pod: /test and /tmp). */
interface InitializerPaths {
  test: string;
  tmp: string;
}

/**
 * The initializer's container command as the operator (v1.6.0) builds it: one `sh -c` line that packs the
 * mounted script into an archive with the TestRun's archive arguments and every spec.runner.env variable passed
 * on as `-e NAME="${NAME}"` (expanded by that shell from the container's env), then runs `k6 inspect
 * --execution-requirements` on it, and fails when either wrote an error-level log line. Because a shell expands
 * them, an inherited PWD arrives as the shell's working directory, whatever the TestRun set.
 */
export function initializerCommand(testRun: K8sObject, paths: InitializerPaths = { test: SCRIPT_MOUNT, tmp: '/tmp' }): string[] {
  const spec = specOf(testRun);
  const file = spec.script.configMap.file;
  const archive = `${paths.tmp}/${file}.archived.tar`;
  const logs = `${paths.tmp}/k6logs`;
  const argLine = [...archiveArgs(spec.arguments ?? ''), ...spec.runner.env.map((e) => `-e ${e.name}="\${${e.name}}"`)].join(' ');
  return ['sh', '-c', `k6 archive ${paths.test}/${file} -O ${archive} ${argLine} 2> ${logs} && k6 inspect --execution-requirements ${archive} 2> ${logs} ; ! cat ${logs} | grep 'level=error'`];
}

/** A path inside the runner image, on this machine: /test/ is the mounted ConfigMap, the rest is under imageRoot. */
function hostPath(path: string, mountDir: string, imageRoot: string): string {
  if (path.startsWith(`${SCRIPT_MOUNT}/`)) return join(mountDir, path.slice(SCRIPT_MOUNT.length + 1));
  return join(imageRoot, path);
}

interface InitializerRun {
  code: number | null;
  /** The pod's log: the container's stdout and stderr (inspect's JSON, or the error lines grep found). */
  log: string;
  /** `k6 inspect --execution-requirements` output when the initializer succeeded. */
  inspect?: { maxVUs?: number; totalDuration?: string };
}

/**
 * Runs the initializer pod of a TestRun here, as the operator's Job would: the exact `sh -c` line (with this
 * machine's /bin/sh, so the shell's own PWD handling happens), in the image's working directory (/home/k6 of
 * the official image, under imageRoot), with the runner's env as the container's env and its absolute paths
 * mapped into mountDir (/test/) and imageRoot (everything else, e.g. the documents/ of an image of your own).
 */
export async function runInitializer(testRun: K8sObject, mountDir: string, imageRoot: string, timeoutMs = 120_000): Promise<InitializerRun> {
  const k6 = await ensureK6({ quiet: true });
  const scratch = mkdtempSync(join(tmpdir(), 'k8s-initializer-'));
  const bin = join(scratch, 'bin');
  mkdirSync(bin);
  symlinkSync(k6, join(bin, 'k6'));
  const tmp = join(scratch, 'tmp');
  mkdirSync(tmp);
  const workDir = join(imageRoot, RUNNER_WORKDIR);
  mkdirSync(workDir, { recursive: true });
  const env: Record<string, string> = { PATH: `${bin}:/usr/bin:/bin`, HOME: workDir, K6_NO_USAGE_REPORT: 'true' };
  for (const e of specOf(testRun).runner.env) env[e.name] = e.value.startsWith('/') ? hostPath(e.value, mountDir, imageRoot) : e.value;
  const [sh, flag, line] = initializerCommand(testRun, { test: mountDir, tmp });
  try {
    return await new Promise<InitializerRun>((resolve, reject) => {
      const child = spawn(`/bin/${sh}`, [flag as string, line as string], { cwd: workDir, env });
      let stdout = '';
      let log = '';
      child.stdout.on('data', (d) => { stdout += d; log += d; });
      child.stderr.on('data', (d) => (log += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        let inspect: InitializerRun['inspect'];
        if (code === 0) {
          try {
            inspect = JSON.parse(stdout) as InitializerRun['inspect'];
          } catch {
            inspect = undefined;
          }
        }
        resolve({ code, log, ...(inspect ? { inspect } : {}) });
      });
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The identity of the starter pod the operator (v1.6.0) creates to resume the runners: spec.starter's
 * ServiceAccount and token mount, defaulting to the namespace's `default` account with its token mounted.
 */
export function starterPod(testRun: K8sObject): { serviceAccountName: string; automountServiceAccountToken: boolean } {
  const starter = specOf(testRun).starter ?? {};
  return {
    serviceAccountName: starter.serviceAccountName || 'default',
    // Go's strconv.ParseBool, and false when it cannot parse, as the operator reads it.
    automountServiceAccountToken: starter.automountServiceAccountToken ? ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(starter.automountServiceAccountToken) : true,
  };
}
