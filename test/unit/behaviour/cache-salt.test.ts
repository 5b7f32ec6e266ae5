import { describe, expect, it } from 'vitest';
import { cacheSaltFor, LEDGER_BLOCK_CHARS, MemoryLedgerStore, prefixHash, SaltLedger, type LedgerStore } from '../../../src/behaviour/cache-salt';

const WHO = { runId: 'run-7', org: 'perf-test-org-1', user: 'perf-test-user-3' };

describe('cache salts', () => {
  it('no spec, no salt', () => expect(cacheSaltFor(undefined, WHO)).toBeUndefined());

  it('a plain string or scope fixed is the value itself', () => {
    expect(cacheSaltFor('test-salt-123', WHO)).toBe('test-salt-123');
    expect(cacheSaltFor({ scope: 'fixed', value: 'shared' }, WHO)).toBe('shared');
  });

  it('org scope gives one salt per org of the run, user scope one per user', () => {
    expect(cacheSaltFor({ scope: 'org' }, WHO)).toBe('salt:run-7:org:perf-test-org-1');
    expect(cacheSaltFor({ scope: 'org' }, { ...WHO, user: 'other' })).toBe(cacheSaltFor({ scope: 'org' }, WHO));
    expect(cacheSaltFor({ scope: 'org' }, { ...WHO, org: 'perf-test-org-2' })).not.toBe(cacheSaltFor({ scope: 'org' }, WHO));
    expect(cacheSaltFor({ scope: 'org' }, { ...WHO, runId: 'run-8' })).not.toBe(cacheSaltFor({ scope: 'org' }, WHO));
    expect(cacheSaltFor({ scope: 'user', value: 'iso' }, WHO)).toBe('iso:run-7:user:perf-test-org-1/perf-test-user-3');
    expect(cacheSaltFor({ scope: 'user' }, { ...WHO, user: 'other' })).not.toBe(cacheSaltFor({ scope: 'user' }, WHO));
  });

  it('bad specs are rejected with what is wrong', () => {
    expect(() => cacheSaltFor({ scope: 'fixed' }, WHO)).toThrow('cacheSalt: scope "fixed" needs a non-empty value');
    expect(() => cacheSaltFor('', WHO)).toThrow('cacheSalt: a fixed salt must not be empty');
    expect(() => cacheSaltFor({ scope: 'team' as 'org' }, WHO)).toThrow('cacheSalt.scope must be org, user or fixed (got team)');
  });
});

describe('salt ledger', () => {
  const prompt = (text: string) => [{ role: 'user' as const, content: text }];
  const A = prompt('Quiz 1234567, question 1: why is the sky blue?');
  const B = prompt('Quiz 7654321, question 1: why is the sea salty?');

  it('a hit on a prompt the same salt sent before is fine', () => {
    const ledger = new SaltLedger();
    const first = ledger.note('org-1', A);
    expect(ledger.isViolation(first, 0)).toBe(false);
    const again = ledger.note('org-1', A);
    expect(ledger.isViolation(again, 48)).toBe(false);
  });

  it('a hit on a prompt no request of the same salt sent before is a violation', () => {
    const ledger = new SaltLedger();
    ledger.note('org-1', A);
    expect(ledger.isViolation(ledger.note('org-2', A), 16)).toBe(true);
    expect(ledger.isViolation(ledger.note('org-1', B), 16)).toBe(true);
  });

  it('a miss is never a violation, and unsalted requests are never judged', () => {
    const ledger = new SaltLedger();
    expect(ledger.isViolation(ledger.note('org-1', A), 0)).toBe(false);
    expect(ledger.isViolation(ledger.note(undefined, B), 64)).toBe(false);
  });

  it('only the leading block counts: prompts that differ after it share a ticket', () => {
    const head = 'x'.repeat(LEDGER_BLOCK_CHARS);
    expect(prefixHash(prompt(`${head} one`))).toBe(prefixHash(prompt(`${head} two`)));
    expect(prefixHash(prompt(`y${head}`))).not.toBe(prefixHash(prompt(`z${head}`)));
    expect(prefixHash([{ role: 'system', content: 'same' }])).not.toBe(prefixHash([{ role: 'user', content: 'same' }]));
  });

  it('a shared store lets two ledgers (two VUs) see each other’s requests', () => {
    const store: LedgerStore = new MemoryLedgerStore();
    const vu1 = new SaltLedger(store);
    const vu2 = new SaltLedger(store);
    vu1.note('org-1', A);
    expect(vu2.isViolation(vu2.note('org-1', A), 32)).toBe(false);
  });
});
