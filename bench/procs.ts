/**
 * The bench's processes: the sim in its own process (pinned to a core with taskset when available),
 * k6 runs pinned to another core, and /proc sampling of each (CPU seconds, RSS) on the clock the sim
 * stamps its ground truth with (CLOCK_MONOTONIC, process.hrtime.bigint()).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { provisionBenchKey, spawnSimCli } from '../sim/cli-process';

/** Monotonic now in ms, comparable with the sim's receivedMonoMs. */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const CLK_TCK = 100;
const PAGE_KB = 4;

/** CPU seconds (user + system) and RSS (MiB) of a process from /proc; null once it is gone. */
function procSample(pid: number): { cpuSec: number; sysSec: number; rssMiB: number; hwmMiB: number | null } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSec = (Number(f[11]) + Number(f[12])) / CLK_TCK;
    const sysSec = Number(f[12]) / CLK_TCK;
    const rssMiB = (Number(f[21]) * PAGE_KB) / 1024;
    let hwmMiB: number | null = null;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) hwmMiB = Number(m[1]) / 1024;
    } catch {
      // status may vanish between the two reads
    }
    return { cpuSec, sysSec, rssMiB, hwmMiB };
  } catch {
    return null;
  }
}

/** Samples a process every intervalMs until stopped. */
export class ProcSampler {
  readonly samples: { tMs: number; cpuSec: number; rssMiB: number }[] = [];
  /** Kernel (system) CPU seconds, same times as `samples`: the share of the CPU spent in syscalls. */
  readonly sys: { tMs: number; cpuSec: number }[] = [];
  peakRssMiB = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, intervalMs = 200) {
    this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  private tick(): void {
    const s = procSample(this.pid);
    if (s === null) return;
    const tMs = monoMs();
    this.samples.push({ tMs, cpuSec: s.cpuSec, rssMiB: s.rssMiB });
    this.sys.push({ tMs, cpuSec: s.sysSec });
    this.peakRssMiB = Math.max(this.peakRssMiB, s.rssMiB, s.hwmMiB ?? 0);
  }

  stop(): void {
    this.tick();
    clearInterval(this.timer);
  }
}

/** The whole machine's busy CPU seconds (all cores; idle and iowait excluded) and steal, from /proc/stat. */
function machineSample(): { busySec: number; stealSec: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
    return { busySec: (user + nice + system + irq + softirq) / CLK_TCK, stealSec: steal / CLK_TCK };
  } catch {
    return null;
  }
}

/** Samples the machine every intervalMs until stopped (same shape as ProcSampler's CPU samples). */
export class MachineSampler {
  readonly samples: { tMs: number; cpuSec: number }[] = [];
  readonly steal: { tMs: number; cpuSec: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 200) {
    this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  private tick(): void {
    const s = machineSample();
    if (s === null) return;
    const tMs = monoMs();
    this.samples.push({ tMs, cpuSec: s.busySec });
    this.steal.push({ tMs, cpuSec: s.stealSec });
  }

  stop(): void {
    this.tick();
    clearInterval(this.timer);
  }
}

/** The sim's model for the bench: fixed-length outputs, one token per chunk, no prefill, no queue. */
interface SimModel {
  ttftBaseMs: number;
  gapMs: number;
  tokens: number;
}

export interface SimProcess {
  pid: number;
  adminUrl: string;
  routerUrl: string;
  stop(): Promise<void>;
}

/** Starts `sim/main.ts` in its own Node process, pinned to `core` when taskset exists. */
export async function startSimProcess(repoRoot: string, models: Record<string, SimModel>, core: number | null, capacity: number): Promise<SimProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sim-'));
  const cfgPath = join(dir, 'sim.yaml');
  const simModels: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(models)) {
    simModels[name] = { ttftBaseMs: m.ttftBaseMs, prefillMsPerToken: 0, gapMs: m.gapMs, maxConcurrency: 100_000, output: { kind: 'fixed', tokens: m.tokens } };
  }
  writeFileSync(cfgPath, stringify({ cache: { capacityBlocks: 0 }, groundTruth: { capacity }, models: simModels }));
  const { child, ...urls } = await spawnSimCli({ configPath: cfgPath, core, cwd: repoRoot });
  return {
    pid: child.pid as number,
    ...urls,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Issues one API key on the sim through its admin API (the static adapter's key). */
/** One API key from the sim's admin API (org, active user, key). */
export const provisionKey = provisionBenchKey;


interface K6Result {
  code: number | null;
  stderr: string;
  spawnMonoMs: number;
  endMonoMs: number;
  samples: ProcSampler['samples'];
  sys: ProcSampler['sys'];
  peakRssMiB: number;
  /** CPU seconds of k6 at exit (last sample). */
  cpuSecTotal: number;
}

/**
 * Runs k6 (pinned to the taskset CPU list `core` when given) and samples it from /proc until it exits; `during` is called
 * with the pid once it runs (for a profile grab). Kills it after timeoutMs.
 */
export async function runK6Process(
  bin: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; core: string | null; timeoutMs: number; during?: (pid: number) => Promise<void> },
): Promise<K6Result> {
  const spawnMonoMs = monoMs();
  const child =
    opts.core === null
      ? spawn(bin, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('taskset', ['-c', String(opts.core), bin, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const sampler = new ProcSampler(child.pid as number);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
  const during = opts.during?.(child.pid as number).catch((err: unknown) => {
    stderr += `\n[bench] profile: ${(err as Error).message}`;
  });
  const code = await new Promise<number | null>((resolve) => {
    // Sample once more right before reaping is not possible after exit; the sampler's last tick is <= 200 ms old.
    child.on('exit', (c) => resolve(c));
  });
  clearTimeout(timer);
  sampler.stop();
  await during;
  const last = sampler.samples[sampler.samples.length - 1];
  return { code, stderr, spawnMonoMs, endMonoMs: monoMs(), samples: sampler.samples, sys: sampler.sys, peakRssMiB: sampler.peakRssMiB, cpuSecTotal: last?.cpuSec ?? 0 };
}
