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
    k6: { cores: 0.5, cpuSecPer1000Chunks: 0.0208, peakRssMiB: 900, initMs: 2500, sysCores: 0.1 },
    relay: { cores: 0.3, cpuSecPer1000Chunks: 0.0125, peakRssMiB: 40, sysCores: 0.15 },
    client: { cores: 0.8, cpuSecPer1000Chunks: 0.0333, usPerChunk: 33.3 },
    workload: { model: 'gpt-4o', tokens: 64, gapMs: 40 },
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
  const failing = { pass: false, held: true, simLimited: false, reasons: ['gap error p99 9 ms > 5 ms'] };
  const step = { ...run({ users: 1500, chunksPerSec: 30000, profileTop: profile, k6: { cores: 0.99, cpuSecPer1000Chunks: 0.033, peakRssMiB: 1400, initMs: 3000 } }), verdict: failing, targetVerdict: { ...failing } };
  return {
    schema: 'ai-aas-loadtest/bench/v1',
    date: '2026-11-27T00:00:00.000Z',
    commit: '0123456789abcdef0123456789abcdef01234567',
    quick: false,
    options: {},
    machine: { loadavgStart: '0.1 0.1 0.1 1/1 1', loadavgEnd: '0.2 0.1 0.1 1/1 1' },
    workload: {},
    accuracy: [run({ users: 50, chunksPerSec: 1200 }), run({ flavour: 'stock', users: 50, ttft: null, ttftVsArrival: null, gap: null, e2e: err(2, 30), selfCheck: { verdict: 'unavailable' } }), run()],
    streamsCapacity: null,
    capacity: {
      limits: { medianAbsMs: 1, p99AbsMs: 5 },
      targetLimits: { medianAbsMs: 0.5, p99AbsMs: 2 },
      plan: [1000, 1500],
      workload: { model: 'gpt-4o', tokens: 64, gapMs: 40 },
      steps: [{ ...run(), verdict: { pass: true, held: true, simLimited: false, reasons: [] }, targetVerdict: { pass: false, held: true, simLimited: false, reasons: ['TTFT error p99 3 ms > 2 ms'] } }, step],
      targetCeiling: { streams: 0, chunksPerSec: 0, limitedBy: 'k6', held: { streams: 1500, chunksPerSec: 30000, limitedBy: 'levels' }, clientCores: null, usPerChunk: null },
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
      'client CPU (k6 + relay) per streamed chunk, 64-chunk streams': false,
      'TTFT error at 1000 streams, k6 and the relay on one core': false,
      'gap error at 1000 streams, k6 and the relay on one core': true,
      'concurrent streams, k6 + relay on one core, 0.5 / 2 ms kept': false,
      'chunks/s per client core, 0.5 / 2 ms kept': false,
      'RSS per VU, dist/loadtest.js (k6)': false,
      'per-VU init, dist/loadtest.js': false,
      'TTFT error at 1000 streams': true,
      'gap error at 1000 streams': true,
      'concurrent streams, one k6 on one core': true,
      'chunks/s, one k6 on one core': true,
      'RSS per VU': true,
      'per-VU init': true,
      'RSS per VU, dist/loadtest.js': false,
    });
    // Both sets: issue 13's targets and the original ones, each labelled.
    expect(targets.filter((t) => t.set === 'issue-13')).toHaveLength(7);
    expect(targets.filter((t) => t.set === 'original')).toHaveLength(8);
    expect(targets.find((t) => t.name.startsWith('client CPU'))?.measured).toContain('33.3 µs at 1000 streams: k6 0.5 core (20.8 µs/chunk, 20% of it in the kernel), relay 0.3 core (12.5 µs/chunk, 50% of it in the kernel)');
  });

  it('leaves a rate target undecided, not missed, when only the sim stopped it', () => {
    const r = result();
    (r.capacity as NonNullable<BenchResult['capacity']>).targetCeiling = { streams: 1000, chunksPerSec: 24000, limitedBy: 'sim', held: { streams: 1000, chunksPerSec: 24000, limitedBy: 'sim' }, clientCores: 0.5, usPerChunk: 20 };
    const t = targetsOf(r).targets.find((x) => x.name === 'chunks/s per client core, 0.5 / 2 ms kept');
    expect(t?.met).toBeNull();
    expect(t?.measured).toContain('48000 per client core');
    expect(t?.measured).toContain('1 core / CPU per chunk = 50000 chunks/s');
  });

  it('names the bottleneck of a failed step with the profile and the sim ceiling', () => {
    const { notes } = targetsOf(result());
    expect(notes.some((n) => n.startsWith('1500 streams (') && n.includes('failed (') && n.includes('bottleneck: the client core (k6 0.99 core'))).toBe(true);
    expect(notes.some((n) => n.includes('k6 CPU profile at 1500 streams') && n.includes('runtime.memmove (15.00% flat'))).toBe(true);
    expect(notes.some((n) => n.includes('sim alone') && n.includes('41000 chunks/s'))).toBe(true);
    expect(notes.some((n) => n.startsWith('missed (issue-13): per-VU init, dist/loadtest.js'))).toBe(true);
    expect(notes.some((n) => n.startsWith('1000 streams (') && n.includes('issue-13 bounds: TTFT error p99 3 ms > 2 ms'))).toBe(true);
    expect(notes.some((n) => n.startsWith('50 users: client CPU per chunk 33.3 µs streaming'))).toBe(true);
    expect(notes.some((n) => n.includes('disturbed'))).toBe(false);
    const busy = result({ accuracy: [run({ machine: { busyCores: 1.9, otherCores: 0.5, stealCores: 0 } })] });
    expect(targetsOf(busy).notes).toContain('streaming at 1000 users (40 ms gaps): other processes used 0.5 cores meanwhile, so its figures are disturbed');
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
    expect(text).toContain('ceiling with the original accuracy (1 ms median / 5 ms p99) kept: 1000 streams, 24000 chunks/s, limited by k6; load alone: 1500 streams, 30000 chunks/s');
    expect(text).toContain("ceiling with issue 13's accuracy (0.5 ms / 2 ms) kept: 0 streams");
    expect(text).toMatch(/^1000\s+24000\s+0\.4 \/ 3\s+0\.05 \/ 2\s+0\.5\s+0\.3\s+0\.033\s+33\.3\s+900\s+40\s+0\.7\s+pass\s+fail$/m);
    expect(text).toContain('sim ceiling: 41000 chunks/s');
    expect(text).toContain('MISSED  [issue-13] per-VU init, dist/loadtest.js');
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

  it('--gateway measures a gateway in front of a running sim (default the sim CLI\'s router), named apart', () => {
    const o = parseOptions(['--gateway', 'http://127.0.0.1:9000/', '--gateway-users', '4'], new Date('2026-11-27T10:00:00Z'));
    expect(o).toMatchObject({ gateway: 'http://127.0.0.1:9000', sim: 'http://127.0.0.1:8080', gatewayUsers: 4 });
    expect(o.out).toMatch(/2026-11-27-gateway\.json$/);
    expect(parseOptions([]).gateway).toBeNull();
    expect(() => parseOptions(['--gateway', 'localhost:9000'])).toThrow(/--gateway needs a base URL/);
    expect(() => parseOptions(['--sim', 'http://127.0.0.1:8080'])).toThrow(/go with --gateway/);
  });

  it('rejects bad sizes by name', () => {
    expect(() => parseOptions(['--users', '0'])).toThrow(/--users/);
    expect(() => parseOptions(['--gap-ms', 'x'])).toThrow(/--gap-ms/);
    expect(() => parseOptions(['--bogus'])).toThrow();
  });
});
