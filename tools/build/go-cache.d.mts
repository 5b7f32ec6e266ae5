/** The repository root. */
export const root: string;
/** The version a go.mod requires of a module. */
export function requiredVersion(goMod: string, pattern: RegExp, what: string): string;
/** A cached Go binary: its path for the current inputs, and a build-once ensure. */
export function goBinary(spec: {
  name: string;
  version: () => string;
  cacheDir: string;
  mainDir: string;
  inputs: () => string[];
  goArgs: () => string[];
  nice: boolean;
  needGoFor: string;
  label: string;
  coldHint: string;
}): { path: () => string; ensure: (opts?: { quiet?: boolean }) => Promise<string> };
/** Runs ensure() when the calling script is executed directly, printing the binary's path. */
export function mainIfRun(scriptUrl: string, ensure: () => Promise<string>, what: string): void;
