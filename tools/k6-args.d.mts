/** What `npm run k6 -- --help` prints: the wrapper's own part, and where k6's help is. */
export const K6_USAGE: string;
/** Default remote-write settings; any already in the environment wins. */
export const PROMETHEUS_DEFAULTS: Record<string, string>;
/** What rewriteArgs reads from outside: the config file, and the clock for a generated run id. */
export interface ArgsIo {
  readText(path: string): string;
  now(): Date;
}
/**
 * Rewrites `--prometheus URL` into k6's remote-write output, the testid tag and their env; an error for a
 * flag with no k6 command to take it (only `--version` stands alone).
 */
export function rewriteArgs(
  args: string[],
  env: Record<string, string | undefined>,
  io?: ArgsIo,
): { args: string[]; env: Record<string, string> } | { error: string };
/** The remote-write endpoint for a Prometheus base URL (an endpoint URL is kept as it is). */
export function prometheusWriteUrl(url: string): string;
/** The k6 CLI tag that puts the run id on every series, k6's built-in ones included. */
export function testidTag(runId: string): string[];
/** The `-e NAME=value` / `--env NAME=value` pairs of k6 arguments, as k6 adds them to __ENV. */
export function envArgs(args: string[]): Record<string, string>;
/** k6's subcommand: the first argument that is not a flag, or null. */
export function k6Subcommand(args: string[]): string | null;
/** Whether `--help`/`-h` is the wrapper's: only with no k6 command (`run --help` is k6's help for `run`). */
export function wrapperHelp(args: readonly string[]): boolean;
/**
 * For `k6 run`: adds `--address 127.0.0.1:0` unless an address is given, and says whether a relay must be
 * started (no LLM_RELAY_URL in env or `-e`). Other subcommands pass through unchanged, with no relay.
 */
export function wrapperPlan(args: string[], env: Record<string, string | undefined>): { args: string[]; relay: boolean };
