/** One chat message as OpenAI-compatible APIs take it (structurally the chat client's ChatMessage). */
export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
