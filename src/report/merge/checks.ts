/**
 * What the local merge accepts: the summaries of distinct instances of one run, each named by the folder its share
 * of the run is written to (src/report/instance.ts). Anything else is refused with a message naming the files.
 */
import { describeShare, parseInstanceName, sharesOverlap, type InstanceShare } from '../instance';
import { SCHEMA_VERSION } from '../model';
import type { Summary } from '../model';

/** One instance's summary, the folder name it came from ("" for the run folder itself) and where, for messages. */
export interface MergePart {
  instance: string;
  where: string;
  summary: Summary;
}

/** The parts cannot be merged into one run's figures; the message says which and why. */
export class MergeError extends Error {}

/** The instances' shares, once every part is shown to be a distinct, non-overlapping instance of one run. */
export function checkParts(parts: MergePart[]): InstanceShare[] {
  const first = parts[0];
  if (first === undefined) throw new MergeError('no instance reports to merge');
  const shares: InstanceShare[] = [];
  parts.forEach((p, i) => {
    const s = p.summary;
    if (s.source !== 'k6') throw new MergeError(`${p.where}: source "${String(s.source)}" is not one k6 instance's report; a fleet or merged report is not merged again`);
    if (s.schemaVersion !== SCHEMA_VERSION) throw new MergeError(`${p.where}: schema version ${String(s.schemaVersion)}, this tool reads ${SCHEMA_VERSION}`);
    if (s.run.id !== first.summary.run.id) throw new MergeError(`summaries of different runs: ${first.where} is run "${first.summary.run.id}", ${p.where} is run "${s.run.id}"`);
    for (const field of ['name', 'seed', 'transport'] as const) {
      if (s.run[field] !== first.summary.run[field]) {
        throw new MergeError(`run "${s.run.id}" has instances with different ${field}s: ${first.where} has ${JSON.stringify(first.summary.run[field])}, ${p.where} has ${JSON.stringify(s.run[field])}`);
      }
    }
    const share = parseInstanceName(p.instance);
    if (share === null) throw new MergeError(`${p.where}: "${p.instance}" is not an instance folder name (orgs-<from>-<to>, segment-<from>-<to> with fractions as n_d, or both joined by ".")`);
    for (let j = 0; j < i; j++) {
      const q = parts[j] as MergePart;
      if (q.instance === p.instance) throw new MergeError(`instance "${p.instance}" of run "${s.run.id}" appears twice: ${q.where} and ${p.where}`);
      if (sharesOverlap(shares[j] as InstanceShare, share)) {
        throw new MergeError(`${q.where} (${describeShare(shares[j] as InstanceShare)}) and ${p.where} (${describeShare(share)}) played some of the same users: their figures would be counted twice`);
      }
    }
    shares.push(share);
  });
  return shares;
}
