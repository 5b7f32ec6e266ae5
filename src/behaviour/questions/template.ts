import type { Rng } from '../random';

/**
 * A question template: `{slot}` is replaced by a word from the bank's vocabulary of that name (a trailing digit,
 * `{city2}`, draws again from `city` and never repeats the earlier pick), `{#12-999}` by an integer in that range.
 * `topic`, when given, is what follow-ups refer to; otherwise the first vocabulary slot's value is the topic.
 */
export interface Template {
  text: string;
  topic?: string;
}

/** Slot name -> the phrases it can take. */
export type Vocabulary = Readonly<Record<string, readonly string[]>>;

/** A generated question and the topic a follow-up can refer back to. */
export interface Question {
  text: string;
  topic: string;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;
const NUMBER_SLOT = /^#(\d+)-(\d+)$/;
const TRAILING_DIGITS = /\d+$/;

/** Fills a template from a vocabulary; `where` names the bank in errors. */
export function fillTemplate(rng: Rng, template: Template, vocabulary: Vocabulary, where: string): Question {
  const used: Record<string, string[]> = {};
  let topic = template.topic;
  const text = template.text.replace(PLACEHOLDER, (_whole, slot: string) => {
    const num = NUMBER_SLOT.exec(slot);
    if (num) return String(rng.int(Number(num[1]), Number(num[2])));
    const key = slot.replace(TRAILING_DIGITS, '');
    const words = vocabulary[key];
    if (words === undefined || words.length === 0) throw new Error(`${where}: template "${template.text}" uses unknown slot {${slot}}`);
    const taken = used[key] ?? (used[key] = []);
    if (taken.length >= words.length) throw new Error(`${where}: template "${template.text}" needs more distinct {${key}} words than the ${words.length} it has`);
    let word = rng.pick(words);
    while (taken.indexOf(word) >= 0) word = rng.pick(words);
    taken.push(word);
    if (topic === undefined) topic = word;
    return word;
  });
  return { text, topic: topic ?? text };
}
