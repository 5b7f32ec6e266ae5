/**
 * `npm run bench -- --gateway URL [--sim URL]`: what a gateway in front of the sim adds to TTFT. The sim runs as a
 * keyless model backend (`npm run sim -- --keyless`) behind the user's gateway; the config-driven dist/loadtest.js
 * (static adapter, no key unless LOADTEST_API_KEYS is set) streams through the gateway with its relay, and every
 * request is matched by x-request-id to the sim's ground truth of the same stream.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { benchConfig } from './config';
import { ensureRelay } from '../tools/build/build-relay';
import { ensureK6 } from '../tools/build/k6-binary';
import { startRelay } from '../tools/build/relay-process';
import { readHarnessLog } from './harness-log';
import { runK6Process } from './procs';
import { countFailures, gatewayFigures, type Distribution, type GatewayFigures, type TruthRecord } from './stats';

interface GatewayRun {
  gateway: string;
  sim: string;
  users: number;
  sustainSec: number;
  tokens: number;
  out: string;
  repoRoot: string;
  commit: string | null;
}

interface GatewayBenchResult {
  schema: 'ai-aas-loadtest/bench-gateway/v1';
  date: string;
  commit: string | null;
  gateway: string;
  sim: string;
  users: number;
  sustainSec: number;
  maxTokens: number;
  /** Whether requests carried a key (LOADTEST_API_KEYS set) or none (platform.auth: none). */
  auth: 'keys' | 'none';
  k6ExitCode: number | null;
  requests: number;
  failed: number;
  figures: GatewayFigures;
  /** Why the run is not a measurement, when it is not; empty when it is. */
  problems: string[];
}

async function simTotal(sim: string): Promise<number> {
  const url = `${sim}/_sim/requests?limit=0&since=${Number.MAX_SAFE_INTEGER}`;
  try {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return ((await r.json()) as { total: number }).total;
  } catch (err) {
    throw new Error(`--sim ${sim}: no ground truth at ${url} (${(err as Error).message}); start the sim with \`npm run sim -- --keyless\` and point the gateway at its router`);
  }
}

const ms = (d: Distribution | null, k: 'median' | 'p90' | 'p99'): string => (d === null ? '-' : d[k].toFixed(2));

function renderGateway(r: GatewayBenchResult): string {
  const g = r.figures;
  const rows: [string, Distribution | null][] = [
    ['TTFT through the gateway (harness)', g.ttft],
    ['TTFT at the sim (ground truth)', g.simTtft],
    ['added TTFT: harness minus truth', g.addedTtft],
    ['added E2E: harness minus truth', g.addedE2e],
  ];
  const out = [
    `npm run bench -- --gateway ${r.gateway} --sim ${r.sim}, ${r.date}, commit ${r.commit ?? 'unknown'}`,
    `${r.users} users streaming for ${r.sustainSec} s (${r.maxTokens} tokens each, ${r.auth === 'none' ? 'no key' : 'LOADTEST_API_KEYS'}): ${r.requests} requests, ${r.failed} failed, ${g.matched} matched to the sim's ground truth by x-request-id, ${g.unmatched} not`,
    '',
    `${'ms'.padEnd(36)}${'median'.padStart(10)}${'p90'.padStart(10)}${'p99'.padStart(10)}`,
    ...rows.map(([label, d]) => `${label.padEnd(36)}${ms(d, 'median').padStart(10)}${ms(d, 'p90').padStart(10)}${ms(d, 'p99').padStart(10)}`),
  ];
  if (g.addedTtft !== null) out.push('', `the gateway adds ${g.addedTtft.median.toFixed(1)} ms to TTFT (median over ${g.addedTtft.n} streams; p99 ${g.addedTtft.p99.toFixed(1)} ms)`);
  for (const p of r.problems) out.push(`problem: ${p}`);
  return `${out.join('\n')}\n`;
}

/** Runs the gateway measurement, writes its JSON and table; resolves with 0, or 1 when it measured nothing. */
export async function runGatewayBench(o: GatewayRun, log: (msg: string) => void): Promise<number> {
  const bundle = join(o.repoRoot, 'dist', 'loadtest.js');
  if (!existsSync(bundle)) throw new Error('dist/loadtest.js is missing: run `npm run build` first');
  const seqBefore = await simTotal(o.sim);
  const k6 = await ensureK6();
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const withKeys = (process.env.LOADTEST_API_KEYS ?? '') !== '';
  const config = join(dir, 'config.yaml');
  writeFileSync(config, benchConfig({ name: 'bench-gateway', routerUrl: o.gateway, users: o.users, rampSec: 1, sustainSec: o.sustainSec, tokens: o.tokens, keyless: !withKeys }));
  const relayLog = join(dir, 'relay.log');
  const relay = await startRelay({ bin: await ensureRelay(), cwd: dir, log: (line) => appendFileSync(relayLog, `${line}\n`) });
  const consoleLog = join(dir, 'console.log');
  log(`gateway ${o.gateway} in front of sim ${o.sim}: ${o.users} users for ${o.sustainSec} s`);
  let res: Awaited<ReturnType<typeof runK6Process>>;
  try {
    res = await runK6Process(k6, ['run', '--quiet', '--log-format', 'raw', '--console-output', consoleLog, bundle], {
      cwd: dir,
      core: null,
      timeoutMs: (1 + o.sustainSec) * 1000 + 120_000,
      env: { CONFIG: config, API_ROUTER_URL: o.gateway, LOADTEST_REQUEST_LOG: '1', RUN_ID: `bench-gateway-${Date.now()}`, LLM_RELAY_URL: relay.url, K6_NO_USAGE_REPORT: 'true', PWD: dir },
    });
  } finally {
    await relay.stop();
  }
  const r = await fetch(`${o.sim}/_sim/requests?since=${seqBefore - 1}`);
  const truth = ((await r.json()) as { requests: (TruthRecord & { seq: number })[] }).requests.filter((t) => t.seq >= seqBefore);
  const harness = readHarnessLog(consoleLog);
  const figures = gatewayFigures(harness, new Map(truth.map((t) => [t.requestId, t])));
  const problems: string[] = [];
  if (res.code !== 0) problems.push(`k6 exited ${res.code}: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  if (figures.ok === 0) problems.push(`no request through the gateway succeeded (${harness.length} sent); is ${o.gateway} forwarding to the sim at ${o.sim}?`);
  else if (figures.matched === 0)
    problems.push(`none of ${figures.ok} successful requests matched the sim's ground truth by x-request-id: the gateway must pass the sim's x-request-id response header through, and forward to the sim at ${o.sim}`);
  const result: GatewayBenchResult = {
    schema: 'ai-aas-loadtest/bench-gateway/v1',
    date: new Date().toISOString(),
    commit: o.commit,
    gateway: o.gateway,
    sim: o.sim,
    users: o.users,
    sustainSec: o.sustainSec,
    maxTokens: o.tokens,
    auth: withKeys ? 'keys' : 'none',
    k6ExitCode: res.code,
    requests: harness.length,
    failed: countFailures(harness).failed,
    figures,
    problems,
  };
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(renderGateway(result));
  process.stdout.write(`\nwritten: ${relative(process.cwd(), o.out)}\n`);
  return problems.length === 0 ? 0 : 1;
}
