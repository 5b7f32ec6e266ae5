import { describe, expect, it } from 'vitest';
import { describeShare, instanceName, parseInstanceName, sharesOverlap, uncoveredOrgs, type InstanceShare } from '../../../src/report/instance';

const share = (name: string): InstanceShare => {
  const s = parseInstanceName(name);
  if (s === null) throw new Error(`"${name}" does not parse`);
  return s;
};

describe('instance names: the report folder of one instance of a split run', () => {
  it('a run that is not split has no instance name, so its reports stay in results/<run id>/', () => {
    expect(instanceName(null, undefined)).toBeNull();
    expect(instanceName(null, null)).toBeNull();
    expect(instanceName(null, '0:1')).toBeNull();
  });

  it('names the org range (LOADTEST_ORGS) and the execution segment, fractions reduced and written n_d', () => {
    expect(instanceName({ from: 1, to: 2 }, undefined)).toBe('orgs-1-2');
    expect(instanceName({ from: 3, to: 3 }, undefined)).toBe('orgs-3');
    expect(instanceName(null, '0:1/2')).toBe('segment-0-1_2');
    expect(instanceName(null, '1/2:1')).toBe('segment-1_2-1');
    expect(instanceName(null, '50%:100%')).toBe('segment-1_2-1');
    expect(instanceName(null, '0.25:2/4')).toBe('segment-1_4-1_2');
    expect(instanceName({ from: 1, to: 2 }, '1/3:2/3')).toBe('orgs-1-2.segment-1_3-2_3');
  });

  it('every name parses back to the share it was made from, and only canonical names parse', () => {
    const f = (num: number, den: number) => ({ num, den });
    expect(parseInstanceName('orgs-1-2.segment-1_3-2_3')).toEqual({ orgs: { from: 1, to: 2 }, segment: { from: f(1, 3), to: f(2, 3) } });
    expect(parseInstanceName('orgs-3')).toEqual({ orgs: { from: 3, to: 3 }, segment: { from: f(0, 1), to: f(1, 1) } });
    expect(parseInstanceName('segment-1_2-1')).toEqual({ orgs: null, segment: { from: f(1, 2), to: f(1, 1) } });
    expect(parseInstanceName('')).toEqual({ orgs: null, segment: { from: f(0, 1), to: f(1, 1) } });
    for (const name of ['k8s', 'segment-2_4-1', 'segment-1-0', 'orgs-2-1', 'orgs-0', 'segment-0-1_2.orgs-1', 'orgs-1.orgs-2', 'orgs-1.', 'segment-0-1']) expect(parseInstanceName(name), name).toBeNull();
  });

  it('two instances overlap when both their org ranges and their segments intersect', () => {
    expect(sharesOverlap(share('segment-0-1_2'), share('segment-1_2-1'))).toBe(false);
    expect(sharesOverlap(share('segment-0-1_2'), share('segment-1_3-2_3'))).toBe(true);
    expect(sharesOverlap(share('orgs-1-2'), share('orgs-3'))).toBe(false);
    expect(sharesOverlap(share('orgs-1-2'), share('orgs-2-3'))).toBe(true);
    expect(sharesOverlap(share('orgs-1-2.segment-0-1_2'), share('orgs-1-2.segment-1_2-1'))).toBe(false);
    expect(sharesOverlap(share('orgs-1-2.segment-0-1_2'), share('segment-0-1_4'))).toBe(true);
    expect(sharesOverlap(share(''), share('orgs-3'))).toBe(true);
  });

  it('finds the orgs whose users the instances do not all cover', () => {
    expect(uncoveredOrgs([share('orgs-1-2'), share('orgs-3')], 3)).toEqual([]);
    expect(uncoveredOrgs([share('orgs-1-2.segment-0-1_2'), share('orgs-1-2.segment-1_2-1'), share('orgs-3')], 3)).toEqual([]);
    expect(uncoveredOrgs([share('orgs-1-2.segment-0-1_2'), share('orgs-3')], 3)).toEqual([1, 2]);
    expect(uncoveredOrgs([share('segment-0-1_2')], 2)).toEqual([1, 2]);
  });

  it('reads a share as a person would write it', () => {
    expect(describeShare(share('orgs-1-2.segment-1_3-2_3'))).toBe('orgs 1-2, segment 1/3:2/3');
    expect(describeShare(share(''))).toBe('the whole run');
  });
});
