import { ERROR_CATEGORIES } from './chat/errors';
import { buildScenarios } from './config/options';
import { SUMMARY_TREND_STATS } from './summary/k6-data';
import { summaryThresholds } from './summary/bookkeeping';
import type { Run } from './run';

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
    thresholds: summaryThresholds(
      run.orgs.map((o) => o.name),
      spec.testTypes.map((t) => t.name),
      ERROR_CATEGORIES,
      ['usage', 'estimate'],
    ),
    summaryTrendStats: SUMMARY_TREND_STATS,
    insecureSkipTLSVerify: !spec.targets.tlsVerify,
    setupTimeout: `${adminSec}s`,
    teardownTimeout: `${adminSec}s`,
    tags: { testid: run.runId },
  };
}
