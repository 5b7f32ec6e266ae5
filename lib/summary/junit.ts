/** junit.xml for CI: one testsuite of thresholds and one of checks; bookkeeping thresholds never appear. */
import { escapeMarkup } from './escape';
import { checkLabel, fmtNum } from './format';
import type { CheckResult, Summary, ThresholdResult } from './model';

interface Case {
  classname: string;
  name: string;
  failure: { message: string; body: string } | null;
}

function thresholdCase(t: ThresholdResult): Case {
  const observed = t.observed === null ? '' : ` (observed ${fmtNum(t.observed, 3)})`;
  return {
    classname: `thresholds.${t.metric}`,
    name: `${t.metric}: ${t.expression}`,
    failure: t.ok ? null : { message: `threshold ${t.expression} on ${t.metric} failed${observed}`, body: `${t.metric} ${t.expression}${observed}` },
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

function suite(name: string, cases: Case[], timeSec: string): string {
  const failures = cases.filter((c) => c.failure !== null).length;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${escapeMarkup(c.classname)}" name="${escapeMarkup(c.name)}" time="0"`;
    if (c.failure === null) return `${open}/>`;
    return `${open}>\n      <failure message="${escapeMarkup(c.failure.message)}" type="${name}">${escapeMarkup(c.failure.body)}</failure>\n    </testcase>`;
  });
  const attrs = `name="${name}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${timeSec}"`;
  return cases.length === 0 ? `  <testsuite ${attrs}/>` : `  <testsuite ${attrs}>\n${body.join('\n')}\n  </testsuite>`;
}

/** JUnit XML of the run's real thresholds and its checks, each a testcase, failed ones with <failure>. */
export function renderJUnit(sum: Summary): string {
  const thresholds = sum.thresholds.map(thresholdCase);
  const checks = sum.checks.map(checkCase);
  const tests = thresholds.length + checks.length;
  const failures = [...thresholds, ...checks].filter((c) => c.failure !== null).length;
  const time = sum.run.durationSec.toFixed(3);
  const runName = escapeMarkup(`${sum.run.name} (${sum.run.id})`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${runName}" tests="${tests}" failures="${failures}" errors="0" time="${time}">`,
    suite('thresholds', thresholds, time),
    suite('checks', checks, time),
    '</testsuites>',
    '',
  ].join('\n');
}
