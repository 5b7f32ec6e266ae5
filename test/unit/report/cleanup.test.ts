import { describe, expect, it } from 'vitest';
import { emptyCleanup, tallyCleanup } from '../../../src/platform/cleanup-result';
import { buildSummary } from '../../../src/report/build';
import { cleanupNote, cleanupSummary, INTERRUPTED } from '../../../src/report/cleanup';
import { renderHtml } from '../../../src/report/html';
import { renderJUnit } from '../../../src/report/junit';
import { mergeCleanup } from '../../../src/report/merge/cleanup';
import { renderText } from '../../../src/report/text';
import { fakeRequests, k6Data, runInfo } from './fixture';

const base = { adapter: 'ai-aas' as const, streaming: true, ledger: 'results/r1/ledger.jsonl', runId: 'r1', resultsDir: 'results' };

function leftOne() {
  const r = tallyCleanup(emptyCleanup(), [{ kind: 'key', id: 'k-left', orgId: 'o1' }, { kind: 'key', id: 'k2', orgId: 'o1' }], [{ ok: false, status: 500, error: 'revoke: HTTP 500' }, { ok: true, status: 204 }]);
  return cleanupSummary({ ...base, note: cleanupNote(r) });
}

describe('the cleanup section', () => {
  it('reads teardown’s note: counts, the ids left (no more than 20 in the note), and the command', () => {
    const c = leftOne();
    expect(c).toMatchObject({ state: 'left', keys: { done: 1, alreadyGone: 0, failed: 1 }, leftCount: 1, command: 'npm run cleanup -- --run-id r1' });
    expect(c.left.map((t) => t.id)).toEqual(['k-left']);
    const many = tallyCleanup(emptyCleanup(), Array.from({ length: 50 }, (_, i) => ({ kind: 'key' as const, id: `k${i}`, orgId: 'o' })), []);
    const note = cleanupNote(many);
    expect(note.length).toBeLessThan(8 << 10);
    expect(cleanupSummary({ ...base, note })).toMatchObject({ leftCount: 50, left: { length: 20 } });
  });

  it('says not-run when no note came on the relay transport, unknown on the buffered one, none for the static adapter', () => {
    expect(cleanupSummary({ ...base, note: null }).state).toBe('not-run');
    expect(cleanupSummary({ ...base, streaming: false, note: null }).state).toBe('unknown');
    expect(cleanupSummary({ ...base, adapter: 'static', note: null }).state).toBe('none');
    expect(cleanupSummary({ ...base, note: cleanupNote(null, 4) })).toMatchObject({ state: 'kept', leftCount: 4 });
    expect(cleanupSummary({ ...base, note: cleanupNote(emptyCleanup()), resultsDir: 'out' })).toMatchObject({ state: 'cleaned', command: null });
    expect(cleanupSummary({ ...base, note: null, resultsDir: 'out/' }).command).toBe('npm run cleanup -- --run-id r1 --results out/');
  });

  it('is in every report, and fails the run and its JUnit case when tenants are left or cleanup never ran', () => {
    const data = k6Data(fakeRequests(20, 10), 10);
    for (const cleanup of [leftOne(), cleanupSummary({ ...base, note: null })]) {
      const sum = buildSummary(data, runInfo({ cleanup }), undefined);
      expect(sum.run.result.passed).toBe(false);
      expect(sum.run.result.failures.join()).toMatch(/cleanup (left 1 tenant|did not run)/);
      expect(renderText(sum)).toMatch(/cleanup \.+ (1 tenant\(s\) LEFT ACTIVE|DID NOT RUN)/);
      expect(renderHtml(sum)).toContain('<h2>Cleanup</h2>');
      expect(renderJUnit(sum)).toMatch(/name="cleanup left nothing active"[^/]*>\s*<failure message="cleanup/);
    }
    expect(renderText(buildSummary(data, runInfo({ cleanup: leftOne() }), undefined))).toContain('left: key k-left (org o1): revoke: HTTP 500');
    const clean = buildSummary(data, runInfo({ cleanup: cleanupSummary({ ...base, note: cleanupNote(emptyCleanup()) }) }), undefined);
    expect(renderJUnit(clean)).toMatch(/name="cleanup left nothing active" time="0"\/>/);
  });

  it('records an interrupted run as interrupted, a failure in the verdict and in JUnit', () => {
    const sum = buildSummary(k6Data(fakeRequests(20, 10), 10), runInfo({ endReason: INTERRUPTED }), undefined);
    expect(sum.run.endReason).toBe(INTERRUPTED);
    expect(sum.run.result.passed).toBe(false);
    expect(renderJUnit(sum)).toMatch(/name="the run was not interrupted"[^/]*>\s*<failure message="interrupted \(SIGINT\)"/);
    expect(renderJUnit(sum)).not.toMatch(/name="no guard stopped the run"[^/]*>\s*<failure/);
  });

  it('merges instances: counts summed, leftovers joined, the worst state', () => {
    const clean = cleanupSummary({ ...base, note: cleanupNote(emptyCleanup()) });
    const m = mergeCleanup([clean, leftOne(), null]);
    expect(m).toMatchObject({ state: 'left', leftCount: 1, keys: { done: 1, failed: 1 } });
    expect(mergeCleanup([clean, cleanupSummary({ ...base, note: null })])?.state).toBe('not-run');
    expect(mergeCleanup([null])).toBeNull();
  });
});
