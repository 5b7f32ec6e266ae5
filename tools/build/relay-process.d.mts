export interface RunningRelay {
  /** Base URL, e.g. http://127.0.0.1:41234 (pass it to k6 as LLM_RELAY_URL). */
  url: string;
  pid: number | undefined;
  /** SIGTERM, then waits (bounded; SIGKILL after timeoutMs) for the relay to exit. */
  stop(opts?: { timeoutMs?: number }): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null>;
  /** Resolves when the relay exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
/** Builds (when needed) and starts a relay on a free loopback port; resolves once GET /v1/health answers. */
export function startRelay(opts?: {
  cwd?: string;
  log?: (line: string) => void;
  args?: string[];
  readyTimeoutMs?: number;
  quiet?: boolean;
  /** Pin the relay to these CPUs (`taskset -c`), e.g. "0" or "0-1". */
  cpus?: string;
  /** A relay binary to run instead of the cached build. */
  bin?: string;
}): Promise<RunningRelay>;
