import { ERROR_CATEGORIES } from '../llm/chat/errors';
import { buildScenarios } from '../config/load-pattern';
import { SUMMARY_TREND_STATS } from '../report/k6-data';
import { summaryThresholds } from '../report/bookkeeping';
import { cacheDataThresholds } from '../report/cache-data';
import type { Run } from './run';
import type { LoadTestConfig } from '../config/schema';

type UserThreshold = NonNullable<LoadTestConfig['spec']['thresholds']>[string][number];

/**
 * The default error guard: a run in which more than limits.failAboveErrorRate of the chat requests failed fails
 * (k6 exit 99), so a run against a wrong URL or a dead target can never pass. 1 turns it off.
 */
export function errorGuardThresholds(failAboveErrorRate: number): Record<string, string[]> {
  return failAboveErrorRate >= 1 ? {} : { llm_request_failed: [`rate<=${failAboveErrorRate}`] };
}

/** The config's thresholds in k6's form, added to the bookkeeping ones (a shared key keeps both). */
function withUserThresholds(bookkeeping: Record<string, string[]>, user: Record<string, UserThreshold[]> | undefined): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = { ...bookkeeping };
  for (const [key, list] of Object.entries(user ?? {})) {
    const k6 = list.map((t) =>
      typeof t === 'string' ? t : { threshold: t.threshold, abortOnFail: t.abortOnFail, ...(t.delayAbortEvalSec !== undefined ? { delayAbortEval: `${t.delayAbortEvalSec}s` } : {}) },
    );
    out[key] = [...(out[key] ?? []), ...k6];
  }
  return out;
}

/**
 * The k6 options of a run: scenarios from the load pattern, the sub-metric thresholds the summary
 * reads its per-org and per-test-type figures from, TLS and the run-level `testid` tag.
 */
export function buildOptions(run: Run): Record<string, unknown> {
  const spec = run.config.spec;
  // Provisioning and cleanup time grow with the users an instance owns; the admin API is batched 20 wide.
  const adminSec = 60 + Math.ceil(run.sliceUsers / 4);
  // The pattern the run header worked out: a split run's cluster plays its slice's share of it.
  const config = { ...run.config, spec: { ...spec, loadPattern: run.loadPattern } };
  return {
    scenarios: buildScenarios(config, run.sliceUsers),
    thresholds: withUserThresholds(
      {
        ...summaryThresholds(
          run.orgs.map((o) => o.name),
          spec.testTypes.map((t) => t.name),
          ERROR_CATEGORIES,
          ['usage', 'estimate'],
        ),
        ...errorGuardThresholds(spec.limits.failAboveErrorRate),
        ...cacheDataThresholds(Object.keys(spec.thresholds ?? {})),
      },
      spec.thresholds,
    ),
    summaryTrendStats: SUMMARY_TREND_STATS,
    insecureSkipTLSVerify: !spec.targets.tlsVerify,
    setupTimeout: `${adminSec}s`,
    // Teardown also probes the revoked keys, for up to revocationProbe.maxSeconds.
    teardownTimeout: `${adminSec + (spec.cleanup.revocationProbe.enabled ? Math.ceil(spec.cleanup.revocationProbe.maxSeconds) + 5 : 0)}s`,
    tags: { testid: run.runId },
  };
}
