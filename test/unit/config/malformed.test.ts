import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatErrors, parseConfig } from '../../../src/config/load';
import { baseConfig, parseObject, repoRoot } from './helpers';

type Doc = Record<string, any>;

interface Case {
  what: string;
  mutate: (doc: Doc) => void;
  path: string;
  reason: string;
}

const docType = (name: string, extra: Doc = {}) => ({
  name,
  weight: 1,
  documentLibrary: { bucketName: 'b', documentPaths: ['x/'], sampleSize: 1 },
  ...extra,
});

const CASES: Case[] = [
  { what: 'wrong apiVersion', mutate: (d) => (d.apiVersion = 'loadtest.ai-aas.dev/v2'), path: 'apiVersion', reason: 'expected "loadtest.ai-aas.dev/v1"' },
  {
    what: 'a fleet guard without maxCostUSD',
    mutate: (d) => (d.spec.limits = { fleetGuard: { prometheusUrl: 'http://127.0.0.1:9090' } }),
    path: 'spec.limits.fleetGuard',
    reason: 'guards maxCostUSD, which is not set',
  },
  {
    what: 'a fleet guard Prometheus that is not a URL',
    mutate: (d) => (d.spec.limits = { maxCostUSD: 1, fleetGuard: { prometheusUrl: 'prometheus:9090' } }),
    path: 'spec.limits.fleetGuard.prometheusUrl',
    reason: 'must be an http:// or https:// URL',
  },
  {
    what: 'a threshold on a metric that does not exist',
    mutate: (d) => (d.spec.thresholds = { llm_ttfb_typo: ['p(95)<100'] }),
    path: 'spec.thresholds.llm_ttfb_typo',
    reason: 'unknown metric "llm_ttfb_typo"',
  },
  {
    what: 'a threshold statistic the metric does not have',
    mutate: (d) => (d.spec.thresholds = { llm_request_failed: ['p(95)<0.1'] }),
    path: 'spec.thresholds.llm_request_failed[0]',
    reason: 'p(95) is not a statistic of rate metrics',
  },
  {
    what: 'a threshold expression k6 cannot parse',
    mutate: (d) => (d.spec.thresholds = { llm_ttft: [{ threshold: 'p95 under 2s' }] }),
    path: 'spec.thresholds.llm_ttft[0].threshold',
    reason: 'must be <statistic> <operator> <number>',
  },
  {
    what: 'a threshold selector that is not tag:value',
    mutate: (d) => (d.spec.thresholds = { 'llm_ttft{cached}': ['p(95)<100'] }),
    path: 'spec.thresholds.llm_ttft{cached}',
    reason: 'must be tag:value pairs',
  },
  {
    what: 'a label value Kubernetes would refuse on the TestRun',
    mutate: (d) => (d.metadata.labels = { team: 'load testing' }),
    path: 'metadata.labels.team',
    reason: 'must be a Kubernetes label value',
  },
  {
    what: 'a threshold on a test type the config does not have',
    mutate: (d) => (d.spec.thresholds = { 'llm_ttft{test_type:cahced}': ['p(95)<100'] }),
    path: 'spec.thresholds.llm_ttft{test_type:cahced}',
    reason: 'test type "cahced" is not in spec.testTypes',
  },
  { what: 'wrong kind', mutate: (d) => (d.kind = 'LoadTest'), path: 'kind', reason: 'expected "LoadTestScenario"' },
  { what: 'a name that is not a DNS label', mutate: (d) => (d.metadata.name = 'My_Test'), path: 'metadata.name', reason: 'lower-case DNS label' },
  { what: 'no metadata.name', mutate: (d) => delete d.metadata.name, path: 'metadata.name', reason: 'required field is missing' },
  { what: 'zero orgs', mutate: (d) => (d.spec.organizations.count = 0), path: 'spec.organizations.count', reason: '>=1' },
  {
    what: 'a misspelt field',
    mutate: (d) => (d.spec.organizations.cont = 3),
    path: 'spec.organizations.cont',
    reason: 'unknown field; known fields: count, namePrefix, budget, overrides',
  },
  { what: 'an unknown spec section', mutate: (d) => (d.spec.slos = {}), path: 'spec.slos', reason: 'known fields: organizations, users' },
  { what: 'perOrg.min > max', mutate: (d) => (d.spec.users.perOrg = { min: 5, max: 2 }), path: 'spec.users.perOrg.min', reason: 'must be <= max (5 > 2)' },
  {
    what: 'thinkTimeSeconds.min > max',
    mutate: (d) => (d.spec.userBehavior = { thinkTimeSeconds: { min: 2, max: 1 } }),
    path: 'spec.userBehavior.thinkTimeSeconds.min',
    reason: 'must be <= max (2 > 1)',
  },
  {
    what: 'an unknown think-time distribution',
    mutate: (d) => (d.spec.userBehavior = { thinkTimeSeconds: { distribution: 'poisson' } }),
    path: 'spec.userBehavior.thinkTimeSeconds.distribution',
    reason: 'expected one of "uniform"|"gaussian"|"exponential"',
  },
  {
    what: 'a probability above 1',
    mutate: (d) => (d.spec.userBehavior = { conversationStyle: { multiTurnProbability: 1.5 } }),
    path: 'spec.userBehavior.conversationStyle.multiTurnProbability',
    reason: '<=1',
  },
  {
    what: 'an ignored error code that is not an HTTP status',
    mutate: (d) => (d.spec.userBehavior = { errorHandling: { ignoreErrorCodes: [429, 700] } }),
    path: 'spec.userBehavior.errorHandling.ignoreErrorCodes[1]',
    reason: '<=599',
  },
  {
    what: 'a warning level above the budget',
    mutate: (d) => (d.spec.organizations.budget = { limitUSD: 10, warnAtUSD: 12 }),
    path: 'spec.organizations.budget.warnAtUSD',
    reason: 'must be <= limitUSD (12 > 10)',
  },
  {
    what: 'an override of an org that does not exist',
    mutate: (d) => (d.spec.organizations.overrides = [{ org: 3, users: 5 }]),
    path: 'spec.organizations.overrides[0].org',
    reason: 'refers to org 3, but organizations.count is 2',
  },
  {
    what: 'the same org overridden twice',
    mutate: (d) => (d.spec.organizations.overrides = [{ org: 1, users: 5 }, { org: 1, users: 6 }]),
    path: 'spec.organizations.overrides[1].org',
    reason: 'org 1 is overridden more than once',
  },
  {
    what: 'an override that overrides nothing',
    mutate: (d) => (d.spec.organizations.overrides = [{ org: 1 }]),
    path: 'spec.organizations.overrides[0]',
    reason: 'overrides nothing',
  },
  { what: 'a non-HTTP router URL', mutate: (d) => (d.spec.targets.apiRouterUrl = 'ftp://x'), path: 'spec.targets.apiRouterUrl', reason: 'http:// or https:// URL' },
  {
    what: 'no admin URL for the ai-aas adapter',
    mutate: (d) => delete d.spec.targets.userOrgUrl,
    path: 'spec.targets.userOrgUrl',
    reason: 'required when platform.adapter is ai-aas',
  },
  {
    what: 'a target without auth on the ai-aas adapter, which issues keys',
    mutate: (d) => (d.spec.platform = { auth: 'none' }),
    path: 'spec.platform.auth',
    reason: 'none needs platform.adapter static',
  },
  {
    what: 'a keys file for a target without auth',
    mutate: (d) => (d.spec.platform = { adapter: 'static', auth: 'none', staticKeysFile: 'keys.txt' }),
    path: 'spec.platform.staticKeysFile',
    reason: 'no key is sent with platform.auth none',
  },
  { what: 'an auth scheme the harness does not send', mutate: (d) => (d.spec.platform = { adapter: 'static', auth: 'basic' }), path: 'spec.platform.auth', reason: '"bearer"' },
  { what: 'a test type of weight 0', mutate: (d) => (d.spec.testTypes = [{ name: 'a', weight: 0 }]), path: 'spec.testTypes[0].weight', reason: '>0' },
  {
    what: 'two test types with one name',
    mutate: (d) => (d.spec.testTypes = [{ name: 'a', weight: 1 }, { name: 'a', weight: 2 }]),
    path: 'spec.testTypes[1].name',
    reason: 'duplicate test type name "a"',
  },
  {
    what: 'an unknown scenario name',
    mutate: (d) => (d.spec.scenarioMix = { scenarios: [{ name: 'chit-chat', weight: 1 }] }),
    path: 'spec.scenarioMix.scenarios[0].name',
    reason: '"simple-question-answering"|"document-analysis"|"multi-turn-conversation"',
  },
  {
    what: 'a scenario with no matching test type',
    mutate: (d) => (d.spec.scenarioMix = { scenarios: [{ name: 'simple-question-answering', weight: 1 }, { name: 'document-analysis', weight: 1 }] }),
    path: 'spec.scenarioMix.scenarios[1].name',
    reason: 'scenario "document-analysis" needs a test type with documentLibrary.enabled, but testTypes (random_short) has none',
  },
  {
    what: 'a test type no scenario of the mix can pick',
    mutate: (d) => {
      d.spec.scenarioMix = { scenarios: [{ name: 'document-analysis', weight: 1 }] };
      d.spec.testTypes = [docType('docs'), { name: 'plain', weight: 1 }];
    },
    path: 'spec.testTypes[1]',
    reason: 'test type "plain" belongs to no scenario of scenarioMix (document-analysis)',
  },
  {
    what: 'a rule condition on an unknown field',
    mutate: (d) => (d.spec.testTypes = [{ name: 'a', weight: 1, modelTargeting: { slmModels: ['m'], rules: [{ condition: 'length < 100', targetType: 'slm' }] } }]),
    path: 'spec.testTypes[0].modelTargeting.rules[0].condition',
    reason: 'unknown field "length"',
  },
  {
    what: 'a rule targeting a tier with no models',
    mutate: (d) => (d.spec.testTypes = [{ name: 'a', weight: 1, modelTargeting: { slmModels: ['m'], rules: [{ condition: 'turn > 1', targetType: 'large' }] } }]),
    path: 'spec.testTypes[0].modelTargeting.rules[0].targetType',
    reason: 'targets tier "large", but largeModels lists no models',
  },
  {
    what: 'a default tier with no models',
    mutate: (d) => (d.spec.testTypes = [{ name: 'a', weight: 1, modelTargeting: { slmModels: ['m'], defaultTarget: 'medium' } }]),
    path: 'spec.testTypes[0].modelTargeting.defaultTarget',
    reason: 'mediumModels lists no models',
  },
  {
    what: 'model targeting without models',
    mutate: (d) => (d.spec.testTypes = [{ name: 'a', weight: 1, modelTargeting: {} }]),
    path: 'spec.testTypes[0].modelTargeting',
    reason: 'lists no models',
  },
  {
    what: 'a fixed cache salt without a value',
    mutate: (d) => (d.spec.testTypes = [{ name: 'a', weight: 1, cacheSalt: { scope: 'fixed' } }]),
    path: 'spec.testTypes[0].cacheSalt.value',
    reason: 'required when scope is fixed',
  },
  {
    what: 'a cache salt that is a number',
    mutate: (d) => (d.spec.testTypes = [{ name: 'a', weight: 1, cacheSalt: 42 }]),
    path: 'spec.testTypes[0].cacheSalt',
    reason: 'must be a string or {scope: org|user|fixed, value?}',
  },
  {
    what: 'an unknown documentLibrary field',
    mutate: (d) => (d.spec.testTypes = [docType('a', { documentLibrary: { bucketName: 'b', documentPaths: ['x/'], sampleSize: 1, region: 'eu' } })]),
    path: 'spec.testTypes[0].documentLibrary.region',
    reason: 'unknown field',
  },
  {
    what: 'phases that outlast maxDurationSec',
    mutate: (d) =>
      (d.spec.loadPattern = {
        phases: [
          { kind: 'ramp', durationSec: 300, target: 4 },
          { kind: 'sustain', durationSec: 400, target: 4 },
        ],
      }),
    path: 'spec.loadPattern.phases[1].durationSec',
    reason: 'phases end at 700s, after limits.maxDurationSec (600s)',
  },
  {
    what: 'a closed phase with more VUs than users',
    mutate: (d) => (d.spec.loadPattern = { phases: [{ kind: 'spike', durationSec: 10, target: 7 }] }),
    path: 'spec.loadPattern.phases[0].target',
    reason: '7 VUs exceeds the 6 users provisioned',
  },
  {
    what: 'every phase at target 0',
    mutate: (d) => (d.spec.loadPattern = { phases: [{ kind: 'sustain', durationSec: 10, target: 0 }] }),
    path: 'spec.loadPattern.phases',
    reason: 'every phase has target 0',
  },
  {
    what: 'an unknown load model',
    mutate: (d) => (d.spec.loadPattern = { model: 'burst', phases: [{ kind: 'ramp', durationSec: 10, target: 1 }] }),
    path: 'spec.loadPattern.model',
    reason: 'model must be one of: closed, open',
  },
  {
    what: 'an open-model field in a closed pattern',
    mutate: (d) => (d.spec.loadPattern = { model: 'closed', iteration: 'session', phases: [{ kind: 'ramp', durationSec: 10, target: 1 }] }),
    path: 'spec.loadPattern.iteration',
    reason: 'unknown field; known fields: model, gracefulStopSec, gracefulRampDownSec, phases',
  },
  {
    what: 'maxVUs below preAllocatedVUs',
    mutate: (d) => (d.spec.loadPattern = { model: 'open', preAllocatedVUs: 10, maxVUs: 5, phases: [{ kind: 'ramp', durationSec: 10, target: 1 }] }),
    path: 'spec.loadPattern.maxVUs',
    reason: 'must be >= preAllocatedVUs (5 < 10)',
  },
  {
    what: 'an unknown phase kind',
    mutate: (d) => (d.spec.loadPattern = { phases: [{ kind: 'plateau', durationSec: 10, target: 1 }] }),
    path: 'spec.loadPattern.phases[0].kind',
    reason: '"warm-up"|"ramp"|"sustain"|"spike"|"cool-down"',
  },
  {
    what: 'a phase of zero length',
    mutate: (d) => (d.spec.loadPattern = { phases: [{ kind: 'ramp', durationSec: 0, target: 1 }] }),
    path: 'spec.loadPattern.phases[0].durationSec',
    reason: '>0',
  },
  {
    what: 'a uniform maxTokens with min > max',
    mutate: (d) => (d.spec.request = { maxTokens: { distribution: 'uniform', min: 500, max: 100 } }),
    path: 'spec.request.maxTokens.min',
    reason: 'must be <= max (500 > 100)',
  },
  {
    what: 'a temperature above 2',
    mutate: (d) => (d.spec.request = { temperature: { distribution: 'fixed', value: 3 } }),
    path: 'spec.request.temperature.value',
    reason: '<=2',
  },
  {
    what: 'an unknown distribution',
    mutate: (d) => (d.spec.request = { maxTokens: { distribution: 'poisson', value: 3 } }),
    path: 'spec.request.maxTokens.distribution',
    reason: 'distribution must be one of: fixed, uniform, gaussian',
  },
  {
    what: 'a credential env var name that is not a name',
    mutate: (d) => (d.spec.platform = { adminPasswordEnv: 'hunter2 password' }),
    path: 'spec.platform.adminPasswordEnv',
    reason: 'must be an environment variable name',
  },
  {
    what: 'a retry base delay above the maximum',
    mutate: (d) => (d.spec.platform = { retry: { baseDelayMs: 9000, maxDelayMs: 5000 } }),
    path: 'spec.platform.retry.baseDelayMs',
    reason: 'must be <= maxDelayMs (9000 > 5000)',
  },
  { what: 'an unknown cleanup policy', mutate: (d) => (d.spec.cleanup = { policy: 'sometimes' }), path: 'spec.cleanup.policy', reason: '"always"|"on-success"|"never"' },
  { what: 'an error-rate limit of 0', mutate: (d) => (d.spec.limits = { maxErrorRate: 0 }), path: 'spec.limits.maxErrorRate', reason: '>0' },
  {
    what: 'a model price without an output price',
    mutate: (d) => (d.spec.prices = { models: { 'gpt-4o': { input: 0.005 } } }),
    path: 'spec.prices.models.gpt-4o.output',
    reason: 'required field is missing (expected number)',
  },
  { what: 'a run id with spaces', mutate: (d) => (d.spec.run = { id: 'run 1' }), path: 'spec.run.id', reason: 'lower-case DNS label' },
  { what: 'a string where a number belongs', mutate: (d) => (d.spec.limits = { maxDurationSec: '10m' }), path: 'spec.limits.maxDurationSec', reason: 'expected number, received string' },
];

/** The problems, without the header line that names the file. */
function problems(doc: Doc): string[] {
  const result = parseObject(doc);
  if (result.ok) return [];
  expect(result.errors[0]).toMatch(/^test\.yaml: invalid config \(\d+ problems?\)$/);
  return result.errors.slice(1);
}

describe('malformed configs are rejected with a path-specific reason', () => {
  it('has at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES)('$what -> $path', ({ mutate, path, reason }) => {
    const doc = baseConfig();
    mutate(doc);
    const found = problems(doc).filter((e) => e.startsWith(`${path}: `));
    expect(found, `errors were:\n${problems(doc).join('\n')}`).not.toEqual([]);
    expect(found.some((e) => e.includes(reason)), `errors at ${path}:\n${found.join('\n')}`).toBe(true);
  });

  it('the base config the cases start from is itself valid', () => {
    expect(problems(baseConfig())).toEqual([]);
  });
});

describe('documents that are not configs', () => {
  it('an empty file', () => {
    const result = parseConfig('# nothing here\n', 'empty.yaml');
    expect(result.ok ? [] : result.errors).toEqual(['empty.yaml: invalid config (1 problem)', '(root): the config is empty']);
  });

  it('a YAML list instead of a mapping', () => {
    const result = parseConfig('- a\n- b\n', 'list.yaml');
    expect(result.ok ? [] : result.errors[1]).toMatch(/^\(root\): must be a mapping/);
  });
});

describe('fixture files', () => {
  const fixture = (name: string) => {
    const file = join(repoRoot, 'test/fixtures/configs', name);
    return parseConfig(readFileSync(file, 'utf8'), name);
  };

  it('a YAML syntax error names the file, line and column', () => {
    const result = fixture('yaml-syntax-error.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toBe('yaml-syntax-error.yaml: invalid config (1 problem)');
    expect(result.errors[1]).toMatch(/^line 14, column \d+: YAML syntax: /);
  });

  it('a duplicated key names its line', () => {
    const result = fixture('duplicate-key.yaml');
    expect(result.ok ? [] : result.errors.slice(1)).toEqual([expect.stringMatching(/^line 12, column \d+: YAML syntax: Map keys must be unique/)]);
  });

  it('the seed smoke config with a typo reports only the typo', () => {
    const result = fixture('smoke-with-typo.yaml');
    expect(result.ok ? [] : result.errors.slice(1)).toEqual([
      'spec.userBehavior.thinkTimeSecs: unknown field; known fields: thinkTimeSeconds, sessionDuration, questionsPerSession, conversationStyle, errorHandling, sessionsPerUser',
    ]);
  });

  it('several problems are all reported, one line each', () => {
    const result = fixture('many-problems.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = formatErrors(result.errors);
    expect(text.split('\n')[0]).toBe('many-problems.yaml: invalid config (3 problems)');
    expect(text).toContain('\n  spec.users.perOrg.min: must be <= max (9 > 3)');
    expect(text).toContain('\n  spec.targets.timeout: Too small');
    expect(text).toContain('\n  spec.limits.maxDurationSec: Too small');
  });
});

describe('secrets never appear in error messages', () => {
  const SECRET = 'sk-live-0123456789abcdef';

  it('a credential written into the config is rejected by field name, not echoed', () => {
    const doc = baseConfig();
    doc.spec.platform = { adminPassword: SECRET };
    const result = parseObject(doc);
    expect(result.ok).toBe(false);
    const text = result.ok ? '' : result.errors.join('\n');
    expect(text).toContain('spec.platform.adminPassword: unknown field');
    expect(text).not.toContain(SECRET);
  });

  it('a credential put where an env var name belongs is rejected without echoing it', () => {
    const doc = baseConfig();
    doc.spec.platform = { staticKeysEnv: SECRET };
    const result = parseObject(doc);
    const text = result.ok ? '' : result.errors.join('\n');
    expect(text).toContain('spec.platform.staticKeysEnv: must be an environment variable name');
    expect(text).not.toContain(SECRET);
  });
});
