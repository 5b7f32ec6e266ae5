// Two instances, one run id: two real k6 processes that split one run (k6 execution segments, or LOADTEST_ORGS org
// ranges) in one working directory must each keep their reports, and `npm run report -- --from` must merge them into
// the run's one report.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MergedSummary } from '../../src/report/merge/summaries';
import type { Summary } from '../../src/report/model';
import type { RunningSim } from '../../sim/index';
import { repoRoot } from './helpers/k6';
import { percentile, runReport } from './helpers/report-cli';
import { runLoadtest, sim, type LoadtestRun } from './helpers/loadtest';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});



const yaml = scenarioYaml({
  organizations: { count: 2 },
  users: { perOrg: { min: 2, max: 2 } },
  limits: { maxDurationSec: 3 },
  loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 4 }] },
});

/** Runs two instances of one run id in one working directory, side by side. */
async function twoInstances(runId: string, a: { args?: string[]; env?: Record<string, string> }, b: typeof a): Promise<[LoadtestRun, LoadtestRun, string]> {
  const s = (running = await sim({ models: { 'gpt-4o': fastModel() } }));
  const cwd = mkdtempSync(join(tmpdir(), 'split-reports-'));
  const [x, y] = await Promise.all([runLoadtest(s, yaml, { runId, cwd, ...a }), runLoadtest(s, yaml, { runId, cwd, ...b })]);
  for (const run of [x, y]) expect(run.code, run.stderr.slice(-1500)).toBe(0);
  return [x, y, join(cwd, 'results', runId)];
}

const requestsOf = (run: LoadtestRun) => (run.summary as unknown as Summary).throughput.requests;

describe('two k6 instances sharing a run id', () => {
  it('execution segments: each keeps its own reports, and the merge counts every request of both', async () => {
    const seq = ['--execution-segment-sequence', '0,1/2,1'];
    const [a, b, runDir] = await twoInstances(`split-seg-${Date.now()}`, { args: ['--execution-segment', '0:1/2', ...seq] }, { args: ['--execution-segment', '1/2:1', ...seq] });
    expect([a.reports, b.reports]).toEqual([join(runDir, 'segment-0-1_2'), join(runDir, 'segment-1_2-1')]);
    for (const run of [a, b]) expect(Object.keys(run.files).sort(), run.reports).toEqual(['junit.xml', 'report.html', 'summary.json']);
    expect(requestsOf(a)).toBeGreaterThan(0);
    expect(requestsOf(b)).toBeGreaterThan(0);

    const merged = await runReport(['--from', runDir]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('k6 instances: 2 (segment-0-1_2, segment-1_2-1)');
    const m = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as MergedSummary;
    console.log(`merged: ${m.throughput.requests} requests (instances ${requestsOf(a)} + ${requestsOf(b)}), TTFT p95 ${m.latency.ttft?.p95} ms`);
    expect(m.source).toBe('k6-merged');
    expect(m.throughput.requests).toBe(requestsOf(a) + requestsOf(b));
    expect(m.cost.totalUSD).toBeCloseTo((a.summary as unknown as Summary).cost.totalUSD + (b.summary as unknown as Summary).cost.totalUSD, 12);
    // Both instances ran through the relay, so TTFT percentiles come from the merged histograms: within a 10% bucket.
    const pooled = [...a.log, ...b.log].flatMap((r) => (r.ok && r.ttftMs !== null ? [r.ttftMs] : []));
    expect(m.latency.ttft?.count).toBe(pooled.length);
    expect(Math.abs((m.latency.ttft?.p95 as number) - percentile(pooled, 95))).toBeLessThanOrEqual(percentile(pooled, 95) * 0.1);
    for (const file of ['junit.xml', 'report.html']) expect(existsSync(join(runDir, file)), file).toBe(true);
  });

  it('org ranges (LOADTEST_ORGS): each keeps its own reports, and merging the same run again refuses a duplicated instance', async () => {
    const [a, b, runDir] = await twoInstances(`split-orgs-${Date.now()}`, { env: { LOADTEST_ORGS: '1' } }, { env: { LOADTEST_ORGS: '2' } });
    expect([a.reports, b.reports]).toEqual([join(runDir, 'orgs-1'), join(runDir, 'orgs-2')]);
    expect(a.summary).not.toBeNull();
    expect(b.summary).not.toBeNull();
    const merged = await runReport(['--from', runDir]);
    expect(merged.code, merged.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as MergedSummary;
    expect(m.throughput.requests).toBe(requestsOf(a) + requestsOf(b));
    expect(m.cost.byOrg.map((o) => o.requests)).toEqual([requestsOf(a), requestsOf(b)]);
    const twice = await runReport(['--from', runDir, '--from', runDir, '--out', mkdtempSync(join(tmpdir(), 'split-out-'))]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('instance "orgs-1" of run');
  });
});
