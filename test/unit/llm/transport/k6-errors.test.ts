import { describe, expect, it } from 'vitest';
import { categorizeK6Error } from '../../../../src/llm/transport/k6-errors';

describe('k6/http errors map onto the streaming transport’s categories', () => {
  const cases: [number, string, string][] = [
    [1050, 'request timeout', 'timeout'],
    [1211, 'dial: i/o timeout', 'timeout'],
    [1101, 'lookup: no such host', 'dns'],
    [1100, 'lookup failed', 'dns'],
    [1212, 'dial: connection refused', 'connection_refused'],
    [1220, 'read: connection reset by peer', 'connection_reset'],
    [1201, 'write: broken pipe', 'connection_reset'],
    [1610, 'http2: received GoAway', 'connection_reset'],
    [1310, 'x509: certificate signed by unknown authority', 'tls'],
    [1020, 'invalid URL', 'invalid_request'],
    [1701, 'error decompressing response body', 'invalid_response'],
    [1000, 'unexpected EOF', 'stream_interrupted'],
    [1000, 'context canceled', 'aborted'],
    [1000, 'something new', 'unknown'],
  ];
  for (const [code, msg, want] of cases) {
    it(`${code} "${msg}" -> ${want}`, () => expect(categorizeK6Error(code, msg)).toBe(want));
  }
});
