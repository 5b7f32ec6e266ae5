import { describe, expect, it } from 'vitest';
import { buildScenarios, describeLoadPattern, phaseStages, totalDurationSec } from '../../../src/config/load-pattern';
import { baseConfig, mustParse, parseRepoFile } from './helpers';

function withPattern(loadPattern: unknown, maxDurationSec = 600) {
  const doc = baseConfig();
  doc.spec.limits = { maxDurationSec };
  doc.spec.loadPattern = loadPattern;
  return mustParse(doc);
}

describe('phase kinds become k6 stages', () => {
  it('warm-up, ramp and cool-down ramp linearly to their target', () => {
    expect(
      phaseStages([
        { kind: 'warm-up', durationSec: 30, target: 2 },
        { kind: 'ramp', durationSec: 60, target: 6 },
        { kind: 'cool-down', durationSec: 20, target: 0 },
      ]),
    ).toEqual([
      { duration: '30s', target: 2 },
      { duration: '60s', target: 6 },
      { duration: '20s', target: 0 },
    ]);
  });

  it('sustain jumps to its target with a 0s stage, then holds', () => {
    expect(phaseStages([{ kind: 'sustain', durationSec: 120, target: 5 }], 2)).toEqual([
      { duration: '0s', target: 5 },
      { duration: '120s', target: 5 },
    ]);
  });

  it('sustain at the level already reached just holds', () => {
    expect(
      phaseStages([
        { kind: 'ramp', durationSec: 10, target: 5 },
        { kind: 'sustain', durationSec: 50, target: 5 },
      ]),
    ).toEqual([
      { duration: '10s', target: 5 },
      { duration: '50s', target: 5 },
    ]);
  });

  it('spike jumps, holds, then drops back to the level before it', () => {
    expect(
      phaseStages([
        { kind: 'sustain', durationSec: 60, target: 3 },
        { kind: 'spike', durationSec: 15, target: 6 },
        { kind: 'sustain', durationSec: 60, target: 3 },
      ]),
    ).toEqual([
      { duration: '0s', target: 3 },
      { duration: '60s', target: 3 },
      { duration: '0s', target: 6 },
      { duration: '15s', target: 6 },
      { duration: '0s', target: 3 },
      { duration: '60s', target: 3 },
    ]);
  });

  it('fractional durations keep millisecond precision without float noise', () => {
    expect(phaseStages([{ kind: 'ramp', durationSec: 0.1 + 0.2, target: 1 }])).toEqual([{ duration: '0.3s', target: 1 }]);
  });
});

describe('buildScenarios', () => {
  it('without a loadPattern: closed, ramp to all users over 10% of maxDurationSec (at most 30 s), then sustain', () => {
    const r = parseRepoFile('configs/smoke-test.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(buildScenarios(r.config, 5)).toEqual({
      'smoke-test': {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: '30s', target: 5 },
          { duration: '270s', target: 5 },
        ],
        gracefulRampDown: '30s',
        gracefulStop: '30s',
      },
    });
    expect(totalDurationSec(r.config)).toBe(300);
  });

  it('without a loadPattern and a short run, the ramp takes 10% of maxDurationSec', () => {
    const doc = baseConfig();
    doc.spec.limits = { maxDurationSec: 120 };
    const scenario = buildScenarios(mustParse(doc), 6).base;
    expect(scenario?.stages).toEqual([
      { duration: '12s', target: 6 },
      { duration: '108s', target: 6 },
    ]);
  });

  it('a closed pattern becomes ramping-vus with its graceful stop and ramp-down', () => {
    const config = withPattern({
      model: 'closed',
      gracefulStopSec: 10,
      gracefulRampDownSec: 5,
      phases: [
        { kind: 'ramp', durationSec: 60, target: 4 },
        { kind: 'spike', durationSec: 10, target: 6 },
        { kind: 'cool-down', durationSec: 30, target: 0 },
      ],
    });
    expect(buildScenarios(config, 6)).toEqual({
      base: {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: '60s', target: 4 },
          { duration: '0s', target: 6 },
          { duration: '10s', target: 6 },
          { duration: '0s', target: 4 },
          { duration: '30s', target: 0 },
        ],
        gracefulRampDown: '5s',
        gracefulStop: '10s',
      },
    });
    expect(totalDurationSec(config)).toBe(100);
  });

  it('an open pattern becomes ramping-arrival-rate; VUs default to the user count', () => {
    const config = withPattern({
      model: 'open',
      timeUnitSec: 60,
      phases: [
        { kind: 'warm-up', durationSec: 60, target: 30 },
        { kind: 'sustain', durationSec: 120, target: 120 },
      ],
    });
    expect(buildScenarios(config, 6)).toEqual({
      base: {
        executor: 'ramping-arrival-rate',
        startRate: 0,
        timeUnit: '60s',
        preAllocatedVUs: 6,
        maxVUs: 6,
        stages: [
          { duration: '60s', target: 30 },
          { duration: '0s', target: 120 },
          { duration: '120s', target: 120 },
        ],
        gracefulStop: '30s',
      },
    });
  });

  it('an open pattern keeps explicit VU counts, and caps the default preallocation at maxVUs', () => {
    const explicit = withPattern({ model: 'open', preAllocatedVUs: 20, maxVUs: 50, phases: [{ kind: 'ramp', durationSec: 10, target: 9 }] });
    expect(buildScenarios(explicit, 6).base).toMatchObject({ preAllocatedVUs: 20, maxVUs: 50 });
    const capped = withPattern({ model: 'open', maxVUs: 4, phases: [{ kind: 'ramp', durationSec: 10, target: 9 }] });
    expect(buildScenarios(capped, 6).base).toMatchObject({ preAllocatedVUs: 4, maxVUs: 4 });
  });

  it('in the closed model a phase above the provisioned user count is an error naming the phase', () => {
    const config = withPattern({ phases: [{ kind: 'spike', name: 'burst', durationSec: 10, target: 6 }] });
    expect(() => buildScenarios(config, 4)).toThrow('loadPattern.phases[0] (spike "burst"): target 6 VUs exceeds the 4 users provisioned');
  });

  it('the stages never outlast limits.maxDurationSec', () => {
    const config = withPattern({ phases: [{ kind: 'ramp', durationSec: 60, target: 1 }] }, 60);
    const tooLong = { ...config, spec: { ...config.spec, limits: { ...config.spec.limits, maxDurationSec: 30 } } };
    expect(() => buildScenarios(tooLong, 4)).toThrow('loadPattern.phases last 60s, longer than limits.maxDurationSec (30s)');
  });

  it('rejects a user count that is not a positive integer', () => {
    expect(() => buildScenarios(withPattern({ phases: [{ kind: 'ramp', durationSec: 60, target: 1 }] }), 0)).toThrow('totalUsers must be an integer >= 1, got 0');
  });

  it('describes the pattern in one line', () => {
    expect(describeLoadPattern(withPattern({ model: 'open', iteration: 'session', phases: [{ kind: 'ramp', durationSec: 60, target: 1 }] }))).toBe(
      'open (session per iteration), 1 phase, 60 s',
    );
  });
});
