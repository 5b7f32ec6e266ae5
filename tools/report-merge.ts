/**
 * The files of the local merge (`npm run report -- --from DIR`): reads the summary.json of every instance folder
 * of a split run (DIR/<instance>/summary.json), and writes the merged summary.json, junit.xml and report.html.
 * The merging itself is src/report/merge/summaries.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MergeError, mergeSummaries, type MergePart } from '../src/report/merge/summaries';
import { renderHtml, renderJUnit, renderText, type Summary } from '../src/report/index';

function readSummary(file: string): Summary {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Summary;
  } catch (e) {
    throw new MergeError(`${file}: not a readable summary.json (${(e as Error).message})`);
  }
}

/**
 * Every instance report under the run folders. A summary.json in a run folder itself is a report of the whole run
 * under the same id, which overlaps every instance, so it is a part too (and the merge refuses it), unless it is
 * an earlier merge's output.
 */
function readParts(dirs: string[]): MergePart[] {
  const parts: MergePart[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MergeError(`${dir}: no such folder`);
    const own = join(dir, 'summary.json');
    if (existsSync(own)) {
      const summary = readSummary(own);
      if (summary.source !== 'k6-merged') parts.push({ instance: '', where: own, summary });
    }
    for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = join(dir, entry.name, 'summary.json');
      if (existsSync(file)) parts.push({ instance: entry.name, where: file, summary: readSummary(file) });
    }
  }
  if (!parts.some((p) => p.instance !== '')) {
    throw new MergeError(`no instance reports (<run folder>/<instance>/summary.json) under ${dirs.join(', ')}: only the instances of a split or segmented run write them`);
  }
  return parts;
}

/** Merges the instance reports under the run folders `from` into `out` (default: the first run folder); the text report. */
export function mergeRunFolders(from: string[], out: string | undefined): string {
  const parts = readParts(from);
  const { summary, notes } = mergeSummaries(parts);
  const dir = out ?? (from[0] as string);
  const target = join(dir, 'summary.json');
  if (existsSync(target) && readSummary(target).source !== 'k6-merged') throw new MergeError(`${target} is not an earlier merge, so it is not overwritten; choose another --out`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(target, `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(dir, 'junit.xml'), renderJUnit(summary));
  writeFileSync(join(dir, 'report.html'), renderHtml(summary));
  const instances = parts.map((p) => p.instance).join(', ');
  return `${renderText(summary, { reports: `${dir}/ (summary.json, junit.xml, report.html)` })}  k6 instances: ${parts.length} (${instances})\n${notes.map((n) => `  ${n}\n`).join('')}`;
}
