/**
 * Model-targeting rule conditions: `<field> <op> <number>` clauses joined by `&&`, e.g.
 * `query_length < 100 && turn == 1`. Parsed once (at config validation) and evaluated per request.
 */

/** Facts a condition may test; all numeric so every clause is a plain comparison. */
export const CONDITION_FIELDS = ['query_length', 'prompt_tokens', 'turn', 'has_document'] as const;
type ConditionField = (typeof CONDITION_FIELDS)[number];

/** query_length in characters, prompt_tokens estimated, turn 1-based, has_document 0 or 1. */
export type ConditionFacts = Record<ConditionField, number>;

export const CONDITION_OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

interface ConditionClause {
  field: ConditionField;
  op: ConditionOperator;
  value: number;
}

/** A parsed condition: every clause must hold. */
interface Condition {
  source: string;
  clauses: ConditionClause[];
}

type ParseConditionResult = { ok: true; condition: Condition } | { ok: false; error: string };

// Two-character operators come first in the alternation so `<=` is not read as `<` followed by `=5`.
const CLAUSE = /^([a-z_]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)$/;

function isField(name: string): name is ConditionField {
  return (CONDITION_FIELDS as readonly string[]).includes(name);
}

function isOperator(op: string): op is ConditionOperator {
  return (CONDITION_OPERATORS as readonly string[]).includes(op);
}

/** Parses a condition string, returning the clauses or an error naming the offending clause. */
export function parseCondition(source: string): ParseConditionResult {
  const parts = source.split('&&').map((p) => p.trim());
  const clauses: ConditionClause[] = [];
  for (const [i, part] of parts.entries()) {
    if (part === '') return { ok: false, error: `clause ${i + 1} is empty; expected "<field> <op> <number>" joined by "&&"` };
    const m = CLAUSE.exec(part);
    if (!m) {
      return {
        ok: false,
        error: `clause "${part}" is not "<field> <op> <number>" (fields: ${CONDITION_FIELDS.join(', ')}; operators: ${CONDITION_OPERATORS.join(' ')})`,
      };
    }
    const [, field = '', op = '', num = ''] = m;
    if (!isField(field)) return { ok: false, error: `unknown field "${field}" in "${part}"; known fields: ${CONDITION_FIELDS.join(', ')}` };
    if (!isOperator(op)) return { ok: false, error: `unknown operator "${op}" in "${part}"` };
    clauses.push({ field, op, value: Number(num) });
  }
  return { ok: true, condition: { source, clauses } };
}

/** Parses a condition that is known to be valid (configs are validated first); throws otherwise. */
export function compileCondition(source: string): Condition {
  const result = parseCondition(source);
  if (!result.ok) throw new Error(`invalid condition "${source}": ${result.error}`);
  return result.condition;
}

function holds(clause: ConditionClause, actual: number): boolean {
  switch (clause.op) {
    case '<':
      return actual < clause.value;
    case '<=':
      return actual <= clause.value;
    case '>':
      return actual > clause.value;
    case '>=':
      return actual >= clause.value;
    case '==':
      return actual === clause.value;
    case '!=':
      return actual !== clause.value;
  }
}

/** True when every clause of the condition holds for the facts; a string is compiled first. */
export function evaluateCondition(condition: Condition | string, facts: ConditionFacts): boolean {
  const c = typeof condition === 'string' ? compileCondition(condition) : condition;
  return c.clauses.every((clause) => holds(clause, facts[clause.field]));
}
