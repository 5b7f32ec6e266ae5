// Bundles every src/entry/**/*.ts entry into one ESM file for the official k6, in two flavours:
//   dist/<entry>.js        streams through the stream relay beside k6 (docs/relay.md);
//   dist/stock/<entry>.js  uses buffered k6/http alone, with no relay (TTFB only, no shared limits).
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenariosDir = join(root, 'src', 'entry');

const flavours = {
  default: { outdir: join(root, 'dist'), transport: join(root, 'src/llm/transport/relay.ts') },
  stock: { outdir: join(root, 'dist/stock'), transport: join(root, 'src/llm/transport/buffered.ts') },
};

function entries() {
  return readdirSync(scenariosDir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(scenariosDir, f))
    .sort();
}

/**
 * Resolves the `#transport` import to the flavour's transport module, and `#schema-loader` to the lazy
 * loader every k6 bundle uses (src/config/schema-module.ts says why).
 */
function transportPlugin(path: string): esbuild.Plugin {
  return {
    name: 'transport-flavour',
    setup(build) {
      build.onResolve({ filter: /^#transport$/ }, () => ({ path }));
      build.onResolve({ filter: /^#schema-loader$/ }, () => ({ path: join(root, 'src/config/schema-loader.k6.ts') }));
    },
  };
}

/** Builds both flavours; throws if a bundle would import a k6 extension module (k6 runs unmodified). */
export async function buildAll({ log = console.log } = {}) {
  const points = entries();
  if (points.length === 0) throw new Error('no src/entry/**/*.ts entry to bundle');
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  for (const [name, f] of Object.entries(flavours)) {
    const result = await esbuild.build({
      entryPoints: points,
      outdir: f.outdir,
      outbase: scenariosDir,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      // k6's JS engine (sobek) runs ES2017 plus a few later pieces; esbuild lowers newer syntax.
      target: 'es2017',
      external: ['k6', 'k6/*'],
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'warning',
      plugins: [transportPlugin(f.transport)],
    });
    for (const [out, meta] of Object.entries(result.metafile.outputs)) {
      if (!out.endsWith('.js')) continue;
      const ext = meta.imports.filter((i) => i.external && i.path.startsWith('k6/x/'));
      if (ext.length > 0) {
        throw new Error(`${name} bundle ${out} imports ${ext.map((i) => i.path).join(', ')}: the official k6 lacks them`);
      }
    }
    log(`built ${points.length} scenario(s) -> ${relative(root, f.outdir)}/ (${name})`);
  }
}

/**
 * The relay-streaming bundle of one scenario as text, minified and without a source map, for a ConfigMap:
 * ConfigMaps hold at most 1 MiB, and the readable bundle is over that.
 */
export async function bundleForCluster(entry = 'loadtest.ts') {
  const result = await esbuild.build({
    entryPoints: [join(scenariosDir, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2017',
    external: ['k6', 'k6/*'],
    minify: true,
    // Function names stay, so errors from a pod still name where they came from.
    keepNames: true,
    logLevel: 'warning',
    plugins: [transportPlugin(flavours.default.transport)],
  });
  return (result.outputFiles[0] as esbuild.OutputFile).text;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildAll().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
