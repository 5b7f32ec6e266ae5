// npm run k8s:render as a user runs it: stable output across processes, clear usage errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseK8sArgs } from '../../../../tools/k8s/cli-args';
import { repoRoot } from '../../config/helpers';

function k8s(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/k8s.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run k8s:render', () => {
  it('prints the same YAML from two separate processes, and says what it rendered', () => {
    const a = k8s('render', '--config', 'configs/multi-org.yaml', '--run-id', 'cli-1', '--parallelism', '3');
    const b = k8s('render', '--config', 'configs/multi-org.yaml', '--run-id', 'cli-1', '--parallelism', '3');
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stderr).toContain('testrun cli-1 in load-testing: 3 runner pod(s), 3 org(s), ConfigMap');
    const docs = a.stdout.split(/^---$/m).map((d) => parse(d) as { kind: string });
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'TestRun']);
  });

  it('--image and --relay-image choose the runner and sidecar images', () => {
    const r = k8s('render', '--config', 'configs/demo.yaml', '--run-id', 'cli-3', '--image', 'reg.example/k6:1.1.0', '--relay-image', 'reg.example/relay:dev');
    expect(r.code, r.stderr).toBe(0);
    const tr = parse(r.stdout.split(/^---$/m)[1] as string) as { spec: { runner: { image: string; initContainers: { image: string }[] } } };
    expect(tr.spec.runner.image).toBe('reg.example/k6:1.1.0');
    expect(tr.spec.runner.initContainers.map((c) => c.image)).toEqual(['reg.example/relay:dev']);
  });

  it('--split writes one file per context with disjoint org ranges', () => {
    const out = mkdtempSync(join(tmpdir(), 'k8s-cli-'));
    const r = k8s('render', '--config', 'configs/multi-org.yaml', '--run-id', 'cli-2', '--split', 'east=50,west=50', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['cli-2-east.yaml', 'cli-2-west.yaml']);
    const orgsOf = (f: string) => readFileSync(join(out, f), 'utf8').match(/name: LOADTEST_ORGS\n\s+value: "?([\d-]+)"?/)?.[1];
    expect([orgsOf('cli-2-east.yaml'), orgsOf('cli-2-west.yaml')]).toEqual(['1-2', '3']);
  });

  it('exits 2 naming a bad flag, a missing --config or an invalid config', () => {
    const bad = k8s('render', '--config', 'configs/demo.yaml', '--paralelism', '2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown flag --paralelism for this command');
    expect(k8s('render').stderr).toContain('--config is required');
    const invalid = k8s('render', '--config', 'test/fixtures/configs/many-problems.yaml');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('invalid config (3 problems)');
    expect(k8s('frobnicate').code).toBe(2);
  });
});

describe('k8s flags', () => {
  it('parse values and switches, and refuse nonsense', () => {
    const a = parseK8sArgs(['--config', 'c.yaml', '--users-per-pod=4', '--wait', '--split', 'a=1,b=2'], ['config', 'users-per-pod', 'wait', 'split']);
    expect(a).toMatchObject({ config: 'c.yaml', usersPerPod: 4, wait: true, split: [{ context: 'a', weight: 1 }, { context: 'b', weight: 2 }] });
    expect(() => parseK8sArgs(['--split', 'a=1', '--parallelism', '2'], ['split', 'parallelism'])).toThrow(/--users-per-pod instead/);
    expect(() => parseK8sArgs(['--parallelism', '0'], ['parallelism'])).toThrow(/whole number >= 1/);
    expect(() => parseK8sArgs(['--config'], ['config'])).toThrow(/--config needs a value/);
    expect(() => parseK8sArgs(['--wait=yes'], ['wait'])).toThrow(/takes no value/);
    expect(() => parseK8sArgs(['--split', 'a=1', '--context', 'x'], ['split', 'context'])).toThrow(/drop --context/);
    expect(() => parseK8sArgs(['--split', 'a=x'], ['split'])).toThrow(/"a=x" is not context=weight/);
    expect(() => parseK8sArgs(['--prometheus', 'prom:9090'], ['prometheus'])).toThrow(/base URL/);
    expect(parseK8sArgs(['--image', 'reg/k6:1.1.0', '--relay-image=reg/relay:1'], ['image', 'relay-image'])).toMatchObject({ image: 'reg/k6:1.1.0', relayImage: 'reg/relay:1' });
  });
});
