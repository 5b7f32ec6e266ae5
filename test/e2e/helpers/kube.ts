import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKube } from '../../infra/build-kube';
import { freePorts } from '../../../tools/ports';

/**
 * A real Kubernetes API server started for one test: kube-apiserver (test/infra/kube, built on first use) over an
 * embedded etcd, both on free loopback ports with a throwaway data dir. Only the API: no scheduler,
 * controller-manager or kubelet, so Pods are stored but never run, no ServiceAccount "default" appears in new
 * namespaces and deleted namespaces stay Terminating.
 */
export interface TestKube {
  /** https://127.0.0.1:PORT */
  server: string;
  /** A kubeconfig (context "test", user "admin" with the token, the server's CA) for KubeConfig.loadFromFile. */
  kubeconfigPath: string;
  /** Bearer token of user "admin" in group system:masters (all rights under RBAC). */
  token: string;
  /** The CA that signed the serving certificate (PEM). */
  caPem: string;
  /** Stops both processes and removes the data dir. */
  close(): Promise<void>;
}

interface StartKubeOptions {
  /** How long etcd plus kube-apiserver may take to become ready, not counting a build (default 90 s). */
  readyTimeoutMs?: number;
}

/** A child whose stderr tail is kept for error messages, and that exits when this process does. */
interface Proc {
  child: ChildProcess;
  tail(lines?: number): string;
  /** Whether stderr has ever contained `marker` (given to startProc). */
  marked(): boolean;
  exited: Promise<void>;
}

function startProc(bin: string, args: string[], name: string, marker?: string): Proc {
  // stdin is a pipe nobody writes to: with KUBE_EXIT_ON_STDIN_EOF=1 the child stops when it closes, i.e. when
  // this process dies, even by SIGKILL, where no 'exit' handler runs.
  const child = spawn(bin, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, KUBE_EXIT_ON_STDIN_EOF: '1' } });
  let log = '';
  let marked = false;
  child.stderr?.on('data', (d) => {
    log = (log + d).slice(-64_000);
    if (marker && !marked) marked = log.includes(marker);
  });
  child.on('error', (err) => (log += `\n${name}: ${err.message}`));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    child,
    exited,
    tail: (lines = 30) => log.split('\n').filter(Boolean).slice(-lines).join('\n'),
    marked: () => marked,
  };
}

async function stop(p: Proc, graceMs: number): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGKILL');
    await Promise.race([p.exited, new Promise((r) => setTimeout(r, 2000))]);
  }
}

/** GET path over TLS without verifying (the CA is only written once the server generated it); status or 0. */
function probe(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(url, { rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` }, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body: '' }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts etcd and kube-apiserver on loopback and waits until /readyz says ok (builds the binary on first use). */
export async function startKube(opts: StartKubeOptions = {}): Promise<TestKube> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const bin = await ensureKube();
  const dir = mkdtempSync(join(tmpdir(), 'kube-'));
  const procs: Proc[] = [];
  const killAll = () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killAll);
  const fail = async (msg: string): Promise<never> => {
    await Promise.all(procs.map((p) => stop(p, 2000)));
    process.off('exit', killAll);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(msg);
  };

  try {
    const token = randomBytes(24).toString('hex');
    // tokens.csv: token,user,uid,"group1,group2"
    writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });
    const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(dir, 'sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));
    mkdirSync(join(dir, 'etcd'), { mode: 0o700 });
    mkdirSync(join(dir, 'certs'), { mode: 0o700 });

    const [etcdPort, peerPort, apiPort] = await freePorts(3);
    const deadline = Date.now() + readyTimeoutMs;

    const etcd = startProc(bin, ['etcd', `--data-dir=${join(dir, 'etcd')}`, `--listen-client-url=http://127.0.0.1:${etcdPort}`, `--listen-peer-url=http://127.0.0.1:${peerPort}`], 'etcd', 'kube etcd: ready');
    procs.push(etcd);
    while (!etcd.marked()) {
      if (etcd.child.exitCode !== null || etcd.child.signalCode !== null || Date.now() > deadline) {
        return await fail(`etcd did not become ready on 127.0.0.1:${etcdPort} (exit ${etcd.child.exitCode ?? etcd.child.signalCode}); last lines of its stderr:\n${etcd.tail()}`);
      }
      await sleep(100);
    }

    const server = `https://127.0.0.1:${apiPort}`;
    const api = startProc(
      bin,
      [
        'apiserver',
        `--etcd-servers=http://127.0.0.1:${etcdPort}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        // The "kubernetes" Service's endpoint would be the advertise address, and Endpoints reject loopback
        // addresses: with the reconciler on, kube-apiserver refuses to start on 127.0.0.1.
        '--advertise-address=127.0.0.1',
        '--endpoint-reconciler-type=none',
        // No cert files given: kube-apiserver writes a self-signed CA and a serving cert for 127.0.0.1 here.
        `--cert-dir=${join(dir, 'certs')}`,
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        // Required flags: service-account tokens are signed with this key pair.
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${join(dir, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
        // Only allocates ClusterIPs to Service objects; nothing routes them.
        '--service-cluster-ip-range=10.96.0.0/24',
        // The ServiceAccount plugin rejects a Pod until its namespace's "default" ServiceAccount exists, and only
        // the controller-manager (not run here) creates that.
        '--disable-admission-plugins=ServiceAccount',
        '--allow-privileged=true',
        '--profiling=false',
      ],
      'kube-apiserver',
    );
    procs.push(api);
    for (;;) {
      const r = await probe(`${server}/readyz`, token);
      if (r.status === 200 && r.body.trim() === 'ok') break;
      if (api.child.exitCode !== null || api.child.signalCode !== null || etcd.child.exitCode !== null || Date.now() > deadline) {
        const why = api.child.exitCode !== null || api.child.signalCode !== null ? `exited (${api.child.exitCode ?? api.child.signalCode})` : etcd.child.exitCode !== null ? 'lost etcd' : `not ready after ${readyTimeoutMs / 1000}s`;
        return await fail(`kube-apiserver on ${server} ${why}; last readyz: ${r.status} ${r.body.slice(-500)}\nlast lines of its stderr:\n${api.tail()}\netcd:\n${etcd.tail(5)}`);
      }
      await sleep(200);
    }

    // The generated apiserver.crt holds the serving cert then the CA that signed it; trusting the file trusts the CA.
    const certFile = join(dir, 'certs', 'apiserver.crt');
    if (!existsSync(certFile)) return await fail(`kube-apiserver is ready but wrote no ${certFile}`);
    const caPem = readFileSync(certFile, 'utf8');
    const kubeconfigPath = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      kubeconfigPath,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: test',
        '  cluster:',
        `    server: ${server}`,
        `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
        'users:',
        '- name: admin',
        '  user:',
        `    token: ${token}`,
        'contexts:',
        '- name: test',
        '  context:',
        '    cluster: test',
        '    user: admin',
        '    namespace: default',
        'current-context: test',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );

    let closed: Promise<void> | undefined;
    return {
      server,
      kubeconfigPath,
      token,
      caPem,
      close: () =>
        (closed ??= (async () => {
          await stop(api, 10_000);
          await stop(etcd, 10_000);
          process.off('exit', killAll);
          rmSync(dir, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    killAll();
    process.off('exit', killAll);
    throw err;
  }
}
