import { describe, expect, it } from 'vitest';
import { fullSequence, instanceShareOf, parsePoint } from '../../../../src/llm/transport/segments';

// What k6 v1.1.0 handed out as exec.vu.idInTest to 20 VUs of each segment (recorded by test/e2e/segments.test.ts,
// which checks the same cases against the real binary).
const OBSERVED: [string, string, number[]][] = [
  ['0,1/3,2/3,1', '0:1/3', [1, 4, 7, 10, 13, 16, 19]],
  ['0,1/3,2/3,1', '2/3:1', [3, 6, 9, 12, 15, 18]],
  ['0,1/4,1/2,1', '0:1/4', [2, 6, 10, 14, 18]],
  ['0,1/4,1/2,1', '1/2:1', [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]],
  ['0,2/5,1', '2/5:1', [1, 3, 5, 6, 8, 10, 11, 13, 15, 16, 18, 20]],
  ['0,1/5,1/2,7/10,1', '1/5:1/2', [1, 5, 8, 11, 15, 18]],
  ['0,1/5,1/2,7/10,1', '7/10:1', [2, 6, 9, 12, 16, 19]],
  ['0,1/6,1/3,1/2,1', '1/6:1/3', [4, 10, 16]],
];

describe("an instance's VU ids follow k6's execution-segment striping", () => {
  it.each(OBSERVED)('sequence %s, segment %s', (sequence, segment, ids) => {
    expect(instanceShareOf(segment, sequence, 20)).toEqual(ids);
  });

  it('the instances of one sequence share out every id exactly once', () => {
    const points = ['0', '1/5', '1/2', '7/10', '1'];
    const all = points.slice(1).flatMap((to, i) => instanceShareOf(`${points[i]}:${to}`, points.join(','), 100));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('an unsegmented run owns every id, and a lone segment is striped against the rest of [0, 1]', () => {
    expect(instanceShareOf(undefined, undefined, 4)).toEqual([1, 2, 3, 4]);
    expect(instanceShareOf('0:1', undefined, 3)).toEqual([1, 2, 3]);
    expect(instanceShareOf('1/4:1/2', undefined, 8)).toEqual(instanceShareOf('1/4:1/2', '0,1/4,1/2,1', 8));
  });

  it('reads fractions, decimals and percentages alike', () => {
    expect(parsePoint('1/4', 'x')).toEqual({ num: 1, den: 4 });
    expect(parsePoint('0.25', 'x')).toEqual({ num: 1, den: 4 });
    expect(parsePoint('25%', 'x')).toEqual({ num: 1, den: 4 });
    expect(fullSequence('0.5:1', undefined)).toHaveLength(3);
  });

  it('refuses what is not a segment, naming it', () => {
    expect(() => instanceShareOf('half', undefined, 4)).toThrow(/"half" is not "from:to"/);
    expect(() => instanceShareOf('1/2:1/4', undefined, 4)).toThrow(/must ascend/);
    expect(() => instanceShareOf('0:3/2', undefined, 4)).toThrow(/outside \[0, 1\]/);
    expect(() => instanceShareOf('1/3:1/2', '0,1/4,1/2,1', 4)).toThrow(/not in the sequence/);
    expect(() => instanceShareOf(undefined, '0,1/2,1', 4)).toThrow(/without this instance's execution segment/);
  });
});
