/**
 * npm run validate -- <config.yaml> [...more]
 * Prints `<file>: ok (summary)` or the problems for each file. Exit 0 all valid, 1 any invalid, 2 usage error.
 */
import { readFileSync, statSync } from 'node:fs';
import { formatErrors, parseConfig } from '../src/config/load';
import { configSizeProblem } from '../src/config/yaml-guard';
import { summarizeConfig } from '../src/config/describe';
import { parseFlags, runCli, UsageError } from './cli';

const USAGE = 'usage: npm run validate -- <config.yaml> [...more]';

/** Validates each file; returns the exit code, or throws a UsageError when a file is missing or unreadable. */
function validateFiles(files: readonly string[], out: (line: string) => void, err: (line: string) => void): number {
  if (files.length === 0) throw new UsageError('no config file given');
  const texts: { file: string; text: string; tooBig: string | null }[] = [];
  for (const file of files) {
    try {
      // Sized before it is read: an oversized file is refused without loading it.
      const tooBig = configSizeProblem(statSync(file).size);
      texts.push({ file, text: tooBig ? '' : readFileSync(file, 'utf8'), tooBig });
    } catch (e) {
      const reason = e instanceof Error && 'code' in e ? String(e.code) : String(e);
      throw new UsageError(`${file}: cannot read the file (${reason})`);
    }
  }
  let invalid = 0;
  for (const { file, text, tooBig } of texts) {
    const result = tooBig ? { ok: false as const, errors: [`${file}: invalid config (1 problem)`, tooBig] } : parseConfig(text, file);
    if (result.ok) {
      out(`${file}: ok (${summarizeConfig(result.config)})`);
    } else {
      invalid++;
      err(formatErrors(result.errors));
    }
  }
  return invalid > 0 ? 1 : 0;
}

process.exitCode = await runCli(USAGE, process.argv.slice(2), (args) =>
  validateFiles(parseFlags(args, {}, true).positionals, (l) => console.log(l), (l) => console.error(l)),
);
