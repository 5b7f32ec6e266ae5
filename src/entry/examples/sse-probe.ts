// SSE probe: streams one chat endpoint per iteration and prints, per request, its record: first byte, first
// token, the gaps between token-bearing events, the last one, usage and errors. Use it to see a server's real
// event timing before a load test, or to compare the relay and buffered flavours (dist/stock/):
//   npm run build && npm run k6 -- run -e TARGET_URL=http://127.0.0.1:8080/stream dist/examples/sse-probe.js
// Optional env: METHOD (GET), BODY (request body), HEADERS (JSON object), TIMEOUT_MS (60000), IDLE_TIMEOUT_MS.
// Output: one JSON line per request on the console, times in ms since the request was written.
import exec from 'k6/execution';
import { bindSession, openSession, send, transportKind } from '#transport';

function env(name: string, fallback?: string): string {
  const v = __ENV[name];
  if (v !== undefined && v !== '') return v;
  if (fallback !== undefined) return fallback;
  throw new Error(`sse-probe: set -e ${name}=... (see the header of src/entry/examples/sse-probe.ts)`);
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

const ms = (v: number) => (v < 0 ? null : Math.round(v * 1e3) / 1e3);

/** Opens the stream relay's session for this process, naming the one target it may reach. */
export function setup(): { relaySession?: string } {
  return { relaySession: openSession([target]) };
}

/** One probe request; the line it prints is the result. */
export default function probe(data: { relaySession?: string }): void {
  bindSession(data.relaySession);
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
      firstByteMs: ms(res.ttfbMs),
      ttftMs: ms(res.ttftMs),
      e2eMs: ms(res.e2eMs),
      endMs: ms(res.endMs),
      events: res.events,
      chunks: res.chunks,
      itlMs: res.itlMs.map((g) => ms(g)),
      usage: res.usage,
      finishReason: res.finishReason || null,
    }),
  );
}
