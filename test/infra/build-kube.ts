// Builds a real Kubernetes API server for the tests (test/infra/kube: kube-apiserver from k8s.io/kubernetes, plus an
// embedded etcd) with the machine's Go and caches it under .cache/kube/. Like build-relay.ts, the cache key covers
// the Go version and every input of the build (test/infra/kube and this script), so nothing else rebuilds it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goBinary, mainIfRun, requiredVersion, root } from '../../tools/build/go-cache';

const mainDir = join(root, 'test', 'infra', 'kube');

/** The Kubernetes version pinned in test/infra/kube/go.mod. */
function pinnedKubeVersion() {
  return requiredVersion(join(mainDir, 'go.mod'), /^\s*k8s\.io\/kubernetes (v\S+)/m, 'k8s.io/kubernetes');
}

function buildInputs(): string[] {
  const files: string[] = [];
  for (const e of readdirSync(mainDir, { withFileTypes: true })) {
    if (e.isFile() && /\.(go|mod|sum)$/.test(e.name) && !e.name.endsWith('_test.go')) files.push(join(mainDir, e.name));
  }
  files.push(fileURLToPath(import.meta.url)); // the flags below are inputs too
  return files.sort();
}

/** Stamps the version so /version reports it, as a release build would. */
function ldflags() {
  const version = pinnedKubeVersion();
  const [major = '', minor = ''] = version.replace(/^v/, '').split('.');
  const pkg = 'k8s.io/component-base/version';
  return ['-s', '-w', `-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`].join(' ');
}

const kube = goBinary({
  name: 'kube',
  version: pinnedKubeVersion,
  cacheDir: join(root, '.cache', 'kube'),
  mainDir,
  inputs: buildInputs,
  goArgs: () => [`-ldflags=${ldflags()}`],
  // The machine has 2 cores, shared with whatever else runs; this long build takes what is left.
  nice: true,
  needGoFor: 'to build the test Kubernetes API server (https://go.dev/dl/, 1.26 or newer).',
  label: `kube-apiserver ${pinnedKubeVersion()} with embedded etcd`,
  coldHint: 'a cold build downloads Go modules and compiles kube-apiserver: about 8 minutes on 2 cores',
});

/** Path of the cached binary for the current inputs (it may not exist yet). */
const kubeBinaryPath = kube.path;

/**
 * Returns the path of the built binary (`<bin> etcd ...` and `<bin> apiserver ...`), building it first (with
 * progress on stderr) when missing.
 */
export const ensureKube = kube.ensure;

mainIfRun(import.meta.url, ensureKube, 'kube-apiserver');
