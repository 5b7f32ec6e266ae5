/**
 * A platform URL as the harness uses it: the API's root, to which it adds /v1/... itself. Users of the OpenAI SDK
 * write the base URL with its /v1 (`http://host:8080/v1`); taken literally, every request would go to
 * /v1/v1/chat/completions and fail with a 404, so a trailing /v1 (and trailing slashes) is dropped.
 */
export function apiRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}
