import { rngFrom, type Rng, type SeedPart } from '../random';
import { generateDocumentQuestion } from './document-questions';
import { generateFollowUp } from './follow-ups';
import { generateQuestion, type QuestionStrategy } from './strategies';
import type { Question } from './template';

/**
 * Cache-friendly ("prefer") prompts come from small pools derived from the run seed alone, so every user of the
 * run draws from the same few prompts, and all of them open with this long fixed system prompt: a prefix KV
 * cache keyed by (salt, prefix) then serves nearly the whole prompt after the first request of each salt.
 */
export const SHARED_POOL_SIZE = 8;

// Follow-ups per topic in the shared pool.
const SHARED_FOLLOW_UPS = 3;

/** The fixed system prompt of cache-friendly requests (about 2.6 KB, 650 tokens). */
export const SHARED_SYSTEM_PROMPT = [
  'You are a knowledgeable, careful assistant for a general audience. Your answers are read by students, engineers,',
  'analysts and curious readers who want clear explanations they can trust. Follow these guidelines in every answer.',
  '',
  '1. Accuracy first. State facts you are confident about plainly. When something is uncertain, disputed or depends on',
  'assumptions, say so and explain what it depends on. Never invent sources, figures, quotations or dates.',
  '2. Structure. Start with a direct answer in one or two sentences, then give the supporting explanation. Use short',
  'paragraphs. Use a numbered list only when order matters and bullets only for genuinely parallel items.',
  '3. Level. Assume an intelligent reader who is not a specialist. Define technical terms the first time you use them,',
  'and prefer a concrete example over an abstract description when both would work.',
  '4. Numbers. Show the working for any calculation, keep units on every quantity, and round only at the end. If an',
  'estimate is involved, give the range and the main assumption behind it.',
  '5. History and geography. Give dates and places precisely, name the period or region you mean, and distinguish',
  'between what contemporaries believed and what historians conclude today.',
  '6. Technology. Prefer explanations that hold across versions; when behaviour depends on a version or configuration,',
  'name it. Point out operational risks such as data loss, security exposure or cost before recommending an action.',
  '7. Hypotheticals. Treat what-if questions seriously: state the assumptions you make, follow the consequences step',
  'by step, and separate likely outcomes from speculative ones.',
  '8. Length. Match the length the reader asks for. When no length is given, aim for a complete answer that can be',
  'read in under two minutes, and offer to go deeper rather than padding the answer.',
  '9. Tone. Be friendly and direct. Do not flatter the question, do not apologise for answering, and do not repeat the',
  'question back. Avoid filler phrases and marketing language.',
  '10. Follow-ups. When the reader asks a follow-up, build on what has already been said instead of starting over, and',
  'correct any earlier statement that turns out to be wrong.',
  '',
  'If a question is ambiguous, answer the most likely interpretation and mention the alternative in one sentence.',
  'If a question asks for something harmful or illegal, decline briefly and suggest a safe, related topic instead.',
].join('\n');

/** One question from the run's shared pool of the strategy: the same few questions for every user of the run. */
export function sharedQuestion(rng: Rng, runSeed: SeedPart, strategy: QuestionStrategy): Question {
  const slot = rng.int(0, SHARED_POOL_SIZE - 1);
  return generateQuestion(rngFrom(runSeed, 'shared-pool', strategy, slot), strategy);
}

/** One question from the run's shared pool of document questions. */
export function sharedDocumentQuestion(rng: Rng, runSeed: SeedPart): string {
  const slot = rng.int(0, SHARED_POOL_SIZE - 1);
  return generateDocumentQuestion(rngFrom(runSeed, 'shared-document-questions', slot));
}

/** One of the few follow-ups the run uses for this topic. */
export function sharedFollowUp(rng: Rng, runSeed: SeedPart, topic: string, withContext: boolean): string {
  const slot = rng.int(0, SHARED_FOLLOW_UPS - 1);
  return generateFollowUp(rngFrom(runSeed, 'shared-follow-up', topic, withContext ? 1 : 0, slot), topic, withContext);
}
