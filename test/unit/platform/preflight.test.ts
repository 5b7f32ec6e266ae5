import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load';
import { needsStreamCheck, preflightError, preflightProbes, probeFailure, probePassed, type ProbeAnswer } from '../../../src/platform/preflight';

const BACKEND = JSON.stringify({ error: "unmarshal OpenAI chat response: invalid character 'd' looking for beginning of value", code: 'BACKEND_ERROR', trace_id: 't' });
const answer = (status: number, body = '', contentType = 'application/json'): ProbeAnswer => ({ status, body, contentType });
const probe = { model: 'gpt-4o', stream: true, testTypes: ['chat'] };

describe('preflightProbes', () => {
  it('lists each model and mode once, with the test types that use it', () => {
    const yaml = `apiVersion: loadtest.ai-aas.dev/v1
kind: LoadTestScenario
metadata: { name: p }
spec:
  organizations: { count: 1 }
  users: { perOrg: { min: 1, max: 1 } }
  targets: { apiRouterUrl: "http://r", userOrgUrl: "http://a" }
  models: { default: base }
  testTypes:
    - { name: a, weight: 1 }
    - { name: b, weight: 1, streamingResponse: false }
    - { name: c, weight: 1, modelTargeting: { slmModels: [small], largeModels: [big, base] } }
`;
    const parsed = parseConfig(yaml, 'test');
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const spec = parsed.config.spec;
    expect(preflightProbes(spec.testTypes, spec.models.default)).toEqual([
      { model: 'base', stream: true, testTypes: ['a', 'c'] },
      { model: 'base', stream: false, testTypes: ['b'] },
      { model: 'small', stream: true, testTypes: ['c'] },
      { model: 'big', stream: true, testTypes: ['c'] },
    ]);
  });
});

describe('probePassed', () => {
  it('passes 2xx (an SSE body for a streamed probe) and 429, fails the rest', () => {
    expect(probePassed(probe, answer(200, 'data: {}\n\n', 'text/event-stream'))).toBe(true);
    expect(probePassed(probe, answer(200, '{"choices":[]}'))).toBe(false);
    expect(probePassed({ stream: false }, answer(200, '{"choices":[]}'))).toBe(true);
    expect(probePassed(probe, answer(429, '{}'))).toBe(true);
    expect(probePassed(probe, answer(502, BACKEND))).toBe(false);
    expect(probePassed(probe, answer(0))).toBe(false);
  });
});

describe('probeFailure: one line that says what failed and what to change', () => {
  it('a router that cannot stream', () => {
    expect(needsStreamCheck(probe, answer(502, BACKEND))).toBe(true);
    expect(probeFailure(probe, answer(502, BACKEND), 'issued', true)).toBe(
      "this router answers stream:true with 502 BACKEND_ERROR (unmarshal OpenAI chat response: invalid character 'd' looking for beginning of value): set streamingResponse: false (test type chat), or fix the router",
    );
    expect(probeFailure(probe, answer(200, '{"choices":[]}'), 'issued', true)).toBe(
      'this router answers stream:true with 200 with application/json, not an SSE stream: set streamingResponse: false (test type chat), or fix the router',
    );
  });
  it('a model that fails whether streamed or not is the model, not streaming', () => {
    expect(probeFailure(probe, answer(502, BACKEND), 'issued', false)).toMatch(/^model gpt-4o \(stream:true\) answered 502 BACKEND_ERROR: unmarshal/);
  });
  it('a model with no route', () => {
    const body = JSON.stringify({ error: 'no routing policy configured', code: 'ROUTING_ERROR' });
    expect(needsStreamCheck(probe, answer(500, body))).toBe(false);
    expect(probeFailure({ ...probe, model: 'X', testTypes: ['a', 'b'] }, answer(500, body), 'issued')).toBe(
      'model X has no route (500 ROUTING_ERROR: no routing policy configured): route it on the platform, or change the models of test types a, b',
    );
  });
  it('a key rejected right after it was issued, or a static key rejected', () => {
    const body = JSON.stringify({ error: 'authentication required', code: 'AUTH_INVALID' });
    expect(needsStreamCheck(probe, answer(401, body))).toBe(false);
    expect(probeFailure(probe, answer(401, body), 'issued')).toBe(
      'key rejected (401 AUTH_INVALID: authentication required) right after it was issued: the admin API issues keys the router does not accept',
    );
    expect(probeFailure(probe, answer(403, 'forbidden', 'text/plain'), 'static')).toBe('key rejected (HTTP 403: forbidden): check the static keys (spec.platform.staticKeysEnv or staticKeysFile)');
  });
  it('an unreachable router, and OpenAI-style errors', () => {
    expect(probeFailure(probe, { ...answer(0), error: 'dial tcp: connection refused' }, 'issued')).toBe(
      'cannot reach the router (dial tcp: connection refused): check spec.targets.apiRouterUrl',
    );
    const openai = JSON.stringify({ error: { message: 'The model `X` does not exist.', type: 'invalid_request_error' } });
    expect(probeFailure({ ...probe, model: 'X' }, answer(404, openai), 'static')).toBe(
      'model X has no route (404: The model `X` does not exist.): route it on the platform, or change the models of test type chat',
    );
  });
  it('joins failures into one line naming the switch', () => {
    const line = preflightError(['a', 'b']);
    expect(line).toBe('pre-flight failed, no load was sent: a; b (spec.platform.preflight: false or LOADTEST_PREFLIGHT=0 skips this check)');
    expect(line).not.toContain('\n');
  });
});
