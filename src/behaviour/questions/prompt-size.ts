import type { PromptMessage } from './messages';

/**
 * Budget for the text of all messages of one request, in UTF-8 bytes. The AI-AAS router rejects bodies over
 * 64 KiB (413); 48 KiB of text leaves room for JSON escaping (newlines and quotes double), the other request
 * fields and multi-byte characters.
 */
export const MAX_PROMPT_BYTES = 48 * 1024;

/** Chat-template tokens per message (start, role, end) and for priming the reply, as OpenAI counts them. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_REPLY_PRIMING = 3;

/**
 * A cheap token estimate: one token per 4 characters, rounded up. That is the usual rule of thumb for English
 * text under BPE tokenizers (OpenAI's own guidance); code, numbers and other languages run denser, so treat it as
 * a routing and budgeting estimate, never as the count: usage.prompt_tokens from the response is the count.
 */
export function estimateTokens(text: string): number {
  return tokensForChars(text.length);
}

/** The same estimate from a length in UTF-16 code units (what the relay reports of an answer it did not copy). */
export function tokensForChars(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Estimated prompt tokens of a chat request: each message's text plus its template tokens, plus reply priming. */
export function estimatePromptTokens(messages: readonly PromptMessage[]): number {
  let n = TOKENS_REPLY_PRIMING;
  for (const m of messages) n += estimateTokens(m.content) + TOKENS_PER_MESSAGE;
  return n;
}

/** Length of a string in UTF-8 bytes (no TextEncoder in k6's engine). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** UTF-8 bytes of every message's text. */
export function promptBytes(messages: readonly PromptMessage[]): number {
  let n = 0;
  for (const m of messages) n += utf8Length(m.content);
  return n;
}

/** Appended to a document cut to fit, so the model (and whoever reads the prompt) knows it is partial. */
export const TRUNCATION_NOTE = '\n\n[The rest of this document was cut to fit the request size limit.]';

/**
 * The document cut to at most maxBytes of UTF-8 (note included): at the last paragraph break that keeps at least
 * half of the allowance, else the last sentence end, else mid-text; never inside a surrogate pair. Text that
 * already fits is returned unchanged.
 */
export function truncateDocument(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (utf8Length(text) <= maxBytes) return { text, truncated: false };
  const allowance = maxBytes - utf8Length(TRUNCATION_NOTE);
  if (allowance <= 0) return { text: '', truncated: true };
  let end = 0;
  let bytes = 0;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    const pair = c >= 0xd800 && c <= 0xdbff && end + 1 < text.length;
    const size = utf8Length(text.slice(end, pair ? end + 2 : end + 1));
    if (bytes + size > allowance) break;
    bytes += size;
    end += pair ? 2 : 1;
  }
  const head = text.slice(0, end);
  const minimum = Math.floor(end / 2);
  const paragraph = head.lastIndexOf('\n\n');
  const sentence = head.lastIndexOf('. ');
  const cut = paragraph >= minimum ? paragraph : sentence >= minimum ? sentence + 1 : end;
  return { text: head.slice(0, cut) + TRUNCATION_NOTE, truncated: true };
}
