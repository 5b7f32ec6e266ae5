// The one switch for metrics to Prometheus: `npm run k6 -- run --prometheus http://host:9090 ...`
// becomes k6's remote-write output with the settings the dashboards need. Kept apart from k6.mjs so
// the rewriting is unit tested.

/** Default remote-write settings; any already in the environment wins. */
export const PROMETHEUS_DEFAULTS = {
  K6_PROMETHEUS_RW_PUSH_INTERVAL: '5s',
  // The dashboards' percentiles merge native histograms across pods; trend stats serve setups without them.
  K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true',
  K6_PROMETHEUS_RW_TREND_STATS: 'p(50),p(90),p(95),p(99),avg,min,max',
};

/** The remote-write endpoint for a Prometheus base URL (an endpoint URL is kept as it is). */
export function prometheusWriteUrl(url) {
  return url.replace(/\/+$/, '').replace(/(\/api\/v1\/write)?$/, '/api/v1/write');
}

/**
 * Rewrites k6 arguments: `--prometheus URL` (or `--prometheus=URL`) turns into `-o experimental-prometheus-rw`
 * plus env for the remote-write endpoint. Returns the args for k6 and the env to add, or an error message.
 */
export function rewriteArgs(args, env) {
  const out = [];
  let url;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--prometheus' || a.startsWith('--prometheus=')) {
      url = a === '--prometheus' ? args[++i] : a.slice('--prometheus='.length);
      if (!url || !/^https?:\/\/[^\s/]+/.test(url)) return { error: `--prometheus needs the Prometheus base URL, e.g. --prometheus http://127.0.0.1:9090 (got ${url ?? 'nothing'})` };
      continue;
    }
    out.push(a);
  }
  if (url === undefined) return { args: out, env: {} };
  const runAt = out.indexOf('run');
  if (runAt < 0) return { error: '--prometheus only applies to `k6 run`' };
  out.splice(runAt + 1, 0, '-o', 'experimental-prometheus-rw');
  const added = { K6_PROMETHEUS_RW_SERVER_URL: prometheusWriteUrl(url) };
  for (const [k, v] of Object.entries(PROMETHEUS_DEFAULTS)) if (env[k] === undefined) added[k] = v;
  return { args: out, env: added };
}
