import { describe, expect, it } from 'vitest';
import { formatOrgRange, parseOrgRange, scalePattern, splitOrgs, usersInRange } from '../../../src/platform/slice';

describe('org ranges (LOADTEST_ORGS)', () => {
  it('reads "a-b" and "a", and says what is wrong otherwise', () => {
    expect(parseOrgRange('2-4', 5)).toEqual({ from: 2, to: 4 });
    expect(parseOrgRange(' 3 ', 5)).toEqual({ from: 3, to: 3 });
    expect(() => parseOrgRange('2-6', 5)).toThrow(/LOADTEST_ORGS="2-6": must lie within 1-5/);
    expect(() => parseOrgRange('4-2', 5)).toThrow(/from <= to/);
    expect(() => parseOrgRange('x', 5)).toThrow(/expected an org range such as "1-3"/);
    expect(formatOrgRange({ from: 2, to: 2 })).toBe('2');
    expect(formatOrgRange({ from: 1, to: 3 })).toBe('1-3');
  });

  it('picks the users of the range, in plan order', () => {
    const users = [1, 2, 3, 1, 2, 3, 1].map((orgIndex, i) => ({ index: i + 1, orgIndex }));
    expect(usersInRange(users, { from: 2, to: 3 })).toEqual([2, 3, 5, 6]);
  });
});

describe('splitting orgs across clusters', () => {
  it('cuts contiguous ranges as close to the weights as whole orgs allow', () => {
    expect(splitOrgs([10, 10, 10, 10], [50, 50])).toEqual([{ from: 1, to: 2 }, { from: 3, to: 4 }]);
    expect(splitOrgs([10, 10, 10], [33, 33, 34])).toEqual([{ from: 1, to: 1 }, { from: 2, to: 2 }, { from: 3, to: 3 }]);
    expect(splitOrgs([50, 5, 5, 5, 5], [50, 50])).toEqual([{ from: 1, to: 1 }, { from: 2, to: 5 }]);
  });

  it('gives every part at least one org, and refuses more parts than orgs', () => {
    expect(splitOrgs([100, 1, 1], [98, 1, 1])).toEqual([{ from: 1, to: 1 }, { from: 2, to: 2 }, { from: 3, to: 3 }]);
    expect(splitOrgs([1, 1, 100], [1, 1, 98])).toEqual([{ from: 1, to: 1 }, { from: 2, to: 2 }, { from: 3, to: 3 }]);
    expect(() => splitOrgs([5, 5], [1, 1, 1])).toThrow(/3 parts but only 2 org/);
    expect(() => splitOrgs([5, 5], [1, 0])).toThrow(/positive/);
  });
});

describe('scaling a load pattern to a slice', () => {
  it('scales VU targets, never to 0 from a positive target, never above the slice', () => {
    const lp = { model: 'closed' as const, phases: [{ target: 10 }, { target: 0 }, { target: 1 }] };
    expect(scalePattern(lp, 0.3, 3).phases.map((p) => p.target)).toEqual([3, 0, 1]);
    expect(scalePattern({ ...lp, phases: [{ target: 10 }] }, 0.5, 4).phases[0]?.target).toBe(4);
  });

  it('scales arrival rates and VU pools of an open pattern', () => {
    const lp = { model: 'open' as const, phases: [{ target: 40 }], preAllocatedVUs: 10, maxVUs: 21 };
    const out = scalePattern(lp, 0.25, 5);
    expect(out.phases[0]?.target).toBe(10);
    expect(out.preAllocatedVUs).toBe(3);
    expect(out.maxVUs).toBe(6);
  });
});
