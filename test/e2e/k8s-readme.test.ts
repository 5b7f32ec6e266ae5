// The README's "Running on Kubernetes" steps, followed as written against a real Kubernetes API server
// (kube-apiserver + etcd on loopback, test/e2e/helpers/kube.ts) with shipped configs: whoever copies them gets
// past pre-flight, and the TestRun lands in the namespace deploy/k8s/namespace.yaml creates. There is no helm, docker,
// kubectl, operator or kubelet here, so each README command is carried out through the API as it would be.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, loadAllYaml, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeCluster, loadKubeConfig } from '../../tools/k8s/kube-client';
import { DEFAULT_SECRET } from '../../tools/k8s/render';
import { crdPath } from './helpers/crd';
import { repoRoot } from './helpers/k6';
import { startKube, type TestKube } from './helpers/kube';
import { until } from './helpers/wait';
import { readmeKubernetesCommands, words } from './helpers/readme';

const NAMESPACE = (loadAllYaml(readFileSync(join(repoRoot, 'deploy', 'k8s', 'namespace.yaml'), 'utf8'))[0] as KubernetesObject).metadata?.name as string;
const T = { group: 'k6.io', version: 'v1alpha1', plural: 'testruns' };
/** What the reader's shell would expand `$NAME` to in the Secret step. */
const SHELL_ENV: Record<string, string> = { AIAAS_ADMIN_EMAIL: 'admin@example.test', AIAAS_ADMIN_PASSWORD: 'placeholder' };

const commands = readmeKubernetesCommands();
const isRun = (c: string) => words(c).slice(0, 3).join(' ') === 'npm run k8s:run';

let kube: TestKube;
let admin: KubeConfig;
/** Where the files the README writes go, instead of the working tree. */
let work: string;


const inWork = (file: string) => (isAbsolute(file) ? file : join(work, file));
const readable = (file: string) => (existsSync(inWork(file)) ? inWork(file) : join(repoRoot, file));

/** `kubectl apply -f`, as the cluster admin following the README. */
async function apply(file: string): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(admin);
  for (const obj of loadAllYaml(readFileSync(readable(file), 'utf8')) as KubernetesObject[]) {
    await api.patch(obj, undefined, undefined, 'readme-reader', true, PatchStrategy.ServerSideApply);
  }
}

/** `npm run ...` in the repository, an `--out FILE` written to the work folder. */
function npm(argv: string[], kubeconfig: string): Promise<{ code: number | null; out: string; err: string }> {
  const args = argv.map((a, i) => (argv[i - 1] === '--out' ? inWork(a) : a));
  return new Promise((resolve) => {
    const p = spawn('npm', args.slice(1), { cwd: repoRoot, env: { ...process.env, KUBECONFIG: kubeconfig } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Carries out one README command; what an npm command printed, or null. */
async function carryOut(command: string, kubeconfig = kube.kubeconfigPath): Promise<{ code: number | null; out: string; err: string } | null> {
  const w = words(command);
  if (w[0] === 'helm') {
    // The operator's chart installs its CRD; no operator runs here, so the CRD alone stands in for it.
    if (w[1] === 'install') {
      await apply(crdPath);
      await until('the TestRun CRD to be established', async () => ((await new KubeCluster(admin).hasTestRunCrd()) ? true : undefined));
    }
    return null;
  }
  if (w[0] === 'docker') return null; // the relay image is only named in the TestRun
  if (w[0] === 'kubectl' && w.includes('apply')) {
    for (const [i, a] of w.entries()) if (a === '-f') await apply(w[i + 1] as string);
    return null;
  }
  if (w[0] === 'kubectl' && w.includes('create') && w.includes('secret')) {
    const stringData = Object.fromEntries(
      w.filter((a) => a.startsWith('--from-literal=')).map((a) => {
        const [key, value] = a.slice('--from-literal='.length).split(/=(.*)/s) as [string, string];
        return [key, value.replace(/^\$(\w+)$/, (_, v: string) => SHELL_ENV[v] ?? '')];
      }),
    );
    const [namespace, name] = [w[w.indexOf('-n') + 1] as string, w[w.indexOf('generic') + 1] as string];
    await admin.makeApiClient(CoreV1Api).createNamespacedSecret({ namespace, body: { metadata: { name }, stringData } });
    return null;
  }
  if (w[0] === 'npm' && w[1] === 'run') return npm(w, kubeconfig);
  throw new Error(`this test does not know how to follow the README's command: ${command}`);
}

/** A kubeconfig whose context "prod" (the README's --context) is the loadtest-launcher ServiceAccount. */
async function launcherKubeconfig(): Promise<string> {
  const tr = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({ name: 'loadtest-launcher', namespace: NAMESPACE, body: { spec: { expirationSeconds: 3600, audiences: [] } } });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: kube.server, caData: Buffer.from(kube.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'launcher', token: tr.status?.token }],
    contexts: [{ name: 'prod', cluster: 'test', user: 'launcher' }],
    currentContext: 'prod',
  });
  const file = join(work, 'launcher.kubeconfig');
  writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}

/** The TestRun a k8s:run or k8s:render output names, read back from NAMESPACE. */
async function storedTestRun(output: string): Promise<Record<string, unknown>> {
  const name = /testrun\/(\S+) in (\S+)/.exec(output) ?? /testrun (\S+) in (\S+):/.exec(output);
  expect(name?.[2], output).toBe(NAMESPACE);
  return (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...T, namespace: NAMESPACE, name: name?.[1] as string })) as Record<string, unknown>;
}

beforeAll(async () => {
  kube = await startKube();
  admin = loadKubeConfig(undefined, kube.kubeconfigPath);
  work = mkdtempSync(join(tmpdir(), 'k8s-readme-'));
}, 1_800_000);

afterAll(async () => {
  await kube?.close();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

describe("the README's Kubernetes steps, followed as written on a real API server", () => {
  it('steps 1 to 4 install the CRD, the namespace, identities, Secret and NetworkPolicy, and apply the rendered TestRun into it', async () => {
    const cluster = new KubeCluster(admin);
    let rendered: string | undefined;
    for (const c of commands.filter((c) => !isRun(c))) {
      const r = await carryOut(c);
      expect(r?.code ?? 0, `${c}\n${r?.err}`).toBe(0);
      if (words(c).includes('k8s:render')) rendered = r?.err;
    }
    expect(await cluster.namespaceExists(NAMESPACE)).toBe(true);
    expect(await cluster.secretExists(NAMESPACE, DEFAULT_SECRET)).toBe(true);
    expect(rendered, 'step 4 renders').toBeDefined();
    expect(await storedTestRun(rendered as string)).toMatchObject({ kind: 'TestRun', metadata: { namespace: NAMESPACE } });
  }, 120_000);

  it.each(['configs/multi-org.yaml', 'configs/smoke-test.yaml'])('step 5 with %s passes pre-flight as loadtest-launcher and lands the TestRun in the namespace', async (config) => {
    const run = commands.filter(isRun);
    expect(run, 'step 5 is one k8s:run command').toHaveLength(1);
    const w = words(run[0] as string);
    w[w.indexOf('--config') + 1] = config;
    // Not --follow: nothing runs the pods here (k8s-launcher.test.ts plays the operator for that). And the
    // configs' platform is not running here, so its addresses cannot answer.
    const argv = [...w.filter((a) => a !== '--follow'), '--skip-target-check'];
    const r = await carryOut(argv.join(' '), await launcherKubeconfig());
    expect(r?.code, r?.err).toBe(0);
    expect(r?.err).not.toContain('pre-flight:');
    expect(await storedTestRun(r?.err ?? '')).toMatchObject({ kind: 'TestRun', metadata: { namespace: NAMESPACE } });
  }, 120_000);
});
