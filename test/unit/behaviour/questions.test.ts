import { describe, expect, it } from 'vitest';
import type { DocumentLibrary } from '../../../src/behaviour/documents';
import { Conversation, type BuiltTurn } from '../../../src/behaviour/questions/conversation';
import { estimatePromptTokens, estimateTokens, MAX_PROMPT_BYTES, promptBytes, TRUNCATION_NOTE, truncateDocument, utf8Length } from '../../../src/behaviour/questions/prompt-size';
import { SHARED_POOL_SIZE, SHARED_SYSTEM_PROMPT } from '../../../src/behaviour/questions/shared-pool';
import { generateQuestion, QUESTION_BANKS, QUESTION_STRATEGIES } from '../../../src/behaviour/questions/strategies';
import { fillTemplate } from '../../../src/behaviour/questions/template';
import type { TestTypeSpec } from '../../../src/behaviour/questions/test-types';
import { rngFrom } from '../../../src/behaviour/random';
import { planSession, type SessionBehaviour } from '../../../src/behaviour/session-plan';
import { SEED_BEHAVIOUR, seedType } from './fixtures';

const RUN_SEED = 1;

/** Plays whole sessions of one test type for many (org, user, loop) streams and returns every turn built. */
function playSessions(type: TestTypeSpec, opts: { turns: number; runSeed?: number; behaviour?: SessionBehaviour; documents?: DocumentLibrary }): BuiltTurn[] {
  const out: BuiltTurn[] = [];
  const runSeed = opts.runSeed ?? RUN_SEED;
  for (let i = 0; out.length < opts.turns; i++) {
    const org = `org-${i % 7}`;
    const user = `user-${Math.floor(i / 7) % 50}`;
    const loop = Math.floor(i / 350);
    const plan = planSession(rngFrom(runSeed, org, user, loop), opts.behaviour ?? SEED_BEHAVIOUR, { testTypes: [type] });
    for (const c of plan.conversations) {
      const conv = new Conversation(plan, c, { runSeed, documents: opts.documents });
      for (let t = 0; t < c.turns.length && out.length < opts.turns; t++) {
        const turn = conv.nextTurn();
        out.push(turn);
        conv.recordAnswer(`An answer of some length to question ${turn.questionNumber}.`);
      }
    }
  }
  return out;
}

const LIBRARY: DocumentLibrary = {
  bucketName: 'test',
  documents: [
    { path: 'docs/a/001.txt', text: 'Disk Replacement Guide\n\nStep one: drain the node.\n\nStep two: swap the disk.' },
    { path: 'docs/a/002.txt', text: 'Rate Limiter Design\n\nTokens refill at a fixed rate. Buckets are per tenant.' },
  ],
};

describe('question strategies', () => {
  it('every template of every bank fills without unknown slots', () => {
    const rng = rngFrom('banks');
    for (const bank of QUESTION_BANKS) {
      for (const t of bank.templates) {
        const q = fillTemplate(rng, t, bank.vocabulary, bank.name);
        expect(q.text).not.toMatch(/[{}]/);
        expect(q.topic.length).toBeGreaterThan(0);
      }
    }
  });

  it('each strategy asks natural questions of its family', () => {
    const rng = rngFrom('families');
    for (const s of QUESTION_STRATEGIES) {
      const q = generateQuestion(rng, s);
      expect(q.text).toMatch(/^[A-Z].*[?.]( .*[.])?$/);
    }
    expect(() => generateQuestion(rng, 'poetry' as 'mixed')).toThrow(/questionStrategy must be one of historical, .*mixed \(got poetry\)/);
  });

  it('the template space itself is large: 20,000 mixed questions without any serial are >= 99% distinct', () => {
    const rng = rngFrom('core');
    const texts = new Set<string>();
    for (let i = 0; i < 20_000; i++) texts.add(generateQuestion(rng, 'mixed').text);
    expect(texts.size / 20_000).toBeGreaterThanOrEqual(0.99);
  });
});

describe('cache-avoiding questions (random_short)', () => {
  const turns = playSessions(seedType('random_short'), { turns: 100_000 });

  it('are >= 99.9% unique over 100,000 questions from many (org, user, loop) streams', () => {
    expect(turns.length).toBe(100_000);
    const unique = new Set(turns.map((t) => t.questionText)).size;
    expect(unique / turns.length).toBeGreaterThanOrEqual(0.999);
  });

  it('start with their own lead-in, so no two first turns share the first 32 characters of the prompt', () => {
    const firsts = turns.filter((t) => t.turn === 1).map((t) => t.messages[0]!.content.slice(0, 32));
    expect(new Set(firsts).size / firsts.length).toBeGreaterThanOrEqual(0.999);
    expect(turns.every((t) => t.cacheMode === 'unique' && t.messages[0]!.role === 'user')).toBe(true);
  });

  it('follow-ups carry the conversation so far and refer back to its topic', () => {
    const followUp = turns.find((t) => t.turn === 3);
    expect(followUp).toBeDefined();
    expect(followUp!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(followUp!.messages[1]!.content).toMatch(/^An answer of some length/);
  });
});

describe('cache-friendly questions (cached)', () => {
  const turns = playSessions(seedType('cached'), { turns: 5000 });
  const firstTurns = turns.filter((t) => t.turn === 1);

  it('come from a small pool shared by every user of the run', () => {
    const distinct = new Set(firstTurns.map((t) => t.questionText));
    expect(distinct.size).toBeLessThanOrEqual(SHARED_POOL_SIZE);
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('all open with the same long system prompt', () => {
    expect(SHARED_SYSTEM_PROMPT.length).toBeGreaterThan(2000);
    expect(turns.every((t) => t.messages[0]!.role === 'system' && t.messages[0]!.content === SHARED_SYSTEM_PROMPT)).toBe(true);
  });

  it('another run seed gives another pool', () => {
    const pool = (ts: BuiltTurn[]) => [...new Set(ts.filter((t) => t.turn === 1).map((t) => t.questionText))].sort();
    expect(pool(playSessions(seedType('cached'), { turns: 2000, runSeed: 2 }))).not.toEqual(pool(firstTurns));
  });

  it('mixed cache behaviour splits conversations about 50/50', () => {
    const mixed: TestTypeSpec = { name: 'm', weight: 1, questionStrategy: 'geographical', cacheBehavior: 'mixed' };
    const ts = playSessions(mixed, { turns: 20_000 }).filter((t) => t.turn === 1);
    const shared = ts.filter((t) => t.cacheMode === 'shared').length / ts.length;
    expect(Math.abs(shared - 0.5)).toBeLessThan(0.02);
  });
});

describe('reproducibility', () => {
  it('same seed, same prompts; different seed, different prompts', () => {
    const type = seedType('random_short');
    const a = playSessions(type, { turns: 200 }).map((t) => t.messages);
    const b = playSessions(type, { turns: 200 }).map((t) => t.messages);
    const c = playSessions(type, { turns: 200, runSeed: 99 }).map((t) => t.messages);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('document prompts', () => {
  const docType: TestTypeSpec = { ...seedType('long_document'), cacheBehavior: 'avoid' };

  it('are "<document>\\n\\nQuestion: ..." with a question about the document', () => {
    const turn = playSessions(docType, { turns: 1, documents: LIBRARY })[0]!;
    expect(turn.hasDocument).toBe(true);
    expect(LIBRARY.documents.map((d) => d.path)).toContain(turn.documentPath);
    const doc = LIBRARY.documents.find((d) => d.path === turn.documentPath)!;
    expect(turn.messages.at(-1)!.content).toContain(`${doc.text}\n\nQuestion: `);
    expect(turn.queryLength).toBe(turn.messages.at(-1)!.content.length);
    expect(turn.questionText).not.toContain(doc.text);
  });

  it('shared ones start with the document, so the system prompt and document form one cacheable prefix', () => {
    const shared: TestTypeSpec = { ...docType, cacheBehavior: 'prefer' };
    const turn = playSessions(shared, { turns: 1, documents: LIBRARY })[0]!;
    const doc = LIBRARY.documents.find((d) => d.path === turn.documentPath)!;
    expect(turn.messages[1]!.content.startsWith(`${doc.text}\n\nQuestion: `)).toBe(true);
  });

  it('are resent on every turn when context is not retained, and only on the first when it is', () => {
    const behaviour = { ...SEED_BEHAVIOUR, conversationStyle: { ...SEED_BEHAVIOUR.conversationStyle!, multiTurnProbability: 1 } };
    const kept = playSessions(docType, { turns: 40, documents: LIBRARY, behaviour });
    const followUps = kept.filter((t) => t.turn > 1);
    expect(followUps.every((t) => t.messages.length === 2 * t.turn - 1 && !t.messages.at(-1)!.content.includes('\n\nQuestion: '))).toBe(true);
    expect(followUps.every((t) => t.hasDocument && t.messages[0]!.content.includes('\n\nQuestion: '))).toBe(true);
    const alone = { ...behaviour, conversationStyle: { ...behaviour.conversationStyle, contextRetention: false } };
    const sent = playSessions(docType, { turns: 40, documents: LIBRARY, behaviour: alone });
    expect(sent.every((t) => t.hasDocument && t.messages.length === 1)).toBe(true);
  });

  it('a huge document is cut at a paragraph so the whole prompt stays under 48 KiB', () => {
    const paragraph = 'Lorem ipsum dolor sit amet, the disk controller resets after 30 seconds. '.repeat(20);
    const big: DocumentLibrary = { bucketName: 'big', documents: [{ path: 'big/001.txt', text: `Huge Manual\n\n${`${paragraph}\n\n`.repeat(100)}` }] };
    const turn = playSessions(docType, { turns: 1, documents: big })[0]!;
    expect(turn.documentTruncated).toBe(true);
    expect(promptBytes(turn.messages)).toBeLessThanOrEqual(MAX_PROMPT_BYTES);
    expect(promptBytes(turn.messages)).toBeGreaterThan(MAX_PROMPT_BYTES / 2);
    expect(turn.messages.at(-1)!.content).toContain(`${TRUNCATION_NOTE}\n\nQuestion: `);
  });

  it('a type with documents but no loaded library is a clear error', () => {
    expect(() => playSessions(docType, { turns: 1 })).toThrow('test type "long_document" uses documents, but no document library was loaded for it');
  });
});

describe('prompt size and token estimates', () => {
  it('estimateTokens counts one token per 4 characters, rounded up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(4000))).toBe(1000);
  });

  it('estimatePromptTokens adds 3 template tokens per message and 3 for the reply', () => {
    expect(estimatePromptTokens([{ role: 'user', content: 'abcdefgh' }])).toBe(2 + 3 + 3);
    expect(estimatePromptTokens([{ role: 'system', content: 'abcd' }, { role: 'user', content: 'abcd' }])).toBe(1 + 1 + 6 + 3);
  });

  it('utf8Length counts bytes as UTF-8 encodes them', () => {
    for (const s of ['plain', 'café', '日本語', 'emoji 🚀', '']) expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });

  it('truncateDocument leaves short text alone and never splits a surrogate pair', () => {
    expect(truncateDocument('short', 100)).toEqual({ text: 'short', truncated: false });
    const cut = truncateDocument('🚀'.repeat(100), 150);
    expect(cut.truncated).toBe(true);
    expect(utf8Length(cut.text)).toBeLessThanOrEqual(150);
    expect(cut.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('long conversations drop their oldest turns rather than exceed the byte budget', () => {
    const behaviour = { ...SEED_BEHAVIOUR, questionsPerSession: { min: 6, max: 6 }, conversationStyle: { multiTurnProbability: 1, turnsPerConversation: { min: 6, max: 6 }, contextRetention: true } };
    const plan = planSession(rngFrom('long'), behaviour, { testTypes: [seedType('random_short')] });
    const conv = new Conversation(plan, plan.conversations[0]!, { runSeed: RUN_SEED });
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t = conv.nextTurn();
      sizes.push(t.messages.length);
      expect(promptBytes(t.messages)).toBeLessThanOrEqual(MAX_PROMPT_BYTES);
      conv.recordAnswer('x'.repeat(20_000));
    }
    expect(sizes).toEqual([1, 3, 5, 5, 5, 5]);
    expect(() => conv.nextTurn()).toThrow('conversation 0 has only 6 planned turns');
  });
});
