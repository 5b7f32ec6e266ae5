import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../../bench/main';
import { renderTable, targetsOf, type BenchResult, type RunFigures } from '../../../bench/report';

const err = (medianAbs: number, p99Abs: number) => ({ n: 1000, median: medianAbs, p99: p99Abs, medianAbs, p99Abs, maxAbs: p99Abs * 2 });

function run(over: Partial<RunFigures> = {}): RunFigures {
  return {
    flavour: 'streaming',
    users: 1000,
    exitCode: 0,
    requests: 5000,
    matched: 4000,
    unmatched: 0,
    gapCountMismatch: 0,
    failed: 0,
    errorRate: 0,
    ttft: err(0.4, 3),
    e2e: err(0.4, 3),
    ttftVsArrival: err(0.5, 3.2),
    e2eVsArrival: err(0.5, 3.2),
    gap: err(0.05, 2),
    clockOffsetDriftMs: 0,
    window: { rampSec: 3, sustainSec: 20 },
    concurrency: { median: 1000, min: 990 },
    chunksPerSec: 24000,
    k6: { cores: 0.8, cpuSecPer1000Chunks: 0.033, peakRssMiB: 900, initMs: 2500 },
    sim: { cores: 0.7, latenessMedianMs: 0.2, latenessP99Ms: 3 },
    machine: { busyCores: 1.6, otherCores: 0.1, stealCores: 0 },
    selfCheck: { verdict: 'ok', warnings: [] },
    profileTop: null,
    ...over,
  };
}

const profile = `File: k6
Type: cpu
Showing nodes accounting for 1.2s, 60% of 2s total
      flat  flat%   sum%        cum   cum%
     0.30s 15.00% 15.00%      0.30s 15.00%  runtime.memmove
     0.20s 10.00% 25.00%      1.00s 50.00%  github.com/grafana/sobek.(*vm).run
`;

function result(over: Partial<BenchResult> = {}): BenchResult {
  const step = { ...run({ users: 1500, chunksPerSec: 30000, profileTop: profile, k6: { cores: 0.99, cpuSecPer1000Chunks: 0.033, peakRssMiB: 1400, initMs: 3000 } }), verdict: { pass: false, held: true, simLimited: false, reasons: ['gap error p99 9 ms > 5 ms'] } };
  return {
    schema: 'ai-aas-loadtest/bench/v1',
    date: '2026-11-27T00:00:00.000Z',
    quick: false,
    options: {},
    machine: { loadavgStart: '0.1 0.1 0.1 1/1 1', loadavgEnd: '0.2 0.1 0.1 1/1 1' },
    workload: {},
    accuracy: [run({ users: 50, chunksPerSec: 1200 }), run({ flavour: 'stock', users: 50, ttft: null, ttftVsArrival: null, gap: null, e2e: err(2, 30), selfCheck: { verdict: 'unavailable' } }), run()],
    streamsCapacity: null,
    capacity: {
      limits: { medianAbsMs: 1, p99AbsMs: 5 },
      plan: [1000, 1500],
      workload: { model: 'gpt-4o', tokens: 64, gapMs: 40 },
      steps: [{ ...run(), verdict: { pass: true, held: true, simLimited: false, reasons: [] } }, step],
      ceiling: { streams: 1000, chunksPerSec: 24000, limitedBy: 'k6', held: { streams: 1500, chunksPerSec: 30000, limitedBy: 'levels' }, k6Cores: 0.8, cpuSecPer1000Chunks: 0.033, peakRssMiB: 900, rssPerVuMiB: 0.9, simCores: 0.7 },
    },
    simCeiling: { streams: 2500, chunksPerSecond: 41000, simCpuCoreFraction: 0.99 },
    perVu: { runs: [], initMsPerVu: 1.2, initBaseMs: 900, rssMiBPerVu: 0.8, rssBaseMiB: 60, largestRun: { users: 1500, peakRssMiB: 1400, rssMiBPerVuAll: 0.933, initMs: 3000 } },
    loadtestScript: { runs: [], initMsPerVu: 16, rssMiBPerVu: 21, initProfileTop: profile, initHeapTop: null },
    targets: [],
    notes: [],
    durationSec: 300,
    ...over,
  };
}

describe('bench targets and notes', () => {
  it('checks every target of the issue against the figures', () => {
    const { targets } = targetsOf(result());
    const met = Object.fromEntries(targets.map((t) => [t.name, t.met]));
    expect(met).toEqual({
      'TTFT error at 1000 streams': true,
      'gap error at 1000 streams': true,
      'concurrent streams, one k6 on one core': true,
      'chunks/s, one k6 on one core': true,
      'RSS per VU': true,
      'per-VU init': true,
      'RSS per VU, dist/loadtest.js': false,
      'per-VU init, dist/loadtest.js': false,
    });
  });

  it('names the bottleneck of a failed step with the profile and the sim ceiling', () => {
    const { notes } = targetsOf(result());
    expect(notes.some((n) => n.startsWith('1500 streams (') && n.includes('failed (') && n.includes('bottleneck: k6'))).toBe(true);
    expect(notes.some((n) => n.includes('k6 CPU profile at 1500 streams') && n.includes('runtime.memmove (15.00% flat'))).toBe(true);
    expect(notes.some((n) => n.includes('sim alone') && n.includes('41000 chunks/s'))).toBe(true);
    expect(notes.some((n) => n.startsWith('missed: per-VU init, dist/loadtest.js'))).toBe(true);
  });

  it('says when TTFT from the sim\'s arrival is far off the one-clock figure (the sim was slow to accept)', () => {
    const r = result({ accuracy: [run({ users: 1000, ttftVsArrival: err(70, 900) })] });
    expect(targetsOf(r).notes.some((n) => n.includes('streaming at 1000 users: TTFT from the sim') && n.includes('not for k6'))).toBe(true);
    // Both large and close: k6's own stamps were late, the sim is not to blame.
    const k6Late = result({ accuracy: [run({ users: 1000, ttft: err(1722, 2200), ttftVsArrival: err(1723, 2201) })] });
    expect(targetsOf(k6Late).notes.some((n) => n.includes('TTFT from the sim'))).toBe(false);
  });

  it('says a step was sim-limited', () => {
    const r = result();
    const steps = r.capacity?.steps ?? [];
    (steps[1] as { verdict: { simLimited: boolean } }).verdict.simLimited = true;
    expect(targetsOf(r).notes.some((n) => n.includes('bottleneck: the sim (saturated'))).toBe(true);
  });

  it('renders a table with every run, the ceiling and the targets', () => {
    const r = result();
    Object.assign(r, targetsOf(r));
    const text = renderTable(r);
    expect(text).toMatch(/^streaming\s+1000\s+4000\s+0\.4 \/ 3\s+0\.5 \/ 3\.2/m);
    expect(text).toMatch(/^stock\s+50\s+4000\s+n\/a\s+n\/a\s+2 \/ 30\s+n\/a/m);
    expect(text).toContain('ceiling with the accuracy kept: 1000 streams, 24000 chunks/s, limited by k6; load alone: 1500 streams, 30000 chunks/s');
    expect(text).toContain('sim ceiling: 41000 chunks/s');
    expect(text).toContain('MISSED  per-VU init, dist/loadtest.js');
  });
});

describe('bench options', () => {
  it('defaults: full run, three accuracy levels, results named by date', () => {
    const o = parseOptions([], new Date('2026-11-27T10:00:00Z'));
    expect(o.users).toEqual([50, 200, 1000]);
    expect(o.quick).toBe(false);
    expect(o.out).toMatch(/bench\/results\/2026-11-27\.json$/);
    expect(o.stock && o.capacity && o.simCeiling && o.profile).toBe(true);
  });

  it('quick mode is shorter and named apart; every size is an option', () => {
    const q = parseOptions(['--quick'], new Date('2026-11-27T10:00:00Z'));
    expect(q.sustainSec).toBeLessThan(10);
    expect(q.out).toMatch(/2026-11-27-quick\.json$/);
    const o = parseOptions(['--users', '20', '--levels', '100,200', '--no-stock', '--no-loadtest', '--gap-ms', '25', '--out', '/tmp/x.json']);
    expect(o).toMatchObject({ users: [20], levels: [100, 200], stock: false, loadtestUsers: [], gapMs: 25, out: '/tmp/x.json' });
  });

  it('rejects bad sizes by name', () => {
    expect(() => parseOptions(['--users', '0'])).toThrow(/--users/);
    expect(() => parseOptions(['--gap-ms', 'x'])).toThrow(/--gap-ms/);
    expect(() => parseOptions(['--bogus'])).toThrow();
  });
});
