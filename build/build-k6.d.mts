/** The k6 version pinned in build/k6/go.mod. */
export function pinnedK6Version(): string;
/** Path of the cached binary for the current inputs (it may not exist yet). */
export function k6BinaryPath(): string;
/** Returns the path of a built k6, building it first when missing. */
export function ensureK6(opts?: { quiet?: boolean }): Promise<string>;
