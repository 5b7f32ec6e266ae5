// `npm run k6 -- <args>`: runs the project's k6, building it on first use.
// `--prometheus URL` is the one switch for sending metrics to Prometheus (see scripts/k6-args.mjs).
import { spawn } from 'node:child_process';
import { ensureK6 } from '../build/build-k6.mjs';
import { rewriteArgs } from './k6-args.mjs';

const rewritten = rewriteArgs(process.argv.slice(2), process.env);
if ('error' in rewritten) {
  console.error(rewritten.error);
  process.exit(2);
}
let bin;
try {
  bin = await ensureK6();
} catch (err) {
  console.error(`Cannot run k6: ${err.message}`);
  process.exit(1);
}
const child = spawn(bin, rewritten.args, { stdio: 'inherit', env: { ...process.env, ...rewritten.env } });
// k6 handles Ctrl-C itself (it stops gracefully, then runs teardown); pass signals on instead of dying first.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
