/** Node (scripts, sim, tests): the schema module imported as usual; laziness only matters inside k6. */
import * as Schema from './schema';

/** The schema module. */
export function loadSchemaModule(): typeof Schema {
  return Schema;
}
