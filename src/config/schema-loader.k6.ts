/**
 * k6 bundles: esbuild turns a require() of an ES module into a lazy initialiser, so the schema module and
 * zod run only when loadSchemaModule is first called (see schema-module.ts), not in every VU's init.
 */
import type * as Schema from './schema';

declare const require: (id: string) => unknown;

/** Runs the schema module (and zod) now, once. */
export function loadSchemaModule(): typeof Schema {
  return require('./schema') as typeof Schema;
}
