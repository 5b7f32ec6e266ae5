/** Default remote-write settings; any already in the environment wins. */
export const PROMETHEUS_DEFAULTS: Record<string, string>;
/** What rewriteArgs reads from outside: the config file, and the clock for a generated run id. */
export interface ArgsIo {
  readText(path: string): string;
  now(): Date;
}
/** Rewrites `--prometheus URL` into k6's remote-write output, the testid tag and their env. */
export function rewriteArgs(
  args: string[],
  env: Record<string, string | undefined>,
  io?: ArgsIo,
): { args: string[]; env: Record<string, string> } | { error: string };
/** The remote-write endpoint for a Prometheus base URL (an endpoint URL is kept as it is). */
export function prometheusWriteUrl(url: string): string;
/** The k6 CLI tag that puts the run id on every series, k6's built-in ones included. */
export function testidTag(runId: string): string[];
