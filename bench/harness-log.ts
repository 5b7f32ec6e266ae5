import { existsSync, readFileSync } from 'node:fs';
import type { HarnessRecord } from './stats';

/** The per-request lines (`{"request": ...}`, LOADTEST_REQUEST_LOG=1 or dist/bench.js) of a k6 console log. */
export function readHarnessLog(file: string): (HarnessRecord & { errorType: string | null })[] {
  if (!existsSync(file)) return [];
  const out: (HarnessRecord & { errorType: string | null })[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{"request"')) continue;
    out.push((JSON.parse(line) as { request: HarnessRecord & { errorType: string | null } }).request);
  }
  return out;
}
