// Starts the stream relay (relay/, see docs/relay.md) for one k6 process: built on first use, listening on a
// free loopback port, answering /v1/health before its URL is handed out, and stopped with SIGTERM afterwards.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRelay } from './build-relay';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type RelayExit = { code: number | null; signal: NodeJS.Signals | null };

export interface RunningRelay {
  /** Base URL, e.g. http://127.0.0.1:41234 (pass it to k6 as LLM_RELAY_URL). */
  url: string;
  pid: number | undefined;
  /** SIGTERM, then waits (bounded; SIGKILL after timeoutMs) for the relay to exit. */
  stop(opts?: { timeoutMs?: number }): Promise<RelayExit | null>;
  /** Resolves when the relay exits. */
  exited: Promise<RelayExit>;
}

interface StartRelayOptions {
  cwd?: string;
  log?: (line: string) => void;
  args?: string[];
  readyTimeoutMs?: number;
  quiet?: boolean;
  cpus?: string;
  bin?: string;
}

/** Relays still running in this process: stopped (SIGTERM) should the process exit without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGTERM');
      } catch {}
    }
  });
}

/**
 * Builds (when needed) and starts a relay on 127.0.0.1:0. Resolves once GET /v1/health answers (bounded by
 * `readyTimeoutMs`), with its URL and stop(). The relay ignores SIGINT (`-ignore-sigint`) and stays in the
 * caller's process group: a Ctrl-C in a terminal reaches k6, which then runs teardown through the relay; the
 * caller stops the relay after k6 exits.
 * - cwd: the relay's working directory (its -results-root, where /v1/mkdir creates folders);
 * - log: receives the relay's output, line by line (default: stderr, prefixed "relay: ");
 * - args: extra relay flags;
 * - cpus: a CPU list to pin the relay to (`taskset -c <cpus>`, which execs the relay: the pid stays its own);
 * - bin: a relay binary to run instead of the cached build (the bench keeps one copy for all its runs).
 */
export async function startRelay({ cwd = process.cwd(), log = (line: string) => void process.stderr.write(`relay: ${line}\n`), args = [], readyTimeoutMs = 10_000, quiet = false, cpus, bin }: StartRelayOptions = {}): Promise<RunningRelay> {
  bin ??= await ensureRelay({ quiet });
  const dir = mkdtempSync(join(tmpdir(), 'relay-'));
  const portFile = join(dir, 'port');
  const relayArgs = ['-listen', '127.0.0.1:0', '-port-file', portFile, '-ignore-sigint', '-exit-on-stdin-eof', ...args];
  const [cmd, ...cmdArgs]: [string, ...string[]] = cpus ? ['taskset', '-c', String(cpus), bin, ...relayArgs] : [bin, ...relayArgs];
  const child = spawn(cmd, cmdArgs, {
    cwd,
    // stdin is a pipe only this process holds: if it dies, even by SIGKILL, the relay sees EOF and stops.
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: false,
  });
  live.add(child);
  installExitHook();
  let output = '';
  const pipeLines = (stream: Readable) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      buf += d;
      output = (output + d).slice(-4000);
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) log(line);
      }
    });
    stream.on('end', () => buf.trim() && log(buf));
  };
  pipeLines(child.stdout as Readable);
  pipeLines(child.stderr as Readable);

  let exited: RelayExit | null = null;
  const exitP = new Promise<RelayExit>((resolve) => {
    child.on('exit', (code, signal) => {
      const e = { code, signal };
      exited = e;
      live.delete(child);
      resolve(e);
    });
  });
  let spawnError: Error | null = null as Error | null;
  child.on('error', (err) => (spawnError = err));

  const stop = async ({ timeoutMs = 5_000 } = {}) => {
    if (!exited && !spawnError) {
      child.kill('SIGTERM');
      const t = await Promise.race([exitP, sleep(timeoutMs).then(() => null)]);
      if (!t) {
        child.kill('SIGKILL');
        await Promise.race([exitP, sleep(2_000)]);
      }
    }
    rmSync(dir, { recursive: true, force: true });
    return exited;
  };

  const deadline = Date.now() + readyTimeoutMs;
  let url: string | null = null;
  while (Date.now() < deadline) {
    if (spawnError) break;
    if (exited) break;
    if (!url) {
      try {
        const text = readFileSync(portFile, 'utf8');
        // The relay writes "<port>\n": a file without the newline is still being written.
        if (/^\d+\n/.test(text)) url = `http://127.0.0.1:${Number.parseInt(text, 10)}`;
      } catch {}
    }
    if (url) {
      try {
        const res = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(1_000) });
        if (res.ok) {
          await res.arrayBuffer();
          return { url, pid: child.pid, stop, exited: exitP };
        }
      } catch {}
    }
    await sleep(20);
  }
  await stop();
  const ex = exited as RelayExit | null;
  const why = spawnError ? `could not start ${bin}: ${spawnError.message}` : ex ? `exited (${ex.signal ?? `code ${ex.code}`}) before answering` : `did not answer GET /v1/health within ${readyTimeoutMs / 1000}s`;
  throw new Error(`the stream relay ${why}${output.trim() ? `:\n${output.trim()}` : ''}`);
}
