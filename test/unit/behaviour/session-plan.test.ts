import { describe, expect, it } from 'vitest';
import { expectedThinkTimeMs } from '../../../src/behaviour/distributions';
import { rngFrom } from '../../../src/behaviour/random';
import { planSession, type SessionBehaviour } from '../../../src/behaviour/session-plan';
import { SEED_BEHAVIOUR, SEED_TEST_TYPES } from './fixtures';

const MIX = { testTypes: SEED_TEST_TYPES };

function plans(behaviour: SessionBehaviour, n: number, label = 'plans') {
  return Array.from({ length: n }, (_, i) => planSession(rngFrom(1, label, i), behaviour, MIX));
}

describe('session plans', () => {
  it('ask questionsPerSession questions in total, every count in the range occurring', () => {
    const counts = new Set<number>();
    for (const p of plans(SEED_BEHAVIOUR, 2000)) {
      const turns = p.conversations.reduce((n, c) => n + c.turns.length, 0);
      expect(turns).toBe(p.questionCount);
      expect(p.questionCount).toBeGreaterThanOrEqual(5);
      expect(p.questionCount).toBeLessThanOrEqual(15);
      expect(p.conversations.flatMap((c) => c.turns.map((t) => t.questionNumber))).toEqual(Array.from({ length: p.questionCount }, (_, i) => i + 1));
      counts.add(p.questionCount);
    }
    expect(counts.size).toBe(11);
  });

  it('multi-turn conversations have turnsPerConversation turns, except a last one cut to fit; others have one', () => {
    for (const p of plans(SEED_BEHAVIOUR, 2000)) {
      p.conversations.forEach((c, i) => {
        const last = i === p.conversations.length - 1;
        expect(c.turns.map((t) => t.turn)).toEqual(Array.from({ length: c.turns.length }, (_, k) => k + 1));
        if (!c.multiTurn) expect(c.turns.length).toBe(1);
        else if (!last) {
          expect(c.turns.length).toBeGreaterThanOrEqual(2);
          expect(c.turns.length).toBeLessThanOrEqual(6);
        } else expect(c.turns.length).toBeLessThanOrEqual(6);
      });
    }
  });

  it('a conversation is multi-turn with multiTurnProbability, within 2 points over many sessions', () => {
    for (const probability of [0.2, 0.5]) {
      const behaviour = { ...SEED_BEHAVIOUR, conversationStyle: { ...SEED_BEHAVIOUR.conversationStyle!, multiTurnProbability: probability } };
      const conversations = plans(behaviour, 5000, `p${probability}`).flatMap((p) => p.conversations);
      const share = conversations.filter((c) => c.multiTurn).length / conversations.length;
      expect(Math.abs(share - probability)).toBeLessThan(0.02);
    }
  });

  it('every question gets a think time from the configured distribution', () => {
    const thinks = plans(SEED_BEHAVIOUR, 3000).flatMap((p) => p.conversations.flatMap((c) => c.turns.map((t) => t.thinkTimeMs)));
    expect(Math.min(...thinks)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...thinks)).toBeLessThanOrEqual(30000);
    const mean = thinks.reduce((a, b) => a + b, 0) / thinks.length;
    expect(Math.abs(mean / expectedThinkTimeMs(SEED_BEHAVIOUR.thinkTimeSeconds) - 1)).toBeLessThan(0.02);
  });

  it('draws a session duration limit from sessionDuration when configured, none otherwise', () => {
    for (const p of plans(SEED_BEHAVIOUR, 500)) {
      expect(p.durationLimitMs).toBeGreaterThanOrEqual(300_000);
      expect(p.durationLimitMs).toBeLessThanOrEqual(600_000);
    }
    const { sessionDuration: _omit, ...noLimit } = SEED_BEHAVIOUR;
    expect(planSession(rngFrom('x'), noLimit, MIX).durationLimitMs).toBeUndefined();
  });

  it('carries contextRetention, and without conversationStyle every conversation is a single question', () => {
    expect(plans(SEED_BEHAVIOUR, 1)[0]!.contextRetention).toBe(true);
    const off = { ...SEED_BEHAVIOUR, conversationStyle: { ...SEED_BEHAVIOUR.conversationStyle!, contextRetention: false } };
    expect(planSession(rngFrom('off'), off, MIX).contextRetention).toBe(false);
    const { conversationStyle: _omit, ...single } = SEED_BEHAVIOUR;
    for (const p of plans(single, 200)) expect(p.conversations.every((c) => c.turns.length === 1 && !c.multiTurn)).toBe(true);
  });

  it('the multi-turn-conversation scenario forces multi-turn conversations', () => {
    const mix = { testTypes: SEED_TEST_TYPES, scenarioMix: { scenarios: [{ name: 'multi-turn-conversation' as const, weight: 1 }] } };
    const behaviour = { ...SEED_BEHAVIOUR, conversationStyle: { ...SEED_BEHAVIOUR.conversationStyle!, multiTurnProbability: 0 } };
    const p = planSession(rngFrom('forced'), behaviour, mix);
    expect(p.conversations.every((c) => c.multiTurn && c.scenario === 'multi-turn-conversation')).toBe(true);
  });

  it('is reproducible from its seed, and the think-time spec does not reshuffle the questions', () => {
    const shape = (b: SessionBehaviour, seed: number) => {
      const p = planSession(rngFrom(seed, 'org-1', 'user-1', 0), b, MIX);
      return { ref: p.reference, types: p.conversations.map((c) => `${c.testType.name}:${c.turns.length}`), think: p.conversations.map((c) => c.turns.map((t) => t.thinkTimeMs)) };
    };
    expect(shape(SEED_BEHAVIOUR, 1)).toEqual(shape(SEED_BEHAVIOUR, 1));
    expect(shape(SEED_BEHAVIOUR, 1)).not.toEqual(shape(SEED_BEHAVIOUR, 2));
    const slower = { ...SEED_BEHAVIOUR, thinkTimeSeconds: { ...SEED_BEHAVIOUR.thinkTimeSeconds, base: 20 } };
    expect(shape(slower, 1).types).toEqual(shape(SEED_BEHAVIOUR, 1).types);
    expect(shape(slower, 1).think).not.toEqual(shape(SEED_BEHAVIOUR, 1).think);
  });

  it('rejects a multiTurnProbability outside [0, 1] by name', () => {
    const bad = { ...SEED_BEHAVIOUR, conversationStyle: { ...SEED_BEHAVIOUR.conversationStyle!, multiTurnProbability: 1.5 } };
    expect(() => planSession(rngFrom('bad'), bad, MIX)).toThrow('conversationStyle.multiTurnProbability must be between 0 and 1 (got 1.5)');
  });
});
