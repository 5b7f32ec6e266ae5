export const ALLOWED: Set<string>;
export const DATA_ONLY: Set<string>;
export const DATA_PACKAGES: Set<string>;
export const FORBIDDEN_GO_MODULE: string;
export interface LicenceException {
  /** The version that was read; another version is judged afresh. */
  version?: string;
  /** The SPDX expression read in the package's files. */
  licence: string;
}
export const EXCEPTIONS: Record<string, LicenceException>;
export type SpdxTree = { id: string; with?: string } | { and: [SpdxTree, SpdxTree] } | { or: [SpdxTree, SpdxTree] };
export function canonicalId(id: string): string;
/** Parses an SPDX licence expression; null when it is not one. */
export function parseSpdx(expr: unknown): SpdxTree | null;
/** OR needs one side allowed, AND both. */
export function spdxAllowed(tree: SpdxTree, isAllowed: (id: string) => boolean): boolean;
export function spdxIds(tree: SpdxTree): string[];
/** The licences a licence file's text shows (SPDX ids; 'GPL' / 'LGPL' for the GNU texts); empty when none is recognised. */
export function detectLicences(text: string): string[];
export function isLicenceFile(name: string): boolean;
export interface GatePackage {
  ecosystem: 'go' | 'npm';
  name: string;
  version: string;
  /** Where it was found: the go.mod, or the package-lock.json key. */
  where: string;
  /** npm's package.json `license`. */
  declared?: string;
  files: { name: string; text: string }[];
}
export function judgePackage(pkg: GatePackage, exceptions?: Record<string, LicenceException>): { ok: boolean; licence: string; reason?: string; exception?: boolean };
export interface LicenceVerdict {
  checked: number;
  byEcosystem: Record<string, number>;
  /** One line per failure, naming the package and its licence. */
  failures: string[];
}
export function licenceVerdict(packages: GatePackage[], problems?: string[], exceptions?: Record<string, LicenceException>): LicenceVerdict;
export function findGoMods(root: string): string[];
/** `go mod download all` on a copy of the go.mod (the repository's go.sum is not touched); go's exit code. */
export function downloadBuildList(goModDir: string): Promise<number>;
export function goModules(goMod: string, opts?: { root?: string; env?: NodeJS.ProcessEnv }): { packages: GatePackage[]; problems: string[] };
export function npmPackages(root: string): { packages: GatePackage[]; problems: string[] };
export function declaredLicence(pj: Record<string, unknown>): string | undefined;
/** Every go.mod under root and root's package-lock.json, judged. */
export function runLicenceGate(root: string, opts?: { env?: NodeJS.ProcessEnv; exceptions?: Record<string, LicenceException> }): LicenceVerdict;
