/**
 * The instances' most frequent error messages as one list. Each instance lists only its top ERROR_TALLY_LIMIT, so
 * a message below one instance's cut is missing that instance's count: the merged counts are exact only when no
 * list was cut.
 */
import { ERROR_TALLY_LIMIT, type ErrorSample } from '../../metrics/error-tally';

/** Counts summed per category, status, path and message, largest first, at most ERROR_TALLY_LIMIT; null when an instance kept none. */
export function mergeErrorTops(tops: (ErrorSample[] | null)[]): { top: ErrorSample[] | null; complete: boolean } {
  if (tops.some((t) => t === null)) return { top: null, complete: true };
  const byKey = new Map<string, ErrorSample>();
  for (const t of tops as ErrorSample[][]) {
    for (const e of t) {
      const key = [e.category, e.status, e.path, e.message].join('\t');
      byKey.set(key, { ...e, count: (byKey.get(key)?.count ?? 0) + e.count });
    }
  }
  const top = Array.from(byKey.values()).sort((a, b) => b.count - a.count).slice(0, ERROR_TALLY_LIMIT);
  return { top, complete: (tops as ErrorSample[][]).every((t) => t.length < ERROR_TALLY_LIMIT) };
}
