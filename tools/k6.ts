// `npm run k6 -- <args>`: runs the official k6 (K6_BINARY, else `k6` on PATH, else the pinned v1.1.0 installed
// under .cache/k6/ on first use; see tools/build/k6-binary.ts). For `k6 run` it also starts the stream relay on a
// free loopback port, hands its URL to k6 as LLM_RELAY_URL (unless one is given), gives k6 a REST API port of
// its own, stops the relay when k6 exits and exits with k6's code.
// `--prometheus URL` is the one switch for sending metrics to Prometheus (see tools/k6-args.ts); `--help`
// before any k6 command prints the wrapper's usage (K6_USAGE), every other flag is k6's.
//
// Signals. A terminal's Ctrl-C sends SIGINT to the whole foreground process group, so k6 gets it already:
// forwarding another would make k6 see two and take its hard-abort path (teardown skipped, tenants left
// active, no reports). So once k6 runs, this wrapper ignores SIGINT and waits for k6; the relay ignores
// SIGINT too (-ignore-sigint), so it keeps serving k6's teardown. SIGTERM and SIGHUP, which a terminal does
// not send to the group, are passed on to k6, each once.
// Cleanup. When k6 exits, the wrapper asks the relay which cleanup ledgers the run wrote, and cleans up any that no
// teardown closed (setup interrupted, a second Ctrl-C in teardown, k6 killed): tools/cleanup/after-k6.ts.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ensureK6 } from './build/k6-binary';
import { startRelay } from './build/relay-process';
import type { RunningRelay } from './build/relay-process';
import { runCli, UsageError } from './cli';
import { cleanupAfterK6, k6EnvFlags } from './cleanup/after-k6';
import { K6_USAGE, rewriteArgs, wrapperHelp, wrapperPlan } from './k6-args';

/** Runs k6 (for `k6 run` beside a relay of its own) and resolves with k6's exit code. */
async function runK6(args: string[]): Promise<number> {
  const rewritten = rewriteArgs(args, process.env);
  if ('error' in rewritten) throw new UsageError(rewritten.error);
  const plan = wrapperPlan(rewritten.args, process.env);

  let relay: RunningRelay | null = null;
  // Before k6 runs (installing k6, building the relay), Ctrl-C stops the wrapper.
  const early = async (sig: NodeJS.Signals) => {
    await relay?.stop();
    process.exit(128 + (constants.signals[sig] ?? 0));
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, early);

  let bin: string;
  try {
    bin = await ensureK6();
    if (plan.relay) relay = await startRelay({ cwd: process.cwd() });
  } catch (err) {
    console.error(`Cannot run k6: ${(err as Error).message}`);
    await relay?.stop();
    return 1;
  }

  const env = { ...process.env, ...rewritten.env, ...(relay ? { LLM_RELAY_URL: relay.url } : {}) };
  const child = spawn(bin, plan.args, { stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, early);
  // k6 got the terminal's SIGINT itself; keep waiting for its graceful stop and teardown.
  process.on('SIGINT', () => {});
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));

  return new Promise<number>((resolve) => {
    child.on('error', async (err) => {
      console.error(`Cannot run ${bin}: ${err.message}`);
      await relay?.stop();
      resolve(1);
    });
    child.on('exit', async (code, signal) => {
      // Before the relay goes: it knows which cleanup ledgers this run wrote.
      if (relay) await cleanupAfterK6(relay.url, process.cwd(), { ...env, ...k6EnvFlags(plan.args) }, (line) => console.error(`[npm run k6] ${line}`));
      await relay?.stop();
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
  });
}

process.exit(await runCli(K6_USAGE, process.argv.slice(2), runK6, wrapperHelp));
