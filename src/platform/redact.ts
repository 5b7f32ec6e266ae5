/**
 * Takes secrets out of text bound for a message, a log line or a report: platform answers and request echoes end up
 * in error messages, and a key-issue answer of 200 instead of 201 once printed a working key secret, a login error
 * echoing its request the admin password. Known values (the admin password, tokens, issued keys) go wherever they
 * appear; secret-shaped fields and tokens go whatever their value.
 */

/** What a redacted secret is replaced with. */
const REDACTED = '[redacted]';

// JSON fields (and key=value pairs, headers) whose name ends in a secret's word: secret, password, token, api_key,
// apiKey... Not apiKeyId: ids are what reports name in place of secrets.
const SECRET_FIELD = /("?)([A-Za-z_-]*(?:secret|password|passwd|token|api[_-]?key|apikey|authorization))\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|[^\s,;&}"]+)/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// OpenAI-style API keys (sk-..., sk-proj-...) and the platform's own key prefix.
const KEY_SHAPE = /\bsk-[A-Za-z0-9_-]{6,}/g;

/** Known secrets shorter than this are not searched for: they would redact ordinary words. */
const MIN_KNOWN = 4;

/** The text with every known secret and every secret-shaped field or token replaced by REDACTED. */
export function redact(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) {
    if (secret.length >= MIN_KNOWN) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SECRET_FIELD, (_m, q: string, name: string, sep: string, value: string) => `${q}${name}${q}${sep}${value.charAt(0) === '"' ? `"${REDACTED}"` : REDACTED}`)
    .replace(KEY_SHAPE, REDACTED);
}
