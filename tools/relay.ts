// `npm run relay -- [flags]`: builds the stream relay (cached under .cache/relay/) and runs it in the
// foreground on 127.0.0.1:8391 unless -listen is given; every other flag is passed through (docs/relay.md).
// For `k6 run dist/loadtest.js -e LLM_RELAY_URL=http://127.0.0.1:8391` by hand.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ensureRelay } from './build/build-relay';

const args = process.argv.slice(2);
const listens = args.some((a) => /^--?listen(=|$)/.test(a));
let bin: string;
try {
  bin = await ensureRelay();
} catch (err) {
  console.error(`Cannot run the relay: ${(err as Error).message}`);
  process.exit(1);
}
const child = spawn(bin, [...(listens ? [] : ['-listen', '127.0.0.1:8391']), ...args], { stdio: 'inherit' });
// A terminal's Ctrl-C reaches the relay itself (same process group): wait for it to stop, don't send another.
process.on('SIGINT', () => {});
for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
child.on('error', (err) => {
  console.error(`Cannot run ${bin}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
