import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateCondition, parseCondition } from '../../../src/config/conditions';
import type { ConditionFacts } from '../../../src/config/conditions';

const facts = (over: Partial<ConditionFacts> = {}): ConditionFacts => ({ query_length: 80, prompt_tokens: 20, turn: 1, has_document: 0, ...over });

describe('condition parser', () => {
  it.each([
    ['query_length < 100', [{ field: 'query_length', op: '<', value: 100 }]],
    ['prompt_tokens>=4000', [{ field: 'prompt_tokens', op: '>=', value: 4000 }]],
    ['turn == 1 && has_document != 0', [{ field: 'turn', op: '==', value: 1 }, { field: 'has_document', op: '!=', value: 0 }]],
    ['  query_length <= 12.5  &&turn>2', [{ field: 'query_length', op: '<=', value: 12.5 }, { field: 'turn', op: '>', value: 2 }]],
  ])('accepts %j', (source, clauses) => {
    expect(parseCondition(source)).toEqual({ ok: true, condition: { source, clauses } });
  });

  it.each([
    ['', 'clause 1 is empty'],
    ['turn < 3 &&', 'clause 2 is empty'],
    ['length < 100', 'unknown field "length"'],
    ['turn =< 3', 'is not "<field> <op> <number>"'],
    ['turn < three', 'is not "<field> <op> <number>"'],
    ['turn < 3 || turn > 5', 'is not "<field> <op> <number>"'],
    ['100 > query_length', 'is not "<field> <op> <number>"'],
  ])('rejects %j with a reason naming the problem', (source, reason) => {
    const result = parseCondition(source);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(reason);
  });

  it('compileCondition throws on an invalid condition, naming it', () => {
    expect(() => compileCondition('tokens > 5')).toThrow('invalid condition "tokens > 5": unknown field "tokens"');
  });
});

describe('condition evaluation', () => {
  it.each([
    ['query_length < 100', facts(), true],
    ['query_length < 100', facts({ query_length: 100 }), false],
    ['query_length <= 100', facts({ query_length: 100 }), true],
    ['prompt_tokens > 4000', facts({ prompt_tokens: 4001 }), true],
    ['prompt_tokens >= 4000', facts({ prompt_tokens: 3999 }), false],
    ['turn == 1', facts({ turn: 2 }), false],
    ['has_document != 0', facts({ has_document: 1 }), true],
    ['turn > 1 && has_document == 1', facts({ turn: 2, has_document: 0 }), false],
    ['turn > 1 && has_document == 1', facts({ turn: 2, has_document: 1 }), true],
  ])('%s with %j is %s', (source, f, expected) => {
    expect(evaluateCondition(source, f)).toBe(expected);
    expect(evaluateCondition(compileCondition(source), f)).toBe(expected);
  });
});
