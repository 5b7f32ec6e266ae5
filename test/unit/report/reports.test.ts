import { describe, expect, it } from 'vitest';
import { buildReports, runDirName, SCHEMA_VERSION } from '../../../src/report/index';
import { fakeRequests, k6Data, runInfo } from './fixture';

const data = k6Data(fakeRequests(200, 30), 30);

describe('buildReports (handleSummary’s return value)', () => {
  it('prints the text on stdout and writes three files in a folder named by the run id', () => {
    const out = buildReports(data, runInfo(), undefined, { resultsDir: 'results/' });
    expect(Object.keys(out).sort()).toEqual([
      'results/run-20261127-0001/junit.xml',
      'results/run-20261127-0001/report.html',
      'results/run-20261127-0001/summary.json',
      'stdout',
    ]);
    expect(out.stdout).toContain('reports .............. results/run-20261127-0001/');
    const json = JSON.parse(out['results/run-20261127-0001/summary.json'] ?? '{}') as { schemaVersion: number; run: { id: string } };
    expect(json.schemaVersion).toBe(SCHEMA_VERSION);
    expect(json.run.id).toBe('run-20261127-0001');
  });

  it('gives each instance of a split run its own folder under the run id, so two instances never write the same file', () => {
    const keys = (instance: string) => Object.keys(buildReports(data, runInfo(), undefined, { resultsDir: 'results', instance })).filter((k) => k !== 'stdout');
    expect(keys('orgs-1-2.segment-0-1_2').sort()).toEqual([
      'results/run-20261127-0001/orgs-1-2.segment-0-1_2/junit.xml',
      'results/run-20261127-0001/orgs-1-2.segment-0-1_2/report.html',
      'results/run-20261127-0001/orgs-1-2.segment-0-1_2/summary.json',
    ]);
    expect(keys('segment-0-1_2').filter((k) => keys('segment-1_2-1').includes(k))).toEqual([]);
    const flat = buildReports(data, runInfo(), undefined, { resultsDir: 'results', flat: true, instance: 'orgs-3' });
    expect(Object.keys(flat)).toContain('run-20261127-0001-orgs-3-summary.json');
    expect(flat.stdout).toContain('reports .............. ./run-20261127-0001-orgs-3-{summary.json, junit.xml, report.html}');
  });

  it('keeps a hostile run id inside the results folder', () => {
    expect(runDirName('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(runDirName('..')).toBe('run');
    expect(runDirName('a b/c')).toBe('a_b_c');
    const out = buildReports(data, runInfo({ runId: '../x' }), undefined, { resultsDir: 'results' });
    for (const k of Object.keys(out)) if (k !== 'stdout') expect(k.startsWith('results/.._x/')).toBe(true);
  });

  it('writes beside the working directory when resultsDir is empty', () => {
    const out = buildReports(data, runInfo(), undefined, { resultsDir: '' });
    expect(Object.keys(out)).toContain('run-20261127-0001/summary.json');
  });

  it('lays the files flat, named by the run id, for a runtime that cannot create folders', () => {
    const out = buildReports(data, runInfo(), undefined, { resultsDir: 'results', flat: true });
    expect(Object.keys(out).sort()).toEqual(['run-20261127-0001-junit.xml', 'run-20261127-0001-report.html', 'run-20261127-0001-summary.json', 'stdout']);
    expect(out.stdout).toContain('reports .............. ./run-20261127-0001-{summary.json, junit.xml, report.html}');
  });
});
