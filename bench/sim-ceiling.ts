/**
 * Sim throughput and timing bench: one sim process pinned to core 0 serves N concurrent closed-loop streams
 * driven from this process (pinned to core 1) over raw keep-alive sockets; reports achieved concurrency,
 * chunks/s and the sim's own chunk lateness (write time minus deadline) from its ground truth.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseFlags, runCli, UsageError } from '../tools/cli';
import { provisionBenchKey, spawnSimCli } from '../sim/cli-process';

const USAGE = 'usage: npm run bench:sim -- [--streams 2000] [--seconds 10] [--warmup 3] [--gap-ms 38] [--tokens 64] [--spin-ms 0] [--wake alarm|timer] [--json out.json]';

interface BenchOptions {
  streams: number;
  seconds: number;
  warmup: number;
  gapMs: number;
  tokens: number;
  spinMs: number;
  wake: string;
  json?: string;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseFlags(argv, {
    streams: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'gap-ms': { type: 'string', default: '38' },
    tokens: { type: 'string', default: '64' },
    'spin-ms': { type: 'string', default: '0' },
    wake: { type: 'string', default: 'alarm' },
    json: { type: 'string' },
  });
  const num = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number >= ${min}, got "${v}"`);
    return n;
  };
  return {
    streams: Math.floor(num('streams', values.streams, 1)),
    seconds: num('seconds', values.seconds, 1),
    warmup: num('warmup', values.warmup, 0),
    gapMs: num('gap-ms', values['gap-ms'], 1),
    tokens: Math.floor(num('tokens', values.tokens, 2)),
    spinMs: num('spin-ms', values['spin-ms'], 0),
    wake: values.wake,
    ...(values.json !== undefined ? { json: values.json } : {}),
  };
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds a process has used in user and kernel mode, from /proc (the kernel part is mostly socket writes). */
function cpuSeconds(pid: number): { user: number; sys: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { user: Number(fields[11]) / 100, sys: Number(fields[12]) / 100 };
}

async function startChild(opts: BenchOptions, pinned: boolean): Promise<{ pid: number; adminUrl: string; routerUrl: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'sim-bench-'));
  const cfgPath = join(dir, 'sim.yaml');
  writeFileSync(
    cfgPath,
    stringify({
      cache: { capacityBlocks: 0 },
      groundTruth: { capacity: 2000 },
      scheduler: { spinMs: opts.spinMs, wake: opts.wake },
      models: {
        bench: {
          ttftBaseMs: 20,
          prefillMsPerToken: 0,
          gapMs: opts.gapMs,
          maxConcurrency: opts.streams * 2,
          output: { kind: 'fixed', tokens: opts.tokens },
        },
      },
    }),
  );
  const { child, ...urls } = await spawnSimCli({ configPath: cfgPath, core: pinned ? 0 : null, nodeArgs: process.env.SIM_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [] });
  return { pid: child.pid as number, ...urls, stop: () => child.kill('SIGTERM') };
}

/** A key for the bench's clients, with the sim's default admin (or SIM_ADMIN_PASSWORD). */
function provisionKey(adminUrl: string): Promise<string> {
  return provisionBenchKey(adminUrl, 'admin@sim.local', process.env.SIM_ADMIN_PASSWORD ?? 'sim-admin-password');
}

const TOKEN_MARK = '{"content":';
const END_MARK = '\r\n0\r\n\r\n';

/** A closed-loop client: one keep-alive socket issuing one stream after another. */
class StreamClient {
  chunks = 0;
  streams = 0;
  errors = 0;
  inStream = false;
  private carry = '';
  private readonly socket: Socket;
  private stopped = false;

  constructor(port: number, private readonly request: string, startDelayMs: number, onReady: () => void) {
    this.socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => {
      onReady();
      setTimeout(() => this.send(), startDelayMs);
    });
    this.socket.setEncoding('latin1');
    this.socket.on('data', (d: string) => this.onData(d));
    this.socket.on('error', () => {
      this.errors++;
      this.inStream = false;
      onReady();
    });
  }

  stop(): void {
    this.stopped = true;
    this.socket.destroy();
  }

  private send(): void {
    if (this.stopped) return;
    this.inStream = true;
    this.carry = '';
    this.socket.write(this.request);
  }

  private onData(d: string): void {
    const text = this.carry + d;
    if (this.carry === '' && text.startsWith('HTTP/1.1 ') && !text.startsWith('HTTP/1.1 200')) {
      // A non-stream answer has no chunked terminator to wait for: count it and retire this client.
      this.errors++;
      this.inStream = false;
      this.stop();
      return;
    }
    let i = text.indexOf(TOKEN_MARK);
    while (i >= 0) {
      this.chunks++;
      i = text.indexOf(TOKEN_MARK, i + TOKEN_MARK.length);
    }
    if (text.includes(END_MARK)) {
      this.streams++;
      this.inStream = false;
      this.send();
      return;
    }
    this.carry = text.slice(-Math.max(TOKEN_MARK.length, END_MARK.length) + 1);
  }
}

async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  const pinned = hasTaskset();
  if (pinned) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const sim = await startChild(opts, pinned);
  console.error(`bench: sim pid ${sim.pid} at ${sim.routerUrl}${pinned ? ' (pinned to core 0)' : ' (taskset missing: not pinned)'}`);
  try {
    const secret = await provisionKey(sim.adminUrl);
    const port = Number(new URL(sim.routerUrl).port);
    const body = JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'bench' }] });
    const request =
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${secret}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const clients: StreamClient[] = [];
    // First requests are spread over one stream's duration, so streams (and their chunk deadlines) are not in
    // lockstep: a real population's requests arrive at unrelated times; a lockstep burst would measure the
    // time to write N chunks due at the same instant instead of the sim's scheduling error.
    const streamMs = 20 + (opts.tokens - 1) * opts.gapMs;
    // Connections ramp up in batches so the accept queue never overflows.
    for (let i = 0; i < opts.streams; i += 100) {
      const batch = Math.min(100, opts.streams - i);
      await new Promise<void>((resolve) => {
        let ready = 0;
        for (let j = 0; j < batch; j++) {
          const delay = ((i + j) / opts.streams) * streamMs;
          clients.push(new StreamClient(port, request, delay, () => ++ready === batch && resolve()));
        }
      });
    }
    const sum = (f: (c: StreamClient) => number): number => clients.reduce((s, c) => s + f(c), 0);
    const connectErrors = sum((c) => c.errors);
    if (connectErrors > 0) console.error(`bench: ${connectErrors} connections failed`);
    console.error(`bench: ${clients.length} streams running, warming up ${opts.warmup}s, measuring ${opts.seconds}s`);
    await new Promise((r) => setTimeout(r, opts.warmup * 1000));
    await fetch(`${sim.routerUrl}/_sim/timing/reset`, { method: 'POST' });
    const chunks0 = sum((c) => c.chunks);
    const streams0 = sum((c) => c.streams);
    const cpu0 = cpuSeconds(sim.pid);
    const t0 = performance.now();
    const inFlight: number[] = [];
    const sampler = setInterval(() => inFlight.push(sum((c) => (c.inStream ? 1 : 0))), 250);
    await new Promise((r) => setTimeout(r, opts.seconds * 1000));
    clearInterval(sampler);
    const elapsed = (performance.now() - t0) / 1000;
    const chunks = sum((c) => c.chunks) - chunks0;
    const cpu1 = cpuSeconds(sim.pid);
    const sys = cpu1.sys - cpu0.sys;
    const cpu = cpu1.user - cpu0.user + sys;
    const timing = (await (await fetch(`${sim.routerUrl}/_sim/timing`)).json()) as { lateness: Record<string, number> };
    for (const c of clients) c.stop();
    const sortedInFlight = [...inFlight].sort((a, b) => a - b);
    const result = {
      pinned,
      streamsTarget: opts.streams,
      concurrentStreamsMedian: sortedInFlight[sortedInFlight.length >> 1] ?? 0,
      concurrentStreamsMin: sortedInFlight[0] ?? 0,
      seconds: elapsed,
      chunksPerSecond: chunks / elapsed,
      streamsCompleted: sum((c) => c.streams) - streams0,
      clientErrors: sum((c) => c.errors),
      simCpuCoreFraction: cpu / elapsed,
      simCpuMicrosPerChunk: (cpu / chunks) * 1e6,
      simSysMicrosPerChunk: (sys / chunks) * 1e6,
      simChunkLatenessMs: timing.lateness,
      config: { gapMs: opts.gapMs, tokensPerStream: opts.tokens, ttftBaseMs: 20, spinMs: opts.spinMs, wake: opts.wake },
    };
    console.log(JSON.stringify(result, null, 2));
    if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2));
  } finally {
    sim.stop();
  }
  return 0;
}

runCli(USAGE, process.argv.slice(2), main).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench: ${(err as Error).message}`);
    process.exit(1);
  },
);
