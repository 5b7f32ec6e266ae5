// SSE probe: streams one endpoint per iteration and prints, per request, when each event arrived.
// Use it to see a server's real event timing before a load test, or to compare the streaming and
// stock (buffered) builds:
//   npm run build && npm run k6 -- run -e TARGET_URL=http://127.0.0.1:8080/stream dist/examples/sse-probe.js
// Optional env: METHOD (GET), BODY (request body), HEADERS (JSON object), TIMEOUT_MS (60000), IDLE_TIMEOUT_MS.
// Output: one JSON line per request on the console, event times in ms since the request was written.
import exec from 'k6/execution';
import { send, transportKind } from '#transport';

function env(name: string, fallback?: string): string {
  const v = __ENV[name];
  if (v !== undefined && v !== '') return v;
  if (fallback !== undefined) return fallback;
  throw new Error(`sse-probe: set -e ${name}=... (see the header of scenarios/examples/sse-probe.ts)`);
}

function parseHeaders(raw: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`sse-probe: HEADERS must be a JSON object, got: ${raw.slice(0, 80)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('sse-probe: HEADERS must be a JSON object of strings');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = String(v);
  return out;
}

const target = env('TARGET_URL');
const method = env('METHOD', 'GET');
const body = __ENV.BODY ?? null;
const headers = parseHeaders(env('HEADERS', '{}'));
const timeoutMs = Number(env('TIMEOUT_MS', '60000'));
const idleTimeoutMs = Number(env('IDLE_TIMEOUT_MS', '0'));

const ms = (ns: number) => (ns < 0 ? null : Math.round(ns / 1e3) / 1e3);

/** One probe request; the line it prints is the result. */
export default function probe(): void {
  const res = send({
    method,
    url: target,
    body,
    headers: { ...headers, 'X-Probe-VU': String(exec.vu.idInTest) },
    timeoutMs,
    idleTimeoutMs,
  });
  console.log(
    JSON.stringify({
      probe: 'sse',
      transport: transportKind,
      vu: exec.vu.idInTest,
      iteration: exec.vu.iterationInScenario,
      status: res.status,
      error: res.error ?? null,
      requestId: res.headers['X-Request-Id'] ?? null,
      firstByteMs: ms(res.timings.firstByte),
      endMs: ms(res.timings.end),
      events: res.events.map((e) => ({ tMs: ms(e.t), event: e.event, id: e.id, data: e.data })),
    }),
  );
}
