// The run's config as the fleet report reads it (--config): the same figures a single run's report gets.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetConfig } from '../../../../tools/fleet-report/config';
import { loadConfigFile } from '../../../../tools/k8s/prepare';

describe('fleetConfig', () => {
  it('takes org budgets (overrides included), test-type weights, seed and think time from a config', () => {
    const loaded = loadConfigFile(join(__dirname, '..', '..', '..', '..', 'configs', 'multi-org.yaml'));
    const c = fleetConfig(loaded.config, loaded.plan);
    expect(c.scenarioName).toBe('multi-org');
    expect(c.orgs.map((o) => o.name)).toEqual(loaded.plan.orgs.map((o) => o.name));
    expect(c.orgs.map((o) => o.budgetUSD)).toContain(50);
    expect(c.orgs.map((o) => o.budgetUSD)).toContain(2);
    expect(c.testTypes.map((t) => t.weight)).toEqual([80, 20]);
    expect(c.seed).toBe(loaded.config.spec.run.seed);
    expect(c.thinkTime.minMs).toBe(loaded.config.spec.userBehavior.thinkTimeSeconds.min * 1000);
  });
});
