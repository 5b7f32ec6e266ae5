// A custom scenario built from the library: every VU sends one fixed prompt in a closed loop to any
// OpenAI-compatible endpoint with a key you already have, and gets the harness's streaming metrics
// (llm_ttft, llm_tpot, llm_itl, cost...) without provisioning anything. Copy it as a starting point.
//   npm run build && npm run k6 -- run -e BASE_URL=http://127.0.0.1:8080 -e API_KEY=... \
//     -e MODEL=gpt-4o -e PROMPT="Explain KV caching" --vus 5 --duration 30s dist/examples/fixed-prompt.js
import { sleep } from 'k6';
import { bindSession, openSession, transportKind } from '#transport';
import { chatOnce } from '../../llm/chat/client';
import { requestCostUSD, resolvePrice } from '../../spend/cost';
import { recordRequest } from '../../metrics/record';
import { estimateTokens } from '../../behaviour/questions/prompt-size';

function required(name: string): string {
  const v = __ENV[name];
  if (!v) throw new Error(`fixed-prompt: set -e ${name}=... (see the header of src/entry/examples/fixed-prompt.ts)`);
  return v;
}

const baseUrl = required('BASE_URL');
const apiKey = required('API_KEY');
const model = __ENV.MODEL || 'gpt-4o';
const prompt = __ENV.PROMPT || 'In three sentences, why does a prefix KV cache lower time to first token?';
const maxTokens = Number(__ENV.MAX_TOKENS || '128');
const pauseSec = Number(__ENV.PAUSE_SEC || '1');

/** Opens the stream relay's session for this process, naming the one target it may reach. */
export function setup(): { relaySession?: string } {
  return { relaySession: openSession([baseUrl]) };
}

/** One request, recorded exactly as the config-driven load test records its requests. */
export default function fixedPrompt(data: { relaySession?: string }): void {
  bindSession(data.relaySession);
  const tags = { org: 'static', model, test_type: 'fixed_prompt', salt_scope: 'none' as const, transport: transportKind };
  const outcome = chatOnce(
    { routerUrl: baseUrl, apiKey, timeoutMs: 60_000, idleTimeoutMs: 30_000, tags: { model, test_type: 'fixed_prompt' } },
    { model, messages: [{ role: 'user', content: prompt }], maxTokens, temperature: 0, stream: true, includeUsage: true },
    estimateTokens(prompt),
  );
  const cost = outcome.ok ? requestCostUSD(resolvePrice(model), outcome.promptTokens, outcome.completionTokens, outcome.cachedTokens) : 0;
  recordRequest(outcome, tags, { costUSD: cost, cacheHit: outcome.ok && outcome.cachedTokens > 0 });
  sleep(pauseSec);
}
