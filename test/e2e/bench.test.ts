// npm run bench for real, with tiny sizes: the sim in its own process, the official k6 binary and its stream
// relay pinned beside it, every request matched to ground truth. Checks the JSON it writes, not performance (that is the
// bench's own job): figures present and plausible, the sim ceiling recorded, the self-check carried.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/report';
import { bundle, repoRoot } from './helpers/k6';

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], { cwd: repoRoot, env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run bench', () => {
  it('measures accuracy, capacity, per-VU figures and the sim ceiling, and writes them as JSON', async () => {
    bundle('bench.js');
    const out = join(mkdtempSync(join(tmpdir(), 'bench-e2e-')), 'bench.json');
    const res = await runBench([
      '--quick', '--users', '20', '--levels', '40', '--sustain-sec', '3', '--capacity-sustain-sec', '3', '--tokens', '16', '--gap-ms', '20',
      '--loadtest-users', '1,3', '--sim-streams', '200', '--sim-seconds', '2', '--out', out,
    ]);
    expect(res.code, res.stderr.slice(-3000)).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
    expect(r.schema).toBe('ai-aas-loadtest/bench/v1');
    expect(r.machine.loadavgStart).toMatch(/^[\d.]+ [\d.]+ [\d.]+/);
    expect(r.machine.loadavgEnd).toMatch(/^[\d.]+ /);

    const streaming = r.accuracy.find((a) => a.flavour === 'streaming');
    const stock = r.accuracy.find((a) => a.flavour === 'stock');
    for (const a of [streaming, stock]) {
      expect(a?.exitCode).toBe(0);
      expect(a?.unmatched).toBe(0);
      expect(a?.matched).toBeGreaterThan(20);
      expect(a?.e2e?.n).toBe(a?.matched);
    }
    // Streaming: every figure, per request; errors are small on loopback (loose bound: CI machines are busy).
    expect(streaming?.ttft?.n).toBe(streaming?.matched);
    expect(streaming?.gap?.n).toBe((streaming?.matched ?? 0) * 15);
    expect(streaming?.gapCountMismatch).toBe(0);
    expect(streaming?.ttft?.medianAbs).toBeLessThan(20);
    expect(streaming?.k6.initMs).toBeGreaterThan(0);
    expect(streaming?.k6.peakRssMiB).toBeGreaterThan(10);
    expect((streaming?.selfCheck as { verdict: string }).verdict).toMatch(/^(ok|warn)$/);
    // The relay beside k6: sampled from /proc like k6, and counted in the client's CPU per chunk.
    expect(streaming?.relay?.cores).toBeGreaterThan(0);
    expect(streaming?.relay?.peakRssMiB).toBeGreaterThan(1);
    expect(streaming?.client?.cores).toBeCloseTo((streaming?.k6.cores ?? 0) + (streaming?.relay?.cores ?? 0), 2);
    expect(streaming?.client?.usPerChunk).toBeGreaterThan(0);
    // The relay's self-check sees its own CPU and, on this machine, k6's.
    expect((streaming?.selfCheck as { cpu: unknown }).cpu).not.toBeNull();
    expect(stock?.relay).toBeNull();
    expect(stock?.client?.usPerChunk).toBeGreaterThan(0);
    // Stock: no per-event times, so no TTFT or gaps; its self-check is unavailable.
    expect(stock?.ttft).toBeNull();
    expect(stock?.gap).toBeNull();
    expect((stock?.selfCheck as { verdict: string }).verdict).toBe('unavailable');

    const step = r.capacity?.steps[0];
    expect(step?.users).toBe(40);
    expect(step?.chunksPerSec).toBeGreaterThan(100);
    expect(step?.k6.cores).toBeGreaterThan(0);
    expect(step?.k6.cpuSecPer1000Chunks).toBeGreaterThan(0);
    expect(typeof step?.verdict.pass).toBe('boolean');
    expect(typeof step?.targetVerdict?.pass).toBe('boolean');
    expect(step?.relay?.cores).toBeGreaterThan(0);
    expect(r.capacity?.limits).toEqual({ medianAbsMs: 1, p99AbsMs: 5 });
    expect(r.capacity?.targetLimits).toEqual({ medianAbsMs: 0.5, p99AbsMs: 2 });
    expect(step?.profileTop).toMatch(/flat%/);
    expect(['k6', 'sim', 'levels']).toContain(r.capacity?.ceiling.limitedBy);

    expect(r.simCeiling?.chunksPerSecond).toBeGreaterThan(100);
    expect(r.simCeiling?.simCpuCoreFraction).toBeGreaterThan(0);
    expect(r.perVu?.initMsPerVu).not.toBeNull();
    expect(r.loadtestScript?.runs.map((x) => x.users)).toEqual([1, 3]);
    expect(r.loadtestScript?.runs.every((x) => x.exitCode === 0 && x.matched > 0)).toBe(true);
    expect(r.targets.map((t) => t.name)).toContain('chunks/s, one k6 on one core');
    expect(r.targets.filter((t) => t.set === 'issue-13').map((t) => t.name)).toContain('chunks/s per client core, 0.5 / 2 ms kept');
    expect(r.loadtestScript?.runs.every((x) => x.relay !== null && (x.relay?.peakRssMiB ?? 0) > 0)).toBe(true);
    expect(res.stdout).toContain('accuracy: harness minus sim ground truth');
    expect(res.stdout).toContain('targets:');
  }, 120_000);
});
