// Exports no other file uses. An export is a promise to other files; one that only its own file uses should
// not be exported (ARCHITECTURE.md, "Exports"). Reads the Node-side TypeScript project (tsconfig.json, which
// covers src/, tools/, sim/, bench/ and test/), resolves every import and re-export to the declaration it
// names, and lists the exported declarations nothing outside their own file names. Exempt: the public API
// ARCHITECTURE.md names (PUBLIC_API below: what k6 itself calls in an entry script, and vitest's config).
// `npx tsx tools/unused-exports.ts` prints them; test/unit/tools/unused-exports.test.ts requires none.
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Files whose exports are called from outside TypeScript (k6 runs an entry script's exports; vitest reads its config). */
const PUBLIC_API: RegExp[] = [/^src\/entry\//, /^vitest\.config\.ts$/];

/**
 * The import aliases with more than one implementation (package.json imports, tsconfig paths, the esbuild
 * plugin in tools/build/bundle.ts): a name imported through the alias is used in each of them.
 */
const ALIASES: Record<string, string[]> = {
  '#transport': ['src/llm/transport/relay.ts', 'src/llm/transport/buffered.ts'],
  '#schema-loader': ['src/config/schema-loader.k6.ts', 'src/config/schema-loader.node.ts'],
};

const posix = (p: string) => p.split(sep).join('/');

/** `file: name` for every export of the project that no other file imports or re-exports. */
export function unusedExports(repoRoot: string = root): string[] {
  const configPath = join(repoRoot, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const ours = program.getSourceFiles().filter((f) => !f.isDeclarationFile && !f.fileName.includes('/node_modules/'));
  const used = new Set<ts.Symbol>();
  const wholeModule = new Set<string>();
  /** `file: name` imported through an alias, for every implementation of the alias. */
  const usedThroughAlias = new Set<string>();

  const original = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const markModule = (file: ts.SourceFile, spec: ts.Expression | undefined) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    const mod = checker.getSymbolAtLocation(spec);
    const decl = mod?.valueDeclaration ?? mod?.declarations?.[0];
    if (decl && ts.isSourceFile(decl) && decl !== file) wholeModule.add(decl.fileName);
  };

  for (const file of ours) {
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && node.importClause) {
        const c = node.importClause;
        if (c.name) markName(c.name);
        if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) markModule(file, node.moduleSpecifier);
        if (c.namedBindings && ts.isNamedImports(c.namedBindings)) {
          for (const el of c.namedBindings.elements) {
            markName(el.name);
            const spec = (node.moduleSpecifier as ts.StringLiteral).text;
            for (const impl of ALIASES[spec] ?? []) usedThroughAlias.add(`${impl}: ${(el.propertyName ?? el.name).text}`);
          }
        }
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
        if (!node.exportClause || ts.isNamespaceExport(node.exportClause)) markModule(file, node.moduleSpecifier);
        else for (const el of node.exportClause.elements) if (ts.isIdentifier(el.name)) markName(el.name);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        // import('...'): whatever it destructures or reads is used; count the whole module.
        markModule(file, node.arguments[0]);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        // typeof import('...') / import('...').Name in a type.
        markModule(file, node.argument.literal as ts.Expression);
      }
      ts.forEachChild(node, visit);
    };
    const markName = (id: ts.Identifier) => {
      const s = checker.getSymbolAtLocation(id);
      if (s) used.add(original(s));
    };
    visit(file);
  }

  const out: string[] = [];
  for (const file of ours) {
    const rel = posix(relative(repoRoot, file.fileName));
    if (PUBLIC_API.some((re) => re.test(rel)) || wholeModule.has(file.fileName)) continue;
    const mod = checker.getSymbolAtLocation(file);
    if (!mod) continue;
    for (const exp of checker.getExportsOfModule(mod)) {
      const target = original(exp);
      // A re-export of another file's symbol is judged where it is declared.
      const declFile = target.declarations?.[0]?.getSourceFile();
      if (declFile && declFile !== file) continue;
      if (!used.has(target) && !usedThroughAlias.has(`${rel}: ${exp.getName()}`)) out.push(`${rel}: ${exp.getName()}`);
    }
  }
  return out.sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const list = unusedExports();
  for (const line of list) console.log(line);
  console.log(`${list.length} export(s) used only in their own file`);
  process.exit(list.length === 0 ? 0 : 1);
}
