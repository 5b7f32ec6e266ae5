// Builds the stream relay (relay/, stdlib Go) with the machine's Go and caches it under .cache/relay/. The
// cache key covers the Go version and every input of the build (relay/**/*.go without tests, go.mod, go.sum),
// so editing the relay rebuilds, and nothing else does. A build takes seconds.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { goBinary, mainIfRun, root } from './go-cache';

const mainDir = join(root, 'relay');

function buildInputs(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'testdata' && !e.name.startsWith('.')) walk(p);
      } else if ((e.name.endsWith('.go') && !e.name.endsWith('_test.go')) || e.name === 'go.mod' || e.name === 'go.sum') files.push(p);
    }
  };
  if (!existsSync(join(mainDir, 'go.mod'))) throw new Error('relay/go.mod is missing: the relay cannot be built');
  walk(mainDir);
  return files.sort();
}

const relay = goBinary({
  name: 'relay',
  // The relay's API version (docs/relay.md); the hash in the file name covers everything else.
  version: () => 'v1',
  cacheDir: join(root, '.cache', 'relay'),
  mainDir,
  inputs: buildInputs,
  goArgs: () => [],
  nice: false,
  needGoFor: 'to build the stream relay (https://go.dev/dl/, 1.25 or newer)',
  label: 'the stream relay',
  coldHint: 'a few seconds',
});

/** Path of the cached relay binary for the current inputs (it may not exist yet). */
const relayBinaryPath = relay.path;

/** Returns the path of a built relay, building it first (with progress on stderr) when missing. */
export const ensureRelay = relay.ensure;

mainIfRun(import.meta.url, ensureRelay, 'relay');
