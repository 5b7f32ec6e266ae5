// The bad-config corpus (test/fixtures/bad-configs/, one file per kind of mistake or hostile input): each file is
// refused quickly, naming what is wrong and where, with no stack trace and no echo of a secret it holds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load';
import { repoRoot } from './helpers';

const DIR = 'test/fixtures/bad-configs';
/** The secret that two entries paste where it does not belong; no message may repeat it. */
const SECRET = /hunter2[ -]Corpus[ -]Secret/;
/** A JS stack frame, as Node and k6 print them. */
const STACK = /^\s+at .+[(:]\d+|ReferenceError|RangeError|TypeError|Maximum call stack/m;

/** What each file's refusal must say: the path (or line) and the reason, as a fragment of one problem line. */
const EXPECTED: Record<string, string> = {
  'admin-url-ftp.yaml': 'spec.targets.userOrgUrl: must be an http:// or https:// URL',
  'alias-bomb.yaml': '(root): YAML aliases expand too far',
  'bad-condition.yaml': 'spec.testTypes[0].modelTargeting.rules[0].condition: clause "query_length lots"',
  'bad-run-id.yaml': 'spec.run.id: must be a lower-case DNS label',
  'billion-users.yaml': 'spec.users.perOrg.max: must be at most 100000',
  'binary-junk.yaml': '(root): must be a mapping',
  'daily-budget-over-limit.yaml': 'spec.organizations.budget.dailyUSD: must be <= limitUSD',
  'deep-block-nesting.yaml': 'line 7: the YAML nests deeper than the 256 levels',
  'deep-flow-nesting.yaml': 'line 6: the YAML nests deeper than the 256 levels',
  'distribution-min-over-max.yaml': 'spec.request.maxTokens.min: must be <= max (500 > 100)',
  'duplicate-key.yaml': 'line 13, column 3: YAML syntax: Map keys must be unique',
  'empty-model-list.yaml': 'spec.testTypes[0].modelTargeting.slmModels: Too small',
  'empty-model-name.yaml': 'spec.models.default: Too small',
  'empty.yaml': '(root): the config is empty',
  'fleet-guard-without-cost-limit.yaml': 'spec.limits.fleetGuard: guards maxCostUSD, which is not set',
  'fractional-count.yaml': 'spec.organizations.count: Invalid input: expected int',
  'huge-arrival-rate.yaml': "spec.loadPattern.phases[0].target: 1000 iterations per 0.000001 s is 1000000000/s, over the harness's bound",
  'huge-duration.yaml': 'spec.limits.maxDurationSec: must be at most 604800',
  'huge-org-count.yaml': 'spec.organizations.count: must be at most 10000',
  'huge-questions-per-session.yaml': 'spec.userBehavior.questionsPerSession.max: must be at most 10000',
  'infinite-cost-limit.yaml': 'spec.limits.maxCostUSD: Invalid input: expected number, received Infinity',
  'list-at-root.yaml': '(root): must be a mapping',
  'max-vus-below-preallocated.yaml': 'spec.loadPattern.maxVUs: must be >= preAllocatedVUs',
  'missing-metadata.yaml': 'metadata: required field is missing',
  'missing-organizations.yaml': 'spec.organizations: required field is missing',
  'missing-spec.yaml': 'spec: required field is missing',
  'missing-targets.yaml': 'spec.targets: required field is missing',
  'misspelt-field.yaml': 'spec.users.perorg: unknown field; known fields: perOrg',
  'more-vus-than-users.yaml': 'spec.loadPattern.phases[0].target: 40 VUs exceeds the 2 users provisioned',
  'nan-timeout.yaml': 'spec.targets.timeout: Invalid input: expected number, received NaN',
  'negative-count.yaml': 'spec.organizations.count: Too small',
  'non-utf8-name.yaml': 'metadata.name: must be a lower-case DNS label',
  'only-comments.yaml': '(root): the config is empty',
  'override-of-missing-org.yaml': 'spec.organizations.overrides[0].org: refers to org 7, but organizations.count is 2',
  'password-as-env-name.yaml': 'spec.platform.adminPasswordEnv: must be an environment variable name',
  'password-in-config.yaml': 'spec.platform.adminPassword: unknown field',
  'phases-past-max-duration.yaml': 'spec.loadPattern.phases[1].durationSec: phases end at 100s, after limits.maxDurationSec (60s)',
  'router-url-without-scheme.yaml': 'spec.targets.apiRouterUrl: must be an http:// or https:// URL',
  'scalar-at-root.yaml': '(root): must be a mapping',
  'string-for-number.yaml': 'spec.organizations.count: Invalid input: expected number, received string',
  'string-for-object.yaml': 'spec.users: Invalid input: expected object, received number',
  'tab-indentation.yaml': 'line 6, column 1: YAML syntax: Tabs are not allowed as indentation',
  'temperature-out-of-range.yaml': 'spec.request.temperature.value: Too big',
  'think-time-min-over-max.yaml': 'spec.userBehavior.thinkTimeSeconds.min: must be <= max (9 > 2)',
  'threshold-on-unknown-metric.yaml': 'spec.thresholds.llm_ttft_typo: unknown metric',
  'too-many-keys.yaml': "spec.users.apiKeys.perUser: plans up to 5000000 API keys (100000 users x 50), over the harness's bound of 100000",
  'two-documents.yaml': 'line 13, column 1: YAML syntax: Source contains multiple documents',
  'unknown-distribution.yaml': 'spec.request.maxTokens.distribution: distribution must be one of: fixed, uniform, gaussian',
  'unknown-model-tier.yaml': 'spec.testTypes[0].modelTargeting.rules[0].targetType: targets tier "large", but largeModels lists no models',
  'unknown-scenario.yaml': 'spec.scenarioMix.scenarios[0].name: Invalid option',
  'unknown-top-level-key.yaml': 'specs: unknown field',
  'unresolved-alias.yaml': '(root): YAML: Unresolved alias',
  'url-with-spaces.yaml': 'spec.targets.apiRouterUrl: must be an http:// or https:// URL',
  'wrong-api-version.yaml': 'apiVersion: Invalid input: expected "loadtest.ai-aas.dev/v1"',
  'wrong-kind.yaml': 'kind: Invalid input: expected "LoadTestScenario"',
  'yaml-syntax-error.yaml': 'line 8, column 1: YAML syntax: All mapping items must start at the same column',
  'zero-users.yaml': 'spec.users.perOrg.min: Too small',
};

/** Valid YAML and a valid config, refused only when k6 opens its documents (test/e2e/bad-configs.test.ts). */
const REFUSED_BY_K6 = ['missing-documents.yaml'];

const files = readdirSync(join(repoRoot, DIR)).filter((f) => f.endsWith('.yaml')).sort();
const scratch = mkdtempSync(join(tmpdir(), 'bad-configs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the bad-config corpus', () => {
  it('holds at least 30 kinds, each with its expected refusal', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.filter((f) => EXPECTED[f] === undefined && !REFUSED_BY_K6.includes(f))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
  });

  it.each(Object.keys(EXPECTED))('%s: refused within 2 s, naming what is wrong and where', (file) => {
    // Decoded as both the validator and k6 read it: UTF-8, invalid bytes replaced.
    const text = readFileSync(join(repoRoot, DIR, file), 'utf8');
    const started = performance.now();
    const result = parseConfig(text, file);
    const ms = performance.now() - started;
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors[0]).toMatch(new RegExp(`^${file.replace(/\./g, '\\.')}: invalid config \\(\\d+ problems?\\)$`));
    expect(errors.slice(1).some((e) => e.includes(EXPECTED[file] as string)), errors.join('\n')).toBe(true);
    expect(errors.join('\n')).not.toMatch(STACK);
    expect(errors.join('\n')).not.toMatch(SECRET);
    expect(ms).toBeLessThan(2000);
  });

  it('a 50 MB config is refused by its size, before it is parsed', () => {
    const started = performance.now();
    const result = parseConfig('a'.repeat(50 * 1024 * 1024), 'huge.yaml');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.ok ? [] : result.errors).toEqual([
      'huge.yaml: invalid config (1 problem)',
      '(root): the config is 52428800 bytes, over the 1048576-byte (1 MiB) limit; a scenario config is a few KB (is this the right file?)',
    ]);
  });

  it('npm run validate refuses every entry and a 50 MB file in one bounded run: exit 1, each file named, no stack, no secret', () => {
    const big = join(scratch, 'fifty-megabytes.yaml');
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 'a'));
    const refused = files.filter((f) => !REFUSED_BY_K6.includes(f)).map((f) => join(DIR, f));
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/validate.ts', ...refused, big], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, AIAAS_ADMIN_PASSWORD: 'hunter2-Corpus-Secret' },
    });
    const seconds = (Date.now() - started) / 1000;
    expect(r.status, r.stderr.slice(-2000)).toBe(1);
    expect(seconds).toBeLessThan(20);
    for (const f of refused) expect(r.stderr).toContain(`${f}: invalid config (`);
    expect(r.stderr).toContain(`${big}: invalid config (1 problem)\n  (root): the config is 52428800 bytes, over the 1048576-byte (1 MiB) limit`);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout + r.stderr).not.toMatch(SECRET);
  });
});
