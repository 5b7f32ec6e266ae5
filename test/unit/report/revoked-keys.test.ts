import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../../src/report/build';
import { renderJUnit } from '../../../src/report/junit';
import type { K6SummaryData } from '../../../src/report/k6-data';
import { renderText } from '../../../src/report/text';
import { mergeRevokedKeys } from '../../../src/report/revoked-keys';
import { fakeRequests, k6Data, runInfo } from './fixture';
import { findAll, parseXml } from './xml';

const base = k6Data(fakeRequests(50, 10), 10);
const gauge = (value: number) => ({ type: 'gauge', contains: 'default', values: { value, min: value, max: value } });
function withProbe(acceptedSec: number, stillAccepted: number): K6SummaryData {
  return { ...base, metrics: { ...base.metrics, llm_revoked_key_accepted_seconds: gauge(acceptedSec), llm_revoked_keys_still_accepted: gauge(stillAccepted) } } as K6SummaryData;
}
const securityCase = (xml: string) => findAll(parseXml(xml), 'testcase').find((c) => c.attrs.classname === 'run.security');

describe('the revoked-key finding', () => {
  it('is absent when the probe did not run', () => {
    const sum = buildSummary(base, runInfo());
    expect(sum.run.revokedKeys).toBeNull();
    expect(renderText(sum)).not.toContain('revoked keys');
    expect(securityCase(renderJUnit(sum))).toBeUndefined();
  });
  it('"none" when the router refused the revoked keys at once: a passing case', () => {
    const sum = buildSummary(withProbe(0, 0), runInfo());
    expect(sum.run.revokedKeys).toEqual({ acceptedSec: 0, stillAccepted: 0 });
    expect(renderText(sum)).toContain('revoked keys ......... none: refused at once');
    const c = securityCase(renderJUnit(sum));
    expect(c?.attrs.name).toBe('revoked keys are refused at once');
    expect(findAll(c!, 'failure')).toEqual([]);
  });
  it('"accepted for N s after revocation": a security finding and a failed case', () => {
    const sum = buildSummary(withProbe(3.2, 0), runInfo());
    expect(sum.run.revokedKeys).toEqual({ acceptedSec: 3.2, stillAccepted: 0 });
    expect(renderText(sum)).toContain('revoked keys ......... SECURITY FINDING: revoked keys accepted for 3.2 s after revocation');
    const failure = findAll(securityCase(renderJUnit(sum))!, 'failure')[0];
    expect(failure?.attrs.message).toBe('SECURITY FINDING: revoked keys accepted for 3.2 s after revocation');
  });
  it('names keys still accepted when the probe stopped', () => {
    const sum = buildSummary(withProbe(10, 2), runInfo());
    expect(renderText(sum)).toContain('SECURITY FINDING: revoked keys still accepted 10.0 s after revocation, when the probe stopped (2 keys)');
  });
  it('merges instances to the worst', () => {
    expect(mergeRevokedKeys([null, null])).toBeNull();
    expect(mergeRevokedKeys([{ acceptedSec: 1, stillAccepted: 0 }, null, { acceptedSec: 4, stillAccepted: 1 }])).toEqual({ acceptedSec: 4, stillAccepted: 1 });
  });
});
