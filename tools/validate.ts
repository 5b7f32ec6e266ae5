/**
 * npm run validate -- <config.yaml> [...more]
 * Prints `<file>: ok (summary)` or the problems for each file. Exit 0 all valid, 1 any invalid, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { formatErrors, parseConfig } from '../src/config/load';
import { summarizeConfig } from '../src/config/describe';
import { parseFlags, runCli, UsageError } from './cli';

const USAGE = 'usage: npm run validate -- <config.yaml> [...more]';

/** Validates each file; returns the exit code, or throws a UsageError when a file is missing or unreadable. */
function validateFiles(files: readonly string[], out: (line: string) => void, err: (line: string) => void): number {
  if (files.length === 0) throw new UsageError('no config file given');
  const texts: { file: string; text: string }[] = [];
  for (const file of files) {
    try {
      texts.push({ file, text: readFileSync(file, 'utf8') });
    } catch (e) {
      const reason = e instanceof Error && 'code' in e ? String(e.code) : String(e);
      throw new UsageError(`${file}: cannot read the file (${reason})`);
    }
  }
  let invalid = 0;
  for (const { file, text } of texts) {
    const result = parseConfig(text, file);
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
