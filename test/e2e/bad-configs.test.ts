// The bad-config corpus through the real k6 and the bundle: hostile or wrong configs stop k6's init within seconds,
// with the problem named and no JS stack trace; what the validator cannot see (missing documents) is refused here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle, runK6 } from './helpers/k6';

const scratch = mkdtempSync(join(tmpdir(), 'bad-configs-k6-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A JS stack frame as k6 logs it (its log line escapes the newline and tab). */
const STACK = /\\tat |\tat |at file:\/\//;
const SECRET = 'hunter2-Corpus-Secret';

/** Runs the bundle on a config until init fails; returns what k6 said and how long it took. */
async function refusal(config: string) {
  const started = Date.now();
  const run = await runK6(['run', '--quiet', '-e', `CONFIG=${config}`, bundle('loadtest.js')], {
    timeoutMs: 60_000,
    env: { AIAAS_ADMIN_EMAIL: 'admin@example.invalid', AIAAS_ADMIN_PASSWORD: SECRET },
  });
  return { ...run, seconds: (Date.now() - started) / 1000, out: run.stdout + run.stderr };
}

const CASES: [string, string][] = [
  ['test/fixtures/bad-configs/alias-bomb.yaml', '(root): YAML aliases expand too far'],
  ['test/fixtures/bad-configs/deep-flow-nesting.yaml', 'line 6: the YAML nests deeper than the 256 levels'],
  ['test/fixtures/bad-configs/billion-users.yaml', 'spec.users.perOrg.max: must be at most 100000'],
  ['test/fixtures/bad-configs/binary-junk.yaml', '(root): must be a mapping'],
  ['test/fixtures/bad-configs/password-in-config.yaml', 'spec.platform.adminPassword: unknown field'],
  ['test/fixtures/bad-configs/missing-documents.yaml', 'spec.testTypes[0].documentLibrary: document library: cannot read documents/no-such-bucket/reports/001.txt'],
];

describe('k6 refuses the bad-config corpus quickly, with no stack trace', () => {
  it.each(CASES)('%s', async (config, expected) => {
    const run = await refusal(config);
    expect(run.code, run.out.slice(-1500)).toBe(107);
    expect(run.out).toContain(expected);
    expect(run.out).not.toMatch(STACK);
    expect(run.out).not.toContain(SECRET);
    expect(run.seconds).toBeLessThan(30);
  });

  it('a 50 MB config: refused by its size, where it used to hang k6', async () => {
    const big = join(scratch, 'fifty-megabytes.yaml');
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 'a'));
    const run = await refusal(big);
    expect(run.code, run.out.slice(-1500)).toBe(107);
    expect(run.out).toContain('(root): the config is 52428800 bytes, over the 1048576-byte (1 MiB) limit');
    expect(run.out).not.toMatch(STACK);
    expect(run.seconds).toBeLessThan(30);
  });
});

