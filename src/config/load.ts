/**
 * Config text -> validated LoadTestConfig, with errors as `<path>: <reason>` lines.
 * Pure JS (yaml + zod), so the same code validates configs in Node and inside k6.
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { LoadTestConfig } from './schema';
import { schemaModule } from './schema-module';

type ParseConfigResult = { ok: true; config: LoadTestConfig } | { ok: false; errors: string[] };

/** `spec.testTypes[0].name` from zod's path array; `(root)` for the document itself. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function describeIssue(iss: z.core.$ZodIssue): string[] {
  if (iss.code === 'unrecognized_keys') {
    return iss.keys.map((key) => `${formatPath([...iss.path, key])}: ${iss.message}`);
  }
  // zod's "expected string, received undefined" hides the real problem: the field is missing.
  if (iss.code === 'invalid_type' && iss.input === undefined) {
    return [`${formatPath(iss.path)}: required field is missing (expected ${iss.expected})`];
  }
  return [`${formatPath(iss.path)}: ${iss.message}`];
}

/** Validates an already-parsed document; errors are `<path>: <reason>` with no header. */
function validateConfig(doc: unknown): { ok: true; config: LoadTestConfig } | { ok: false; errors: string[] } {
  const result = schemaModule().LoadTestConfigSchema.safeParse(doc, { reportInput: true });
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, errors: result.error.issues.flatMap(describeIssue) };
}

function header(source: string, count: number): string {
  return `${source}: invalid config (${count} problem${count === 1 ? '' : 's'})`;
}

/**
 * Parses YAML text and validates it. On failure errors[0] is `<source>: invalid config (N problems)`
 * and every following line is `<path>: <reason>` (or `line L, column C: <reason>` for YAML syntax).
 */
export function parseConfig(text: string, source: string): ParseConfigResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      // prettyErrors appends " at line L, column C:" and a source excerpt; the position is restated up front.
      const reason = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
      return pos ? `line ${pos.line}, column ${pos.col}: YAML syntax: ${reason}` : `YAML syntax: ${reason}`;
    });
    return { ok: false, errors: [header(source, errors.length), ...errors] };
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return { ok: false, errors: [header(source, 1), '(root): the config is empty'] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errors: [header(source, 1), '(root): must be a mapping with apiVersion, kind, metadata and spec'] };
  }
  const result = validateConfig(value);
  return result.ok ? result : { ok: false, errors: [header(source, result.errors.length), ...result.errors] };
}

/** Renders parseConfig's errors for a terminal: the header, then each problem indented. */
export function formatErrors(errors: readonly string[]): string {
  const [first, ...rest] = errors;
  return [first ?? '', ...rest.map((e) => `  ${e}`)].join('\n');
}
