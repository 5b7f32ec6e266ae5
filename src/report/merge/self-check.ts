/**
 * The self-check of a merged run. Each instance judged its own load generator, and the figures of two relays do
 * not add up to a third, so the merge keeps the worst instance's block rather than inventing a combined one.
 */
import type { SelfCheck } from '../../metrics/self-check';

/** One instance's self-check, named. */
interface NamedSelfCheck {
  instance: string;
  selfCheck: SelfCheck;
}

/**
 * warn when any instance warned (every warning, prefixed with its instance, on the first warning instance's
 * figures); else unavailable when any instance could not measure; else ok, with the busiest relay's figures.
 */
export function mergeSelfChecks(parts: NamedSelfCheck[]): SelfCheck {
  const warned = parts.filter((p) => p.selfCheck.verdict === 'warn');
  if (warned.length > 0) {
    const warnings = warned.flatMap((p) => p.selfCheck.warnings.map((w) => `${p.instance}: ${w}`));
    return { ...(warned[0] as NamedSelfCheck).selfCheck, warnings };
  }
  const blind = parts.find((p) => p.selfCheck.verdict === 'unavailable');
  if (blind !== undefined) return { ...blind.selfCheck, reason: `${blind.instance}: ${blind.selfCheck.reason ?? 'not measured'}` };
  const busiest = parts.reduce((a, b) => ((b.selfCheck.cpu?.avgShare ?? 0) > (a.selfCheck.cpu?.avgShare ?? 0) ? b : a));
  return { ...busiest.selfCheck };
}
