// `npm run demo` is the README's first promise: it must run to the end and show the headline figures.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from './helpers/k6';

it('npm run demo exits 0 and prints TTFT p95, the total cost and a clean cleanup', async () => {
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'tools', 'bootstrap.mjs'), 'tools/demo.ts'], { cwd: repoRoot, env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, out });
    });
  });
  expect(code, out.slice(-3000)).toBe(0);
  expect(out).toMatch(/relay http:\/\/127\.0\.0\.1:\d+/);
  expect(out).toMatch(/TTFT p95 \.+ [\d.]+ ms/);
  expect(out).toMatch(/total cost \.+ \$\d+\.\d+/);
  expect(out).toMatch(/cleanup: no active API key left on the platform/);
  expect(out).toMatch(/reports \.+ results\/demo-\S+\/ \(summary\.json, junit\.xml, report\.html\)/);
}, 300_000);
