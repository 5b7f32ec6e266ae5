/**
 * What a fleet report takes from the run's config (`npm run report -- --config FILE`), which Prometheus does not
 * hold: org budgets, test-type weights, the seed and the configured think time. It has the RunInfo shape a single
 * run's report is built from, filled the way lib/report.ts runInfo() fills it.
 */
import { expectedThinkTimeMs } from '../distributions';
import type { LoadTestConfig } from '../config/schema';
import type { RunInfo } from '../summary/model';
import type { TenantPlan } from '../tenants';
import type { FleetData } from './model';

export type FleetConfig = Pick<RunInfo, 'scenarioName' | 'seed' | 'orgs' | 'testTypes' | 'thinkTime'>;

function orgOf(o: TenantPlan['orgs'][number]): RunInfo['orgs'][number] {
  const org: RunInfo['orgs'][number] = { name: o.name, users: o.userCount };
  if (o.budget?.limitUSD !== undefined) org.budgetUSD = o.budget.limitUSD;
  if (o.budget?.dailyUSD !== undefined) org.dailyBudgetUSD = o.budget.dailyUSD;
  return org;
}

/** The config's figures for the fleet report; `plan` is the tenant plan the pods derived from the same config. */
export function fleetConfig(config: LoadTestConfig, plan: TenantPlan): FleetConfig {
  const spec = config.spec;
  const think = spec.userBehavior.thinkTimeSeconds;
  return {
    scenarioName: config.metadata.name,
    seed: spec.run.seed,
    orgs: plan.orgs.map(orgOf),
    testTypes: spec.testTypes.map((t) => ({ name: t.name, weight: t.weight })),
    thinkTime: { configuredMeanMs: expectedThinkTimeMs(think), minMs: think.min * 1000, maxMs: think.max * 1000, distribution: think.distribution },
  };
}

/**
 * Why the config cannot be the run's, or null: the run's requests name orgs and none of them is in the config
 * (org names are stable across runs of one config, so a match is expected).
 */
export function configMismatch(data: FleetData, config: FleetConfig): string | null {
  const seen = new Set((data.counters.requestsByOrg ?? []).map((s) => s.labels.org).filter((o): o is string => o !== undefined));
  if (seen.size === 0 || config.orgs.some((o) => seen.has(o.name))) return null;
  const names = (orgs: Iterable<string>) => Array.from(orgs).sort().join(', ');
  return `the config's orgs (${names(config.orgs.map((o) => o.name))}) are not those of run ${data.runId} (${names(seen)}): is --config the run's config?`;
}
