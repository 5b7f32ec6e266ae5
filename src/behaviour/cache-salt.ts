import { hash32 } from './random';

/** testTypes[].cacheSalt as configured: a plain string is a fixed salt. */
type CacheSaltSpec = string | { scope: 'org' | 'user' | 'fixed'; value?: string | undefined };

/** Who is sending: names or ids only, never API keys or credentials. */
interface SaltIdentity {
  runId: string;
  org: string | number;
  user: string | number;
}

/**
 * The cache_salt for a request, or undefined when the test type sets none (no cache_salt field is sent).
 * fixed (or a plain string): the value itself, shared across runs. org / user: `<value or "salt">:<runId>:org:<org>`
 * (`...:user:<org>/<user>` for user scope), so each org or user has its own cache partition and no run inherits
 * another run's cache. Salts are built only from the run id, org and user names and the configured value: never
 * from keys or credentials, because salts are sent in bodies and may appear in logs.
 */
export function cacheSaltFor(spec: CacheSaltSpec | undefined, who: SaltIdentity): string | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === 'string') {
    if (spec === '') throw new Error('cacheSalt: a fixed salt must not be empty');
    return spec;
  }
  const prefix = spec.value ?? 'salt';
  switch (spec.scope) {
    case 'fixed':
      if (spec.value === undefined || spec.value === '') throw new Error('cacheSalt: scope "fixed" needs a non-empty value');
      return spec.value;
    case 'org':
      return `${prefix}:${who.runId}:org:${who.org}`;
    case 'user':
      return `${prefix}:${who.runId}:user:${who.org}/${who.user}`;
    default:
      throw new Error(`cacheSalt.scope must be org, user or fixed (got ${String((spec as { scope: unknown }).scope)})`);
  }
}

/** The salt's scope, a bounded tag for per-scope cache figures: "none" when the type sends no salt. */
export function saltScopeOf(spec: CacheSaltSpec | undefined): 'none' | 'org' | 'user' | 'fixed' {
  if (spec === undefined) return 'none';
  return typeof spec === 'string' ? 'fixed' : spec.scope;
}

/** Where the ledger keeps what was sent: in-memory by default; the relay's counters span the VUs of a process. */
export interface LedgerStore {
  /** Adds one to the key's count and returns the new count. */
  increment(key: string): number;
}

/** A Map-backed store: enough for one VU, or for tests. */
export class MemoryLedgerStore implements LedgerStore {
  private readonly counts = new Map<string, number>();

  /** Adds one to the key's count and returns the new count. */
  increment(key: string): number {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }
}

/** What the ledger noted when a request was sent; hand it back with the response's cached token count. */
export interface LedgerTicket {
  salt: string | undefined;
  prefixHash: string;
  /** Whether a request with the same salt had sent the same leading block before this one. */
  sentBefore: boolean;
}

/**
 * Characters of the serialized prompt hashed as its leading block. A prefix cache hashes fixed token blocks
 * chained from the start (vLLM: 16 tokens, about 40-60 characters of English after the chat template), so any
 * hit at all means the first block matched an earlier prompt under the same salt. The ledger's block must not be
 * longer than the cache's, or two prompts sharing the cache's block but differing later in ours would be flagged
 * falsely; 32 characters stays below a 16-token block for ordinary text.
 */
export const LEDGER_BLOCK_CHARS = 32;

/** The prompt as the ledger hashes it: role and content of each message, in order. */
function serialize(messages: readonly { role: string; content: string }[]): string {
  let out = '';
  for (const m of messages) {
    out += `${m.role}\n${m.content}\n`;
    if (out.length >= LEDGER_BLOCK_CHARS) break;
  }
  return out;
}

/** Hash of the prompt's leading block (LEDGER_BLOCK_CHARS characters of role + content). */
export function prefixHash(messages: readonly { role: string; content: string }[]): string {
  const block = serialize(messages).slice(0, LEDGER_BLOCK_CHARS);
  return `${hash32(block, 0x5a17).toString(36)}${hash32(block, 0x1ed6).toString(36)}-${block.length}`;
}

/** The counter that counts the requests of one salt that sent one leading block. */
export function ledgerKey(salt: string | undefined, hash: string): string {
  return `salt-ledger:${salt ?? ''}:${hash}`;
}

/** The ticket of a request whose ledger count (its own included) is `count`. */
export function ticketOf(salt: string | undefined, hash: string, count: number): LedgerTicket {
  return { salt, prefixHash: hash, sentBefore: count > 1 };
}

/**
 * Salt-isolation bookkeeping. Before sending, note(salt, messages) records the (salt, leading-block hash) pair and
 * remembers whether the same salt had sent that block before; after the response, isViolation(ticket, cachedTokens)
 * says whether a reported cache hit is one the salt could not have earned: a hit on a prompt whose leading block no
 * request with that salt sent before, i.e. a cache shared across salts. Unsalted requests are never judged: without
 * a salt there is no isolation to violate. The verdict is only as wide as the store: a per-VU store sees one VU's
 * requests, so for org- or fixed-scoped salts back the store with the process-wide counters; and requests of the
 * same salt sent by another k6 process (another pod) are invisible, so there a hit can be flagged falsely.
 */
export class SaltLedger {
  constructor(private readonly store: LedgerStore = new MemoryLedgerStore()) {}

  /** Records a request about to be sent and returns what isViolation needs. */
  note(salt: string | undefined, messages: readonly { role: string; content: string }[]): LedgerTicket {
    return this.noteHash(salt, prefixHash(messages));
  }

  /** note() for a prompt whose leading-block hash (prefixHash) the caller already has. */
  noteHash(salt: string | undefined, hash: string): LedgerTicket {
    return ticketOf(salt, hash, this.store.increment(ledgerKey(salt, hash)));
  }

  /** True when the response reports cached prompt tokens the salt had not earned. */
  isViolation(ticket: LedgerTicket, cachedTokens: number): boolean {
    return ticket.salt !== undefined && cachedTokens > 0 && !ticket.sentBefore;
  }
}
