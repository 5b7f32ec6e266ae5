import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers';

function validate(...files: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/validate.ts', ...files], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run validate', () => {
  it('prints a summary per valid file and exits 0', () => {
    const r = validate('configs/smoke-test.yaml', 'configs/stress.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'configs/smoke-test.yaml: ok (1 org, 5 users, 1 test type, pattern default closed ramp + sustain, 300 s)\n' +
        'configs/stress.yaml: ok (4 orgs, 200 users, 1 test type, pattern open (request per iteration), 8 phases, 930 s)\n',
    );
  });

  it('prints the problems of an invalid file and exits 1', () => {
    const r = validate('configs/demo.yaml', 'test/fixtures/configs/many-problems.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('configs/demo.yaml: ok');
    expect(r.stderr).toContain('test/fixtures/configs/many-problems.yaml: invalid config (3 problems)\n  spec.users.perOrg.min: must be <= max (9 > 3)');
  });

  it('exits 2 with usage when no file is given', () => {
    const r = validate();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no config file given');
  });

  it('exits 2 naming an unreadable file', () => {
    const r = validate('configs/no-such-config.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('configs/no-such-config.yaml: cannot read the file (ENOENT)');
  });
});
