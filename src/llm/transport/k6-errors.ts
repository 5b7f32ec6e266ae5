import type { StreamError } from './types';

/**
 * Maps a k6/http error (its numeric error_code and message) onto the categories the relay uses,
 * so both transports count failures alike. Codes: https://grafana.com/docs/k6/latest/javascript-api/error-codes/
 */
export function categorizeK6Error(code: number, message: string): StreamError['category'] {
  if (/context canceled/i.test(message)) return 'aborted';
  if (code === 1050 || code === 1211) return 'timeout';
  if (code >= 1100 && code < 1200) return 'dns';
  if (code === 1212) return 'connection_refused';
  if (code === 1201 || code === 1220 || (code >= 1600 && code < 1700)) return 'connection_reset';
  if (code >= 1300 && code < 1400) return 'tls';
  if (code === 1020) return 'invalid_request';
  if (code === 1701) return 'invalid_response';
  if (/unexpected EOF/i.test(message)) return 'stream_interrupted';
  if (code >= 1200 && code < 1300) return 'connection_reset';
  return 'unknown';
}
