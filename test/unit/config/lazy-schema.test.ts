// k6 runs the whole bundle in every VU; the zod schema must only be built where a config is validated
// (once per process), or every VU pays ~16 MiB and ~150 ms for it (npm run bench, loadtestScript).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../e2e/helpers/k6';

/** The initialiser esbuild gives a lazily loaded module, found after the module's path comment. */
function initialiserOf(source: string, modulePath: string): string {
  const at = source.indexOf(`// ${modulePath}\n`);
  if (at < 0) throw new Error(`${modulePath} is not in the bundle`);
  const m = /\nvar (init_\w+) = __esm\(/.exec(source.slice(at));
  if (!m) throw new Error(`${modulePath} is bundled eagerly: it has no lazy initialiser`);
  return m[1] as string;
}

describe('the config schema in k6 bundles', () => {
  for (const flavour of ['loadtest.js', 'stock/loadtest.js']) {
    it(`${flavour}: zod and the schema are built on first use, not when a VU starts`, () => {
      const source = readFileSync(bundle(flavour), 'utf8');
      for (const mod of ['src/config/schema.ts', 'node_modules/zod/v4/classic/external.js']) {
        const init = initialiserOf(source, mod);
        // A call at column 0 runs when the bundle is evaluated, that is in every VU's init.
        expect(source.split('\n').filter((l) => l.startsWith(`${init}()`)), `${mod} is initialised at the top level`).toEqual([]);
      }
    });
  }
});
