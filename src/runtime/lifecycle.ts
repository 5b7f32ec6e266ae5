import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import { bindSession, counters, instanceShare, notes, openSession } from '#transport';
import { record } from '../metrics/record';
import { cleanupAiAas, provisionAiAas } from '../platform/ai-aas';
import { parseStaticKeys, provisionStatic } from '../platform/static';
import type { Provisioned } from '../platform/types';
import { loadRun, resolveUserPath, type Run } from './run';
import { refuse } from './refuse';
import { formatOrgRange } from '../platform/slice';
import { instanceName } from '../report/instance';
import { ownsOrg, type TenantPlan } from '../platform/tenants';
import { ledgerCreated, openLedger, recordCleanup } from './cleanup-ledger';
import { cleanupCommand } from '../report/cleanup';
import { preflightProbes } from '../platform/preflight';
import { runPreflight } from '../platform/preflight-http';
import { chatCompletionsUrl } from '../llm/chat/client';

/** What setup() returns to every VU and to teardown(). Holds keys: never log or report it. */
export interface SetupData {
  runId: string;
  startedAtMs: number;
  provisioned: Provisioned;
  /** This k6 process's session with the stream relay (its shared counters); undefined on the buffered transport. */
  relaySession?: string;
}

/** Shared counter names this module and the session loop agree on. */
export const COUNTER_REQUESTS = 'run:requests';
export const COUNTER_FAILED = 'run:failed';

// A keys file can only be read in the init context, so it is read there, once per process.
const staticKeyFile = new SharedArray<string>('loadtest-static-keys', () => {
  const platform = loadRun().config.spec.platform;
  if (platform.adapter !== 'static' || !platform.staticKeysFile) return [];
  const path = resolveUserPath(platform.staticKeysFile);
  try {
    return parseStaticKeys(open(path));
  } catch (err) {
    refuse(`spec.platform.staticKeysFile: cannot read ${path}: ${(err as Error).message}`);
  }
});

function log(msg: string): void {
  console.log(`[loadtest] ${msg}`);
}

function adminCredentials(run: Run): { email: string; password: string } {
  const p = run.config.spec.platform;
  const email = __ENV[p.adminEmailEnv];
  const password = __ENV[p.adminPasswordEnv];
  if (!email || !password) {
    throw new Error(`the ai-aas adapter needs the admin credentials in the env vars ${p.adminEmailEnv} and ${p.adminPasswordEnv} (named by spec.platform.adminEmailEnv/adminPasswordEnv)`);
  }
  return { email, password };
}

/** The static adapter's keys: the keys file's, else the env var's; none is read for a server without auth. */
function staticKeys(run: Run): string[] {
  if (run.config.spec.platform.auth === 'none') return [];
  const fromFile: string[] = [];
  for (let i = 0; i < staticKeyFile.length; i++) fromFile.push(staticKeyFile[i] as string);
  return fromFile.length > 0 ? fromFile : parseStaticKeys(__ENV[run.config.spec.platform.staticKeysEnv] ?? '');
}

/**
 * The key under which setup() leaves its error for handleSummary: k6 gives handleSummary no setup data when setup
 * throws, so no relay session, and the run id plus the instance's share is what both of them know.
 */
export function setupNoteKey(run: Run): string {
  const segment = (exec.test.options as { executionSegment?: string | null }).executionSegment;
  return `setup:${run.runId}:${instanceName(run.orgRange, segment) ?? ''}`;
}

/** setup(): provisions this instance's share of orgs, users and keys; a failure is left for the summary to name. */
export function provisionRun(run: Run): SetupData {
  try {
    return provision(run);
  } catch (err) {
    leaveSetupNote(run, (err as Error).message);
    throw err;
  }
}

function leaveSetupNote(run: Run, message: string): void {
  if (!notes) return;
  try {
    notes.put(setupNoteKey(run), message.slice(0, 4000));
  } catch {
    // The relay may be what failed: k6 still prints the error itself, after the summary.
  }
}

function provision(run: Run): SetupData {
  exec.vu.metrics.tags.testid = run.runId;
  const started = Date.now();
  const spec = run.config.spec;
  // First, before anything is created on the platform: without a relay the run cannot measure anything.
  const relaySession = openSession([spec.targets.apiRouterUrl]);
  const plan: TenantPlan = { orgs: run.orgs, users: run.allUsers() };
  const ids = instanceShare(run.sliceUsers).map((n) => run.sliceUser(n));
  const share = ids.map((id) => run.user(id));
  const mine = new Set(ids);
  const slice = run.orgRange ? `, orgs ${formatOrgRange(run.orgRange)} of ${run.orgs.length}` : '';
  log(`run ${run.runId}: this instance plays ${share.length} of ${run.totalUsers} users (${spec.platform.adapter} adapter${spec.platform.auth === 'none' ? ', no auth' : ''}${slice})`);
  if (spec.platform.adapter === 'ai-aas') openLedger(run, spec.targets.userOrgUrl as string);
  const provisioned =
    spec.platform.adapter === 'static'
      ? provisionStatic(plan, share, staticKeys(run), spec.platform)
      : provisionAiAas({
          adminUrl: spec.targets.userOrgUrl as string,
          credentials: adminCredentials(run),
          retry: spec.platform.retry,
          timeoutMs: spec.targets.timeout * 1000,
          plan,
          share,
          ownedOrgs: new Set(run.orgs.filter((o) => ownsOrg(plan, o.index, mine)).map((o) => o.index)),
          keys: spec.users.apiKeys,
          log,
          created: (refs) => ledgerCreated(run, refs),
          rolledBack: (result) => recordCleanup(run, result),
        });
  for (const w of provisioned.warnings) console.warn(`[loadtest] ${w}`);
  for (const w of unenforcedLimits(run)) console.warn(`[loadtest] ${w}`);
  preflight(run, provisioned);
  const tookMs = Date.now() - started;
  record('llm_bootstrap_duration', tookMs, {});
  log(`bootstrap took ${tookMs} ms`);
  const data: SetupData = { runId: run.runId, startedAtMs: Date.now(), provisioned };
  if (relaySession !== undefined) data.relaySession = relaySession;
  return data;
}

/**
 * The pre-flight probes (src/platform/preflight.ts), unless switched off. k6 runs no teardown after a failed
 * setup, so a failure releases this instance's tenants itself before it stops the run.
 */
function preflight(run: Run, provisioned: Provisioned): void {
  const spec = run.config.spec;
  if (!spec.platform.preflight || __ENV.LOADTEST_PREFLIGHT === '0') return;
  try {
    runPreflight({
      chatUrl: chatCompletionsUrl(spec.targets.apiRouterUrl),
      apiKey: provisioned.users[0]?.keys[0]?.secret ?? '',
      keys: provisioned.adapter === 'ai-aas' ? 'issued' : 'static',
      probes: preflightProbes(spec.testTypes, spec.models.default),
      includeUsage: spec.request.includeUsage,
      timeoutMs: spec.targets.timeout * 1000,
      log,
    });
  } catch (err) {
    let note = '';
    if (provisioned.adapter === 'ai-aas') {
      try {
        cleanupRun(run, { runId: run.runId, startedAtMs: Date.now(), provisioned });
        note = ' (its tenants have been cleaned up)';
      } catch (cleanupErr) {
        note = ` (cleanup also failed: ${(cleanupErr as Error).message})`;
      }
    }
    throw new Error(`${(err as Error).message}${note}`);
  }
}

/** Limits this runtime cannot enforce: without the relay the VUs share no counters, so none of the shared ones hold. */
function unenforcedLimits(run: Run): string[] {
  if (counters) return [];
  const l = run.config.spec.limits;
  const named: string[] = (['maxCostUSD', 'maxRequests', 'maxErrorRate', 'maxConcurrentReqs'] as const).filter((k) => l[k] !== undefined);
  if (run.orgs.some((o) => o.budget)) named.push('organizations.budget');
  return named.length === 0 ? [] : [`buffered transport: ${named.join(', ')} NOT enforced (they need the stream relay's shared counters)`];
}

/** Whether the cleanup policy keeps this run's tenants (on-success keeps them when the run failed, for debugging). */
function retainTenants(run: Run): boolean {
  const { policy } = run.config.spec.cleanup;
  if (policy === 'always') return false;
  if (policy === 'never') return true;
  if (!counters) {
    console.warn('[loadtest] cleanup policy on-success needs the stream relay to know the error rate; cleaning up');
    return false;
  }
  let requests: number;
  let failed: number;
  try {
    [requests, failed] = counters.group([
      { op: 'get', key: COUNTER_REQUESTS },
      { op: 'get', key: COUNTER_FAILED },
    ]).values as [number, number];
  } catch (err) {
    console.warn(`[loadtest] cleanup policy on-success cannot read the error rate (${(err as Error).message}); cleaning up`);
    return false;
  }
  const rate = requests > 0 ? failed / requests : 0;
  return rate > (run.config.spec.limits.maxErrorRate ?? 0.1);
}

/**
 * teardown(): revokes keys and suspends users and owned orgs (best effort), unless the policy retains them; the
 * reports get the result. Whether it revoked the keys.
 */
export function cleanupRun(run: Run, data: SetupData | undefined): boolean {
  if (!data || data.provisioned.adapter !== 'ai-aas') return false;
  bindSession(data.relaySession);
  const users = data.provisioned.users.length;
  if (retainTenants(run)) {
    log(`cleanup policy ${run.config.spec.cleanup.policy}: keeping ${users} user(s) and their keys`);
    recordCleanup(run, null, users);
    return false;
  }
  const spec = run.config.spec;
  const result = cleanupAiAas({
    adminUrl: spec.targets.userOrgUrl as string,
    credentials: adminCredentials(run),
    retry: spec.platform.retry,
    timeoutMs: spec.targets.timeout * 1000,
    provisioned: data.provisioned,
    log,
  });
  recordCleanup(run, result);
  // Thrown after the result is recorded, so k6's exit code says what the reports say: tenants were left.
  if (result.left.length > 0) throw new Error(`cleanup left ${result.left.length} tenant(s) active: ${cleanupCommand(run.runId, spec.run.resultsDir)}`);
  return true;
}
