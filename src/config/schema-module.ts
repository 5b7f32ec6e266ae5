/**
 * The zod schema module, loaded on first use. zod builds every schema object when its module runs, and
 * k6 runs the whole bundle once per VU: built at import it cost about 16 MiB and 150 ms per VU (npm run
 * bench, loadtestScript), though only one VU per process ever parses the config (run.ts). The k6 bundles
 * load it lazily (#schema-loader -> schema-loader.k6.ts); Node imports it as usual.
 */
import { loadSchemaModule } from '#schema-loader';
import type * as Schema from './schema';

let loaded: typeof Schema | undefined;

/** The schema module, loaded and built the first time it is asked for. */
export function schemaModule(): typeof Schema {
  if (!loaded) loaded = loadSchemaModule();
  return loaded;
}
