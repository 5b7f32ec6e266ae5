import type { parseArgs, ParseArgsConfig } from 'node:util';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** The exit code of a command line that cannot run. */
export const EXIT_USAGE: 2;
/** A command line that cannot run; the message names the flag or argument at fault. */
export class UsageError extends Error {}
/** Whether the arguments ask for help: `--help` or `-h` before any `--`. */
export function wantsHelp(args: readonly string[]): boolean;
/** node:util parseArgs, strict: a flag not in `options`, a missing value or a stray positional is a UsageError. */
export function parseFlags<O extends FlagOptions>(
  args: readonly string[],
  options: O,
  allowPositionals?: boolean,
): ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: boolean }>>;
/** Runs a CLI's main under the contract (help: stdout, 0; UsageError: stderr, 2) and resolves with its exit code. */
export function runCli(
  usage: string,
  args: string[],
  main: (args: string[]) => number | Promise<number>,
  isHelp?: (args: readonly string[]) => boolean,
): Promise<number>;
