/**
 * The part of a report's RunInfo that comes from the config alone (names and numbers, never credentials):
 * shared by a single run's handleSummary (src/runtime/handle-summary.ts) and the fleet report's --config (tools/fleet-report/).
 */
import type { LoadTestConfig } from '../config/schema';
import { expectedThinkTimeMs } from '../behaviour/distributions';
import { usesDocuments } from '../behaviour/questions/test-types';
import type { OrgPlan } from '../platform/tenants';
import type { RunInfo, Streamed } from './model';

export type ConfigInfo = Pick<RunInfo, 'scenarioName' | 'labels' | 'seed' | 'orgs' | 'testTypes' | 'scenarioMix' | 'thinkTime' | 'streamed' | 'cacheHitMinRatio'>;

/** Whether the config's test types stream: all, some, or none of them. */
function streamedOf(testTypes: readonly { streamingResponse: boolean }[]): Streamed {
  const n = testTypes.filter((t) => t.streamingResponse).length;
  return n === 0 ? 'none' : n === testTypes.length ? 'all' : 'some';
}

function orgInfo(o: OrgPlan): RunInfo['orgs'][number] {
  const org: RunInfo['orgs'][number] = { name: o.name, users: o.userCount };
  if (o.budget?.limitUSD !== undefined) org.budgetUSD = o.budget.limitUSD;
  if (o.budget?.dailyUSD !== undefined) org.dailyBudgetUSD = o.budget.dailyUSD;
  return org;
}

/** What the reports take from the config, with the orgs as the tenant plan made them. */
export function configInfo(config: LoadTestConfig, orgs: readonly OrgPlan[]): ConfigInfo {
  const spec = config.spec;
  const think = spec.userBehavior.thinkTimeSeconds;
  const info: ConfigInfo = {
    scenarioName: config.metadata.name,
    labels: { ...(config.metadata.labels ?? {}) },
    seed: spec.run.seed,
    orgs: orgs.map(orgInfo),
    // Only what the sampler picks by, so the summary can work out each type's configured share as it does.
    testTypes: spec.testTypes.map((t) => ({ name: t.name, weight: t.weight, documentLibrary: { enabled: usesDocuments(t) } })),
    thinkTime: { configuredMeanMs: expectedThinkTimeMs(think), minMs: think.min * 1000, maxMs: think.max * 1000, distribution: think.distribution },
    streamed: streamedOf(spec.testTypes),
    cacheHitMinRatio: spec.metrics.cacheHitMinRatio,
  };
  const mix = spec.scenarioMix;
  if (mix) info.scenarioMix = { scenarios: mix.scenarios.map((s) => ({ name: s.name, weight: s.weight })) };
  return info;
}
