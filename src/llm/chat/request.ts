/** One chat message as OpenAI-compatible APIs take it. */
interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What one chat completion request asks for. */
export interface ChatRequestSpec {
  model: string;
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
  stream: boolean;
  /** Ask for a final usage chunk (stream_options.include_usage), the only exact token count of a stream. */
  includeUsage: boolean;
  /** vLLM's prefix-cache partition; omitted when undefined. */
  cacheSalt?: string;
}

/** Serialises the request body for POST /v1/chat/completions. */
export function chatRequestBody(spec: ChatRequestSpec): string {
  const body: Record<string, unknown> = {
    model: spec.model,
    messages: spec.messages,
    max_tokens: spec.maxTokens,
    temperature: spec.temperature,
    stream: spec.stream,
  };
  if (spec.stream && spec.includeUsage) body.stream_options = { include_usage: true };
  if (spec.cacheSalt !== undefined) body.cache_salt = spec.cacheSalt;
  return JSON.stringify(body);
}
