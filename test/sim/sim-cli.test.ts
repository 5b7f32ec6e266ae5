import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { http } from './helpers';

function runSim(args: string[]): { child: ReturnType<typeof spawn>; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('sim CLI', () => {
  it('starts from the sample config on free ports, prints its URLs, and stops on SIGTERM', async () => {
    const sim = runSim(['--config', 'configs/sim.yaml', '--admin-port', '0', '--router-port', '0', '--seed', '3']);
    const deadline = Date.now() + 20_000;
    while (!/router listening on (\S+)/.test(sim.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const admin = /admin\s+listening on (\S+)/.exec(sim.output())?.[1];
    const router = /router listening on (\S+)/.exec(sim.output())?.[1];
    expect(admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(router).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.output()).toContain('seed 3');
    expect((await http(`${admin}/healthz`)).status).toBe(200);
    expect((await http(`${router}/v1/status/healthz`)).status).toBe(200);
    sim.child.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
  });

  it('exits 2 with a message naming a bad flag or config', async () => {
    const bad = runSim(['--admin-port', 'x']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('--admin-port must be an integer');
    const missing = runSim(['--config', 'does/not/exist.yaml']);
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toContain('cannot read sim config does/not/exist.yaml');
  });
});
