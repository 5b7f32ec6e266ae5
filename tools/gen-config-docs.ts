/** Writes docs/config.md from the config schema: `npx tsx tools/gen-config-docs.ts`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../src/config/docs';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'config.md');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderConfigDocs());
console.log(`wrote ${target}`);
