import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { parseConfig } from '../../../src/config/load';
import type { LoadTestConfig } from '../../../src/config/schema';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The smallest valid config: 2 orgs of 2-3 users, everything else defaulted. */
export function baseConfig(): Record<string, any> {
  return {
    apiVersion: 'loadtest.ai-aas.dev/v1',
    kind: 'LoadTestScenario',
    metadata: { name: 'base' },
    spec: {
      organizations: { count: 2 },
      users: { perOrg: { min: 2, max: 3 } },
      targets: { apiRouterUrl: 'http://127.0.0.1:8080', userOrgUrl: 'http://127.0.0.1:8081' },
    },
  };
}

/** Parses a config object (serialised to YAML, as a user would write it). */
export function parseObject(doc: unknown) {
  return parseConfig(stringify(doc), 'test.yaml');
}

/** The validated config, or a thrown error listing the problems. */
export function mustParse(doc: unknown): LoadTestConfig {
  const result = parseObject(doc);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

/** Reads and validates a file under the repository root. */
export function parseRepoFile(path: string) {
  return parseConfig(readFileSync(join(repoRoot, path), 'utf8'), path);
}
