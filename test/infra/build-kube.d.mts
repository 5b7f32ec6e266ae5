/** The Kubernetes version pinned in test/infra/kube/go.mod. */
export function pinnedKubeVersion(): string;
/** Path of the cached binary for the current inputs (it may not exist yet). */
export function kubeBinaryPath(): string;
/** Returns the path of the built binary (subcommands `etcd` and `apiserver`), building it first when missing. */
export function ensureKube(opts?: { quiet?: boolean }): Promise<string>;
