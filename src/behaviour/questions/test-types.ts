import type { DocumentLibrarySpec } from '../documents';
import type { Rng } from '../random';
import type { QuestionStrategy } from './strategies';

/** The fields of a configured test type that shape its prompts (spec.testTypes[]). */
export interface TestTypeSpec {
  name: string;
  weight: number;
  questionStrategy: QuestionStrategy;
  cacheBehavior?: 'avoid' | 'prefer' | 'mixed';
  documentLibrary?: DocumentLibrarySpec;
}

/** The fields of a test type that decide how often it is picked: its name, weight and whether it has documents. */
export interface PickableTestType {
  name: string;
  weight: number;
  documentLibrary?: Pick<DocumentLibrarySpec, 'enabled'> | undefined;
}

/** Scenarios scenarioMix can weigh. */
const SCENARIOS = ['simple-question-answering', 'document-analysis', 'multi-turn-conversation'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** spec.scenarioMix as configured. */
export interface ScenarioMixSpec {
  scenarios: readonly { name: Scenario; weight: number }[];
}

/** A test type picked for one conversation, with the scenario it was picked through. */
interface TestTypePick<T extends TestTypeSpec> {
  testType: T;
  scenario: Scenario | undefined;
  /** True for multi-turn-conversation: the conversation is multi-turn whatever multiTurnProbability says. */
  forceMultiTurn: boolean;
}

/** Whether the test type attaches documents. */
export function usesDocuments(type: PickableTestType): boolean {
  return type.documentLibrary?.enabled === true;
}

/** The test types a scenario draws from: without documents, with documents, or all of them. */
function typesOfScenario<T extends PickableTestType>(testTypes: readonly T[], scenario: Scenario): T[] {
  if (scenario === 'document-analysis') return testTypes.filter(usesDocuments);
  if (scenario === 'simple-question-answering') return testTypes.filter((t) => !usesDocuments(t));
  if (scenario === 'multi-turn-conversation') return testTypes.slice();
  throw new Error(`scenarioMix: unknown scenario "${String(scenario)}" (known: ${SCENARIOS.join(', ')})`);
}

/** Problems that would make pickTestType fail with this config, one sentence each (empty when none). */
export function scenarioMixProblems(testTypes: readonly PickableTestType[], mix: ScenarioMixSpec | undefined): string[] {
  const problems: string[] = [];
  if (testTypes.length === 0) problems.push('testTypes is empty: at least one test type is needed');
  if (mix === undefined) return problems;
  if (mix.scenarios.length === 0) problems.push('scenarioMix.scenarios is empty');
  mix.scenarios.forEach((s, i) => {
    if (!(SCENARIOS as readonly string[]).includes(s.name)) {
      problems.push(`scenarioMix.scenarios[${i}]: unknown scenario "${s.name}" (known: ${SCENARIOS.join(', ')})`);
    } else if (s.weight > 0 && typesOfScenario(testTypes, s.name).length === 0) {
      const need = s.name === 'document-analysis' ? 'with documentLibrary.enabled' : 'without an enabled documentLibrary';
      problems.push(`scenarioMix.scenarios[${i}]: scenario "${s.name}" has weight ${s.weight} but no test type ${need}`);
    }
  });
  return problems;
}

/**
 * A test type by weight. With scenarioMix the scenario is picked first by its weight, then a type by weight among
 * the scenario's types (so a type's share is its scenario's share times its weight within the scenario).
 */
export function pickTestType<T extends TestTypeSpec>(rng: Rng, testTypes: readonly T[], scenarioMix?: ScenarioMixSpec): TestTypePick<T> {
  const problems = scenarioMixProblems(testTypes, scenarioMix);
  if (problems.length > 0) throw new Error(problems.join('; '));
  if (scenarioMix === undefined) return { testType: rng.weighted(testTypes), scenario: undefined, forceMultiTurn: false };
  const scenario = rng.weighted(scenarioMix.scenarios).name;
  return {
    testType: rng.weighted(typesOfScenario(testTypes, scenario)),
    scenario,
    forceMultiTurn: scenario === 'multi-turn-conversation',
  };
}

// Each item's chance under Rng.weighted: its weight over the total; refused where Rng.weighted would throw.
function normalised(weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (!(total > 0)) throw new Error(`no item has a positive weight (${weights.length} items)`);
  return weights.map((w) => w / total);
}

/**
 * The chance that one pickTestType call returns each test type, by name: without scenarioMix its weight over all
 * weights; with it, summed over scenarios, the scenario's share times the type's weight within the scenario.
 * Throws where pickTestType would.
 */
export function testTypeShares(testTypes: readonly PickableTestType[], scenarioMix?: ScenarioMixSpec): Record<string, number> {
  const problems = scenarioMixProblems(testTypes, scenarioMix);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const out: Record<string, number> = {};
  for (const t of testTypes) out[t.name] = 0;
  const addScenario = (types: readonly PickableTestType[], share: number): void => {
    normalised(types.map((t) => t.weight)).forEach((s, i) => {
      const name = (types[i] as PickableTestType).name;
      out[name] = (out[name] ?? 0) + share * s;
    });
  };
  if (scenarioMix === undefined) {
    addScenario(testTypes, 1);
    return out;
  }
  normalised(scenarioMix.scenarios.map((s) => s.weight)).forEach((share, i) => {
    // Rng.weighted never lands on a zero weight, and such a scenario may have no types at all.
    if (share > 0) addScenario(typesOfScenario(testTypes, (scenarioMix.scenarios[i] as ScenarioMixSpec['scenarios'][number]).name), share);
  });
  return out;
}
