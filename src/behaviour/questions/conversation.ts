import { selectDocument, type DocumentLibrary, type LibraryDocument } from '../documents';
import type { SeedPart } from '../random';
import type { ConversationPlan, SessionPlan } from '../session-plan';
import { generateDocumentQuestion } from './document-questions';
import { generateFollowUp } from './follow-ups';
import { uniqueLeadIn } from './lead-in';
import type { PromptMessage } from './messages';
import { estimatePromptTokens, MAX_PROMPT_BYTES, promptBytes, truncateDocument, utf8Length } from './prompt-size';
import { SHARED_SYSTEM_PROMPT, sharedDocumentQuestion, sharedFollowUp, sharedQuestion } from './shared-pool';
import { generateQuestion } from './strategies';
import { usesDocuments, type TestTypeSpec } from './test-types';

/** unique: the prompt is new (cacheBehavior avoid); shared: drawn from the run's shared pool (prefer). */
type CacheMode = 'unique' | 'shared';

/** What a conversation needs besides its plan. */
interface ConversationContext {
  /** The run seed: the shared pools derive from it alone. */
  runSeed: SeedPart;
  /** The loaded library of this conversation's test type; required when the type uses documents. */
  documents?: DocumentLibrary | undefined;
}

/** One request's prompt and the facts model targeting and metrics need about it. */
export interface BuiltTurn {
  messages: PromptMessage[];
  /** What the user asked this turn, without any attached document. */
  questionText: string;
  /** Characters of this turn's user message, document included (the query_length of targeting rules). */
  queryLength: number;
  /** estimatePromptTokens of all messages (the prompt_tokens of targeting rules). */
  promptTokensEstimate: number;
  /** True when the prompt carries the document, attached to this turn or in the conversation history. */
  hasDocument: boolean;
  documentPath: string | undefined;
  /** True when the document attached to this turn was cut to fit MAX_PROMPT_BYTES. */
  documentTruncated: boolean;
  cacheMode: CacheMode;
  questionNumber: number;
  turn: number;
}

const DOCUMENT_INSTRUCTION = 'Read the document below, then answer the question after it.';

// A document's first non-empty line is its title; follow-ups refer to the document by it.
function documentTopic(doc: LibraryDocument): string {
  const first = doc.text.trim().split('\n')[0] ?? '';
  const title = first.replace(/^#+\s*/, '').trim();
  return title === '' ? 'the document' : `the document "${title.length > 80 ? `${title.slice(0, 77)}...` : title}"`;
}

/**
 * The prompts of one planned conversation, turn by turn. Cache-avoiding turns open with a lead-in carrying the
 * session reference and question number and send no system prompt, so no two share a leading cache block;
 * cache-friendly turns send the long shared system prompt and questions from the run's shared pool. Documents
 * are attached as "<document>\n\nQuestion: ..." on the first turn, and on every turn when contextRetention is
 * false (a follow-up sent alone must carry what it asks about).
 *
 * Size: the text of all messages is kept within MAX_PROMPT_BYTES (48 KiB; the router rejects bodies over 64 KiB).
 * The oldest question-answer pairs of the history go first, then the document is cut at a paragraph or sentence
 * boundary and marked as cut. A follow-up may thus lose the turn that carried its document in a very long
 * conversation; the request stays valid.
 */
export class Conversation {
  readonly cacheMode: CacheMode;
  private readonly document: LibraryDocument | undefined;
  private topic: string | undefined;
  private history: PromptMessage[] = [];
  private pending: PromptMessage | undefined;
  private pendingHasDocument = false;
  private historyHasDocument = false;
  private nextIndex = 0;

  /** Opens the conversation: decides its cache mode (mixed: 50/50) and its document. */
  constructor(
    private readonly session: Pick<SessionPlan<TestTypeSpec>, 'reference' | 'contextRetention'>,
    private readonly plan: ConversationPlan<TestTypeSpec>,
    private readonly context: ConversationContext,
  ) {
    const type = plan.testType;
    const behaviour = type.cacheBehavior ?? 'avoid';
    this.cacheMode = behaviour === 'prefer' || (behaviour === 'mixed' && plan.rng.chance(0.5)) ? 'shared' : 'unique';
    if (usesDocuments(type)) {
      if (context.documents === undefined) throw new Error(`test type "${type.name}" uses documents, but no document library was loaded for it`);
      this.document = selectDocument(plan.rng, context.documents);
      this.topic = documentTopic(this.document);
    }
  }

  /** The next planned turn's prompt; throws once the plan's turns are used up. */
  nextTurn(): BuiltTurn {
    const planned = this.plan.turns[this.nextIndex];
    if (planned === undefined) throw new Error(`conversation ${this.plan.index} has only ${this.plan.turns.length} planned turns`);
    this.nextIndex++;
    const rng = this.plan.rng;
    const shared = this.cacheMode === 'shared';
    const strategy = this.plan.testType.questionStrategy;
    const withContext = this.session.contextRetention;
    let question: string;
    if (planned.turn === 1 || this.topic === undefined) {
      if (this.document !== undefined) question = shared ? sharedDocumentQuestion(rng, this.context.runSeed) : generateDocumentQuestion(rng);
      else {
        const q = shared ? sharedQuestion(rng, this.context.runSeed, strategy) : generateQuestion(rng, strategy);
        question = q.text;
        this.topic = q.topic;
      }
    } else {
      const topic = this.topic;
      question = shared ? sharedFollowUp(rng, this.context.runSeed, topic, withContext) : generateFollowUp(rng, topic, withContext);
    }
    const leadIn = shared ? '' : uniqueLeadIn(this.session.reference, planned.questionNumber);
    const questionText = leadIn + question;
    const attach = this.document !== undefined && (planned.turn === 1 || !withContext);
    const system: PromptMessage[] = shared ? [{ role: 'system', content: SHARED_SYSTEM_PROMPT }] : [];
    const build = (docText: string | undefined): PromptMessage => ({ role: 'user', content: userContent(leadIn, question, docText) });

    this.trimHistory(system, build(attach ? '' : undefined));
    let docText: string | undefined;
    let truncated = false;
    if (attach && this.document !== undefined) {
      const rest = promptBytes(system) + promptBytes(this.history) + utf8Length(build('').content);
      const cut = truncateDocument(this.document.text, MAX_PROMPT_BYTES - rest);
      docText = cut.text;
      truncated = cut.truncated;
    }
    const user = build(docText);
    const messages = [...system, ...this.history, user];
    this.pending = user;
    this.pendingHasDocument = docText !== undefined;
    const hasDocument = this.pendingHasDocument || this.historyHasDocument;
    return {
      messages,
      questionText,
      queryLength: user.content.length,
      promptTokensEstimate: estimatePromptTokens(messages),
      hasDocument,
      documentPath: hasDocument ? this.document?.path : undefined,
      documentTruncated: truncated,
      cacheMode: this.cacheMode,
      questionNumber: planned.questionNumber,
      turn: planned.turn,
    };
  }

  /** Records the answer to the last turn; with contextRetention the pair becomes context for the next turns. */
  recordAnswer(answer: string): void {
    if (this.pending === undefined) return;
    if (this.session.contextRetention) {
      this.history.push(this.pending, { role: 'assistant', content: answer });
      this.historyHasDocument = this.historyHasDocument || this.pendingHasDocument;
    }
    this.pending = undefined;
  }

  // Drops the oldest question-answer pairs until everything but the document fits the byte budget. A document
  // only ever rides in the first pair, so any drop removes it.
  private trimHistory(system: readonly PromptMessage[], user: PromptMessage): void {
    const fixed = promptBytes(system) + utf8Length(user.content);
    while (this.history.length > 0 && fixed + promptBytes(this.history) > MAX_PROMPT_BYTES) {
      this.history = this.history.slice(2);
      this.historyHasDocument = false;
    }
  }
}

// A unique prompt keeps its lead-in first, so even a document prompt does not share its leading cache block;
// a shared one starts with the document, so the system prompt and document form one cacheable prefix.
function userContent(leadIn: string, question: string, docText: string | undefined): string {
  if (docText === undefined) return leadIn + question;
  if (leadIn === '') return `${docText}\n\nQuestion: ${question}`;
  return `${leadIn}${DOCUMENT_INSTRUCTION}\n\n${docText}\n\nQuestion: ${question}`;
}
