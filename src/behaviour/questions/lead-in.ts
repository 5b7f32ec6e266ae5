// Each form reads like a person working through a numbered list of questions, which is what a session is.
const FORMS: readonly ((ref: number, n: number) => string)[] = [
  (ref, n) => `Study set ${ref}, question ${n}: `,
  (ref, n) => `Worksheet ${ref}, item ${n}: `,
  (ref, n) => `Quiz ${ref}, question ${n}: `,
  (ref, n) => `Notes ${ref}, #${n}: `,
  (ref, n) => `Research log ${ref}, entry ${n}: `,
];

/**
 * The opening of a cache-avoiding prompt: it carries the session's reference number and the question's number in
 * the session, so the prompt's first tokens differ between sessions and between turns. That keeps "avoid" prompts
 * unique (no two share a leading prefix-cache block) while the text still reads as a person's own note. The form
 * follows from the reference, so one session keeps one style of note.
 */
export function uniqueLeadIn(sessionReference: number, questionNumber: number): string {
  return (FORMS[sessionReference % FORMS.length] as (ref: number, n: number) => string)(sessionReference, questionNumber);
}
