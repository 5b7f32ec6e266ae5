/**
 * What a fleet report takes from the run's config (`npm run report -- --config FILE`), which Prometheus does not
 * hold: org budgets, test-type weights, labels, the seed and the configured think time: the same part of RunInfo a
 * single run's report takes from its config (src/report/config-info.ts).
 */
import type { LoadTestConfig } from '../../src/config/schema';
import { configInfo, type ConfigInfo } from '../../src/report/config-info';
import type { TenantPlan } from '../../src/platform/tenants';
import type { FleetData } from './model';

export type FleetConfig = ConfigInfo;

/** The config's figures for the fleet report; `plan` is the tenant plan the pods derived from the same config. */
export function fleetConfig(config: LoadTestConfig, plan: TenantPlan): FleetConfig {
  return configInfo(config, plan.orgs);
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
