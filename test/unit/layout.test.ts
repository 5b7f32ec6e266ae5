// The layout's one hard rule (ARCHITECTURE.md): src/ runs inside k6, so no file under it may import a Node
// module (node:*, fs, path, ...) or anything outside src/ (tools/ is Node code; sim/, bench/ and test/ are
// not shipped in a bundle). tsconfig.k6.json hides Node's types from src/, but a type check does not see a
// runtime import whose types it finds elsewhere; this test reads the imports themselves.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './config/helpers';

const SRC = join(repoRoot, 'src');

/** Every TypeScript file under a folder, as absolute paths. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The module specifiers a file imports or re-exports, statically or with import(). */
function importSpecifiers(text: string): string[] {
  const re = /(?:^|[^\w.$])(?:import|export)\s*(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return [...text.matchAll(re)].map((m) => (m[1] ?? m[2]) as string);
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Why a specifier may not appear in a file under src/, or null when it may. */
function forbidden(file: string, spec: string): string | null {
  if (spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0] as string)) return 'a Node module';
  if (spec.startsWith('.')) {
    const target = resolve(dirname(file), spec);
    const rel = relative(SRC, target);
    if (rel.startsWith('..')) return `outside src/ (${relative(repoRoot, target).split(sep).join('/')})`;
  }
  return null;
}

describe('src/ runs in k6', () => {
  const files = tsFiles(SRC);

  it('finds the k6 side', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('no file under src/ imports a Node module or anything outside src/ (tools/ is Node code)', () => {
    const offences = files.flatMap((f) =>
      importSpecifiers(readFileSync(f, 'utf8'))
        .map((spec) => ({ spec, why: forbidden(f, spec) }))
        .filter((o) => o.why !== null)
        .map((o) => `${relative(repoRoot, f)}: '${o.spec}' is ${o.why}`),
    );
    expect(offences).toEqual([]);
  });

  it('the check itself sees every form of import', () => {
    const text = [
      "import { readFileSync } from 'node:fs';",
      "import path from 'path';",
      "import type { X } from '../../tools/k8s/render';",
      "export { y } from 'fs/promises';",
      "const m = await import('node:child_process');",
      "import 'os';",
      "import {\n  a,\n  b,\n} from 'k6/http';",
    ].join('\n');
    const file = join(SRC, 'runtime', 'example.ts');
    expect(importSpecifiers(text)).toEqual(['node:fs', 'path', '../../tools/k8s/render', 'fs/promises', 'node:child_process', 'os', 'k6/http']);
    expect(importSpecifiers(text).map((s) => forbidden(file, s) !== null)).toEqual([true, true, true, true, true, true, false]);
  });
});
