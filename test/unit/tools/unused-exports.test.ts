// An export is a promise to other files: every one must have a user outside its own file, except the public
// API ARCHITECTURE.md names ("Exports"). tools/unused-exports.ts finds them; `npx tsx tools/unused-exports.ts`
// lists them.
import { expect, it } from 'vitest';
import { unusedExports } from '../../../tools/unused-exports';
import { repoRoot } from '../config/helpers';

it('no export is used only in its own file', () => {
  expect(unusedExports(repoRoot)).toEqual([]);
}, 60_000);
