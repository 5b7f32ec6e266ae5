/**
 * Checks of config text before the YAML parser sees it: the size, and how deep it nests. The parser recurses per
 * level of nesting, and k6's JS engine has no stack limit to stop it: 100,000 nested `[` kept k6 busy past 60 s.
 */
import { Lexer } from 'yaml';

/**
 * Largest config accepted, bytes (counted as UTF-16 units of the text, which k6's open() hands over whole). The
 * biggest real config is a few KB; a 50 MB one took the validator 7.8 s and 1.9 GB, and hung k6's init.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Uses of one anchor allowed when the document becomes data; more is an alias bomb (a few lines, gigabytes). */
export const MAX_ALIAS_COUNT = 100;

/** Deepest nesting accepted, counted generously (indentation columns plus indicators); real configs use under 30. */
export const MAX_YAML_DEPTH = 256;

/** The size-cap problem of a config of `bytes`, or null when it fits. */
export function configSizeProblem(bytes: number): string | null {
  if (bytes <= MAX_CONFIG_BYTES) return null;
  return `(root): the config is ${bytes} bytes, over the ${MAX_CONFIG_BYTES}-byte (1 MiB) limit; a scenario config is a few KB (is this the right file?)`;
}

const BLOCK_INDICATORS = ['-', '?', ':'];

/**
 * The nesting problem of YAML text, or null. The lexer is a flat loop, so it is safe on any input; from its tokens an
 * upper bound of the depth on each line is the line's indentation, its block indicators (`- - - x` nests three deep
 * on one line) and the open flow collections (`[`, `{`).
 */
export function nestingProblem(text: string): string | null {
  let line = 1;
  let indent = 0;
  let indicators = 0;
  let flow = 0;
  let atLineStart = true;
  for (const token of new Lexer().lex(text)) {
    if (token.charAt(0) === '\n') {
      line += token.length;
      indent = 0;
      indicators = 0;
      atLineStart = true;
      continue;
    }
    if (atLineStart && /^ +$/.test(token)) indent = token.length;
    atLineStart = false;
    if (token === '[' || token === '{') flow++;
    else if (token === ']' || token === '}') flow = Math.max(0, flow - 1);
    else if (BLOCK_INDICATORS.indexOf(token) >= 0) indicators++;
    else if (token.indexOf('\n') >= 0) line += token.split('\n').length - 1;
    if (indent + indicators + flow > MAX_YAML_DEPTH) {
      return `line ${line}: the YAML nests deeper than the ${MAX_YAML_DEPTH} levels a config may use (counting indentation and open [ or {)`;
    }
  }
  return null;
}
