// A rendered TestRun through the k6-operator's own command forms, run here: the initializer's `sh -c` line
// (k6 archive with every runner env var as -e NAME="${NAME}", then k6 inspect) under a real /bin/sh, the
// runners' exec form, and the operator's stages, cleanup and garbage collection around the launcher.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleForCluster } from '../../tools/build/bundle';
import { loadConfigFile, renderLoaded, type LoadedConfig } from '../../tools/k8s/prepare';
import type { ScriptPayload } from '../../tools/k8s/render';
import type { RunningSim } from '../../sim/index';
import { repoRoot } from './helpers/k6';
import { sim } from './helpers/loadtest';
import { initializerCommand, mountConfigMap, runInitializer, runPod } from './helpers/operator';
import { fastModel, scenarioYaml } from './helpers/scenario-config';

let running: RunningSim | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const scratch = mkdtempSync(join(tmpdir(), 'k8s-operator-e2e-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let script: ScriptPayload;
beforeAll(async () => {
  script = { kind: 'bundle', file: 'loadtest.js', text: await bundleForCluster() };
}, 60_000);

let n = 0;
/** A folder of its own under the test's scratch folder. */
function folder(name: string): string {
  return mkdtempSync(join(scratch, `${name}-${++n}-`));
}

function configFile(yaml: string): LoadedConfig {
  const path = join(folder('config'), 'config.yaml');
  writeFileSync(path, yaml);
  return loadConfigFile(path);
}

/** A config whose users ask about documents read from documents/ (relative to the base directory). */
const documentsYaml = scenarioYaml({
  testTypes: [
    {
      name: 'docs',
      weight: 100,
      questionStrategy: 'technical',
      documentLibrary: { enabled: true, bucketName: 'load-test-documents', documentPaths: ['technical/'], sampleSize: 3 },
    },
  ],
  documents: { root: 'documents' },
  loadPattern: { phases: [{ kind: 'sustain', durationSec: 3, target: 2 }] },
  limits: { maxDurationSec: 3 },
});

/** A runner image of your own: the official one plus documents/ at its root (README "Running on Kubernetes"). */
function imageWithDocuments(): string {
  const root = folder('image');
  cpSync(join(repoRoot, 'documents'), join(root, 'documents'), { recursive: true });
  return root;
}

describe("the operator's initializer and runners, in their exact command forms", () => {
  it('the initializer is one sh -c line passing every runner env var as -e NAME="${NAME}"', () => {
    const loaded = configFile(documentsYaml);
    const r = renderLoaded(loaded, script, { runId: 'init-form', parallelism: 1, prometheusUrl: 'http://prom:9090' });
    const [sh, flag, line] = initializerCommand(r.testRun);
    expect([sh, flag]).toEqual(['sh', '-c']);
    // The output flag is dropped (archive takes none); the tag stays.
    expect(line).toMatch(/^k6 archive \/test\/loadtest\.js -O \/tmp\/loadtest\.js\.archived\.tar --tag testid=init-form -e \S+="\$\{\S+\}"/);
    expect(line).toContain(' -e CONFIG="${CONFIG}" ');
    expect(line).toMatch(/ 2> \/tmp\/k6logs && k6 inspect --execution-requirements \/tmp\/loadtest\.js\.archived\.tar 2> \/tmp\/k6logs ; ! cat \/tmp\/k6logs \| grep 'level=error'$/);
  });

  it('a bundle whose config reads documents/ passes the initializer, and its runner asks about the documents', async () => {
    const s = (running = await sim({ models: { 'gpt-4o': fastModel() } } as Parameters<typeof sim>[0]));
    const loaded = configFile(documentsYaml);
    const r = renderLoaded(loaded, script, { runId: `k8s-docs-${Date.now()}`, parallelism: 1, env: { API_ROUTER_URL: s.routerUrl, USER_ORG_URL: s.adminUrl } });
    const mount = folder('mount');
    mountConfigMap(r.configMap, mount);
    const image = imageWithDocuments();
    const init = await runInitializer(r.testRun, mount, image);
    // Before LOADTEST_BASE_DIR, the shell turned PWD=/ into its working directory and this said "cannot read documents/...".
    expect(init.code, init.log.slice(-1500)).toBe(0);
    expect(init.inspect?.maxVUs).toBeGreaterThanOrEqual(1);
    const secret = { 'loadtest-admin': { AIAAS_ADMIN_EMAIL: s.config.admin.email, AIAAS_ADMIN_PASSWORD: s.config.admin.password } };
    const pod = await runPod(r.testRun, 1, mount, secret, { imageRoot: image, timeoutMs: 120_000 });
    expect(pod.code, pod.stderr.slice(-1500)).toBe(0);
    const requests = ((await (await fetch(`${s.routerUrl}/_sim/requests`)).json()) as { requests: { promptTokens: number }[] }).requests;
    expect(requests.filter((q) => q.promptTokens > 300).length).toBeGreaterThan(0);
  }, 180_000);

  it('an image without documents/ fails the initializer, and its log says why', async () => {
    const loaded = configFile(documentsYaml);
    const r = renderLoaded(loaded, script, { runId: 'k8s-nodocs', parallelism: 1 });
    const mount = folder('mount');
    mountConfigMap(r.configMap, mount);
    const init = await runInitializer(r.testRun, mount, folder('bare-image'));
    expect(init.code).not.toBe(0);
    expect(init.log).toMatch(/level=error.*document library: cannot read/);
  }, 120_000);
});
