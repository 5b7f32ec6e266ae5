// The summary carries the load generator's self-check, and the text warns when the relay or k6 neared its ceiling.
import { describe, expect, it } from 'vitest';
import { buildSummary, renderText } from '../../../src/report/index';
import type { SelfCheckSnapshot } from '../../../src/llm/transport/types';
import { runInfo } from './fixture';

const data = { metrics: {}, state: { testRunDurationMs: 10_000 } };
const busy: SelfCheckSnapshot = {
  started: true,
  wallSeconds: 10,
  cpuSeconds: 9.5,
  cpuSecondsTotal: 11,
  gomaxprocs: 1,
  numCpu: 2,
  windowSeconds: 1,
  windowCores: [0.95, 0.96, 0.94],
  lagIntervalMs: 10,
  lagSamples: 900,
  lagMeanMs: 3,
  lagP50Ms: 2,
  lagP99Ms: 40,
  lagMaxMs: 90,
  k6: null,
};

describe('summary selfCheck', () => {
  it('judges the reading and prints a warning under the title', () => {
    const sum = buildSummary(data, runInfo({ selfCheck: busy }));
    expect(sum.selfCheck.verdict).toBe('warn');
    expect(sum.selfCheck.warnings).toHaveLength(2);
    const text = renderText(sum);
    expect(text.split('\n')[2]).toMatch(/^ {2}WARNING: the load generator neared its own ceiling, so the latencies below are inflated: the relay used 95% of its 1 core/);
    expect(text).toMatch(/self-check \.+ WARNING: relay CPU 0\.95 of 1 core\(s\)/);
  });

  it('says unavailable without the relay, and when the run did not read it', () => {
    const stock = buildSummary(data, runInfo({ transport: 'buffered', selfCheck: null }));
    expect(stock.selfCheck).toMatchObject({ verdict: 'unavailable', cpu: null, lag: null });
    expect(renderText(stock)).toMatch(/self-check \.+ unavailable: the buffered transport has no relay/);
    expect(renderText(stock)).not.toContain('WARNING');
    expect(buildSummary(data, runInfo()).selfCheck.reason).toBe('the run did not read its self-check');
  });
});
