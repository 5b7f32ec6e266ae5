import { describe, expect, it } from 'vitest';
import { errorSamples, errorTallyKey, normaliseMessage, urlPath } from '../../../src/metrics/error-tally';

describe('the error tally', () => {
  it('keeps the URL path, which shows a doubled /v1, and never the host or query', () => {
    expect(urlPath('http://127.0.0.1:8080/v1/v1/chat/completions')).toBe('/v1/v1/chat/completions');
    expect(urlPath('https://api.example.com/v1/chat/completions?key=secret#x')).toBe('/v1/chat/completions');
    expect(urlPath('http://host:1')).toBe('/');
  });
  it('folds ids and long numbers, so one failure is one line, not thousands', () => {
    expect(normaliseMessage('HTTP 500: request 123e4567-e89b-12d3-a456-426614174000 failed')).toBe('HTTP 500: request # failed');
    expect(normaliseMessage('trace 0123456789abcdef0123 at 1733490000123')).toBe('trace # at #');
    expect(normaliseMessage('dial tcp 127.0.0.1:8080: connect: connection refused')).toBe('dial tcp 127.0.0.1:8080: connect: connection refused');
    expect(normaliseMessage('line one\nline\ttwo')).toBe('line one line two');
    expect(normaliseMessage('x'.repeat(500))).toHaveLength(200);
  });
  it('reads back what it wrote, largest first, skipping keys that are not its own', () => {
    const a = errorTallyKey('http_4xx', 404, 'http://h:1/v1/v1/chat/completions', 'HTTP 404: not found');
    const b = errorTallyKey('connection_error', 0, 'http://h:1/v1/chat/completions', 'dial tcp: connection refused');
    expect(errorSamples([{ key: a, value: 7 }, { key: 'err:bad', value: 1 }, { key: b, value: 2 }])).toEqual([
      { category: 'http_4xx', status: 404, path: '/v1/v1/chat/completions', message: 'HTTP 404: not found', count: 7 },
      { category: 'connection_error', status: 0, path: '/v1/chat/completions', message: 'dial tcp: connection refused', count: 2 },
    ]);
  });
});
