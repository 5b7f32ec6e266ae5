// The scenario `npm run bench` drives (bench/README.md): every VU streams chat completions back to back
// through the harness's own path (transport, response analysis per the metric definitions, llm_* metrics),
// logging one JSON line per request like LOADTEST_REQUEST_LOG, so each request can be matched by its
// x-request-id to the target's ground truth. It provisions nothing and parses no config, so a VU costs
// what the streaming engine costs; the bench measures the config-driven dist/loadtest.js separately.
//   npm run k6 -- run -e BASE_URL=http://127.0.0.1:8080 -e API_KEY=... -e VUS=100 -e RAMP_SEC=3 \
//     -e SUSTAIN_SEC=20 --console-output requests.log dist/bench.js
// Env: BASE_URL, API_KEY (required); VUS (10), RAMP_SEC (1), SUSTAIN_SEC (10), MODEL (gpt-4o),
// MAX_TOKENS (64), SUMMARY (path of summary.json, default bench-summary.json), LOG (1: request lines).
import { bindSession, openSession, selfCheck, transportKind } from '#transport';
import { chatOnce } from '../llm/chat/client';
import { recordRequest } from '../metrics/record';
import { buildSummary, renderText, type K6SummaryData } from '../report/index';

function required(name: string): string {
  const v = __ENV[name];
  if (!v) throw new Error(`bench: set -e ${name}=... (see the header of src/entry/bench.ts)`);
  return v;
}

const baseUrl = required('BASE_URL');
const apiKey = required('API_KEY');
const model = __ENV.MODEL || 'gpt-4o';
const maxTokens = Number(__ENV.MAX_TOKENS || '64');
const vus = Number(__ENV.VUS || '10');
const rampSec = Number(__ENV.RAMP_SEC || '1');
const sustainSec = Number(__ENV.SUSTAIN_SEC || '10');
const logRequests = (__ENV.LOG || '1') === '1';
const prompt = 'Explain in one paragraph why a prefix KV cache lowers time to first token.';

export const options = {
  scenarios: {
    bench: {
      executor: 'ramping-vus',
      startVUs: 0,
      // Starts spread over the ramp (about one stream's length), so chunk deadlines are not in lockstep.
      stages: [
        { duration: `${rampSec}s`, target: vus },
        { duration: `${sustainSec}s`, target: vus },
      ],
      gracefulStop: '1s',
      gracefulRampDown: '1s',
    },
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'],
};

const tags = { org: 'bench', model, test_type: 'bench', salt_scope: 'none' as const, transport: transportKind };
const target = { routerUrl: baseUrl, apiKey, timeoutMs: 60_000, idleTimeoutMs: 30_000, tags: { model, test_type: 'bench' } };
const chat = { model, messages: [{ role: 'user' as const, content: prompt }], maxTokens, temperature: 0, stream: true, includeUsage: true };

/** Opens the stream relay's session for this process, naming the one target it may reach. */
export function setup(): { relaySession?: string } {
  return { relaySession: openSession([baseUrl]) };
}

/** One request, recorded as the config-driven load test records its requests. */
export default function benchRequest(data: { relaySession?: string }): void {
  bindSession(data.relaySession);
  const o = chatOnce(target, chat, 16);
  recordRequest(o, tags, { costUSD: 0, cacheHit: false });
  if (logRequests) {
    console.log(
      JSON.stringify({
        request: { requestId: o.requestId ?? null, ok: o.ok, status: o.status, errorType: o.error?.category ?? null, sentAtMs: o.sentAtMs ?? null, ttftMs: o.ttftMs ?? null, e2eMs: o.e2eMs ?? null, itlMs: o.itlMs },
      }),
    );
  }
}

/** summary.json (with the self-check block) and the text summary. */
export function handleSummary(data: K6SummaryData): Record<string, string> {
  bindSession((data as { setup_data?: { relaySession?: string } }).setup_data?.relaySession);
  const durationMs = (data.state as { testRunDurationMs?: number } | undefined)?.testRunDurationMs ?? 0;
  const summary = buildSummary(data, {
    runId: __ENV.RUN_ID || 'bench',
    scenarioName: 'bench',
    labels: {},
    seed: 0,
    transport: transportKind,
    startedAt: new Date(Date.now() - durationMs).toISOString(),
    orgs: [],
    testTypes: [{ name: 'bench', weight: 1 }],
    thinkTime: { configuredMeanMs: 0, minMs: 0, maxMs: 0, distribution: 'uniform' },
    selfCheck: selfCheck ? selfCheck() : null,
  });
  return { stdout: renderText(summary), [__ENV.SUMMARY || 'bench-summary.json']: `${JSON.stringify(summary, null, 2)}\n` };
}
