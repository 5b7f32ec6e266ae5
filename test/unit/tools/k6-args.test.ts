import { describe, expect, it } from 'vitest';
import { PROMETHEUS_DEFAULTS, rewriteArgs, wrapperHelp, wrapperPlan } from '../../../tools/k6-args';

describe('npm run k6 -- run --prometheus URL', () => {
  it('turns on remote-write with native histograms, trend stats and a push interval', () => {
    const r = rewriteArgs(['run', '--prometheus', 'http://127.0.0.1:9090', '-e', 'CONFIG=c.yaml', 'dist/loadtest.js'], {});
    expect(r).toEqual({
      args: ['run', '-o', 'experimental-prometheus-rw', '-e', 'CONFIG=c.yaml', 'dist/loadtest.js'],
      env: { K6_PROMETHEUS_RW_SERVER_URL: 'http://127.0.0.1:9090/api/v1/write', ...PROMETHEUS_DEFAULTS },
    });
  });
  it('accepts --prometheus=URL and a URL already ending in the write path; settings in the env win', () => {
    const r = rewriteArgs(['run', '--prometheus=http://prom:9090/api/v1/write/', 'x.js'], { K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s' });
    expect('env' in r && r.env.K6_PROMETHEUS_RW_SERVER_URL).toBe('http://prom:9090/api/v1/write');
    expect('env' in r && r.env.K6_PROMETHEUS_RW_PUSH_INTERVAL).toBeUndefined();
  });
  it('turns on remote-write without a run id it cannot know: no RUN_ID and no readable CONFIG (an archive, say)', () => {
    const r = rewriteArgs(['run', '--prometheus', 'http://p:9090', 'archive.tar'], {}, io({}));
    expect('args' in r && r.args).toEqual(['run', '-o', 'experimental-prometheus-rw', 'archive.tar']);
  });
  it('leaves other commands alone and names a bad switch', () => {
    expect(rewriteArgs(['version'], {})).toEqual({ args: ['version'], env: {} });
    expect(rewriteArgs(['run', '--prometheus'], {})).toEqual({ error: expect.stringMatching(/--prometheus needs the Prometheus base URL/) });
    expect(rewriteArgs(['run', '--prometheus', 'prom:9090'], {})).toEqual({ error: expect.stringMatching(/got prom:9090/) });
    expect(rewriteArgs(['inspect', '--prometheus', 'http://p:9090'], {})).toEqual({ error: '--prometheus only applies to `k6 run`' });
  });
});

describe('npm run k6 shares its command line with k6', () => {
  it('answers --help itself only when no k6 command is given: `run --help` is k6\'s', () => {
    expect([wrapperHelp(['--help']), wrapperHelp(['-h']), wrapperHelp(['-q', '--help'])]).toEqual([true, true, true]);
    expect([wrapperHelp(['run', '--help']), wrapperHelp(['help']), wrapperHelp([])]).toEqual([false, false, false]);
  });
  it('refuses a flag no k6 command follows, naming it; --version and nothing at all go to k6', () => {
    expect(rewriteArgs(['--bogus'], {})).toEqual({ error: expect.stringMatching(/^--bogus: not a flag of this wrapper, and no k6 command to take it/) });
    expect(rewriteArgs(['--version'], {})).toEqual({ args: ['--version'], env: {} });
    expect(rewriteArgs([], {})).toEqual({ args: [], env: {} });
    expect(rewriteArgs(['run', '--bogus', 'x.js'], {})).toEqual({ args: ['run', '--bogus', 'x.js'], env: {} });
  });
});

/** Files and clock for rewriteArgs, so a test needs no config on disk. */
function io(files: Record<string, string>, now = new Date('2026-11-27T12:00:00.123Z')) {
  return {
    readText: (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    now: () => now,
  };
}

const config = (extra = '') => `apiVersion: loadtest.ai-aas.dev/v1\nkind: LoadTestScenario\nmetadata:\n  name: Multi-Org\nspec:\n  run:\n    seed: 1\n${extra}`;
const argsOf = (r: ReturnType<typeof rewriteArgs>) => ('args' in r ? r.args : r.error);
const envOf = (r: ReturnType<typeof rewriteArgs>) => ('env' in r ? r.env : r.error);

describe('--prometheus tags every series, k6 built-ins included, with the run id k6 will choose', () => {
  const run = (...extra: string[]) => ['run', '--prometheus', 'http://p:9090', ...extra, 'dist/loadtest.js'];

  it('RUN_ID from the environment or -e wins, as in src/runtime/run.ts', () => {
    expect(argsOf(rewriteArgs(run(), { RUN_ID: 'from-env' }, io({})))).toEqual(['run', '-o', 'experimental-prometheus-rw', '--tag', 'testid=from-env', 'dist/loadtest.js']);
    const r = rewriteArgs(run('-e', 'RUN_ID=from-arg', '--env=CONFIG=/c.yaml'), { RUN_ID: 'from-env' }, io({ '/c.yaml': config('    id: from-config\n') }));
    expect(argsOf(r)).toContain('testid=from-arg');
    expect(envOf(r)).not.toHaveProperty('RUN_ID');
  });

  it("then the config's spec.run.id, the config found through CONFIG relative to PWD", () => {
    const r = rewriteArgs(run('-e', 'CONFIG=configs/c.yaml'), { PWD: '/repo' }, io({ '/repo/configs/c.yaml': config('    id: from-config\n') }));
    expect(argsOf(r)).toContain('testid=from-config');
    expect(envOf(r)).not.toHaveProperty('RUN_ID');
  });

  it('else an id made here and handed to k6 as RUN_ID, so the tag and k6’s own id are one value', () => {
    const r = rewriteArgs(run(), { CONFIG: '/c.yaml' }, io({ '/c.yaml': config() }));
    expect(argsOf(r)).toContain('testid=multi-org-20261127-120000');
    expect(envOf(r)).toMatchObject({ RUN_ID: 'multi-org-20261127-120000' });
  });

  it('keeps a testid tag given on the command line, and skips one it cannot know', () => {
    expect(argsOf(rewriteArgs(run('--tag', 'testid=mine'), { RUN_ID: 'x' }, io({})))).toEqual(['run', '-o', 'experimental-prometheus-rw', '--tag', 'testid=mine', 'dist/loadtest.js']);
    expect(argsOf(rewriteArgs(run(), { CONFIG: '/missing.yaml' }, io({})))).not.toContain('--tag');
    expect(argsOf(rewriteArgs(run(), { CONFIG: '/bad.yaml' }, io({ '/bad.yaml': 'metadata: [' })))).not.toContain('--tag');
  });
});

describe('the wrappers give k6 run its own REST API port and a relay', () => {
  it('adds --address 127.0.0.1:0 (a free port) and asks for a relay', () => {
    expect(wrapperPlan(['run', '-q', 'dist/loadtest.js'], {})).toEqual({ args: ['run', '--address', '127.0.0.1:0', '-q', 'dist/loadtest.js'], relay: true });
  });
  it('keeps an address the user gave, and a relay URL from the env or -e', () => {
    for (const a of [['--address', '127.0.0.1:7000'], ['--address=127.0.0.1:7000'], ['-a', 'localhost:7000']]) {
      expect(wrapperPlan(['run', ...a, 'x.js'], {}).args).toEqual(['run', ...a, 'x.js']);
    }
    expect(wrapperPlan(['run', 'x.js'], { LLM_RELAY_URL: 'http://127.0.0.1:8391' }).relay).toBe(false);
    expect(wrapperPlan(['run', '-e', 'LLM_RELAY_URL=http://127.0.0.1:8391', 'x.js'], {}).relay).toBe(false);
    expect(wrapperPlan(['run', '--env=LLM_RELAY_URL=http://127.0.0.1:8391', 'x.js'], {}).relay).toBe(false);
  });
  it('leaves other subcommands alone', () => {
    expect(wrapperPlan(['version'], {})).toEqual({ args: ['version'], relay: false });
    expect(wrapperPlan(['archive', 'x.js'], {})).toEqual({ args: ['archive', 'x.js'], relay: false });
  });
});
