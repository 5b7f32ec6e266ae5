// `npm run cleanup -- --run-id X`: revokes and suspends whatever a run's cleanup ledger (results/X/ledger.jsonl,
// one per instance) says it created, for runs whose teardown never ran, was cut short or failed. Exits 0 when
// nothing is left active, 1 when something is (each id printed), 2 on a bad command line.
import { existsSync } from 'node:fs';
import { runCli, parseFlags, UsageError } from './cli';
import { cleanLedger, cleanupReport, findLedgers } from './cleanup/clean-ledger';

const USAGE = `usage: npm run cleanup -- --run-id ID [--results DIR] [--ledger FILE]... [--admin-url URL]

Revokes every API key and suspends every user and org a run's cleanup ledger lists (the platform cannot delete
them; revoking comes first, since a suspended user's keys still work). Best effort: every tenant is tried, and
each one left active is printed by id. A 404 counts as already gone (the platform does not know the id).

  --run-id ID       the run's id (RUN_ID, or the id in results/<id>/): its ledgers are results/<id>/ledger.jsonl
                    and results/<id>/<instance>/ledger.jsonl
  --results DIR     the results folder (spec.run.resultsDir; default results)
  --ledger FILE     a ledger file, or a k6 log holding [loadtest-ledger] lines (the buffered/stock scripts write
                    the ledger to k6's log); may repeat; with --run-id only that run's lines count
  --admin-url URL   the admin API to use instead of the one the ledger names
  -h, --help        this text

The admin credentials are read from the env vars the ledger names (AIAAS_ADMIN_EMAIL and AIAAS_ADMIN_PASSWORD
unless the config's spec.platform.adminEmailEnv/adminPasswordEnv say otherwise).
Exit: 0 nothing left active, 1 something left (or no ledger found), 2 bad command line.`;

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    'run-id': { type: 'string' },
    results: { type: 'string', default: 'results' },
    ledger: { type: 'string', multiple: true },
    'admin-url': { type: 'string' },
  });
  const runId = values['run-id'];
  const given = values.ledger ?? [];
  if (runId === undefined && given.length === 0) throw new UsageError('give --run-id ID (or --ledger FILE)');
  for (const f of given) if (!existsSync(f)) throw new UsageError(`--ledger ${f}: no such file`);
  const adminUrl = values['admin-url'];
  if (adminUrl !== undefined && !/^https?:\/\/\S+$/.test(adminUrl)) throw new UsageError(`--admin-url ${adminUrl}: not an http(s) URL`);
  const ledgers = given.length > 0 ? given : findLedgers(values.results, runId as string);
  if (ledgers.length === 0) {
    console.error(`no cleanup ledger for run ${runId} under ${values.results}/ (looked for ${values.results}/${runId}/ledger.jsonl and ${values.results}/${runId}/*/ledger.jsonl)`);
    return 1;
  }
  let left = 0;
  for (const path of ledgers) {
    const c = await cleanLedger(path, process.env, { ...(runId !== undefined ? { runId } : {}), ...(adminUrl !== undefined ? { adminUrl } : {}) });
    for (const line of cleanupReport(c)) console.log(line);
    left += c.result.left.length;
  }
  console.log(left === 0 ? 'cleanup: nothing left active' : `cleanup: ${left} tenant(s) LEFT ACTIVE`);
  return left === 0 ? 0 : 1;
}

process.exit(await runCli(USAGE, process.argv.slice(2), main));
