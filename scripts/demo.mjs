// `npm run demo`: works on a fresh clone (installs what it needs), then runs scripts/demo.ts.
import { ensureNpmPackages, runTs } from './bootstrap.mjs';

ensureNpmPackages();
runTs('scripts/demo.ts', process.argv.slice(2));
