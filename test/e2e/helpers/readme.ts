import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const readmePath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');

/**
 * The shell commands of the README's "Running on Kubernetes" bash blocks, in order, each on one line
 * (continuations joined) without comments: what a reader copies, so tests can follow it as written.
 */
export function readmeKubernetesCommands(): string[] {
  const section = readFileSync(readmePath, 'utf8').split(/^## /m).find((s) => s.startsWith('Running on Kubernetes'));
  if (!section) throw new Error('README.md has no "## Running on Kubernetes" section');
  return [...section.matchAll(/^```bash\n([\s\S]*?)^```/gm)].flatMap((block) =>
    (block[1] ?? '')
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
      .filter(Boolean),
  );
}

/** A command's words, with the double quotes around a word removed (the README quotes only whole words). */
export function words(command: string): string[] {
  return command.split(/\s+/).map((w) => w.replace(/^"(.*)"$/, '$1').replace(/="(.*)"$/, '=$1'));
}

/** The namespaces a command names with -n or --namespace. */
export function namespacesIn(command: string): string[] {
  return [...command.matchAll(/(?:^|\s)(?:-n|--namespace)(?:=|\s+)([\w.-]+)/g)].map((m) => m[1] as string);
}
