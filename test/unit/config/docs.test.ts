import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from '../../../src/config/docs';
import { repoRoot } from './helpers';

describe('docs/config.md', () => {
  it('is up to date with the schema (regenerate: npx tsx tools/gen-config-docs.ts)', () => {
    expect(readFileSync(join(repoRoot, 'docs/config.md'), 'utf8')).toBe(renderConfigDocs());
  });

  it('lists every field with its default, e.g. the new run, platform and loadPattern fields', () => {
    const docs = renderConfigDocs();
    expect(docs).toContain('| `spec.run.seed` | integer |  | `1` |');
    expect(docs).toContain('| `spec.platform.adminPasswordEnv` | string |  | `"AIAAS_ADMIN_PASSWORD"` |');
    expect(docs).toContain('| `spec.loadPattern.iteration` | `"request"` \\| `"session"` |  | `"request"` | (model: open)');
    expect(docs).toContain('| `spec.userBehavior.thinkTimeSeconds.min` | number >= 0 |  | `1` |');
  });
});
