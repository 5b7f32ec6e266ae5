/**
 * Renders docs/config.md from the schema (via zod's JSON Schema export), so the field reference can
 * never drift from the validator: tools/gen-config-docs.ts writes it and a unit test fails when stale.
 */
import { z } from 'zod';
import { CONDITION_FIELDS, CONDITION_OPERATORS } from './conditions';
import { MAX_ALIAS_COUNT, MAX_CONFIG_BYTES, MAX_YAML_DEPTH } from './yaml-guard';
import { LoadTestConfigSchema, PLAN_BOUNDS, SCENARIO_NAMES } from './schema';

const n = (v: number) => v.toLocaleString('en-US');

interface Node {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  additionalProperties?: Node | boolean;
  anyOf?: Node[];
  oneOf?: Node[];
}

interface Row {
  path: string;
  type: string;
  required: boolean;
  def: string;
  description: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function isDistribution(n: Node): boolean {
  return (n.oneOf ?? []).every((v) => v.properties?.distribution !== undefined) && (n.oneOf ?? []).length > 0;
}

function variants(n: Node): Node[] {
  return n.oneOf ?? n.anyOf ?? [];
}

function bounds(n: Node): string {
  const parts: string[] = [];
  if (n.exclusiveMinimum !== undefined) parts.push(`> ${n.exclusiveMinimum}`);
  if (n.minimum !== undefined && n.minimum > -MAX_SAFE) parts.push(`>= ${n.minimum}`);
  if (n.maximum !== undefined && n.maximum < MAX_SAFE) parts.push(`<= ${n.maximum}`);
  if (n.exclusiveMaximum !== undefined) parts.push(`< ${n.exclusiveMaximum}`);
  return parts.length ? ` ${parts.join(', ')}` : '';
}

function typeOf(n: Node): string {
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum) return n.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (isDistribution(n)) return '[distribution](#distributions)';
  const vs = variants(n);
  const tags = vs.map(discriminator);
  if (n.oneOf && tags.every((t) => t !== undefined)) return `object, by \`${tags[0]?.[0] ?? ''}\``;
  if (vs.length) return vs.map(typeOf).join(' \\| ');
  if (n.type === 'array') return `${n.items ? typeOf(n.items) : 'any'}[]${n.minItems ? ` (at least ${n.minItems})` : ''}`;
  if (n.type === 'object' && typeof n.additionalProperties === 'object') return `map of name to ${typeOf(n.additionalProperties)}`;
  if (n.type === 'integer' || n.type === 'number') return `${n.type}${bounds(n)}`;
  return typeof n.type === 'string' ? n.type : 'any';
}

function defaultOf(n: Node): string {
  if (n.default === undefined) return '';
  const empty = typeof n.default === 'object' && n.default !== null && !Array.isArray(n.default) && Object.keys(n.default).length === 0;
  if (empty && n.properties) {
    return '(each field\'s default)';
  }
  return `\`${JSON.stringify(n.default)}\``;
}

function discriminator(v: Node): [string, unknown] | undefined {
  const entry = Object.entries(v.properties ?? {}).find(([, p]) => p.const !== undefined);
  return entry ? [entry[0], entry[1].const] : undefined;
}

function walk(n: Node, path: string, required: boolean, rows: Row[]): void {
  rows.push({ path, type: typeOf(n), required, def: defaultOf(n), description: n.description ?? '' });
  if (isDistribution(n)) return;
  variantFields(variants(n), path, rows);
  if (n.type === 'object') {
    if (n.properties) fields(n, path, rows);
    const values = n.additionalProperties;
    if (typeof values === 'object' && values.type === 'object') fields(values, `${path}.<name>`, rows);
  }
  if (n.type === 'array' && n.items && n.items.type === 'object') fields(n.items, `${path}[]`, rows);
}

// Fields shared by every variant are listed once; the rest are labelled with their variant, e.g. "(model: open)".
function variantFields(vs: Node[], path: string, rows: Row[]): void {
  const objects = vs.filter((v) => v.type === 'object' && v.properties);
  const perVariant = objects.map((v) => {
    const own: Row[] = [];
    fields(v, path, own);
    const tag = discriminator(v);
    return { rows: own, label: tag ? `(${tag[0]}: ${String(tag[1])})` : '' };
  });
  const seen = new Set<string>();
  for (const { rows: own, label } of perVariant) {
    for (const row of own) {
      const shared = perVariant.every((o) => o.rows.some((r) => r.path === row.path && r.type === row.type && r.def === row.def));
      if (shared && seen.has(row.path)) continue;
      seen.add(row.path);
      rows.push(shared || !label || objects.length < 2 ? row : { ...row, description: `${label} ${row.description}` });
    }
  }
}

function fields(n: Node, path: string, rows: Row[]): void {
  for (const [key, child] of Object.entries(n.properties ?? {})) {
    walk(child, `${path}.${key}`, (n.required ?? []).includes(key) && child.default === undefined, rows);
  }
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Markdown table of every config field: path, type, required, default, meaning. */
function renderFieldTable(): string {
  const schema = z.toJSONSchema(LoadTestConfigSchema, { io: 'input', unrepresentable: 'any' }) as Node;
  const rows: Row[] = [];
  fields(schema, '', rows);
  const lines = ['| field | type | required | default | meaning |', '|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| \`${r.path.slice(1)}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${r.def} | ${escape(r.description)} |`);
  }
  return lines.join('\n');
}

/** The whole of docs/config.md. */
export function renderConfigDocs(): string {
  return `<!-- Generated by \`npx tsx tools/gen-config-docs.ts\` from src/config/schema.ts; do not edit by hand. -->
# Scenario config reference

A scenario config is a YAML document \`apiVersion: loadtest.ai-aas.dev/v1\`, \`kind: LoadTestScenario\`, with
\`metadata\` and \`spec\`. The seed configs (\`configs/smoke-test.yaml\`, \`configs/single-org-50-users.yaml\`) are
valid as they are; every other field has a default. Check a config with \`npm run validate -- <file.yaml>\`.

Every object is strict: an unknown or misspelt field is an error naming the field and listing the known ones,
never silently ignored. Errors read \`<path>: <reason>\`, e.g.
\`spec.userBehavior.thinkTimeSeconds.min: must be <= max (2 > 1)\`; YAML syntax errors name the line and column.

Credentials never appear in a config: \`platform.adminEmailEnv\`, \`platform.adminPasswordEnv\` and
\`platform.staticKeysEnv\` name the environment variables that hold them. A server without auth takes
\`platform.adapter: static\` with \`platform.auth: none\`: no key is read and no Authorization header is sent. It has
to be said: otherwise a static run with no keys stops with an error naming the variable, rather than sending
unauthenticated requests.

## Cross-field rules
- Every \`{min, max}\` pair needs \`min <= max\`; budgets need \`dailyUSD\` and \`warnAtUSD\` \`<= limitUSD\`;
  \`platform.retry.baseDelayMs <= maxDelayMs\`; \`errorHandling.failureBackoffMs <= failureBackoffMaxMs\`; an open
  pattern's \`maxVUs >= preAllocatedVUs\`.
- \`organizations.overrides[].org\` is a 1-based org index \`<= organizations.count\`, each org at most once, and an
  override sets \`users\`, \`budget\` or both. Overridden orgs get exactly \`users\` users; others draw from
  \`users.perOrg\` with the run seed.
- \`targets.userOrgUrl\` is required when \`platform.adapter\` is \`ai-aas\`; \`platform.auth: none\` needs
  \`platform.adapter: static\` and no \`platform.staticKeysFile\`.
- Test type names are unique. In \`modelTargeting\`, a tier named by a rule or by \`defaultTarget\` must list models.
- \`loadPattern.phases\` must end within \`limits.maxDurationSec\`, not all targets may be 0, and in the closed model
  no phase may target more VUs than there are users (each VU is one provisioned user).

## Size bounds
Every k6 process holds the whole tenant plan and each session's plan in memory, so a plan past these bounds is
refused at validation rather than exhausting k6's memory at init: at most ${n(PLAN_BOUNDS.orgs)} orgs,
${n(PLAN_BOUNDS.users)} users in all (\`users.perOrg.max\` times the orgs, overrides counted),
${n(PLAN_BOUNDS.keysPerUser)} keys per user and ${n(PLAN_BOUNDS.keys)} keys in all, ${n(PLAN_BOUNDS.vus)} VUs per phase target,
\`preAllocatedVUs\` or \`maxVUs\`, ${n(PLAN_BOUNDS.iterationsPerSec)} iterations per second in an open pattern,
${n(PLAN_BOUNDS.phases)} phases, ${n(PLAN_BOUNDS.questionsPerSession)} questions per session, ${n(PLAN_BOUNDS.turnsPerConversation)} turns per
conversation, ${n(PLAN_BOUNDS.documents)} documents per path and \`maxDurationSec\` of a week (${n(PLAN_BOUNDS.durationSec)} s). The
config file itself may hold at most ${n(MAX_CONFIG_BYTES)} bytes (1 MiB) nested at most ${MAX_YAML_DEPTH} levels deep (counting
indentation columns), and a YAML anchor may be used at most ${MAX_ALIAS_COUNT} times (more is an alias bomb).

## scenarioMix
Known scenarios: ${SCENARIO_NAMES.map((n) => `\`${n}\``).join(', ')}. \`simple-question-answering\` draws from the
test types without an enabled \`documentLibrary\`, \`document-analysis\` from those with one, and
\`multi-turn-conversation\` from any test type but always holds a multi-turn conversation. A session first picks a
scenario by weight, then one of its test types by weight. A listed scenario with no matching test type is an
error, and so is a test type that no listed scenario can pick (it would never run).

## Model-targeting conditions
\`<field> <op> <number>\` clauses joined by \`&&\`, e.g. \`query_length < 100 && turn == 1\`. Fields:
${CONDITION_FIELDS.map((f) => `\`${f}\``).join(', ')} (query length in characters, estimated prompt tokens, 1-based
turn, 1 when a document is attached else 0). Operators: ${CONDITION_OPERATORS.map((o) => `\`${o}\``).join(' ')}. Rules are tried
in order; the first whose condition holds picks the tier, else \`defaultTarget\`, else the first tier with models.

## Distributions
\`request.maxTokens\`, \`request.temperature\` and their per-test-type overrides are distributions:
- \`{distribution: fixed, value}\`: always \`value\`.
- \`{distribution: uniform, min, max}\`: uniform between \`min\` and \`max\` inclusive (integers for maxTokens).
- \`{distribution: gaussian, mean, stddev, min?, max?}\`: normal, clamped to \`[min, max]\` when given.
max_tokens values are integers >= 1; temperatures lie in [0, 2]. Draws use the run seed.

## Load pattern
\`loadPattern.model\` is \`closed\` (k6 \`ramping-vus\`, \`startVUs: 0\`; targets are VUs, each VU one user looping
sessions) or \`open\` (k6 \`ramping-arrival-rate\`, \`startRate: 0\`; targets are iterations per \`timeUnitSec\`; with
\`iteration: request\` each iteration is one single-turn question without think time, with \`iteration: session\` a
whole user session). Phases run in order:

| kind | stages | meaning |
|---|---|---|
| \`warm-up\`, \`ramp\`, \`cool-down\` | \`{duration: D, target: T}\` | linear from the current level to T over D |
| \`sustain\` | \`{0s, T}\`, \`{D, T}\` | jump to T, hold for D |
| \`spike\` | \`{0s, T}\`, \`{D, T}\`, \`{0s, previous}\` | jump to T, hold for D, drop back to the level before |

k6 expresses an instant change as a stage with \`duration: "0s"\` (its own ramping-vus tests use zero-duration
stages so); a jump to the level already reached is omitted. Without \`loadPattern\` the run is closed: ramp to all
users over min(30 s, 10% of \`limits.maxDurationSec\`), then sustain until \`limits.maxDurationSec\`.
\`gracefulStopSec\` (and, closed, \`gracefulRampDownSec\`) become k6's \`gracefulStop\`/\`gracefulRampDown\`; they
come after the phases, so the run may last up to \`maxDurationSec + gracefulStopSec\`.

## Fields
${renderFieldTable()}
`;
}
