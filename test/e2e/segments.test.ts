// Test-wide VU ids come from stock k6: setup() provisions exactly the users an instance's VUs will play, so the
// ids src/llm/transport/segments.ts predicts for a segment must be the ids the official k6 hands its VUs.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { instanceShareOf } from '../../src/llm/transport/segments';
import { runK6 } from './helpers/k6';

const VUS = 20;
const work = mkdtempSync(join(tmpdir(), 'k6-segments-'));
const script = join(work, 'ids.js');
writeFileSync(
  script,
  `import exec from 'k6/execution';
export const options = { scenarios: { ids: { executor: 'per-vu-iterations', vus: ${VUS}, iterations: 1 } } };
export default function () { console.log(JSON.stringify({ id: exec.vu.idInTest })); }
`,
);

const SEQUENCES = ['0,1/3,2/3,1', '0,1/4,1/2,1', '0,2/5,1', '0,1/5,1/2,7/10,1'];

describe("k6's VU ids under execution segments", () => {
  it.each(SEQUENCES)('sequence %s: every segment gets the ids the harness predicts', async (sequence) => {
    const points = sequence.split(',');
    for (let i = 0; i + 1 < points.length; i++) {
      const segment = `${points[i]}:${points[i + 1]}`;
      const out = join(work, `${sequence}-${i}.log`.replace(/[/,]/g, '_'));
      const res = await runK6(['run', '--quiet', '--no-summary', '--log-format', 'raw', '--console-output', out, '--execution-segment', segment, '--execution-segment-sequence', sequence, script], {
        timeoutMs: 60_000,
      });
      expect(res.code, res.stderr).toBe(0);
      const ids = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id).sort((a, b) => a - b);
      expect(ids, `segment ${segment}`).toEqual(instanceShareOf(segment, sequence, VUS));
    }
  });
});
