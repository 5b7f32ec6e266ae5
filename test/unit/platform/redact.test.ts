import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/platform/redact';
import { httpError } from '../../../src/llm/chat/errors';
import { errorTallyKey, normaliseMessage } from '../../../src/metrics/error-tally';

describe('redact', () => {
  it('removes known secrets wherever they appear, and secret-shaped fields and tokens whatever their value', () => {
    expect(redact('login as admin with hunter2-pw failed', ['hunter2-pw'])).toBe('login as admin with [redacted] failed');
    expect(redact('{"apiKeyId":"k1","secret":"sk-live-abc123def456","status":"active"}')).toBe('{"apiKeyId":"k1","secret":"[redacted]","status":"active"}');
    expect(redact('{"request":{"email":"a@b.c","password":"p@ss \\"w\\""}}')).toBe('{"request":{"email":"a@b.c","password":"[redacted]"}}');
    expect(redact('{"access_token":"eyJ.x.y","api_key":"abc","apiKey":"def"}')).toBe('{"access_token":"[redacted]","api_key":"[redacted]","apiKey":"[redacted]"}');
    expect(redact('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig')).not.toContain('eyJ');
    expect(redact('X-API-Key: sk-sim-0123456789')).toBe('X-API-Key: [redacted]');
    expect(redact('password=topsecret&user=x')).toBe('password=[redacted]&user=x');
    expect(redact('HTTP 401: invalid key sk-proj-AAAAAAAAAAAA')).toBe('HTTP 401: invalid key [redacted]');
  });
  it('leaves ordinary text alone, and known values too short to be told from words', () => {
    expect(redact('the token expired; retry after 3 s', ['ab'])).toBe('the token expired; retry after 3 s');
  });
  it('chat errors and the error tally never carry a key the server echoed', () => {
    expect(httpError(401, {}, '{"error":{"message":"Incorrect API key provided: sk-sim-0123456789abcdef"}}', 0).message).toBe('HTTP 401: Incorrect API key provided: [redacted]');
    expect(normaliseMessage('upstream said Authorization: Bearer abcdefgh12345678')).not.toContain('abcdefgh');
    // A static key of any shape: the request's own key is redacted by value.
    expect(errorTallyKey('auth_error', 401, 'http://h/v1/chat/completions', 'HTTP 401: key PlainKey-xyz is revoked', ['PlainKey-xyz'])).toBe(
      'err:auth_error\t401\t/v1/chat/completions\tHTTP 401: key [redacted] is revoked',
    );
  });
});
