/**
 * junit.xml for CI: a testsuite of thresholds, one of checks and one of run-level cases judged from the
 * summary itself (so every run has test cases, even without thresholds or checks); bookkeeping thresholds never appear.
 */
import { escapeMarkup } from './escape';
import { isPlannedEnd } from '../spend/limits';
import { cleanupFailure, cleanupLines, INTERRUPTED } from './cleanup';
import { checkLabel, fmtNum, fmtPct, fmtUSD } from './format';
import type { CheckResult, OrgCost, RevokedKeys, Summary, ThresholdResult } from './model';
import { describeRevokedKeys, revokedKeysAccepted } from './revoked-keys';

/**
 * Highest budget utilisation an org may reach and still pass. The cost ledger (src/spend/budget.ts) reserves each
 * request's worst case before sending it, so spend should stop at the budget; the project's acceptance band for
 * budget enforcement is 95-105% of the limit (test/e2e/budget.test.ts), so beyond 105% enforcement failed.
 */
const BUDGET_OVERSPEND_BOUND = 1.05;

interface Case {
  classname: string;
  name: string;
  failure: { message: string; body: string } | null;
  /** Why the case could not be judged; a skipped case has no failure. */
  skipped?: string;
}

function thresholdCase(t: ThresholdResult): Case {
  const observed = t.observed === null ? '' : ` (observed ${fmtNum(t.observed, 3)})`;
  return {
    classname: `thresholds.${t.metric}`,
    name: `${t.metric}: ${t.expression}`,
    failure: t.ok
      ? null
      : { message: `threshold ${t.expression} on ${t.metric} failed${t.reason === undefined ? observed : `: ${t.reason}`}`, body: `${t.metric} ${t.expression}${observed}${t.reason === undefined ? '' : `\n${t.reason}`}` },
  };
}

function checkCase(c: CheckResult): Case {
  const total = c.passes + c.fails;
  return {
    classname: 'checks',
    name: checkLabel(c),
    failure: c.fails === 0 ? null : { message: `${c.fails} of ${total} failed`, body: `check "${c.name}": ${c.passes} passed, ${c.fails} failed` },
  };
}

// endReason is set when a limit (src/spend/limits.ts END_REASONS) ended the run, or a Ctrl-C (its own case). A planned
// cap (maxRequests) is the end the config asked for, so it passes; a guard fails.
function limitCase(sum: Summary): Case {
  const reason = sum.run.endReason;
  const c: Case = { classname: 'run', name: 'no guard stopped the run', failure: null };
  if (sum.source === 'prometheus') return { ...c, skipped: 'a fleet report cannot tell: Prometheus does not hold why the pods stopped' };
  if (reason === null || reason === INTERRUPTED || isPlannedEnd(reason)) return c;
  return { ...c, failure: { message: `run ended early: ${reason}`, body: `the run stopped after ${sum.run.durationSec.toFixed(1)}s because ${reason}` } };
}

function interruptedCase(sum: Summary): Case {
  const c: Case = { classname: 'run', name: 'the run was not interrupted', failure: null };
  if (sum.source === 'prometheus') return { ...c, skipped: 'a fleet report cannot tell: Prometheus does not hold why the pods stopped' };
  if (sum.run.endReason !== INTERRUPTED) return c;
  return { ...c, failure: { message: INTERRUPTED, body: `a Ctrl-C (SIGINT) stopped the run after ${sum.run.durationSec.toFixed(1)}s, before its plan ended` } };
}

// Fails when tenants are left active or no cleanup result reached the report; every left id is in the body.
function cleanupCase(sum: Summary): Case {
  const c: Case = { classname: 'run', name: 'cleanup left nothing active', failure: null };
  const cleanup = sum.run.cleanup;
  if (cleanup === null) return { ...c, skipped: 'a fleet report cannot tell: each pod\'s summary.json says what its teardown did' };
  if (cleanup.state === 'unknown') return { ...c, skipped: cleanupLines(cleanup)[0] as string };
  const failed = cleanupFailure(cleanup);
  return failed === null ? c : { ...c, failure: { message: failed, body: cleanupLines(cleanup).join('\n') } };
}

function setupCase(sum: Summary): Case {
  const c: Case = { classname: 'run', name: 'setup provisioned the run', failure: null };
  const err = sum.run.setupError;
  return err === null ? c : { ...c, failure: { message: `setup failed: ${err}`, body: `setup() failed before any load: ${err}` } };
}

function budgetCase(o: OrgCost & { budgetUSD: number }): Case {
  const c: Case = { classname: 'run.budget', name: `org ${o.org} stayed within its budget`, failure: null };
  if (o.utilisation === null) return { ...c, skipped: `no cost figure for org ${o.org}` };
  if (o.utilisation <= BUDGET_OVERSPEND_BOUND) return c;
  const spent = `org ${o.org} spent ${fmtUSD(o.costUSD)} of its ${fmtUSD(o.budgetUSD)} budget (${fmtPct(o.utilisation)})`;
  return { ...c, failure: { message: `${spent}, beyond the ${fmtPct(BUDGET_OVERSPEND_BOUND - 1)} overspend bound`, body: spent } };
}

/** A security finding when revoked keys kept working after cleanup revoked them. */
function revokedKeysCase(r: RevokedKeys): Case {
  const c: Case = { classname: 'run.security', name: 'revoked keys are refused at once', failure: null };
  if (!revokedKeysAccepted(r)) return c;
  const found = describeRevokedKeys(r);
  return { ...c, failure: { message: found, body: `${found}: a revoked key must stop working when the admin API revokes it` } };
}

/**
 * The run-level cases: setup worked, no guard stopped the run, no Ctrl-C did, cleanup left nothing, each org with a
 * budget kept to it, and revoked keys were refused.
 */
function runCases(sum: Summary): Case[] {
  const budgeted = sum.cost.byOrg.filter((o): o is OrgCost & { budgetUSD: number } => o.budgetUSD !== null);
  const revoked = sum.run.revokedKeys;
  return [setupCase(sum), limitCase(sum), interruptedCase(sum), cleanupCase(sum), ...budgeted.map(budgetCase), ...(revoked === null ? [] : [revokedKeysCase(revoked)])];
}

function caseXml(c: Case, suiteName: string): string {
  const open = `    <testcase classname="${escapeMarkup(c.classname)}" name="${escapeMarkup(c.name)}" time="0"`;
  if (c.skipped !== undefined) return `${open}>\n      <skipped message="${escapeMarkup(c.skipped)}"/>\n    </testcase>`;
  if (c.failure === null) return `${open}/>`;
  return `${open}>\n      <failure message="${escapeMarkup(c.failure.message)}" type="${suiteName}">${escapeMarkup(c.failure.body)}</failure>\n    </testcase>`;
}

function suite(name: string, cases: Case[], timeSec: string): string {
  const failures = cases.filter((c) => c.failure !== null).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const attrs = `name="${name}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${timeSec}"`;
  return cases.length === 0 ? `  <testsuite ${attrs}/>` : `  <testsuite ${attrs}>\n${cases.map((c) => caseXml(c, name)).join('\n')}\n  </testsuite>`;
}

/** JUnit XML of the run's real thresholds, its checks and the run-level cases, failed ones with <failure>. */
export function renderJUnit(sum: Summary): string {
  const suites: [string, Case[]][] = [
    ['thresholds', sum.thresholds.map(thresholdCase)],
    ['checks', sum.checks.map(checkCase)],
    ['run', runCases(sum)],
  ];
  const all = suites.flatMap(([, cases]) => cases);
  const failures = all.filter((c) => c.failure !== null).length;
  const skipped = all.filter((c) => c.skipped !== undefined).length;
  const time = sum.run.durationSec.toFixed(3);
  const runName = escapeMarkup(`${sum.run.name} (${sum.run.id})`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${runName}" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
    ...suites.map(([name, cases]) => suite(name, cases, time)),
    '</testsuites>',
    '',
  ].join('\n');
}
