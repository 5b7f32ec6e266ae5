import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { chatRequestBody } from '../llm/chat/request';
import { needsStreamCheck, preflightError, probeFailure, probePassed, type KeySource, type PreflightProbe, type ProbeAnswer } from './preflight';

/** Where and with what the pre-flight probes go. */
interface PreflightSpec {
  chatUrl: string;
  /** A provisioned key; empty against a server without auth. */
  apiKey: string;
  keys: KeySource;
  probes: PreflightProbe[];
  includeUsage: boolean;
  timeoutMs: number;
  log: (msg: string) => void;
}

type Resp = RefinedResponse<ResponseType | undefined>;

/**
 * Sends the probes at once through k6/http, not the stream relay, so none of them reaches the run's llm_* metrics
 * or its shared counters; throws one line naming every failure and what to change.
 */
export function runPreflight(spec: PreflightSpec): void {
  const answers = send(spec, spec.probes);
  const checks = spec.probes.filter((p, i) => needsStreamCheck(p, answers[i] as ProbeAnswer) && !spec.probes.some((q) => q.model === p.model && !q.stream));
  const confirm = send(
    spec,
    checks.map((p) => ({ ...p, stream: false })),
  );
  const nonStreamWorks = (model: string): boolean | undefined => {
    const planned = spec.probes.findIndex((q) => q.model === model && !q.stream);
    if (planned >= 0) return probePassed({ stream: false }, answers[planned] as ProbeAnswer);
    const k = checks.findIndex((q) => q.model === model);
    return k >= 0 ? probePassed({ stream: false }, confirm[k] as ProbeAnswer) : undefined;
  };
  const failures: string[] = [];
  spec.probes.forEach((p, i) => {
    const a = answers[i] as ProbeAnswer;
    if (probePassed(p, a)) return;
    const line = probeFailure(p, a, spec.keys, p.stream ? nonStreamWorks(p.model) : undefined);
    if (failures.indexOf(line) < 0) failures.push(line);
  });
  if (failures.length > 0) throw new Error(preflightError(failures));
  spec.log(`pre-flight: ${spec.probes.map((p) => `${p.model} ${p.stream ? 'streaming' : 'non-streaming'}`).join(', ')} answered`);
}

function send(spec: PreflightSpec, probes: PreflightProbe[]): ProbeAnswer[] {
  if (probes.length === 0) return [];
  const responses = http.batch(
    probes.map((p) => ({
      method: 'POST',
      url: spec.chatUrl,
      body: chatRequestBody({
        model: p.model,
        messages: [{ role: 'user', content: 'Reply with one word.' }],
        maxTokens: 1,
        temperature: 0,
        stream: p.stream,
        includeUsage: spec.includeUsage,
      }),
      params: {
        headers: {
          'Content-Type': 'application/json',
          Accept: p.stream ? 'text/event-stream' : 'application/json',
          ...(spec.apiKey === '' ? {} : { Authorization: `Bearer ${spec.apiKey}` }),
        },
        timeout: `${spec.timeoutMs}ms`,
        responseType: 'text' as const,
        tags: { name: 'pre-flight' },
      },
    })),
  ) as Resp[];
  return responses.map((r) => {
    const a: ProbeAnswer = { status: r.status, body: typeof r.body === 'string' ? r.body : '', contentType: r.headers['Content-Type'] ?? '' };
    if (r.status === 0) a.error = r.error || 'no response';
    return a;
  });
}
