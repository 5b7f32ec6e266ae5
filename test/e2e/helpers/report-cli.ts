import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './k6';

/** Runs `npm run report` (tools/report.ts) with args, from the repository root. */
export function runReport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(repoRoot, 'tools', 'report.ts'), ...args], { cwd: repoRoot, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
}

/** k6's percentile: linear interpolation between the closest ranks of the sorted values. */
export function percentile(values: number[], p: number): number {
  const s = values.slice().sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(s.length - 1, lo + 1);
  return (s[lo] as number) + (rank - lo) * ((s[hi] as number) - (s[lo] as number));
}
