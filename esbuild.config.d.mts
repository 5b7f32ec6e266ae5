/** Builds both bundle flavours into dist/. */
export function buildAll(opts?: { log?: (msg: string) => void }): Promise<void>;
