import { describe, expect, it } from 'vitest';
import { LEDGER_LOG_MARK, ledgerLine, parseLedger } from '../../../src/platform/ledger';

const head = (runId: string) => ledgerLine({ kind: 'run', v: 1, runId, adminUrl: 'http://a', emailEnv: 'E', passwordEnv: 'P', at: 't' });

describe('parseLedger', () => {
  it('reads a ledger file: head, tenants once each, end; a line cut short by a killed writer is reported, not fatal', () => {
    const text = [head('r1'), ledgerLine({ kind: 'org', id: 'o1', orgId: 'o1' }), ledgerLine({ kind: 'key', id: 'k1', orgId: 'o1' }), ledgerLine({ kind: 'key', id: 'k1', orgId: 'o1' }), '{"kind":"us', ''].join('\n');
    const l = parseLedger(text);
    expect(l.head?.runId).toBe('r1');
    expect(l.tenants.map((t) => t.id)).toEqual(['o1', 'k1']);
    expect(l.end).toBeNull();
    expect(l.bad).toEqual([5]);
  });

  it('reads the ledger lines of a k6 log (raw or logfmt) and keeps only the asked run’s', () => {
    const raw = (line: string) => `${LEDGER_LOG_MARK} ${line}`;
    const logfmt = (line: string) => `time="x" level=info msg="${LEDGER_LOG_MARK} ${line.replace(/"/g, '\\"')}" source=console`;
    const text = [
      'some other line',
      raw(head('r1')),
      raw(ledgerLine({ kind: 'user', id: 'u1', orgId: 'o1' })),
      logfmt(head('r2')),
      logfmt(ledgerLine({ kind: 'user', id: 'u2', orgId: 'o2' })),
      logfmt(ledgerLine({ kind: 'end', state: 'left', left: 1, at: 't' })),
    ].join('\n');
    expect(parseLedger(text, 'r1').tenants.map((t) => t.id)).toEqual(['u1']);
    const r2 = parseLedger(text, 'r2');
    expect(r2.tenants.map((t) => t.id)).toEqual(['u2']);
    expect(r2.end?.state).toBe('left');
    expect(parseLedger(text).tenants).toHaveLength(2);
  });
});
