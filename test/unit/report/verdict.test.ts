// The summary never lets a failed run look like a passed one, and says where each figure came from.
import { describe, expect, it } from 'vitest';
import { errorTallyKey, errorSamples } from '../../../src/metrics/error-tally';
import { buildSummary } from '../../../src/report/build';
import { renderHtml } from '../../../src/report/html';
import type { K6SummaryData } from '../../../src/report/k6-data';
import { renderText } from '../../../src/report/text';
import { counter, fakeRequests, k6Data, runInfo, trend } from './fixture';

const ok = k6Data(fakeRequests(200, 20), 20);
// The fixture's threshold on TTFT fails by design; these tests judge the other reasons, so it passes here.
const passing: K6SummaryData = { ...ok, metrics: { ...ok.metrics, llm_ttft: { ...(ok.metrics.llm_ttft as object), thresholds: { 'p(95)<60': { ok: true } } } as never } };
const failedAll = k6Data(fakeRequests(40, 20, { failAll: true }), 20);
const withMetrics = (extra: K6SummaryData['metrics']): K6SummaryData => ({ ...passing, metrics: { ...passing.metrics, ...extra } });

describe('the verdict', () => {
  it('a run that failed nothing passes, and says so on the line after the title', () => {
    const sum = buildSummary(passing, runInfo());
    expect(sum.run.result).toEqual({ passed: true, failures: [] });
    expect(renderText(sum).split('\n')[1]).toBe('  result ............... passed');
  });

  it('a failed setup is the first thing the summary says, with its error, and fails the run', () => {
    const sum = buildSummary({ metrics: {}, state: { testRunDurationMs: 300 } } as K6SummaryData, runInfo({ setupError: 'log in to the admin API: HTTP 401 invalid credentials' }));
    expect(sum.run.setupError).toBe('log in to the admin API: HTTP 401 invalid credentials');
    expect(sum.run.result.passed).toBe(false);
    const lines = renderText(sum).split('\n');
    expect(lines[1]).toBe('  result ............... FAILED: setup failed: log in to the admin API: HTTP 401 invalid credentials');
    expect(lines[2]).toBe('  ended by ............. setup failed: log in to the admin API: HTTP 401 invalid credentials');
    expect(renderHtml(sum)).toContain('setup failed: log in to the admin API');
  });

  it('a planned cap passes; every guard fails', () => {
    expect(buildSummary(passing, runInfo({ endReason: 'maxRequests reached' })).run.result.passed).toBe(true);
    expect(renderText(buildSummary(passing, runInfo({ endReason: 'maxRequests reached' })))).toContain('ended by ............. maxRequests reached (a planned cap');
    for (const guard of ['maxCostUSD reached', 'maxErrorRate exceeded', 'maxCostUSD reached across the fleet', 'maxDurationSec exceeded', 'no request fits maxCostUSD']) {
      expect(buildSummary(passing, runInfo({ endReason: guard })).run.result).toEqual({ passed: false, failures: [`stopped by a guard: ${guard}`] });
    }
  });

  it('a run whose relay went away fails, even with no threshold on it', () => {
    const data = withMetrics({ 'llm_errors{error_type:relay_unavailable}': { ...counter(3, 20), thresholds: { 'count>=0': { ok: true } } } });
    expect(buildSummary(data, runInfo()).run.result.failures).toEqual(['the stream relay stopped answering (3 request(s))']);
  });
});

describe('what failed, and where', () => {
  it('lists the most frequent error messages with category, status and URL path', () => {
    const samples = errorSamples([
      { key: errorTallyKey('http_4xx', 404, 'http://127.0.0.1:8080/v1/v1/chat/completions', 'HTTP 404: no route'), value: 38 },
      { key: errorTallyKey('connection_error', 0, 'http://127.0.0.1:8080/v1/chat/completions', 'dial tcp 127.0.0.1:8080: connect: connection refused'), value: 2 },
    ]);
    const sum = buildSummary(failedAll, runInfo({ errorSamples: samples }));
    expect(sum.errors.top).toEqual(samples);
    const text = renderText(sum);
    expect(text).toMatch(/^ {4} +38 x http_4xx 404 \/v1\/v1\/chat\/completions: HTTP 404: no route$/m);
    expect(text).toMatch(/^ {4} +2 x connection_error no response \/v1\/chat\/completions: dial tcp/m);
    expect(renderHtml(sum)).toContain('/v1/v1/chat/completions');
  });

  it('says how often users backed off after failures, and for how long', () => {
    const sum = buildSummary(withMetrics({ llm_failure_backoff: trend([500, 1000, 2000]) }), runInfo());
    expect(sum.errors.backoff).toEqual({ count: 3, totalMs: 3500 });
    expect(renderText(sum)).toMatch(/failure backoff \.+ 3 pause\(s\) after failed requests, 3\.5s in all/);
  });
});

describe('figures that carry their source', () => {
  it('gives the share of completion tokens that were estimated, beside the chunks counted', () => {
    const data = withMetrics({
      llm_completion_tokens: counter(940, 20),
      'llm_completion_tokens{token_source:estimate}': { ...counter(940, 20), thresholds: { 'count>=0': { ok: true } } },
      'llm_completion_tokens{token_source:usage}': { ...counter(0, 20), thresholds: { 'count>=0': { ok: true } } },
      llm_chunks: counter(640, 20),
    });
    const sum = buildSummary(data, runInfo());
    expect(sum.tokens).toMatchObject({ completion: 940, estimatedShare: 1, chunks: 640 });
    expect(renderText(sum)).toMatch(/completion 940 \(100\.0% ESTIMATED from text, not the platform's usage; 640 token-bearing chunks\)/);
  });

  it('leads the cache figures with the cached-token ratio, and defines a hit by its ratio', () => {
    const sum = buildSummary(passing, runInfo({ cacheHitMinRatio: 0.8 }));
    expect(sum.cache.cachedTokenRatio).toBeCloseTo(sum.tokens.cached / sum.tokens.prompt, 12);
    expect(sum.cache.hitMinRatio).toBe(0.8);
    expect(renderText(sum)).toMatch(/cached tokens \.+ [\d.]+% of prompt tokens; cached [\d.]+%, uncached/);
    expect(renderText(sum)).toMatch(/cache hits \.+ [\d.]+% of requests \(a hit: 80\.0%\+ of the prompt cached\)/);
  });

  it('reports dropped iterations in the JSON and the text, zero included', () => {
    expect(buildSummary(passing, runInfo()).run.droppedIterations).toBe(0);
    const sum = buildSummary(withMetrics({ dropped_iterations: counter(17, 20) }), runInfo());
    expect(sum.run.droppedIterations).toBe(17);
    expect(renderText(sum)).toMatch(/dropped iterations \.+ 17: iterations k6 did not start for want of a free VU/);
  });

  it('says when the run overran its schedule, and why', () => {
    const long = { ...passing, state: { ...passing.state, testRunDurationMs: 43_000 } } as K6SummaryData;
    const sum = buildSummary(long, runInfo({ schedule: { plannedSec: 13, gracefulStopSec: 30 } }));
    expect(sum.run.schedule).toEqual({ plannedSec: 13, gracefulStopSec: 30, overranSec: 29 });
    expect(renderText(sum)).toMatch(/schedule \.+ planned 13\.0s, overran by 29\.0s: sessions still running at the end were given up to gracefulStopSec \(30\.0s\)/);
  });

  it('names the transport by whether requests were streamed, not only by the relay', () => {
    expect(renderText(buildSummary(passing, runInfo({ streamed: 'none' }))).split('\n')[0]).toContain('relay, not streamed');
    expect(renderText(buildSummary(passing, runInfo({ streamed: 'some' }))).split('\n')[0]).toContain('relay, some test types streamed');
    expect(renderText(buildSummary(passing, runInfo({ transport: 'buffered' }))).split('\n')[0]).toContain('buffered (no relay)');
  });
});
