// The one switch for metrics to Prometheus: `npm run k6 -- run --prometheus http://host:9090 ...`
// becomes k6's remote-write output with the settings the dashboards need. Kept apart from k6.ts so
// the rewriting is unit tested.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { generatedRunId } from '../src/config/run-id';
import { wantsHelp } from './cli';

/** What `npm run k6 -- --help` prints: the wrapper's own part, and where k6's help is. */
export const K6_USAGE = `usage: npm run k6 -- <k6 command> [k6 flags] [--prometheus URL]
  Runs the official k6 with these arguments. For \`run\` it also starts the stream relay beside k6 (unless
  LLM_RELAY_URL is given), gives k6 a REST API port of its own, and --prometheus URL sends the metrics to
  Prometheus by remote write. Every other flag goes to k6 unchanged, and k6 judges it:
  \`npm run k6 -- help [command]\` or \`npm run k6 -- run --help\` shows k6's own help.`;

/** Default remote-write settings; any already in the environment wins. */
export const PROMETHEUS_DEFAULTS: Record<string, string> = {
  K6_PROMETHEUS_RW_PUSH_INTERVAL: '5s',
  // The dashboards' percentiles merge native histograms across pods; trend stats serve setups without them.
  K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true',
  K6_PROMETHEUS_RW_TREND_STATS: 'p(50),p(90),p(95),p(99),avg,min,max',
};

/** The remote-write endpoint for a Prometheus base URL (an endpoint URL is kept as it is). */
export function prometheusWriteUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/(\/api\/v1\/write)?$/, '/api/v1/write');
}

/** The k6 CLI tag that puts the run id on every series, k6's built-in ones (k6_vus, k6_http_*) included. */
export function testidTag(runId: string): string[] {
  return ['--tag', `testid=${runId}`];
}

/** The `-e NAME=value` / `--env NAME=value` pairs of k6 arguments, as k6 adds them to __ENV. */
function envArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    let pair: string | undefined;
    if (a === '-e' || a === '--env') pair = args[++i];
    else if (a.startsWith('--env=')) pair = a.slice('--env='.length);
    else if (a.startsWith('-e') && a.length > 2) pair = a.slice(a[2] === '=' ? 3 : 2);
    const eq = pair?.indexOf('=') ?? -1;
    if (pair !== undefined && eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** `<name>-<UTC yyyymmdd-hhmmss>`, lower case: the id src/runtime/run.ts chooseRunId() makes when none is given. */
/** Reads a config's metadata.name and spec.run.id; null when it cannot (k6 will report why). */
type Env = Record<string, string | undefined>;

/** What rewriteArgs reads from outside: the config file, and the clock for a generated run id. */
interface ArgsIo {
  readText(path: string): string;
  now(): Date;
}

function configIdentity(k6env: Env, readText: ArgsIo['readText']): { name: string; id: unknown } | null {
  if (!k6env.CONFIG) return null;
  // Resolved as src/runtime/run.ts resolveUserPath() does inside k6.
  const base = k6env.LOADTEST_BASE_DIR || k6env.PWD || process.cwd();
  const path = isAbsolute(k6env.CONFIG) ? k6env.CONFIG : resolve(base, k6env.CONFIG);
  try {
    const doc = parse(readText(path));
    const name = doc?.metadata?.name;
    return typeof name === 'string' ? { name, id: doc?.spec?.run?.id } : null;
  } catch {
    return null;
  }
}

/**
 * The run id k6 will choose (RUN_ID, then spec.run.id, then a generated one), and the env that makes k6
 * choose it: a generated id is passed in as RUN_ID so k6's id and the CLI's tag are the same value.
 * Null when the config cannot be read here (e.g. `k6 run archive.tar`).
 */
function resolveRunId(args: string[], env: Env, io: ArgsIo): { runId: string; env: Record<string, string> } | null {
  const k6env: Env = { ...env, ...envArgs(args) };
  if (k6env.RUN_ID) return { runId: k6env.RUN_ID, env: {} };
  const config = configIdentity(k6env, io.readText);
  if (config === null) return null;
  if (typeof config.id === 'string' && config.id !== '') return { runId: config.id, env: {} };
  const runId = generatedRunId(config.name, io.now());
  return { runId, env: { RUN_ID: runId } };
}

const hasTestidTag = (args: string[]) => args.some((a, i) => (a === '--tag' && args[i + 1]?.startsWith('testid=')) || a.startsWith('--tag=testid='));

const NODE_IO: ArgsIo = { readText: (path) => readFileSync(path, 'utf8'), now: () => new Date() };

/**
 * Rewrites k6 arguments: `--prometheus URL` (or `--prometheus=URL`) turns into `-o experimental-prometheus-rw`,
 * `--tag testid=<run id>` and env for the remote-write endpoint. Returns the args for k6 and the env to add,
 * or an error message. `io` reads the config (for its run id) and the clock (for a generated one).
 */
export function rewriteArgs(
  args: string[],
  env: Env,
  io: ArgsIo = NODE_IO,
): { args: string[]; env: Record<string, string> } | { error: string } {
  // Without a command k6 would print its help for a flag it knows and exit 0, or fail with 255 for one it does not.
  const stray = k6Subcommand(args) === null ? args.find((a) => a !== '--version') : undefined;
  if (stray !== undefined) return { error: `${stray}: not a flag of this wrapper, and no k6 command to take it (run, archive, inspect, ...); only --help and --version stand alone` };
  const out: string[] = [];
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--prometheus' || a.startsWith('--prometheus=')) {
      url = a === '--prometheus' ? args[++i] : a.slice('--prometheus='.length);
      if (!url || !/^https?:\/\/[^\s/]+/.test(url)) return { error: `--prometheus needs the Prometheus base URL, e.g. --prometheus http://127.0.0.1:9090 (got ${url ?? 'nothing'})` };
      continue;
    }
    out.push(a);
  }
  if (url === undefined) return { args: out, env: {} };
  const runAt = out.indexOf('run');
  if (runAt < 0) return { error: '--prometheus only applies to `k6 run`' };
  const added: Record<string, string> = { K6_PROMETHEUS_RW_SERVER_URL: prometheusWriteUrl(url) };
  for (const [k, v] of Object.entries(PROMETHEUS_DEFAULTS)) if (env[k] === undefined) added[k] = v;
  // The script's test-wide testid tag covers built-in metrics only until a CLI --tag (instance_id, say)
  // replaces the script's tags; a CLI testid tag survives that. Without a known run id (an archive whose
  // config is inside it) the flag is left out and the script's tag is all there is.
  const run = hasTestidTag(out) ? null : resolveRunId(out, env, io);
  out.splice(runAt + 1, 0, '-o', 'experimental-prometheus-rw', ...(run ? testidTag(run.runId) : []));
  return { args: out, env: { ...added, ...(run?.env ?? {}) } };
}

/** k6's subcommand: the first argument that is not a flag (`run`, `archive`, `version`, ...), or null. */
function k6Subcommand(args: string[]): string | null {
  return args.find((a) => !a.startsWith('-')) ?? null;
}

/** Whether `--help`/`-h` is the wrapper's: only with no k6 command (`run --help` is k6's help for `run`). */
export function wrapperHelp(args: readonly string[]): boolean {
  // wantsHelp takes a readonly list; k6Subcommand only reads it.
  return k6Subcommand(args as string[]) === null && wantsHelp(args);
}

const hasAddress = (args: string[]) => args.some((a) => a === '-a' || a === '--address' || a.startsWith('--address=') || /^-a[=:\w[]/.test(a));

/**
 * What the wrappers (tools/k6.ts, the tests' runK6) add to k6 arguments that are already rewritten:
 * - for `k6 run`, a REST API address of its own (`--address 127.0.0.1:0`: the OS picks a free port), unless
 *   the user gave one, so that k6 processes side by side never fight over the default localhost:6565;
 * - whether a stream relay must be started: for `k6 run`, unless LLM_RELAY_URL is already set in the
 *   environment or with `-e LLM_RELAY_URL=...`.
 */
export function wrapperPlan(args: string[], env: Env): { args: string[]; relay: boolean } {
  const run = k6Subcommand(args) === 'run';
  if (!run) return { args, relay: false };
  const out = [...args];
  if (!hasAddress(out)) out.splice(out.indexOf('run') + 1, 0, '--address', '127.0.0.1:0');
  const given = env.LLM_RELAY_URL || envArgs(args).LLM_RELAY_URL;
  return { args: out, relay: !given };
}
