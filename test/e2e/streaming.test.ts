// The foundation's end-to-end proof: the official k6 binary, unmodified, streams from a local SSE server
// through the stream relay; the relay's event stamps match the server's own gaps, connections are kept
// alive, the buffered bundle runs under the same binary and decodes the same stream, and aborting the run
// cancels a stream that is still open.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, repoRoot, runK6, withTsx } from './helpers/k6';
import { startSseServer, type ServedRequest, type SseTestServer } from './helpers/sse-server';

interface ProbeLine {
  transport: string;
  vu: number;
  status: number;
  error: { category: string } | null;
  requestId: string;
  firstByteMs: number | null;
  ttftMs: number | null;
  e2eMs: number | null;
  events: number;
  chunks: number;
  itlMs: number[];
  finishReason: string | null;
}

const GAPS_MS = [6, 25, 3, 40, 12, 30, 5, 18, 22, 10];
const VUS = 3;
const ITERATIONS = 9;

let server: SseTestServer;
const work = mkdtempSync(join(tmpdir(), 'k6-e2e-'));

/** Runs the probe bundle and returns its per-request lines. */
async function probe(bundlePath: string, tag: string, extra: string[] = []): Promise<ProbeLine[]> {
  const out = join(work, `${tag}.jsonl`);
  const summary = join(work, `${tag}-summary.json`);
  const res = await runK6([
    'run', '--quiet', '--log-format', 'raw', '--console-output', out, '--summary-export', summary,
    '--vus', String(VUS), '--iterations', String(ITERATIONS), '-e', `TARGET_URL=${server.url}`, ...extra, bundlePath,
  ]);
  expect(res.code, `k6 exited ${res.code}: ${res.stderr}`).toBe(0);
  const metrics = JSON.parse(readFileSync(summary, 'utf8')).metrics;
  expect(metrics.data_sent.count).toBeGreaterThan(0);
  expect(metrics.data_received.count).toBeGreaterThan(0);
  return readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ProbeLine);
}

function served(line: ProbeLine) {
  const rec = server.requests.get(line.requestId);
  if (!rec) throw new Error(`k6 reported request ${line.requestId}, which the server never served`);
  return rec;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first request a server receives, polled; fails after timeoutMs. */
async function firstRequest(srv: SseTestServer, timeoutMs: number): Promise<ServedRequest> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [rec] = srv.requests.values();
    if (rec) return rec;
    if (Date.now() > deadline) throw new Error(`no request reached the server within ${timeoutMs} ms`);
    await sleep(20);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

beforeAll(async () => {
  server = await startSseServer(GAPS_MS);
});
afterAll(async () => {
  await server?.close();
});

describe('official k6 with the stream relay, end to end', () => {
  it('npm run k6 -- version (node --import tsx tools/k6.ts version) runs the official k6 v1.1.0, no extension', () => {
    // Through the npm script's own entry point, not the test helper, so its find-and-run path is what is proven.
    const res = spawnSync(process.execPath, [...withTsx, join(repoRoot, 'tools', 'k6.ts'), 'version'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
      timeout: 110_000,
    });
    expect(res.status, `exit ${res.status} (${res.error?.message ?? ''}): ${res.stderr}`).toBe(0);
    expect(res.stdout).toMatch(/k6 v1\.1\.0/);
    expect(res.stdout).not.toMatch(/Extensions|k6\/x\//);
  });

  let streamed: ProbeLine[] = [];

  it('stamps each event in the relay: gaps match the server’s within 1 ms median', async () => {
    streamed = await probe(bundle('examples/sse-probe.js'), 'streaming');
    expect(streamed).toHaveLength(ITERATIONS);
    const errors: number[] = [];
    for (const line of streamed) {
      expect(line.transport).toBe('streaming');
      expect(line.status).toBe(200);
      expect(line.error).toBeNull();
      expect(line.finishReason).toBe('stop');
      const rec = served(line);
      expect(line.chunks).toBe(GAPS_MS.length);
      expect(line.itlMs).toHaveLength(GAPS_MS.length - 1);
      for (let i = 1; i < GAPS_MS.length; i++) {
        const serverGap = Number(rec.writtenAt[i]! - rec.writtenAt[i - 1]!) / 1e6;
        errors.push(Math.abs(line.itlMs[i - 1]! - serverGap));
      }
    }
    const med = median(errors);
    console.log(`event gap error over ${errors.length} gaps: median ${med.toFixed(3)} ms, p99 ${quantile(errors, 0.99).toFixed(3)} ms, max ${Math.max(...errors).toFixed(3)} ms`);
    expect(med).toBeLessThanOrEqual(1);
  });

  it('keeps connections alive: no more sockets to the server than streams ever in flight', () => {
    const sockets = new Set(streamed.map((line) => served(line).socketId));
    expect(sockets.size).toBeGreaterThan(0);
    expect(sockets.size, `sockets ${[...sockets]}`).toBeLessThanOrEqual(VUS);
    for (const line of streamed) expect(served(line).vu, 'the script’s headers reach the server').toBe(String(line.vu));
  });

  it('runs the buffered bundle under the same binary and decodes the same stream', async () => {
    const stock = await probe(bundle('stock/examples/sse-probe.js'), 'stock');
    expect(stock).toHaveLength(ITERATIONS);
    for (const line of stock) {
      expect(line.status).toBe(200);
      expect(line.error).toBeNull();
      expect([line.events, line.chunks, line.finishReason]).toEqual([GAPS_MS.length + 1, GAPS_MS.length, 'stop']);
    }
    for (const line of streamed) expect(line.events).toBe(GAPS_MS.length + 1);
    expect(new Set(stock.map((l) => l.transport))).toEqual(new Set(['buffered']));
  });

  it('SIGINT to k6 mid-stream closes the stream at once and k6 exits within seconds', async () => {
    // One event, then a 30 s silence before the next and [DONE]: the run is aborted inside that gap.
    const held = await startSseServer([5, 30_000]);
    try {
      let spawned!: (c: ChildProcess) => void;
      const child = new Promise<ChildProcess>((resolve) => (spawned = resolve));
      const run = runK6(
        ['run', '--quiet', '--vus', '1', '--iterations', '1', '-e', `TARGET_URL=${held.url}`, bundle('examples/sse-probe.js')],
        { timeoutMs: 60_000, onSpawn: spawned },
      );
      const rec = await firstRequest(held, 30_000);
      await sleep(1000);
      const signalledAt = process.hrtime.bigint();
      (await child).kill('SIGINT');
      const res = await run;
      const exitMs = Number(process.hrtime.bigint() - signalledAt) / 1e6;
      console.log(`k6 exited ${res.code} ${exitMs.toFixed(0)} ms after SIGINT; server saw the close ${rec.abortedAt === undefined ? 'never' : `${(Number(rec.abortedAt - signalledAt) / 1e6).toFixed(0)} ms after the signal`}`);
      expect(res.code, res.stderr).toBe(105); // k6's exit code for a run aborted by a signal
      expect(exitMs).toBeLessThan(5000);
      expect(rec.sent.map((e) => e.data)).not.toContain('[DONE]');
      expect(rec.abortedAt, 'the server never saw the connection close early').toBeDefined();
      const closedAfterMs = Number(rec.abortedAt! - signalledAt) / 1e6;
      expect(closedAfterMs, 'closed before the signal: something else ended the stream').toBeGreaterThan(0);
      expect(closedAfterMs).toBeLessThan(5000);
    } finally {
      await held.close();
    }
  });
});
