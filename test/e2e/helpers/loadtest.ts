import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORG_RANGE_ENV, parseOrgRange } from '../../../src/platform/slice';
import { instanceName } from '../../../src/report/instance';
import { startSim, type RunningSim, type SimConfigInput } from '../../../sim/index';
import type { ChildProcess } from 'node:child_process';
import { bundle, runK6, type K6Run } from './k6';

/** One sim request record as /_sim/requests serves it (the fields the tests read). */
export interface SimRequest {
  requestId: string;
  status: number;
  orgId: string | null;
  keyId: string | null;
  model: string | null;
  fault: string | null;
  outcome: string;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  costUSD: number;
  headersMs: number | null;
  firstTokenMs: number | null;
  endMs: number | null;
  receivedMonoMs: number;
  chunks: { atMs: number; dueMs: number; tokens: number }[];
}

/** One line of the harness's request log (LOADTEST_REQUEST_LOG=1). */
export interface LoggedRequest {
  /** `<VU>:<iteration>`: one user session. */
  session: string;
  requestId: string | null;
  org: string;
  testType: string;
  model: string;
  ok: boolean;
  status: number;
  errorType: string | null;
  ttftMs: number | null;
  tpotMs: number | null;
  e2eMs: number | null;
  /** Wall time of the attempt, failed ones included. */
  attemptMs: number | null;
  finishReason: string | null;
  maxTokens: number;
  itlMs: number[];
  thinkMs?: number;
  cacheHit: boolean;
  saltViolation: boolean | null;
}

export interface LoadtestRun extends K6Run {
  dir: string;
  /** Where the reports went: results/<run id>/, or results/<run id>/<instance>/ for an instance of a split run. */
  reports: string;
  runId: string;
  summary: Record<string, unknown> | null;
  files: Record<string, string>;
  log: LoggedRequest[];
  thinks: number[];
  simRequests: SimRequest[];
  simState: { orgs: { orgId: string; name: string; slug: string; status: string; budget?: unknown }[]; users: { status: string }[]; apiKeys: { status: string; secret?: string; orgId: string }[] };
}

/** GETs a JSON document from the sim; `ca` is the certificate to trust when the sim serves HTTPS. */
export async function simJson<T>(url: string, ca?: string): Promise<T> {
  if (ca === undefined) return (await (await fetch(url)).json()) as T;
  // fetch takes no CA of its own; node:https does, so the self-signed sim is trusted here and nowhere else.
  return new Promise<T>((resolve, reject) => {
    get(url, { ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(text) as T);
        } catch (err) {
          reject(err);
        }
      });
    }).on('error', reject);
  });
}

/** Starts a sim for a test; the caller closes it. */
export function sim(config: SimConfigInput = {}): Promise<RunningSim> {
  return startSim({ config });
}

/**
 * Runs dist/loadtest.js with a config (YAML text) against a running sim, in a fresh directory,
 * (or `cwd`, where relative paths such as documents/ resolve) and gathers what the tests check: exit code, reports, the request log and the sim's ground truth
 * (read trusting `ca` when the sim serves HTTPS).
 */
export async function runLoadtest(
  s: RunningSim,
  yaml: string,
  opts: { runId?: string; env?: Record<string, string>; args?: string[]; timeoutMs?: number; stock?: boolean; cwd?: string; onSpawn?: (child: ChildProcess) => void; ca?: string } = {},
): Promise<LoadtestRun> {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-e2e-'));
  const cwd = opts.cwd ?? dir;
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, yaml);
  const runId = opts.runId ?? `e2e-${Date.now()}`;
  const consoleFile = join(dir, 'console.log');
  const res = await runK6(
    ['run', '--quiet', '--log-format', 'raw', '--console-output', consoleFile, ...(opts.args ?? []), bundle(opts.stock ? 'stock/loadtest.js' : 'loadtest.js')],
    {
      cwd,
      timeoutMs: opts.timeoutMs ?? 300_000,
      ...(opts.onSpawn ? { onSpawn: opts.onSpawn } : {}),
      env: {
        CONFIG: configPath,
        RUN_ID: runId,
        API_ROUTER_URL: s.routerUrl,
        USER_ORG_URL: s.adminUrl,
        AIAAS_ADMIN_EMAIL: s.config.admin.email,
        AIAAS_ADMIN_PASSWORD: s.config.admin.password,
        LOADTEST_REQUEST_LOG: '1',
        ...(opts.env ?? {}),
      },
    },
  );
  // The instance's folder name, from the same flags and env k6 got (k6 already checked the org range against the plan).
  const segment = opts.args?.indexOf('--execution-segment') ?? -1;
  const orgs = opts.env?.[ORG_RANGE_ENV];
  const instance = instanceName(orgs ? parseOrgRange(orgs, Number.MAX_SAFE_INTEGER) : null, segment >= 0 ? opts.args?.[segment + 1] : undefined);
  const reports = join(cwd, 'results', runId, instance ?? '');
  const files: Record<string, string> = {};
  for (const name of ['summary.json', 'junit.xml', 'report.html']) {
    const p = join(reports, name);
    if (existsSync(p)) files[name] = readFileSync(p, 'utf8');
  }
  const lines = existsSync(consoleFile) ? readFileSync(consoleFile, 'utf8').split('\n') : [];
  const log: LoggedRequest[] = [];
  const thinks: number[] = [];
  for (const line of lines) {
    if (line.startsWith('{"request"')) log.push((JSON.parse(line) as { request: LoggedRequest }).request);
    if (line.startsWith('{"think"')) thinks.push((JSON.parse(line) as { think: number }).think);
  }
  const simRequests = (await simJson<{ requests: SimRequest[] }>(`${s.routerUrl}/_sim/requests`, opts.ca)).requests;
  const simState = await simJson<LoadtestRun['simState']>(`${s.adminUrl}/_sim/state`, opts.ca);
  return {
    ...res,
    dir,
    reports,
    runId,
    summary: files['summary.json'] ? (JSON.parse(files['summary.json']) as Record<string, unknown>) : null,
    files,
    log,
    thinks,
    simRequests,
    simState,
  };
}
