import { describe, expect, it } from 'vitest';
import { rngFrom } from '../../../src/behaviour/random';
import { chooseModel } from '../../../src/behaviour/targeting';

const facts = (query_length: number, turn = 1) => ({ query_length, prompt_tokens: query_length / 4, turn, has_document: 0 });
const seed = () => rngFrom(1, 'targeting');

describe('model targeting', () => {
  const targeting = { slmModels: ['gpt-3.5-turbo'], mediumModels: ['gpt-4o'], rules: [{ condition: 'query_length < 100', targetType: 'slm' as const }] };
  it('a matching rule picks its tier (the seed config: short queries go to the SLM)', () => {
    expect(chooseModel(targeting, facts(40), 'x', seed())).toEqual({ model: 'gpt-3.5-turbo', tier: 'slm' });
  });
  it('without a matching rule defaultTarget is used', () => {
    expect(chooseModel({ ...targeting, defaultTarget: 'slm' }, facts(400), 'x', seed())).toEqual({ model: 'gpt-3.5-turbo', tier: 'slm' });
  });
  it('without a matching rule or defaultTarget, the first listed tier no rule targets (the seed: longer queries go to medium)', () => {
    expect(chooseModel(targeting, facts(400), 'x', seed())).toEqual({ model: 'gpt-4o', tier: 'medium' });
    expect(chooseModel({ mediumModels: ['gpt-4o'] }, facts(400), 'x', seed())).toEqual({ model: 'gpt-4o', tier: 'medium' });
    const allTargeted = { slmModels: ['s'], largeModels: ['l'], rules: [{ condition: 'turn >= 2', targetType: 'large' as const }, { condition: 'turn >= 5', targetType: 'slm' as const }] };
    expect(chooseModel(allTargeted, facts(10, 1), 'x', seed()).tier).toBe('slm');
  });
  it('rules are tried in order and may combine clauses', () => {
    const t = { slmModels: ['s'], largeModels: ['l'], rules: [{ condition: 'turn >= 2 && query_length > 50', targetType: 'large' as const }, { condition: 'query_length > 0', targetType: 'slm' as const }] };
    expect(chooseModel(t, facts(80, 2), 'x', seed()).model).toBe('l');
    expect(chooseModel(t, facts(80, 1), 'x', seed()).model).toBe('s');
  });
  it('no targeting means the run default model', () => {
    expect(chooseModel(undefined, facts(10), 'gpt-4o', seed())).toEqual({ model: 'gpt-4o', tier: 'default' });
  });
  it('draws among a tier’s models reproducibly', () => {
    const t = { mediumModels: ['a', 'b', 'c'] };
    const picks = (r: ReturnType<typeof seed>) => Array.from({ length: 30 }, () => chooseModel(t, facts(1), 'x', r).model).join('');
    expect(picks(seed())).toBe(picks(seed()));
    expect(new Set(picks(seed())).size).toBe(3);
  });
});
