import { describe, expect, it } from 'vitest';
import { baseConfig, mustParse, parseRepoFile } from './helpers';

describe('defaults are applied', () => {
  it('the smoke config, which lists no test types, gets the default random_short type', () => {
    const r = parseRepoFile('configs/smoke-test.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.spec.testTypes).toEqual([
      { name: 'random_short', weight: 100, questionStrategy: 'mixed', cacheBehavior: 'avoid', streamingResponse: true },
    ]);
  });

  it('fields the smoke config omits get their documented defaults', () => {
    const r = parseRepoFile('configs/smoke-test.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const spec = r.config.spec;
    expect(spec.users.emailDomain).toBe('loadtest.invalid');
    expect(spec.targets.idleTimeout).toBe(30);
    expect(spec.limits).toMatchObject({ errorRateWindowSec: 30, errorRateMinSamples: 20 });
    expect(spec.userBehavior.sessionsPerUser).toBeUndefined();
    expect(spec.run).toEqual({ seed: 1, resultsDir: 'results' });
    expect(spec.platform).toEqual({
      adapter: 'ai-aas',
      adminEmailEnv: 'AIAAS_ADMIN_EMAIL',
      adminPasswordEnv: 'AIAAS_ADMIN_PASSWORD',
      staticKeysEnv: 'LOADTEST_API_KEYS',
      auth: 'bearer',
      preflight: true,
      retry: { attempts: 5, baseDelayMs: 200, maxDelayMs: 5000 },
    });
    expect(spec.models.default).toBe('gpt-4o');
    expect(spec.request).toEqual({
      maxTokens: { distribution: 'fixed', value: 256 },
      temperature: { distribution: 'fixed', value: 0.7 },
      includeUsage: true,
    });
    expect(spec.cleanup).toEqual({ policy: 'always', revocationProbe: { enabled: true, keys: 3, maxSeconds: 10, intervalMs: 250 } });
    expect(spec.documents.root).toBe('documents');
    expect(spec.metrics.perUserTags).toBe(false);
    expect(spec.loadPattern).toBeUndefined();
  });

  it('a config with only the required fields gets a complete user behaviour', () => {
    const spec = mustParse(baseConfig()).spec;
    expect(spec.userBehavior).toEqual({
      thinkTimeSeconds: { base: 5, variance: 2, distribution: 'uniform', min: 1, max: 10 },
      questionsPerSession: { min: 3, max: 5 },
      conversationStyle: { multiTurnProbability: 0.2, turnsPerConversation: { min: 2, max: 4 }, contextRetention: true },
      errorHandling: { retryAttempts: 2, retryBackoffMs: 1000, ignoreErrorCodes: [], stopOnErrors: 10, failureBackoffMs: 500, failureBackoffMaxMs: 30_000 },
    });
    expect(spec.organizations.namePrefix).toBe('loadtest-org');
    expect(spec.users.apiKeys).toEqual({ perUser: 1 });
    expect(spec.targets).toMatchObject({ tlsVerify: true, timeout: 60, idleTimeout: 30 });
    expect(spec.limits.maxDurationSec).toBe(600);
  });

  it('a plain-string cacheSalt becomes a fixed salt', () => {
    const r = parseRepoFile('configs/single-org-50-users.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.spec.testTypes.find((t) => t.name === 'cached')?.cacheSalt).toEqual({ scope: 'fixed', value: 'test-salt-123' });
  });

  it('an open load pattern defaults to one request per iteration per second with a 30 s graceful stop', () => {
    const doc = baseConfig();
    doc.spec.loadPattern = { model: 'open', phases: [{ kind: 'sustain', durationSec: 60, target: 5 }] };
    expect(mustParse(doc).spec.loadPattern).toEqual({
      model: 'open',
      iteration: 'request',
      timeUnitSec: 1,
      gracefulStopSec: 30,
      phases: [{ kind: 'sustain', durationSec: 60, target: 5 }],
    });
  });

  it('a load pattern without a model is closed', () => {
    const doc = baseConfig();
    doc.spec.loadPattern = { phases: [{ kind: 'ramp', durationSec: 60, target: 4 }] };
    expect(mustParse(doc).spec.loadPattern).toMatchObject({ model: 'closed', gracefulStopSec: 30, gracefulRampDownSec: 30 });
  });
});

describe('platform URLs', () => {
  it('take the OpenAI SDK base URL with its /v1, so requests never go to /v1/v1/chat/completions', () => {
    for (const [given, root] of [
      ['http://127.0.0.1:8080/v1', 'http://127.0.0.1:8080'],
      ['http://127.0.0.1:8080/v1/', 'http://127.0.0.1:8080'],
      ['https://gw.example.com/openai/v1', 'https://gw.example.com/openai'],
      ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
      ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ]) {
      const doc = baseConfig();
      doc.spec.targets = { apiRouterUrl: given, userOrgUrl: given };
      expect(mustParse(doc).spec.targets).toMatchObject({ apiRouterUrl: root, userOrgUrl: root });
    }
  });
});
