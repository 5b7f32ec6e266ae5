import { evaluateCondition, type ConditionFacts } from '../config/conditions';
import type { Rng } from './random';

/** testTypes[].modelTargeting as configured. */
interface ModelTargetingSpec {
  slmModels?: string[] | undefined;
  mediumModels?: string[] | undefined;
  largeModels?: string[] | undefined;
  rules?: { condition: string; targetType: Tier }[] | undefined;
  defaultTarget?: Tier | undefined;
}

type Tier = 'slm' | 'medium' | 'large';

const TIER_ORDER: Tier[] = ['slm', 'medium', 'large'];

function modelsOf(t: ModelTargetingSpec, tier: Tier): string[] {
  return (tier === 'slm' ? t.slmModels : tier === 'medium' ? t.mediumModels : t.largeModels) ?? [];
}

/**
 * The tier for a request no rule matched: the first tier with models that no rule targets (rules carve
 * out exceptions, so the seed's "query_length < 100 -> slm" with slm and medium models sends the rest to
 * medium), else the first tier with models.
 */
function fallbackTier(t: ModelTargetingSpec): Tier | undefined {
  const listed = TIER_ORDER.filter((tier) => modelsOf(t, tier).length > 0);
  const targeted = (t.rules ?? []).map((r) => r.targetType);
  return listed.find((tier) => targeted.indexOf(tier) < 0) ?? listed[0];
}

/**
 * Picks the model for one request: the first rule whose condition holds chooses the tier, else
 * defaultTarget, else the fallback tier; within a tier the model is drawn from the rng.
 * Without targeting the run's default model is used.
 */
export function chooseModel(targeting: ModelTargetingSpec | undefined, facts: ConditionFacts, defaultModel: string, rng: Rng): { model: string; tier: Tier | 'default' } {
  if (!targeting) return { model: defaultModel, tier: 'default' };
  const rule = (targeting.rules ?? []).find((r) => evaluateCondition(r.condition, facts));
  const tier = rule?.targetType ?? targeting.defaultTarget ?? fallbackTier(targeting);
  const models = tier ? modelsOf(targeting, tier) : [];
  if (!tier || models.length === 0) return { model: defaultModel, tier: 'default' };
  return { model: rng.pick(models), tier };
}
