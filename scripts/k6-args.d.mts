/** Default remote-write settings; any already in the environment wins. */
export const PROMETHEUS_DEFAULTS: Record<string, string>;
/** Rewrites `--prometheus URL` into k6's remote-write output and its env. */
export function rewriteArgs(args: string[], env: Record<string, string | undefined>): { args: string[]; env: Record<string, string> } | { error: string };
/** The remote-write endpoint for a Prometheus base URL (an endpoint URL is kept as it is). */
export function prometheusWriteUrl(url: string): string;
