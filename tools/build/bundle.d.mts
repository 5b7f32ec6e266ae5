/** Builds both bundle flavours into dist/. */
export function buildAll(opts?: { log?: (msg: string) => void }): Promise<void>;
/** The minified streaming bundle of one scenario (default loadtest.ts), for a ConfigMap. */
export function bundleForCluster(entry?: string): Promise<string>;
