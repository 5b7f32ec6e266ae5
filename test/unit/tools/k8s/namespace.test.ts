// One namespace: whoever follows the README with a shipped config finds the namespace pre-flight asks for,
// with the identities and the Secret in it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_NAMESPACE } from '../../../../tools/k8s/render';
import { namespacesIn, readmeKubernetesCommands, words } from '../../../e2e/helpers/readme';
import { repoRoot } from '../../config/helpers';

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(f) ? [p] : [];
  });
const rel = (p: string) => relative(repoRoot, p);

/** Every namespace an object names: `namespace` fields at any depth, Namespace objects, and grants on namespaces by name. */
function namespacesOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) namespacesOf(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.kind === 'Namespace') out.push((o.metadata as { name: string }).name);
    if ((o.resources as unknown[] | undefined)?.includes('namespaces')) out.push(...((o.resourceNames as string[] | undefined) ?? []));
    for (const [k, v] of Object.entries(o)) {
      if (k === 'namespace' && typeof v === 'string') out.push(v);
      else namespacesOf(v, out);
    }
  }
  return out;
}

const namespaceFile = parse(readFileSync(join(repoRoot, 'deploy', 'k8s', 'namespace.yaml'), 'utf8')) as { kind: string; metadata: { name: string } };
const NAMESPACE = namespaceFile.metadata.name;

describe('one namespace for load tests', () => {
  it('is the one deploy/k8s/namespace.yaml creates and the k8s:* commands default to', () => {
    expect(namespaceFile.kind).toBe('Namespace');
    expect(DEFAULT_NAMESPACE).toBe(NAMESPACE);
  });

  // The seed originals must validate unchanged, so the name they carry is the one everything else uses.
  // configs/sim.yaml configures the simulator, not a load test.
  const configs = [...yamlFiles(join(repoRoot, 'configs')), ...yamlFiles(join(repoRoot, 'test', 'fixtures', 'seed-configs'))].map(rel).filter((f) => f !== 'configs/sim.yaml');
  it.each(configs)('%s renders into it', (file) => {
    const config = parse(readFileSync(join(repoRoot, file), 'utf8')) as { metadata?: { namespace?: string } };
    expect(config.metadata?.namespace ?? DEFAULT_NAMESPACE).toBe(NAMESPACE);
  });

  // The vendored CRD is the operator's, cluster-scoped and not ours to name anything in.
  const manifests = yamlFiles(join(repoRoot, 'deploy', 'k8s')).filter((p) => !p.includes(join('k8s', 'k6-operator'))).map(rel);
  it.each(manifests)('%s names only it', (file) => {
    const named = parseAllDocuments(readFileSync(join(repoRoot, file), 'utf8')).flatMap((d) => namespacesOf(d.toJS()));
    expect(new Set(named)).toEqual(new Set(named.length ? [NAMESPACE] : []));
  });

  it("the README's Kubernetes commands and deploy/k8s/README.md name only it", () => {
    // helm installs the operator into a namespace of its own, which the load tests never use.
    const readme = readmeKubernetesCommands().filter((c) => words(c)[0] !== 'helm');
    const k8sReadme = readFileSync(join(repoRoot, 'deploy', 'k8s', 'README.md'), 'utf8').split('\n').filter((l) => /\bkubectl\b/.test(l));
    const named = [...readme, ...k8sReadme].flatMap(namespacesIn);
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([NAMESPACE]));
  });
});
