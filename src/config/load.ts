/**
 * Config text -> validated LoadTestConfig, with errors as `<path>: <reason>` lines.
 * Pure JS (yaml + zod), so the same code validates configs in Node and inside k6.
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { LoadTestConfig } from './schema';
import { schemaModule } from './schema-module';
import { configSizeProblem, MAX_ALIAS_COUNT, nestingProblem } from './yaml-guard';

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
 * Never throws: hostile input (oversized, alias bombs, deep nesting) is a problem like any other.
 */
export function parseConfig(text: string, source: string): ParseConfigResult {
  const tooBig = configSizeProblem(text.length);
  if (tooBig) return { ok: false, errors: [header(source, 1), tooBig] };
  const tooDeep = nestingProblem(text);
  if (tooDeep) return { ok: false, errors: [header(source, 1), tooDeep] };
  try {
    return parseText(text, source);
  } catch (err) {
    return { ok: false, errors: [header(source, 1), `(root): ${yamlFailure(err)}`] };
  }
}

/** What a throw from the YAML parser or the validator means for the user. */
function yamlFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/excessive alias/i.test(message)) return `YAML aliases expand too far (an anchor used more than ${MAX_ALIAS_COUNT} times, or an alias bomb): ${message}`;
  if (err instanceof ReferenceError) return `YAML: ${message}`;
  if (err instanceof RangeError) return `the document is nested too deeply to read (${message})`;
  return `the document cannot be read: ${message}`;
}

function parseText(text: string, source: string): ParseConfigResult {
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
  const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
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
