import { describe, expect, it } from 'vitest';
import { PROMETHEUS_DEFAULTS, rewriteArgs } from '../../scripts/k6-args.mjs';

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
  it('leaves other commands alone and names a bad switch', () => {
    expect(rewriteArgs(['version'], {})).toEqual({ args: ['version'], env: {} });
    expect(rewriteArgs(['run', '--prometheus'], {})).toEqual({ error: expect.stringMatching(/--prometheus needs the Prometheus base URL/) });
    expect(rewriteArgs(['run', '--prometheus', 'prom:9090'], {})).toEqual({ error: expect.stringMatching(/got prom:9090/) });
    expect(rewriteArgs(['inspect', '--prometheus', 'http://p:9090'], {})).toEqual({ error: '--prometheus only applies to `k6 run`' });
  });
});
