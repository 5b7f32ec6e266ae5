import type { TestType } from '../config/schema';

/** One pre-flight request: a model in one mode, and the test types that will send it so. */
export interface PreflightProbe {
  model: string;
  stream: boolean;
  testTypes: string[];
}

/** What came back for a probe: status 0 when nothing did (then `error` says why). */
export interface ProbeAnswer {
  status: number;
  body: string;
  contentType: string;
  error?: string;
}

/** Where the probe's key came from, for the words of a rejected key. */
export type KeySource = 'issued' | 'static';

/** Every (model, stream) pair the test types can send, in the order the test types name them. */
export function preflightProbes(testTypes: readonly TestType[], defaultModel: string): PreflightProbe[] {
  const probes: PreflightProbe[] = [];
  for (const t of testTypes) {
    const mt = t.modelTargeting;
    const models = mt ? [...(mt.slmModels ?? []), ...(mt.mediumModels ?? []), ...(mt.largeModels ?? [])] : [defaultModel];
    for (const model of models) {
      const known = probes.find((p) => p.model === model && p.stream === t.streamingResponse);
      if (!known) probes.push({ model, stream: t.streamingResponse, testTypes: [t.name] });
      else if (known.testTypes.indexOf(t.name) < 0) known.testTypes.push(t.name);
    }
  }
  return probes;
}

/** Whether an answer shows the key and the route work: 2xx, or 429 (rate limits come after auth and routing). */
export function probePassed(probe: Pick<PreflightProbe, 'stream'>, a: ProbeAnswer): boolean {
  if (a.status === 429) return true;
  if (a.status < 200 || a.status >= 300) return false;
  return !probe.stream || isEventStream(a);
}

/** Whether a streamed probe's failure needs a non-streaming probe of the same model to tell what is wrong. */
export function needsStreamCheck(probe: PreflightProbe, a: ProbeAnswer): boolean {
  return probe.stream && !probePassed(probe, a) && (a.status >= 500 || (a.status >= 200 && a.status < 300)) && errorCode(a) !== 'ROUTING_ERROR';
}

/**
 * The line that says what a failed probe means and what to change; `nonStreamWorks` is whether the same model
 * answered a non-streaming request (known only for a streamed probe that failed after routing).
 */
export function probeFailure(probe: PreflightProbe, a: ProbeAnswer, keys: KeySource, nonStreamWorks?: boolean): string {
  const types = `test type${probe.testTypes.length > 1 ? 's' : ''} ${probe.testTypes.join(', ')}`;
  if (a.status === 0) return `cannot reach the router (${a.error ?? 'no response'}): check spec.targets.apiRouterUrl`;
  const what = answerText(a);
  if (a.status === 401 || a.status === 403) {
    return keys === 'issued'
      ? `key rejected (${what}) right after it was issued: the admin API issues keys the router does not accept`
      : `key rejected (${what}): check the static keys (spec.platform.staticKeysEnv or staticKeysFile)`;
  }
  if (errorCode(a) === 'ROUTING_ERROR' || a.status === 404) {
    return `model ${probe.model} has no route (${what}): route it on the platform, or change the models of ${types}`;
  }
  if (probe.stream && nonStreamWorks === true) {
    const answered = a.status >= 200 && a.status < 300 ? `${a.status} with ${a.contentType || 'no content type'}, not an SSE stream` : what.replace(/: (.*)$/, ' ($1)');
    return `this router answers stream:true with ${answered}: set streamingResponse: false (${types}), or fix the router`;
  }
  return `model ${probe.model} (stream:${probe.stream}) answered ${what}: fix the platform, or change ${types}`;
}

/** The run-stopping line for all failures: one line, naming the way to skip the check. */
export function preflightError(failures: string[]): string {
  return `pre-flight failed, no load was sent: ${failures.join('; ')} (spec.platform.preflight: false or LOADTEST_PREFLIGHT=0 skips this check)`;
}

function isEventStream(a: ProbeAnswer): boolean {
  return /text\/event-stream/i.test(a.contentType) || /^data:/m.test(a.body);
}

function errorJson(a: ProbeAnswer): { error?: unknown; code?: unknown; message?: unknown } | null {
  try {
    const v = JSON.parse(a.body) as unknown;
    return typeof v === 'object' && v !== null ? (v as { error?: unknown; code?: unknown }) : null;
  } catch {
    return null;
  }
}

function errorCode(a: ProbeAnswer): string | undefined {
  const code = errorJson(a)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "502 BACKEND_ERROR: message" from the platform's error JSON (or OpenAI's {error:{message}}), else the status and body start. */
function answerText(a: ProbeAnswer): string {
  const j = errorJson(a);
  const err = j?.error;
  const message = typeof err === 'string' ? err : typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  const code = errorCode(a);
  if (typeof message === 'string') return `${a.status}${code ? ` ${code}` : ''}: ${message.slice(0, 200)}`;
  const text = a.body.trim().slice(0, 120);
  return `HTTP ${a.status}${text ? `: ${text}` : ''}`;
}
