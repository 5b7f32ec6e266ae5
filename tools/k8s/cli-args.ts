/**
 * Flags of the k8s:* commands, parsed strictly: an unknown flag or a missing value is a usage error
 * naming the flag, never a silent default.
 */
import { UsageError } from '../cli';
import { parseSplit, type SplitPart } from './prepare';

export interface K8sArgs {
  config?: string;
  runId?: string;
  namespace?: string;
  context?: string;
  image?: string;
  relayImage?: string;
  parallelism?: number;
  usersPerPod?: number;
  secret?: string;
  prometheus?: string;
  split?: SplitPart[];
  out?: string;
  archive: boolean;
  separate: boolean;
  keep: boolean;
  wait: boolean;
  follow: boolean;
  skipTargetCheck: boolean;
}

const VALUE_FLAGS = ['config', 'run-id', 'namespace', 'context', 'image', 'relay-image', 'parallelism', 'users-per-pod', 'secret', 'prometheus', 'split', 'out'] as const;
const BOOL_FLAGS = ['archive', 'separate', 'keep', 'wait', 'follow', 'skip-target-check'] as const;

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1) throw new UsageError(`--${flag} must be a whole number >= 1, got "${v}"`);
  return n;
}

/** Parses the flags after the subcommand; throws a message naming the bad flag. */
export function parseK8sArgs(argv: readonly string[], allowed: readonly string[]): K8sArgs {
  const out: K8sArgs = { archive: false, separate: false, keep: false, wait: false, follow: false, skipTargetCheck: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new UsageError(`unexpected argument "${a}" (flags start with --)`);
    const flag = m[1] as string;
    if (!allowed.includes(flag)) throw new UsageError(`unknown flag --${flag} for this command (allowed: ${allowed.map((f) => `--${f}`).join(', ')})`);
    if ((BOOL_FLAGS as readonly string[]).includes(flag)) {
      if (m[2] !== undefined) throw new UsageError(`--${flag} takes no value`);
      const key = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as 'archive' | 'separate' | 'keep' | 'wait' | 'follow' | 'skipTargetCheck';
      out[key] = true;
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) throw new UsageError(`unknown flag --${flag}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '' || (m[2] === undefined && value.startsWith('--'))) throw new UsageError(`--${flag} needs a value`);
    switch (flag) {
      case 'config': out.config = value; break;
      case 'run-id': out.runId = value; break;
      case 'namespace': out.namespace = value; break;
      case 'context': out.context = value; break;
      case 'image': out.image = value; break;
      case 'relay-image': out.relayImage = value; break;
      case 'secret': out.secret = value; break;
      case 'out': out.out = value; break;
      case 'parallelism': out.parallelism = positiveInt(flag, value); break;
      case 'users-per-pod': out.usersPerPod = positiveInt(flag, value); break;
      case 'prometheus':
        if (!/^https?:\/\/[^\s/]+/.test(value)) throw new UsageError(`--prometheus needs the Prometheus base URL, e.g. http://prometheus.monitoring:9090 (got "${value}")`);
        out.prometheus = value;
        break;
      case 'split': out.split = parseSplit(value); break;
    }
  }
  if (out.split && out.context) throw new UsageError('--split names the contexts itself; drop --context');
  if (out.split && out.parallelism) throw new UsageError('--split chooses each cluster\'s parallelism from its users; use --users-per-pod instead of --parallelism');
  return out;
}

/** Default run id: the scenario name and the UTC time to the second, as local runs name theirs. */
export function defaultRunId(scenario: string, now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${scenario}-${t}`.toLowerCase();
}
