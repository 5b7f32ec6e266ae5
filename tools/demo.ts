// The demo: builds the bundles, finds the official k6 (installing the pinned one on first use, see
// tools/build/k6-binary.ts), builds and starts the stream relay and the reference platform (sim) on free loopback
// ports, runs configs/demo.yaml against it (about 40 s), prints the summary and where the reports are,
// checks that cleanup left no active key, and stops the sim and the relay.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureK6 } from './build/k6-binary';
import { startRelay } from './build/relay-process';
import { buildAll } from './build/bundle';
import { startSim } from '../sim/index';
import { parseFlags, runCli, UsageError } from './cli';

const USAGE = 'usage: npm run demo -- [config.yaml]   (default configs/demo.yaml; run against the sim it starts)';
const root = join(import.meta.dirname, '..');

/** Runs the demo end to end; resolves with k6's exit code, or 1 when cleanup left a key active. */
async function main(argv: string[]): Promise<number> {
  const { positionals } = parseFlags(argv, {}, true);
  if (positionals.length > 1) throw new UsageError(`one config file at most, got ${positionals.length}: ${positionals.join(' ')}`);
  const config = positionals[0] ?? 'configs/demo.yaml';
  await buildAll({ log: (m: string) => console.log(m) });
  const k6 = await ensureK6();
  const relay = await startRelay({ cwd: root, log: (line: string) => /listening on/.test(line) || process.stderr.write(`relay: ${line}\n`) });
  const sim = await startSim({}).catch(async (err: Error) => {
    await relay.stop();
    throw err;
  });
  console.log(`sim: admin ${sim.adminUrl}, router ${sim.routerUrl}; relay ${relay.url}`);
  const runId = `demo-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15).toLowerCase()}`;
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(k6, ['run', '--quiet', '--log-format', 'raw', '--address', '127.0.0.1:0', join(root, 'dist', 'loadtest.js')], {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...process.env,
          PWD: root,
          K6_NO_USAGE_REPORT: 'true',
          LLM_RELAY_URL: relay.url,
          CONFIG: config,
          RUN_ID: runId,
          API_ROUTER_URL: sim.routerUrl,
          USER_ORG_URL: sim.adminUrl,
          AIAAS_ADMIN_EMAIL: sim.config.admin.email,
          AIAAS_ADMIN_PASSWORD: sim.config.admin.password,
        },
      });
      // A terminal's Ctrl-C reaches k6 itself (same process group): passing it on would make two, and k6
      // would abort without teardown. Wait for k6's graceful stop instead; SIGTERM is passed on.
      process.on('SIGINT', () => {});
      process.on('SIGTERM', () => child.kill('SIGTERM'));
      child.on('error', reject);
      child.on('exit', (c) => resolve(c ?? 1));
    });
    const state = (await (await fetch(`${sim.adminUrl}/_sim/state`)).json()) as { apiKeys?: { status: string }[] };
    const active = (state.apiKeys ?? []).filter((k) => k.status === 'active').length;
    console.log(`\ncleanup: ${active === 0 ? 'no active API key left on the platform' : `${active} API key(s) still active`}`);
    return active === 0 ? code : code || 1;
  } finally {
    await sim.close();
    await relay.stop();
  }
}

runCli(USAGE, process.argv.slice(2), main).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`demo failed: ${err.message}`);
    process.exit(1);
  },
);
