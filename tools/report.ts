/**
 * npm run report -- --prometheus URL --testid ID [--config FILE] [--out DIR] [--name NAME]
 * The fleet report: one run across all its pods, read from the Prometheus that received its remote-write,
 * written as the same summary.json, junit.xml and report.html as a single run (source: "prometheus").
 * --config (the run's config) adds what Prometheus does not hold: org budgets, test-type weights, seed, think time.
 *
 * npm run report -- --from results/<run id> [--from DIR...] [--out DIR]
 * The local merge: the reports the instances of a split run wrote to results/<run id>/<instance>/, merged into
 * one (source: "k6-merged"), written to results/<run id>/ unless --out says otherwise (tools/report-merge.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectFleetData, UnknownRunError, type ApiSeries, type PromApi } from './fleet-report/collect';
import { configMismatch, fleetConfig, type FleetConfig } from './fleet-report/config';
import { fleetSummary, notInPrometheus } from './fleet-report/map';
import { ConfigError, loadConfigFile } from './k8s/prepare';
import { MergeError } from '../src/report/merge/summaries';
import { renderHtml, renderJUnit, renderText, runDirName } from '../src/report/index';
import { parseFlags, runCli, UsageError } from './cli';
import { mergeRunFolders } from './report-merge';

const USAGE = 'usage: npm run report -- --prometheus URL --testid ID [--config FILE] [--out DIR] [--name NAME]\n       npm run report -- --from results/<run id> [--from DIR...] [--out DIR]';
/** How far back from now the run is looked for: Prometheus' default retention. */
const LOOKBACK_SEC = 15 * 24 * 3600;
const REQUEST_TIMEOUT_MS = 30_000;

class PrometheusError extends Error {}
/** The config is not the run's: exit 1, like a testid Prometheus does not know. */
class RunMismatchError extends Error {}

type FleetArgs = { prometheus: string; testid: string; config?: string; out?: string; name?: string };
type MergeArgs = { from: string[]; out?: string };

function parse(argv: string[]): FleetArgs | MergeArgs {
  const { prometheus, testid, config, out, name, from } = parseFlags(argv, {
    prometheus: { type: 'string' },
    testid: { type: 'string' },
    config: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    from: { type: 'string', multiple: true },
  }).values;
  if (from !== undefined) {
    const fleetOnly = Object.entries({ prometheus, testid, config, name }).filter(([, v]) => v !== undefined).map(([k]) => `--${k}`);
    if (fleetOnly.length > 0) throw new UsageError(`--from merges local reports: the fleet report's ${fleetOnly.join(', ')} do not apply`);
    if (from.includes('') || out === '') throw new UsageError('--from and --out need a folder, e.g. --from results/<run id>');
    return { from, out };
  }
  if (prometheus === undefined || prometheus === '') throw new UsageError('--prometheus URL is required');
  if (testid === undefined || testid === '') throw new UsageError('--testid ID is required');
  if (!/^https?:\/\/[^/]+/.test(prometheus)) throw new UsageError(`--prometheus must be an http(s) URL, got "${prometheus}"`);
  if (config === '') throw new UsageError('--config needs the run\'s config file');
  return { prometheus: prometheus.replace(/\/+$/, ''), testid, config, out, name };
}

/** The run's config as the fleet report uses it; ConfigError (exit 2, as npm run validate) when unreadable or invalid. */
function readConfig(path: string | undefined): FleetConfig | undefined {
  if (path === undefined) return undefined;
  const loaded = loadConfigFile(path);
  return fleetConfig(loaded.config, loaded.plan);
}

/** Prometheus' HTTP API over fetch; every failure names the URL and what Prometheus said. */
function httpApi(base: string): PromApi {
  // GET, since older Prometheus (2.42, Debian 12's) takes POST only on the query endpoints.
  const call = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new PrometheusError(`cannot reach Prometheus at ${base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    const text = await res.text();
    let body: { status?: string; error?: string; data?: T };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new PrometheusError(`${base}${path} did not answer like Prometheus (HTTP ${res.status}): ${text.slice(0, 200)}`);
    }
    if (body.status !== 'success' || body.data === undefined) throw new PrometheusError(`Prometheus at ${base} refused ${params.query ?? path}: ${body.error ?? `HTTP ${res.status}`}`);
    return body.data;
  };
  return {
    instant: async (query, time) => (await call<{ result: ApiSeries[] }>('/api/v1/query', { query, time: String(time) })).result,
    range: async (query, start, end, step) => (await call<{ result: ApiSeries[] }>('/api/v1/query_range', { query, start: String(start), end: String(end), step: String(step) })).result,
    labelValues: (label, match, start, end) => call<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`, { 'match[]': match, start: String(start), end: String(end) }),
  };
}

/** The local merge; exit 1 when the reports are not distinct instances of one run. */
function merge(args: MergeArgs): number {
  try {
    process.stdout.write(mergeRunFolders(args.from, args.out));
    return 0;
  } catch (e) {
    if (!(e instanceof MergeError)) throw e;
    process.stderr.write(`report: ${e.message}\n`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if ('from' in args) return merge(args);
  let config: FleetConfig | undefined;
  try {
    config = readConfig(args.config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`report: --config: ${e.message}\n`);
    return 2;
  }
  try {
    const nowSec = Date.now() / 1000;
    const name = args.name ?? config?.scenarioName;
    const data = await collectFleetData(httpApi(args.prometheus), { testid: args.testid, name, nowSec, lookbackSec: LOOKBACK_SEC });
    const mismatch = config === undefined ? null : configMismatch(data, config);
    if (mismatch !== null) throw new RunMismatchError(mismatch);
    const summary = fleetSummary(data, config);
    const dir = args.out ?? join('results', `${runDirName(args.testid)}-fleet`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(join(dir, 'junit.xml'), renderJUnit(summary));
    writeFileSync(join(dir, 'report.html'), renderHtml(summary));
    const pods = data.instances.length > 0 ? `${data.instances.length} (instance_id ${data.instances.join(', ')})` : 'unknown (no instance_id label)';
    process.stdout.write(renderText(summary, { reports: `${dir}/ (summary.json, junit.xml, report.html)` }));
    process.stdout.write(`  k6 instances: ${pods}\n  ${notInPrometheus(config !== undefined)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UnknownRunError || e instanceof PrometheusError || e instanceof RunMismatchError) {
      process.stderr.write(`report: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await runCli(USAGE, process.argv.slice(2), main);
