import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { sleep } from 'k6';
import { chatRequestBody } from '../llm/chat/request';
import { RevocationWatch, type RevocationOutcome } from './revocation-probe';

/** Where and how long to probe revoked keys. */
interface RevocationProbeSpec {
  chatUrl: string;
  model: string;
  /** The revoked keys' secrets. */
  secrets: string[];
  /** When revocation began (cleanup started), epoch ms. */
  fromMs: number;
  maxSeconds: number;
  intervalMs: number;
  timeoutMs: number;
}

/**
 * Sends the revoked keys a one-token request each round until the router refuses them all or `maxSeconds` have
 * passed since revocation began, so at most keys x (maxSeconds / interval + 1) requests.
 */
export function probeRevokedKeys(spec: RevocationProbeSpec): RevocationOutcome {
  const watch = new RevocationWatch(spec.secrets.length, spec.fromMs);
  const body = chatRequestBody({ model: spec.model, messages: [{ role: 'user', content: 'Reply with one word.' }], maxTokens: 1, temperature: 0, stream: false, includeUsage: false });
  const endMs = spec.fromMs + spec.maxSeconds * 1000;
  for (let pending = watch.pending(); pending.length > 0 && Date.now() < endMs; pending = watch.pending()) {
    const sentMs = Date.now();
    const responses = http.batch(
      pending.map((i) => ({
        method: 'POST',
        url: spec.chatUrl,
        body,
        params: {
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${spec.secrets[i] as string}` },
          timeout: `${Math.max(1, Math.min(spec.timeoutMs, endMs - sentMs))}ms`,
          responseType: 'none' as const,
          tags: { name: 'revoked-key probe' },
        },
      })),
    ) as RefinedResponse<ResponseType | undefined>[];
    responses.forEach((r, k) => watch.record(pending[k] as number, r.status, sentMs));
    if (watch.pending().length > 0) sleep(Math.min(spec.intervalMs, Math.max(0, endMs - Date.now())) / 1000);
  }
  return watch.outcome(Date.now());
}
