// `npm run demo`: works on a fresh clone (installs what it needs), then runs tools/demo.ts.
import { ensureNpmPackages, runTs } from './bootstrap.mjs';

ensureNpmPackages();
runTs('tools/demo.ts', process.argv.slice(2));
