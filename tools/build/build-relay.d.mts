/** Path of the cached relay binary for the current inputs (it may not exist yet). */
export function relayBinaryPath(): string;
/** Returns the path of a built relay, building it first (with progress on stderr) when missing. */
export function ensureRelay(opts?: { quiet?: boolean }): Promise<string>;
