// Every npm script that takes a command line keeps one contract: --help or -h prints its usage to stdout and
// exits 0; a flag it does not know prints one line naming it, then the same usage, to stderr and exits 2.
// The scripts run exactly as package.json has them (the relay's Go flags through `npm run relay`).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../config/helpers';

const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** npm scripts that take no command line of their own. */
const NOT_CLIS = ['test', 'build', 'typecheck', 'test:unit', 'test:go'];
const clis = Object.keys(scripts).filter((name) => !NOT_CLIS.includes(name));

/** Runs an npm script's command with extra arguments, as `npm run <name> -- <args>` would, minus npm's banner. */
function runScript(name: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [bin, ...rest] = (scripts[name] as string).split(' ');
  const argv = bin === 'tsx' ? ['--import', 'tsx', ...rest] : bin === 'node' ? rest : [];
  if (argv.length === 0) throw new Error(`${name}: "${scripts[name]}" is neither node nor tsx`);
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...argv, ...args], { cwd: repoRoot, timeout: 60_000 }, (_err, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe.concurrent('every CLI answers --help and refuses an unknown flag', () => {
  it('covers every npm script but the build and test ones', () => {
    expect(clis.sort()).toEqual(['bench', 'bench:sim', 'cleanup', 'demo', 'k6', 'k8s:delete', 'k8s:render', 'k8s:run', 'k8s:status', 'relay', 'report', 'sim', 'validate']);
  });

  for (const name of clis) {
    it(`npm run ${name}`, async () => {
      const [help, h, bogus] = await Promise.all([runScript(name, '--help'), runScript(name, '-h'), runScript(name, '--bogus')]);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^usage:/);
      expect(help.stdout).toMatch(new RegExp(`npm run ${name} +--`));
      expect(h.code, h.stderr).toBe(0);
      expect(h.stdout).toBe(help.stdout);

      expect(bogus.code, bogus.stderr).toBe(2);
      expect(bogus.stdout).toBe('');
      // Go's flag package names it -bogus; the relay's first build may log a line before it.
      const [named, ...usage] = bogus.stderr.slice(bogus.stderr.search(/^.*-bogus/m)).split('\n');
      expect(named).toMatch(/-bogus\b/);
      expect(usage.join('\n')).toBe(help.stdout);
    });
  }
});

describe('npm run k6 leaves k6 its own flags', () => {
  it('--help with no k6 command is the wrapper\'s, and says where k6\'s own help is', async () => {
    const r = await runScript('k6', '--help');
    expect(r.stdout).toContain('Every other flag goes to k6 unchanged');
    expect(r.stdout).toContain('npm run k6 -- help');
  });
});
