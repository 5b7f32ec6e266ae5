import { describe, expect, it } from 'vitest';
import { PrefixCache } from '../../../sim/kvcache';
import { tokenizeChat } from '../../../sim/tokenizer';
import { cacheSaltFor, SaltLedger } from '../../../src/behaviour/cache-salt';
import { Conversation } from '../../../src/behaviour/questions/conversation';
import type { TestTypeSpec } from '../../../src/behaviour/questions/test-types';
import { rngFrom } from '../../../src/behaviour/random';
import { planSession } from '../../../src/behaviour/session-plan';
import { SEED_BEHAVIOUR, seedType } from './fixtures';

interface RunResult {
  promptTokens: number;
  cachedTokens: number;
  firstTurnPrompt: number;
  firstTurnCached: number;
  violations: number;
  requests: number;
}

/**
 * Plays sessions of `orgs` x `users` against the sim's prefix cache (16-token blocks chained from the salt), the way
 * the runtime sends them, with one salt per org, and judges every reported hit with a SaltLedger.
 */
function run(type: TestTypeSpec, opts: { orgs: number; users: number; loops: number; leaky: boolean }): RunResult {
  const cache = new PrefixCache(16, 1_000_000, opts.leaky);
  const ledger = new SaltLedger();
  const r: RunResult = { promptTokens: 0, cachedTokens: 0, firstTurnPrompt: 0, firstTurnCached: 0, violations: 0, requests: 0 };
  for (let loop = 0; loop < opts.loops; loop++) {
    for (let org = 1; org <= opts.orgs; org++) {
      for (let user = 1; user <= opts.users; user++) {
        const salt = cacheSaltFor({ scope: 'org' }, { runId: 'run-1', org, user });
        const plan = planSession(rngFrom(1, org, user, loop), SEED_BEHAVIOUR, { testTypes: [type] });
        for (const c of plan.conversations) {
          const conv = new Conversation(plan, c, { runSeed: 1 });
          for (let t = 0; t < c.turns.length; t++) {
            const turn = conv.nextTurn();
            const tokens = tokenizeChat(turn.messages);
            const ticket = ledger.note(salt, turn.messages);
            const keys = cache.blockKeys(salt, tokens);
            const cached = cache.lookup(keys);
            cache.insert(keys);
            r.requests++;
            r.promptTokens += tokens.length;
            r.cachedTokens += cached;
            if (turn.turn === 1) {
              r.firstTurnPrompt += tokens.length;
              r.firstTurnCached += cached;
            }
            if (ledger.isViolation(ticket, cached)) r.violations++;
            conv.recordAnswer(`Here is what I know about question ${turn.questionNumber}, answered at some length for the user.`);
          }
        }
      }
    }
  }
  return r;
}

describe('prompts against a prefix KV cache keyed by (salt, prefix)', () => {
  it('cache-friendly ("prefer") prompts are served more than 80% from cache', () => {
    const r = run(seedType('cached'), { orgs: 2, users: 25, loops: 2, leaky: false });
    expect(r.cachedTokens / r.promptTokens).toBeGreaterThan(0.8);
    expect(r.violations).toBe(0);
  });

  it('cache-avoiding ("avoid") questions almost never hit: only their own conversation history does', () => {
    const r = run(seedType('random_short'), { orgs: 2, users: 25, loops: 2, leaky: false });
    expect(r.firstTurnCached / r.firstTurnPrompt).toBeLessThan(0.01);
    expect(r.violations).toBe(0);
  });

  it('a cache that ignores the salt lets one org hit on another org’s prompts, and the ledger flags it', () => {
    const r = run(seedType('cached'), { orgs: 3, users: 5, loops: 1, leaky: true });
    expect(r.violations).toBeGreaterThan(0);
  });
});
