// The licence gate (issue 13): every module in each go.mod's build list and every package in
// package-lock.json must be under a permissive licence. Licences are read from the files themselves: the Go
// module cache (`go list -m -json all`, offline) and node_modules (package.json `license`, LICENSE files).
// No network. The AGPL, the GPL, the LGPL, the SSPL, the BUSL, or a licence that is missing or not
// recognised fails, naming the package and its licence. go.k6.io/k6 (AGPL-3.0) is never checked: a go.mod
// that has it in its build list fails outright, since the project runs k6 as a tool and never builds it.
//
// The pure part (SPDX expressions, recognising licence texts, judging a package) is separate from the I/O
// part (finding go.mod files, running `go list`, reading node_modules), so that tests can plant packages.
// `npx tsx tools/licence-gate.ts` runs it on the repository and prints the verdict.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------------------
// Pure logic

/** Permissive licences any dependency may have (SPDX ids). */
const ALLOWED = new Set([
  'MIT', 'MIT-0', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', 'ISC', 'MPL-2.0', '0BSD', 'Unlicense', 'CC0-1.0',
  'BlueOak-1.0.0', 'Python-2.0', 'Zlib', 'BSD-2-Clause-Patent',
]);
/** Allowed for data packages only (DATA_PACKAGES): attribution licences that are not meant for code. */
const DATA_ONLY = new Set(['CC-BY-3.0', 'CC-BY-4.0']);
/** npm packages that are data, not code (none today; e.g. caniuse-lite is CC-BY-4.0 data). */
const DATA_PACKAGES = new Set(['caniuse-lite']);

/** The module the project never builds nor links: its presence in a build list fails the gate. */
const FORBIDDEN_GO_MODULE = 'go.k6.io/k6';

/**
 * Checked by hand: packages whose licence files the gate cannot judge alone, with the licence read in the
 * files. Keyed "go:<module path>" or "npm:<package name>", for the version that was read (another version
 * is judged afresh and must be read again).
 */
interface LicenceException {
  /** The version that was read; another version is judged afresh. */
  version?: string;
  /** The SPDX expression read in the package's files. */
  licence: string;
}

type SpdxTree = { id: string; with?: string } | { and: [SpdxTree, SpdxTree] } | { or: [SpdxTree, SpdxTree] };

export interface GatePackage {
  ecosystem: 'go' | 'npm';
  name: string;
  version: string;
  /** Where it was found: the go.mod, or the package-lock.json key. */
  where: string;
  /** npm's package.json `license`. */
  declared?: string | undefined;
  files: { name: string; text: string }[];
}

interface LicenceVerdict {
  checked: number;
  byEcosystem: Record<string, number>;
  /** One line per failure, naming the package and its licence. */
  failures: string[];
}

type Judgement = { ok: boolean; licence: string; reason?: string; exception?: boolean };

const EXCEPTIONS: Record<string, LicenceException> = {
  // Read 2026-12-06 in the module cache: LICENSE is the Apache License 2.0, and covers the code; LICENSE.docs
  // is CC-BY-SA-4.0 ("Attribution-ShareAlike 4.0 International"), and README.md ("Copyright and license")
  // says it covers README.md and CONTRIBUTING.md only: "Code is released under the Apache 2.0 license".
  // Only the code is compiled into the tests' kube-apiserver (test/infra/kube).
  'go:github.com/opencontainers/go-digest': { version: 'v1.0.0', licence: 'Apache-2.0' },
};

const ALIASES = new Map(
  Object.entries({
    'apache 2.0': 'Apache-2.0', 'apache-2': 'Apache-2.0', 'apache2': 'Apache-2.0', 'apache license 2.0': 'Apache-2.0',
    'bsd-3': 'BSD-3-Clause', 'bsd-2': 'BSD-2-Clause', 'mpl 2.0': 'MPL-2.0', 'mpl-2': 'MPL-2.0', 'cc0': 'CC0-1.0',
  }),
);

/** An SPDX id in its canonical case when it is one the gate knows; `+` and -only/-or-later kept. */
function canonicalId(id: string): string {
  const t = id.trim();
  const alias = ALIASES.get(t.toLowerCase());
  if (alias) return alias;
  for (const known of [...ALLOWED, ...DATA_ONLY]) if (known.toLowerCase() === t.toLowerCase()) return known;
  return t;
}

/**
 * Parses an SPDX licence expression (`MIT`, `(MIT OR Apache-2.0)`, `A AND (B OR C)`, `Apache-2.0 WITH
 * LLVM-exception`) into a tree: {id} | {and: [a, b]} | {or: [a, b]}. Null when it is not one.
 */
export function parseSpdx(expr: unknown): SpdxTree | null {
  if (typeof expr !== 'string' || !expr.trim()) return null;
  const tokens = expr.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const primary = (): SpdxTree => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('end');
    if (t === '(') {
      const e = orExpr();
      if (tokens[i++] !== ')') throw new Error(')');
      return e;
    }
    if (/^(AND|OR|WITH|\))$/i.test(t) || !/^[A-Za-z0-9.+:-]+$/.test(t)) throw new Error(t);
    let node: { id: string; with?: string } = { id: canonicalId(t) };
    if (peek()?.toUpperCase() === 'WITH') {
      i++;
      const exc = tokens[i++];
      if (!exc || !/^[A-Za-z0-9.+-]+$/.test(exc)) throw new Error('WITH');
      node = { id: node.id, with: exc };
    }
    return node;
  };
  const andExpr = (): SpdxTree => {
    let left: SpdxTree = primary();
    while (peek()?.toUpperCase() === 'AND') {
      i++;
      left = { and: [left, primary()] };
    }
    return left;
  };
  const orExpr = (): SpdxTree => {
    let left: SpdxTree = andExpr();
    while (peek()?.toUpperCase() === 'OR') {
      i++;
      left = { or: [left, andExpr()] };
    }
    return left;
  };
  try {
    const tree = orExpr();
    return i === tokens.length ? tree : null;
  } catch {
    return null;
  }
}

/** Whether an SPDX tree is satisfiable with allowed licences: OR needs one side, AND both. */
export function spdxAllowed(tree: SpdxTree, isAllowed: (id: string) => boolean): boolean {
  if ('or' in tree) return tree.or.some((t) => spdxAllowed(t, isAllowed));
  if ('and' in tree) return tree.and.every((t) => spdxAllowed(t, isAllowed));
  return isAllowed(tree.id);
}

/** Every id in an SPDX tree. */
function spdxIds(tree: SpdxTree): string[] {
  if ('or' in tree) return tree.or.flatMap(spdxIds);
  if ('and' in tree) return tree.and.flatMap(spdxIds);
  return [tree.id];
}

const squash = (text: string) => text.replace(/[\s#*>|]+/g, ' ').replace(/\/\//g, ' ').replace(/ +/g, ' ');

/**
 * The licences a licence file's text shows, recognised by phrases of their texts (SPDX ids, in the order of
 * the rules below); empty when none is recognised. A file that holds several texts (a project's licence and
 * notices of code it includes) shows them all.
 */
export function detectLicences(text: string): string[] {
  const t = squash(text);
  const found: string[] = [];
  const add = (id: string) => found.includes(id) || found.push(id);
  // The GNU licences by their titles, in capitals as their texts have them (other licences, such as the
  // MPL-2.0, name them in running text, which must not count).
  if (/GNU AFFERO GENERAL PUBLIC LICENSE/.test(t)) add('AGPL-3.0');
  if (/GNU (LESSER|LIBRARY) GENERAL PUBLIC LICENSE/.test(t)) add('LGPL');
  if (/GNU GENERAL PUBLIC LICENSE/.test(t)) add('GPL');
  if (/Server Side Public License/i.test(t)) add('SSPL-1.0');
  if (/Business Source License/i.test(t)) add('BUSL-1.1');
  if (/Elastic License 2\.0/i.test(t)) add('Elastic-2.0');
  if (/"Commons Clause" License Condition/i.test(t)) add('Commons-Clause');
  if (/Apache License,? Version 2\.0/i.test(t)) add('Apache-2.0');
  if (/Mozilla Public License,? (Version |v\.? ?)?2\.0/i.test(t)) add('MPL-2.0');
  if (/Permission is hereby granted, free of charge, to any person obtaining a copy/i.test(t)) add('MIT');
  if (/Permission to use, copy, modify, and(\/or)? distribute this software for any purpose with or without fee is hereby granted/i.test(t)) {
    add(/provided that the above copyright notice and this permission notice appear in all copies/i.test(t) ? 'ISC' : '0BSD');
  }
  if (/Redistribution and use in source and binary forms, with or without modification, are permitted provided that/i.test(t)) {
    if (/All advertising materials mentioning features/i.test(t)) add('BSD-4-Clause');
    else if (/Neither the name|may not be used to endorse|may be used to endorse or promote/i.test(t)) add('BSD-3-Clause');
    else add('BSD-2-Clause');
  }
  if (/This is free and unencumbered software released into the public domain/i.test(t)) add('Unlicense');
  if (/CC0 1\.0 Universal/i.test(t)) add('CC0-1.0');
  if (/Blue Oak Model License/i.test(t)) add('BlueOak-1.0.0');
  if (/PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2/i.test(t)) add('Python-2.0');
  if (/Attribution 4\.0 International/i.test(t)) add('CC-BY-4.0');
  if (/Attribution 3\.0 Unported/i.test(t)) add('CC-BY-3.0');
  if (/Attribution-ShareAlike 4\.0 International/i.test(t)) add('CC-BY-SA-4.0');
  if (/provided 'as-is', without any express or implied warranty.*Permission is granted to anyone to use this software for any purpose/i.test(t)) add('Zlib');
  return found;
}

/** Whether a file name is a licence file (LICENSE, LICENCE.md, COPYING, LICENSE-MIT, UNLICENSE, ...). */
function isLicenceFile(name: string): boolean {
  return /^(un)?licen[cs]e([-._ ].*)?$|^copying([-._].*)?$/i.test(name);
}

const idAllowed = (pkgName: string) => (id: string) => ALLOWED.has(id) || (DATA_ONLY.has(id) && DATA_PACKAGES.has(pkgName));

/**
 * Judges one package. pkg: {ecosystem: 'go'|'npm', name, version, where, declared?: string (npm's
 * `license`), files: [{name, text}]}. Returns {ok, licence, reason?}: licence is what the gate read (an SPDX
 * expression, or ids from the files joined with AND), reason says why it fails.
 */
export function judgePackage(pkg: GatePackage, exceptions: Record<string, LicenceException> = EXCEPTIONS): Judgement {
  const exception = exceptions[`${pkg.ecosystem}:${pkg.name}`];
  if (exception && (exception.version === undefined || exception.version === pkg.version)) {
    const tree = parseSpdx(exception.licence);
    const ok = tree !== null && spdxAllowed(tree, idAllowed(pkg.name));
    return ok ? { ok, licence: exception.licence, exception: true } : { ok, licence: exception.licence, reason: 'the exception names a licence that is not allowed' };
  }
  const fromFiles = pkg.files.map((f) => ({ file: f.name, ids: detectLicences(f.text) }));
  const fileIds = [...new Set(fromFiles.flatMap((f) => f.ids))];
  const allowed = idAllowed(pkg.name);
  if (pkg.declared !== undefined && pkg.declared !== null && pkg.declared !== '') {
    const tree = parseSpdx(pkg.declared);
    if (tree) {
      if (!spdxAllowed(tree, allowed)) return { ok: false, licence: pkg.declared, reason: notAllowedReason(spdxIds(tree), pkg.name) };
      // A licence file showing a licence that is not allowed and that the declaration does not name
      // (an AGPL text behind a "MIT" field, say) fails too.
      const named = new Set(spdxIds(tree).map(baseId));
      const hidden = fileIds.filter((id) => !allowed(id) && !named.has(baseId(id)));
      if (hidden.length > 0) return { ok: false, licence: `${pkg.declared} (files: ${hidden.join(', ')})`, reason: `its licence file reads ${hidden.join(' and ')}` };
      return { ok: true, licence: pkg.declared };
    }
    if (fileIds.length === 0) return { ok: false, licence: pkg.declared, reason: 'not an SPDX expression the gate knows, and no licence file it recognises' };
  }
  if (pkg.files.length === 0) return { ok: false, licence: 'none', reason: 'no licence: neither a declared one nor a licence file' };
  const unknown = fromFiles.filter((f) => f.ids.length === 0).map((f) => f.file);
  if (fileIds.length === 0) return { ok: false, licence: 'unrecognised', reason: `no licence recognised in ${unknown.join(', ')}` };
  const licence = fileIds.join(' AND ');
  const bad = fileIds.filter((id) => !allowed(id));
  if (bad.length > 0) return { ok: false, licence, reason: notAllowedReason(bad, pkg.name) };
  if (unknown.length > 0) return { ok: false, licence, reason: `no licence recognised in ${unknown.join(', ')}` };
  return { ok: true, licence };
}

const baseId = (id: string) => id.replace(/(-only|-or-later|\+)$/, '').replace(/^(A?GPL|LGPL)-[\d.]+$/, '$1');

function notAllowedReason(ids: string[], name: string): string {
  const bad = ids.filter((id) => !ALLOWED.has(id));
  const dataOnly = bad.filter((id) => DATA_ONLY.has(id));
  if (dataOnly.length > 0 && !DATA_PACKAGES.has(name)) return `${dataOnly.join(', ')} is allowed for data packages only`;
  return `${bad.join(', ') || ids.join(', ')} is not on the allow list`;
}

/**
 * The gate's verdict over every package, plus problems found before any package (a go.mod that builds
 * go.k6.io/k6, a `go list` that failed): {checked, byEcosystem, failures: [message]}.
 */
function licenceVerdict(packages: GatePackage[], problems: string[] = [], exceptions: Record<string, LicenceException> = EXCEPTIONS): LicenceVerdict {
  const failures = [...problems];
  const byEcosystem: Record<string, number> = {};
  for (const p of packages) {
    byEcosystem[p.ecosystem] = (byEcosystem[p.ecosystem] ?? 0) + 1;
    const v = judgePackage(p, exceptions);
    if (!v.ok) failures.push(`${p.ecosystem} ${p.name}${p.version ? `@${p.version}` : ''} (${p.where}): ${v.licence}: ${v.reason}`);
  }
  return { checked: packages.length, byEcosystem, failures };
}

// ---------------------------------------------------------------------------------------------------------
// I/O

const SKIP_DIRS = new Set(['node_modules', '.git', '.cache', 'testdata', 'dist', 'results', 'coverage']);

/** Every go.mod under root (not in node_modules, .cache, testdata, ...). */
export function findGoMods(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(join(dir, e.name));
      } else if (e.name === 'go.mod') out.push(join(dir, e.name));
    }
  };
  walk(root);
  return out.sort();
}

function licenceFiles(dir: string): { name: string; text: string }[] | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  return names
    .filter((n) => isLicenceFile(n))
    .filter((n) => statSync(join(dir, n)).isFile())
    .sort()
    .map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
}

/** The fields of `go list -m -json` the gate reads. */
type GoListModule = { Main?: boolean; Path: string; Version?: string; Dir?: string; Error?: { Err: string }; Replace?: { Path?: string; Version?: string; Dir?: string } };

function parseJsonStream(text: string): GoListModule[] {
  const out: GoListModule[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

const OFFLINE_GO_ENV = { GOFLAGS: '-mod=mod', GOPROXY: 'off', GOSUMDB: 'off', GOWORK: 'off', GOTOOLCHAIN: 'local' };

/** Runs fn with the path of a temporary copy of dir's go.mod (go.sum beside it), for go's -modfile flag. */
function withModfileCopy<T>(dir: string, fn: (modfile: string) => T): T {
  const tmp = mkdtempSync(join(tmpdir(), 'licence-gate-'));
  try {
    copyFileSync(join(dir, 'go.mod'), join(tmp, 'go.mod'));
    if (existsSync(join(dir, 'go.sum'))) copyFileSync(join(dir, 'go.sum'), join(tmp, 'go.sum'));
    return fn(join(tmp, 'go.mod'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Downloads every module of a go.mod's build list into the module cache (`go mod download all`, network), so
 * that the gate can read their licences offline. Builds fetch only what they compile. Works on a copy of
 * go.mod and go.sum: the repository's files are not touched. Resolves with go's exit code.
 */
export async function downloadBuildList(goModDir: string): Promise<number> {
  const tmp = mkdtempSync(join(tmpdir(), 'licence-gate-'));
  copyFileSync(join(goModDir, 'go.mod'), join(tmp, 'go.mod'));
  if (existsSync(join(goModDir, 'go.sum'))) copyFileSync(join(goModDir, 'go.sum'), join(tmp, 'go.sum'));
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn('go', ['mod', 'download', '-modfile', join(tmp, 'go.mod'), 'all'], { cwd: goModDir, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GOWORK: 'off' } });
      child.on('error', () => resolve(-1));
      child.on('close', (code) => resolve(code ?? -1));
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The modules of one go.mod's build list (`go list -m -e -json all`, offline), as packages to judge, and
 * problems: go.k6.io/k6 in the build list, a module whose source is not in the module cache, `go list` failing.
 */
function goModules(goMod: string, { root, env = process.env }: { root?: string; env?: NodeJS.ProcessEnv } = {}): { packages: GatePackage[]; problems: string[] } {
  const dir = dirname(goMod);
  const where = relative(root ?? dir, goMod) || 'go.mod';
  const problems: string[] = [];
  const packages: GatePackage[] = [];
  if (/^\s*(require\s+)?go\.k6\.io\/k6\s+v/m.test(readFileSync(goMod, 'utf8'))) {
    problems.push(`${where} requires ${FORBIDDEN_GO_MODULE} (AGPL-3.0): the project runs k6 as a tool, it must not build or link it`);
  }
  // On copies of go.mod and go.sum (-modfile), so that go.sum lines for modules no build needs are never
  // written into the repository; offline (GOPROXY=off), reading the module cache only.
  const r = withModfileCopy(dir, (modfile) =>
    spawnSync('go', ['list', '-modfile', modfile, '-m', '-e', '-json', 'all'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...env, ...OFFLINE_GO_ENV },
    }),
  );
  if (r.error) return { packages, problems: [...problems, `${where}: cannot run go (${r.error.message}): Go is needed to check Go licences`] };
  if (r.status !== 0) return { packages, problems: [...problems, `${where}: go list -m all failed: ${r.stderr.trim().split('\n').slice(0, 5).join(' / ')}`] };
  for (const m of parseJsonStream(r.stdout)) {
    if (m.Main) continue;
    const name = m.Path;
    if (name === FORBIDDEN_GO_MODULE || name.startsWith(`${FORBIDDEN_GO_MODULE}/`)) {
      if (!problems.some((p) => p.includes(FORBIDDEN_GO_MODULE))) problems.push(`${where}: ${name} (AGPL-3.0) is in the build list: the project must not build or link k6`);
      continue;
    }
    const modDir = m.Replace?.Dir ?? m.Dir ?? (m.Replace?.Path?.startsWith('.') ? join(dir, m.Replace.Path) : undefined);
    const version = m.Replace?.Version ?? m.Version ?? '';
    const files = modDir ? licenceFiles(modDir) : null;
    if (files === null) {
      problems.push(`go ${name}@${version} (${where}): its source is not in the module cache${m.Error ? ` (${m.Error.Err})` : ''}: npm test downloads it (\`go mod download all\` in ${relative(root ?? dir, dir) || '.'})`);
      continue;
    }
    packages.push({ ecosystem: 'go', name, version, where, files });
  }
  return { packages, problems };
}

/** Every package in package-lock.json, with its declared licence and licence files from node_modules. */
type LockEntry = { link?: boolean; name?: string; license?: string; optional?: boolean; version?: string };

function npmPackages(root: string): { packages: GatePackage[]; problems: string[] } {
  const lockPath = join(root, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const packages: GatePackage[] = [];
  const problems: string[] = [];
  for (const [key, entry] of Object.entries((lock.packages ?? {}) as Record<string, LockEntry>)) {
    if (key === '' || entry.link) continue;
    const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const dir = join(root, key);
    let declared = entry.license;
    let files: { name: string; text: string }[] = [];
    if (existsSync(join(dir, 'package.json'))) {
      const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      declared = declaredLicence(pj) ?? declared;
      files = licenceFiles(dir) ?? [];
    } else if (!entry.optional) {
      // Optional packages for other platforms (esbuild's binaries, say) are not installed: the lock's
      // licence is all there is. Anything else missing means node_modules is not installed.
      problems.push(`npm ${name}@${entry.version} (${key}): not installed: run npm ci`);
      continue;
    }
    packages.push({ ecosystem: 'npm', name, version: entry.version ?? '', where: key, declared, files });
  }
  return { packages, problems };
}

/** package.json's licence: `license` (SPDX string, or the old {type}), or the old `licenses` array (any of them). */
function declaredLicence(pj: Record<string, any>): string | undefined {
  if (typeof pj.license === 'string') return pj.license;
  if (pj.license && typeof pj.license.type === 'string') return pj.license.type;
  if (Array.isArray(pj.licenses) && pj.licenses.length > 0) {
    const ids = (pj.licenses as unknown[]).map((l: any) => (typeof l === 'string' ? l : l?.type)).filter((t): t is string => typeof t === 'string');
    if (ids.length > 0) return ids.length === 1 ? ids[0] : `(${ids.join(' OR ')})`;
  }
  return undefined;
}

/** Runs the gate over a repository: every go.mod found under root, and root's package-lock.json. */
export function runLicenceGate(
  root: string,
  { env = process.env, exceptions = EXCEPTIONS }: { env?: NodeJS.ProcessEnv; exceptions?: Record<string, LicenceException> } = {},
): LicenceVerdict {
  const packages: GatePackage[] = [];
  const problems: string[] = [];
  for (const goMod of findGoMods(root)) {
    const r = goModules(goMod, { root, env });
    packages.push(...r.packages);
    problems.push(...r.problems);
  }
  if (existsSync(join(root, 'package-lock.json'))) {
    const r = npmPackages(root);
    packages.push(...r.packages);
    problems.push(...r.problems);
  }
  return licenceVerdict(packages, problems, exceptions);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const v = runLicenceGate(root);
  const counts = Object.entries(v.byEcosystem).map(([k, n]) => `${n} ${k}`).join(', ');
  for (const f of v.failures) console.log(`FAIL ${f}`);
  console.log(`licence gate: ${v.checked} packages checked (${counts}), ${v.failures.length} failure(s)`);
  process.exit(v.failures.length === 0 ? 0 : 1);
}
