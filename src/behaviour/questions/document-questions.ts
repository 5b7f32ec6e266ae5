import type { Rng } from '../random';
import { fillTemplate, type Template } from './template';

// Technical questions that only make sense with the document in front of the model.
const DOCUMENT_QUESTIONS: readonly Template[] = [
  { text: 'What are the main steps of the procedure this document describes?' },
  { text: 'Which configuration settings does the document mention, and what does each one control?' },
  { text: 'What could go wrong when following this document, and how would an operator notice?' },
  { text: 'Summarise the document in {#3-8} bullet points for an on-call engineer.' },
  { text: 'What prerequisites does the document assume, stated or unstated?' },
  { text: 'Which part of the document is the most ambiguous, and how would you rewrite it?' },
  { text: 'List the {#2-6} most important warnings or cautions in the document.' },
  { text: 'If a new team member had {#10-60} minutes to read this, which sections matter most and why?' },
  { text: 'What numbers, limits or thresholds does the document give, and are they consistent with each other?' },
  { text: 'Turn the document into a checklist of at most {#5-15} items.' },
  { text: 'What questions would you ask the author of this document before relying on it in production?' },
  { text: 'Which steps in the document could be automated, and with what tools?' },
  { text: 'How would you verify that the system described is working correctly after following the document?' },
  { text: 'What does the document say about failure handling or recovery?' },
  { text: 'Explain the document\u2019s key terms in plain language.' },
  { text: 'Write a {#40-200}-word summary of the document for a manager.' },
];

/** A technical question about the attached document. */
export function generateDocumentQuestion(rng: Rng): string {
  return fillTemplate(rng, rng.pick(DOCUMENT_QUESTIONS), {}, 'document questions').text;
}
