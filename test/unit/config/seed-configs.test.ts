import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load';
import { parseRepoFile, repoRoot } from './helpers';

const SEEDS = ['smoke-test.yaml', 'single-org-50-users.yaml'];
// The originals as delivered, kept as fixtures (test/fixtures/seed-configs/README.md) so they are checked on every clone.
const originalsDir = join(repoRoot, 'test', 'fixtures', 'seed-configs');
// configs/sim.yaml configures the simulator, not a scenario.
const scenarioConfigs = readdirSync(join(repoRoot, 'configs')).filter((f) => f.endsWith('.yaml') && f !== 'sim.yaml');
const NEW_CONFIGS = ['demo.yaml', 'multi-org.yaml', 'stress.yaml', 'soak.yaml', 'cache-test.yaml', 'document-analysis.yaml'];

describe('seed configs validate unchanged', () => {
  it.each(SEEDS)('configs/%s (the copy in this repository)', (file) => {
    const result = parseRepoFile(`configs/${file}`);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it.each(SEEDS)('test/fixtures/seed-configs/%s (the original)', (file) => {
    const result = parseConfig(readFileSync(join(originalsDir, file), 'utf8'), file);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe('every shipped scenario config validates', () => {
  it('ships the configs the guide describes', () => {
    expect(scenarioConfigs).toEqual(expect.arrayContaining([...SEEDS, ...NEW_CONFIGS]));
  });

  it.each(scenarioConfigs)('configs/%s', (file) => {
    const result = parseConfig(readFileSync(join(repoRoot, 'configs', file), 'utf8'), file);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it.each(NEW_CONFIGS)('configs/%s opens with a comment saying what it is for', (file) => {
    expect(readFileSync(join(repoRoot, 'configs', file), 'utf8')).toMatch(/^# \S.{20,}/);
  });
});

describe('shipped configs say what the guide asks of them', () => {
  it('multi-org has 3 orgs of 10, 20 and 30 users', () => {
    const r = parseRepoFile('configs/multi-org.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.spec.organizations.count).toBe(3);
    expect(r.config.spec.organizations.overrides?.map((o) => [o.org, o.users])).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
  });

  it('cache-test has a salted cache-preferring type and a random_short control', () => {
    const r = parseRepoFile('configs/cache-test.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const [cached, control] = r.config.spec.testTypes;
    expect(cached).toMatchObject({ cacheBehavior: 'prefer', cacheSalt: { scope: 'fixed', value: 'test-salt-123' } });
    expect(control).toMatchObject({ name: 'random_short', cacheBehavior: 'avoid' });
  });

  it('document-analysis samples 10 documents from technical/ and manuals/ of load-test-documents', () => {
    const r = parseRepoFile('configs/document-analysis.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.spec.testTypes[0]?.documentLibrary).toEqual({
      enabled: true,
      bucketName: 'load-test-documents',
      documentPaths: ['technical/', 'manuals/'],
      sampleSize: 10,
    });
  });

  it('demo targets the local simulator for under a minute with ~10 users', () => {
    const r = parseRepoFile('configs/demo.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const spec = r.config.spec;
    expect(spec.targets.apiRouterUrl).toBe('http://127.0.0.1:8080');
    expect(spec.targets.userOrgUrl).toBe('http://127.0.0.1:8081');
    expect(spec.organizations.count * spec.users.perOrg.max).toBe(10);
    expect(spec.limits.maxDurationSec).toBeLessThanOrEqual(90);
    expect(spec.userBehavior.thinkTimeSeconds).toMatchObject({ min: 1, max: 3 });
  });

  it('soak runs for four hours', () => {
    const r = parseRepoFile('configs/soak.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.spec.limits.maxDurationSec).toBe(14400);
  });
});
