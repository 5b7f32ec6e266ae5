/**
 * The sim's deterministic tokenizer. Rule: a token is a run of 1 to 4 ASCII letters/digits, or a single
 * character that is neither whitespace nor an ASCII letter/digit; whitespace separates tokens and is not one.
 * Chat prompts add 3 template tokens per message (start, role, end) and 3 for the reply priming.
 */
const TOKEN_RE = /[A-Za-z0-9]{1,4}|[^\sA-Za-z0-9]/gu;

/** Token strings of a text under the sim's rule. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

/** Number of tokens in a text. */
export function countTokens(text: string): number {
  TOKEN_RE.lastIndex = 0;
  let n = 0;
  while (TOKEN_RE.exec(text) !== null) n++;
  return n;
}

interface ChatMessage {
  role: string;
  content: string;
}

/** Token sequence of a chat prompt including template tokens: the unit the prefix cache hashes. */
export function tokenizeChat(messages: readonly ChatMessage[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    out.push('<|start|>', m.role);
    for (const t of tokenize(m.content)) out.push(t);
    out.push('<|end|>');
  }
  out.push('<|start|>', 'assistant', '<|message|>');
  return out;
}

/** Words of at most 4 letters: with a leading space each is exactly one token, so output text re-tokenizes to its count. */
const VOCAB = (
  'the of and to in is it for on be as at by we or an if so do no up my me he us go data time load test node ' +
  'fast slow cost user rate long text word line path call case unit mode core byte bits sync plan pool span ' +
  'kind type node view item list form base edge root leaf hash page disk port host file code key org'
).split(' ');

/** The i-th output token of a response whose text is selected by `salt`: deterministic, one token each. */
export function outputToken(salt: number, i: number): string {
  return ' ' + (VOCAB[(salt + i * 7) % VOCAB.length] as string);
}
