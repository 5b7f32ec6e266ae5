import { evaluateCondition, type ConditionFacts } from './config/conditions';
import type { Rng } from './random';

/** testTypes[].modelTargeting as configured. */
export interface ModelTargetingSpec {
  slmModels?: string[] | undefined;
  mediumModels?: string[] | undefined;
  largeModels?: string[] | undefined;
  rules?: { condition: string; targetType: Tier }[] | undefined;
  defaultTarget?: Tier | undefined;
}

export type Tier = 'slm' | 'medium' | 'large';

const TIER_ORDER: Tier[] = ['slm', 'medium', 'large'];

function modelsOf(t: ModelTargetingSpec, tier: Tier): string[] {
  return (tier === 'slm' ? t.slmModels : tier === 'medium' ? t.mediumModels : t.largeModels) ?? [];
}

/**
 * Picks the model for one request: the first rule whose condition holds chooses the tier, else
 * defaultTarget, else the first tier with models; within a tier the model is drawn from the rng.
 * Without targeting the run's default model is used.
 */
export function chooseModel(targeting: ModelTargetingSpec | undefined, facts: ConditionFacts, defaultModel: string, rng: Rng): { model: string; tier: Tier | 'default' } {
  if (!targeting) return { model: defaultModel, tier: 'default' };
  const rule = (targeting.rules ?? []).find((r) => evaluateCondition(r.condition, facts));
  const tier = rule?.targetType ?? targeting.defaultTarget ?? TIER_ORDER.find((t) => modelsOf(targeting, t).length > 0);
  const models = tier ? modelsOf(targeting, tier) : [];
  if (!tier || models.length === 0) return { model: defaultModel, tier: 'default' };
  return { model: rng.pick(models), tier };
}
