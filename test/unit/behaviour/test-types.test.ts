import { describe, expect, it } from 'vitest';
import { pickTestType, scenarioMixProblems, testTypeShares, type ScenarioMixSpec, type TestTypeSpec } from '../../../src/behaviour/questions/test-types';
import { rngFrom } from '../../../src/behaviour/random';
import { SEED_TEST_TYPES } from './fixtures';

const N = 100_000;

function shares(pickName: () => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < N; i++) {
    const name = pickName();
    counts[name] = (counts[name] ?? 0) + 1;
  }
  for (const k of Object.keys(counts)) counts[k] = (counts[k] as number) / N;
  return counts;
}

describe('test type picks', () => {
  it('without scenarioMix, 100k picks land within 1 point of the weights (60/30/10)', () => {
    const rng = rngFrom('types');
    const got = shares(() => pickTestType(rng, SEED_TEST_TYPES).testType.name);
    expect(Math.abs((got.random_short ?? 0) - 0.6)).toBeLessThan(0.01);
    expect(Math.abs((got.long_document ?? 0) - 0.3)).toBeLessThan(0.01);
    expect(Math.abs((got.cached ?? 0) - 0.1)).toBeLessThan(0.01);
  });

  it('with scenarioMix the scenario is picked first, then the type by weight within it', () => {
    const mix: ScenarioMixSpec = { scenarios: [{ name: 'simple-question-answering', weight: 75 }, { name: 'document-analysis', weight: 25 }] };
    const rng = rngFrom('scenario-mix');
    let forced = 0;
    const got = shares(() => {
      const p = pickTestType(rng, SEED_TEST_TYPES, mix);
      if (p.forceMultiTurn) forced++;
      return `${p.scenario}/${p.testType.name}`;
    });
    expect(forced).toBe(0);
    // simple-question-answering holds random_short (60) and cached (10): 75% split 6:1.
    expect(Math.abs((got['simple-question-answering/random_short'] ?? 0) - 0.75 * (60 / 70))).toBeLessThan(0.01);
    expect(Math.abs((got['simple-question-answering/cached'] ?? 0) - 0.75 * (10 / 70))).toBeLessThan(0.01);
    expect(Math.abs((got['document-analysis/long_document'] ?? 0) - 0.25)).toBeLessThan(0.01);
    expect(Object.keys(got).sort()).toEqual(['document-analysis/long_document', 'simple-question-answering/cached', 'simple-question-answering/random_short']);
  });

  it('multi-turn-conversation draws from every type and forces multi-turn', () => {
    const mix: ScenarioMixSpec = { scenarios: [{ name: 'multi-turn-conversation', weight: 1 }] };
    const rng = rngFrom('multi');
    const names = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const p = pickTestType(rng, SEED_TEST_TYPES, mix);
      expect(p).toMatchObject({ scenario: 'multi-turn-conversation', forceMultiTurn: true });
      names.add(p.testType.name);
    }
    expect([...names].sort()).toEqual(['cached', 'long_document', 'random_short']);
  });

  it('returns the caller’s own test type objects', () => {
    const mine = [{ name: 'only', weight: 1, questionStrategy: 'technical' as const, modelTargeting: { mediumModels: ['gpt-4o'] } }];
    expect(pickTestType(rngFrom('own'), mine).testType).toBe(mine[0]);
  });

  it('a scenario with weight but no eligible type, or no types at all, is a clear error', () => {
    const noDocs: TestTypeSpec[] = [{ name: 'q', weight: 1, questionStrategy: 'mixed' }];
    const mix: ScenarioMixSpec = { scenarios: [{ name: 'document-analysis', weight: 25 }] };
    expect(scenarioMixProblems(noDocs, mix)).toEqual([
      'scenarioMix.scenarios[0]: scenario "document-analysis" has weight 25 but no test type with documentLibrary.enabled',
    ]);
    expect(() => pickTestType(rngFrom('e'), noDocs, mix)).toThrow(/no test type with documentLibrary.enabled/);
    expect(() => pickTestType(rngFrom('e'), [])).toThrow('testTypes is empty: at least one test type is needed');
    expect(scenarioMixProblems(SEED_TEST_TYPES, { scenarios: [{ name: 'chit-chat' as 'document-analysis', weight: 1 }] })[0]).toMatch(
      /unknown scenario "chit-chat"/,
    );
  });
});

describe('testTypeShares: the share the sampler draws each type with', () => {
  const seedMix: ScenarioMixSpec = { scenarios: [{ name: 'simple-question-answering', weight: 75 }, { name: 'document-analysis', weight: 25 }] };

  it('is weight over total without scenarioMix', () => {
    expect(testTypeShares(SEED_TEST_TYPES)).toEqual({ random_short: 0.6, long_document: 0.3, cached: 0.1 });
  });

  it('with the seed 75/25 mix: the scenario share times the weight within the scenario, not the raw weights', () => {
    const got = testTypeShares(SEED_TEST_TYPES, seedMix);
    expect(got.random_short).toBeCloseTo(0.75 * (60 / 70), 12);
    expect(got.cached).toBeCloseTo(0.75 * (10 / 70), 12);
    expect(got.long_document).toBeCloseTo(0.25, 12);
  });

  for (const [label, mix] of [
    ['no mix', undefined],
    ['the seed 75/25 mix', seedMix],
    ['a mix with multi-turn-conversation and a zero-weight scenario', { scenarios: [{ name: 'multi-turn-conversation', weight: 2 }, { name: 'simple-question-answering', weight: 1 }, { name: 'document-analysis', weight: 0 }] }],
  ] as [string, ScenarioMixSpec | undefined][]) {
    it(`matches 100k picks of pickTestType within 1 point (${label})`, () => {
      const rng = rngFrom(`shares:${label}`);
      const got = shares(() => pickTestType(rng, SEED_TEST_TYPES, mix).testType.name);
      const want = testTypeShares(SEED_TEST_TYPES, mix);
      expect(Object.keys(want).sort()).toEqual(['cached', 'long_document', 'random_short']);
      for (const name of Object.keys(want)) expect(Math.abs((got[name] ?? 0) - (want[name] ?? 0))).toBeLessThan(0.01);
    });
  }

  it('refuses a config pickTestType refuses, with the same message', () => {
    const noDocs: TestTypeSpec[] = [{ name: 'q', weight: 1, questionStrategy: 'mixed' }];
    const mix: ScenarioMixSpec = { scenarios: [{ name: 'document-analysis', weight: 25 }] };
    expect(() => testTypeShares(noDocs, mix)).toThrow(/scenario "document-analysis" has weight 25 but no test type with documentLibrary.enabled/);
    expect(() => testTypeShares([{ name: 'z', weight: 0 }])).toThrow(/no item has a positive weight/);
  });
});
