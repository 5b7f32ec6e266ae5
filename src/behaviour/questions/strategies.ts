import type { Rng } from '../random';
import { GEOGRAPHICAL_TEMPLATES, GEOGRAPHICAL_VOCABULARY } from './banks/geographical';
import { HISTORICAL_TEMPLATES, HISTORICAL_VOCABULARY } from './banks/historical';
import { HYPOTHETICAL_TEMPLATES, HYPOTHETICAL_VOCABULARY } from './banks/hypothetical';
import { MATHEMATICAL_TEMPLATES, MATHEMATICAL_VOCABULARY } from './banks/mathematical';
import { TECHNICAL_TEMPLATES, TECHNICAL_VOCABULARY } from './banks/technical';
import { fillTemplate, type Question, type Template, type Vocabulary } from './template';

/** The question families a test type can ask (testTypes[].questionStrategy). */
export const QUESTION_STRATEGIES = ['historical', 'mathematical', 'geographical', 'hypothetical', 'technical', 'mixed'] as const;
export type QuestionStrategy = (typeof QUESTION_STRATEGIES)[number];

/** A family's templates and the vocabulary that fills them. */
interface QuestionBank {
  name: Exclude<QuestionStrategy, 'mixed'>;
  templates: readonly Template[];
  vocabulary: Vocabulary;
}

/** Every concrete bank; `mixed` draws one of them per question. */
export const QUESTION_BANKS: readonly QuestionBank[] = [
  { name: 'historical', templates: HISTORICAL_TEMPLATES, vocabulary: HISTORICAL_VOCABULARY },
  { name: 'mathematical', templates: MATHEMATICAL_TEMPLATES, vocabulary: MATHEMATICAL_VOCABULARY },
  { name: 'geographical', templates: GEOGRAPHICAL_TEMPLATES, vocabulary: GEOGRAPHICAL_VOCABULARY },
  { name: 'hypothetical', templates: HYPOTHETICAL_TEMPLATES, vocabulary: HYPOTHETICAL_VOCABULARY },
  { name: 'technical', templates: TECHNICAL_TEMPLATES, vocabulary: TECHNICAL_VOCABULARY },
];

// How the asker wants the answer shaped, and why they ask: real users say both, and together with the numbers
// they multiply the question space by about 13,000 without making any question read oddly.
const ANSWER_FORMATS: readonly Template[] = [
  { text: 'Please answer in about {#40-320} words.' },
  { text: 'Keep it under {#60-400} words.' },
  { text: 'Give me {#2-9} key points of at most {#10-40} words each.' },
  { text: 'Explain it as you would to a {#10-17}-year-old, in {#3-12} sentences.' },
  { text: 'Use {#2-6} short paragraphs and include {#1-3} concrete examples.' },
];
const REASONS: readonly string[] = [
  '', '', '', 'I am preparing for an exam.', 'It is for a presentation at work.', 'I am writing a blog post about it.',
  'This came up in a pub quiz.', 'My daughter asked me and I was not sure.', 'I want to explain it to my team.',
  'I am new to this subject.', 'I need it for a report due tomorrow.', 'A friend and I disagree about this.',
  'I read about it and got curious.', 'It is for a podcast episode I am planning.', 'I am tutoring a student on it.',
  'I want a second opinion on what I found.', 'I am planning a trip and want the background.', 'It is for a book club discussion.',
];

function bankFor(strategy: QuestionStrategy, rng: Rng): QuestionBank {
  if (strategy === 'mixed') return rng.pick(QUESTION_BANKS);
  for (const bank of QUESTION_BANKS) if (bank.name === strategy) return bank;
  throw new Error(`questionStrategy must be one of ${QUESTION_STRATEGIES.join(', ')} (got ${String(strategy)})`);
}

/** A question of the strategy's family, sometimes why it is asked, and how the asker wants it answered. */
export function generateQuestion(rng: Rng, strategy: QuestionStrategy): Question {
  const bank = bankFor(strategy, rng);
  const where = `question bank "${bank.name}"`;
  const core = fillTemplate(rng, rng.pick(bank.templates), bank.vocabulary, where);
  const format = fillTemplate(rng, rng.pick(ANSWER_FORMATS), {}, 'answer formats');
  const reason = rng.pick(REASONS);
  return { text: reason === '' ? `${core.text} ${format.text}` : `${core.text} ${reason} ${format.text}`, topic: core.topic };
}
