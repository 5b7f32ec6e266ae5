// The command-line contract every npm script that takes arguments keeps (test/unit/tools/cli-usage.test.ts holds them
// to it): `--help` or `-h` prints the usage to stdout and exits 0; an unknown flag, a bad value or a missing
// argument prints one line naming it, then the usage, to stderr and exits 2. The relay's Go flags keep it in relay/main.go.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** The exit code of a command line that cannot run. */
const EXIT_USAGE = 2 as const;

/** A command line that cannot run; the message names the flag or argument at fault. */
export class UsageError extends Error {}

/** Whether the arguments ask for help: `--help` or `-h` before any `--`. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** node:util parseArgs, strict: a flag not in `options`, a missing value or a stray positional is a UsageError. */
export function parseFlags<O extends FlagOptions>(
  args: readonly string[],
  options: O,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: boolean }>> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Runs a CLI's main under the contract and resolves with its exit code: for help (`isHelp`, wantsHelp unless
 * the CLI shares its flags with another program) the usage on stdout and 0; for a UsageError its line and the
 * usage on stderr and 2; else main's own code. Other errors are main's to report: they are rethrown.
 */
export async function runCli(
  usage: string,
  args: string[],
  main: (args: string[]) => number | Promise<number>,
  isHelp: (args: readonly string[]) => boolean = wantsHelp,
): Promise<number> {
  if (isHelp(args)) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  try {
    return await main(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${usage}\n`);
    return EXIT_USAGE;
  }
}
