/**
 * The run's most frequent error messages, kept as relay counters under one prefix so every VU of a process adds
 * to one tally, and read back for the summary. A key is category, status, URL path and message, tab-separated;
 * the message is normalised so that ids, counters and ports do not turn one failure into thousands of keys.
 */
import { redact } from '../platform/redact';

/** Counter-key prefix of the tally. */
export const ERROR_TALLY_PREFIX = 'err:';
/** How many distinct messages the summary lists. */
export const ERROR_TALLY_LIMIT = 20;
const MAX_MESSAGE = 200;

/** One line of the tally: how many failed requests shared this category, status, path and message. */
export interface ErrorSample {
  category: string;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** The request's URL path, e.g. /v1/chat/completions. */
  path: string;
  message: string;
  count: number;
}

/** The path of a URL (no scheme, host or query): enough to spot /v1/v1/chat/completions, never a secret. */
export function urlPath(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url);
  const path = m ? (m[1] as string) : url.replace(/[?#].*$/, '');
  return path === '' ? '/' : path;
}

/** A message as the tally keeps it: one line, long numbers and hex ids as '#', at most 200 characters. */
export function normaliseMessage(message: string, known: readonly string[] = []): string {
  const one = redact(message, known)
    .replace(/[\t\r\n]+/g, ' ')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '#')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{16,}\b/gi, '#')
    .replace(/\d{6,}/g, '#')
    .trim();
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE - 1)}…` : one;
}

/** The counter key one failed request adds 1 to; `known` are secrets (the request's API key) its message must not carry. */
export function errorTallyKey(category: string, status: number, url: string, message: string, known: readonly string[] = []): string {
  return `${ERROR_TALLY_PREFIX}${category}\t${status}\t${urlPath(url).replace(/\t/g, ' ')}\t${normaliseMessage(message, known)}`;
}

/** The tally's entries (largest first, as the relay lists them) as error samples; malformed keys are skipped. */
export function errorSamples(entries: { key: string; value: number }[]): ErrorSample[] {
  const out: ErrorSample[] = [];
  for (const e of entries) {
    if (!e.key.startsWith(ERROR_TALLY_PREFIX)) continue;
    const parts = e.key.slice(ERROR_TALLY_PREFIX.length).split('\t');
    if (parts.length !== 4) continue;
    const [category, status, path, message] = parts as [string, string, string, string];
    out.push({ category, status: Number(status) || 0, path, message, count: e.value });
  }
  return out;
}
