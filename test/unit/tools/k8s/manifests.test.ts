// deploy/k8s/*.yaml agree with what the renderer and launcher assume: names, labels, and the verbs the launcher uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_NAMESPACE, DEFAULT_SECRET, MANAGED_BY, RUNNER_SERVICE_ACCOUNT } from '../../../../tools/k8s/render';
import { repoRoot } from '../../config/helpers';

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}
const load = (file: string): Obj[] => parseAllDocuments(readFileSync(join(repoRoot, 'deploy', 'k8s', file), 'utf8')).map((d) => d.toJS() as Obj);
const find = (objs: Obj[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  return o;
};

describe('k8s manifests', () => {
  it('put everything in the namespace the tools default to', () => {
    expect(find(load('namespace.yaml'), 'Namespace', DEFAULT_NAMESPACE)).toBeTruthy();
    for (const file of ['rbac.yaml', 'admin-secret.example.yaml', 'networkpolicy.yaml']) {
      for (const o of load(file)) if (!o.kind.startsWith('Cluster')) expect(o.metadata.namespace, `${file} ${o.kind}`).toBe(DEFAULT_NAMESPACE);
    }
  });

  it('give the runners a ServiceAccount without API access or a mounted token', () => {
    const rbac = load('rbac.yaml');
    expect(find(rbac, 'ServiceAccount', RUNNER_SERVICE_ACCOUNT).automountServiceAccountToken).toBe(false);
    const bound = rbac.filter((o) => o.kind.endsWith('Binding')).flatMap((b) => (b.subjects as { name: string }[]).map((s) => s.name));
    expect(bound).not.toContain(RUNNER_SERVICE_ACCOUNT);
  });

  it('grant the launcher each verb it uses, and the Secret only by name', () => {
    const rules = find(load('rbac.yaml'), 'Role', 'loadtest-launcher').rules as { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
    const allows = (group: string, resource: string, verb: string) => rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    for (const verb of ['get', 'list', 'watch', 'patch', 'delete']) expect(allows('k6.io', 'testruns', verb), verb).toBe(true);
    for (const verb of ['patch', 'delete']) expect(allows('', 'configmaps', verb)).toBe(true);
    expect(allows('', 'pods', 'list')).toBe(true);
    expect(allows('', 'pods/log', 'get')).toBe(true);
    const secretRules = rules.filter((r) => r.resources.includes('secrets'));
    expect(secretRules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: [DEFAULT_SECRET], verbs: ['get'] }]);
  });

  it('ship the admin Secret as a template with placeholders only', () => {
    const secret = find(load('admin-secret.example.yaml'), 'Secret', DEFAULT_SECRET);
    for (const v of Object.values(secret.stringData as Record<string, string>)) expect(v).toMatch(/^REPLACE-WITH-/);
  });

  it('select the runner pods by the labels the renderer gives them', () => {
    const np = find(load('networkpolicy.yaml'), 'NetworkPolicy', 'loadtest-runner-egress');
    const sel = (np.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels;
    for (const [k, v] of Object.entries(sel)) expect(MANAGED_BY[k as keyof typeof MANAGED_BY]).toBe(v);
  });
});

describe('the vendored TestRun CRD', () => {
  // The published file, kept as a fixture (test/fixtures/k6-operator/README.md) so this runs on every clone.
  const published = join(repoRoot, 'test', 'fixtures', 'k6-operator', 'k6.io_testruns.yaml');
  it('is the published file, unedited', () => {
    expect(readFileSync(join(repoRoot, 'deploy', 'k8s', 'k6-operator', 'k6.io_testruns.yaml'), 'utf8')).toBe(readFileSync(published, 'utf8'));
  });
});
