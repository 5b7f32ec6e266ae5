/** One-line summaries of a validated config, for the validate CLI and run banners. */
import { describeLoadPattern } from './load-pattern';
import { maxUsers, minUsers } from './schema';
import type { LoadTestConfig } from './schema';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** e.g. `1 org, 5 users, 1 test type, pattern default closed ramp + sustain, 300 s`. */
export function summarizeConfig(config: LoadTestConfig): string {
  const spec = config.spec;
  const lo = minUsers(spec);
  const hi = maxUsers(spec);
  const users = lo === hi ? plural(hi, 'user') : `${lo}-${hi} users`;
  return `${plural(spec.organizations.count, 'org')}, ${users}, ${plural(spec.testTypes.length, 'test type')}, pattern ${describeLoadPattern(config)}`;
}
