/**
 * The sim as a separate process, for the benches: its CLI (sim/main.ts) started in its own Node process,
 * optionally pinned to a core, so it never shares a CPU with what drives it; and an API key from it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

interface SimCliProcess {
  child: ChildProcess;
  adminUrl: string;
  routerUrl: string;
}

/** Starts sim/main.ts with a config file on free ports (under taskset -c core when core is set) and waits for its URLs. */
export async function spawnSimCli(opts: { configPath: string; core: number | null; cwd?: string; nodeArgs?: string[] }): Promise<SimCliProcess> {
  const args = [...(opts.nodeArgs ?? []), '--import', 'tsx', 'sim/main.ts', '--config', opts.configPath, '--admin-port', '0', '--router-port', '0'];
  const spawnOpts = { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'inherit'] as ['ignore', 'pipe', 'inherit'] };
  const child = opts.core === null ? spawn(process.execPath, args, spawnOpts) : spawn('taskset', ['-c', String(opts.core), process.execPath, ...args], spawnOpts);
  let out = '';
  const urls = await new Promise<{ adminUrl: string; routerUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sim did not start within 30 s: ${out}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const admin = /admin\s+listening on (\S+)/.exec(out)?.[1];
      const router = /router listening on (\S+)/.exec(out)?.[1];
      if (admin && router) {
        clearTimeout(timer);
        resolve({ adminUrl: admin, routerUrl: router });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sim exited with ${code}: ${out}`));
    });
  });
  return { child, ...urls };
}

/** Provisions one org, one active user and its API key through the sim's admin API; returns the key. */
export async function provisionBenchKey(adminUrl: string, email: string, password: string): Promise<string> {
  const post = async (path: string, body: unknown, token?: string, method = 'POST'): Promise<Record<string, string>> => {
    const r = await fetch(`${adminUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, string>;
  };
  const token = (await post('/v1/auth/login', { email, password })).access_token as string;
  const org = await post('/v1/orgs', { name: 'bench', slug: 'bench' }, token);
  const user = await post(`/v1/orgs/${org.orgId}/invites`, { email: 'bench@sim.local' }, token);
  await post(`/v1/orgs/${org.orgId}/users/${user.inviteId}`, { status: 'active' }, token, 'PATCH');
  return (await post(`/v1/orgs/${org.orgId}/users/${user.inviteId}/api-keys`, {}, token)).secret as string;
}
