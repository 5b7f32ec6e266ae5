/**
 * npm run k8s:render|k8s:run|k8s:delete|k8s:status -- [flags]: the k6-operator TestRun from a config,
 * launched, followed and cleaned up with @kubernetes/client-node. See README "Running on Kubernetes".
 * Exit codes: 0 ok, 1 run failed, 2 usage or config error, 3 pre-flight failed, 4 timed out, 130 Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultRunId, parseK8sArgs, type K8sArgs } from './k8s/cli-args';
import { EXIT, launch, type LaunchTarget } from './k8s/launcher';
import { ConfigError, loadConfigFile, planSplit, renderLoaded, scriptPayload, toYaml, type LoadedConfig } from './k8s/prepare';
import { DEFAULT_NAMESPACE, DEFAULT_SECRET, objectName, type Rendered, type RenderOptions } from './k8s/render';
import { formatOrgRange, type OrgRange } from '../src/platform/slice';
import { runCli, UsageError } from './cli';

const RENDER_FLAGS = ['config', 'run-id', 'namespace', 'image', 'relay-image', 'parallelism', 'users-per-pod', 'secret', 'prometheus', 'archive', 'separate', 'keep', 'split', 'out'];
const USAGE = `usage:
  npm run k8s:render -- --config configs/x.yaml [--run-id ID] [--parallelism N | --users-per-pod N] [--image IMG]
                        [--relay-image IMG] [--namespace NS] [--secret NAME] [--prometheus URL] [--archive] [--separate] [--keep]
                        [--split ctxA=50,ctxB=50] [--out FILE|DIR]
  npm run k8s:run    -- (the render flags) [--context C] [--wait] [--follow] [--skip-target-check]
  npm run k8s:status -- [--run-id ID] [--namespace NS] [--context C]
  npm run k8s:delete -- --run-id ID [--namespace NS] [--context C]`;

/** One rendered part: its context (for --split) and objects. */
interface Part {
  context: string | undefined;
  orgRange?: OrgRange;
  rendered: Rendered;
}

async function renderParts(args: K8sArgs, loaded: LoadedConfig, runId: string, keep: boolean): Promise<Part[]> {
  const script = await scriptPayload(loaded, args.archive);
  const base: RenderOptions = {
    runId,
    namespace: args.namespace,
    image: args.image,
    relayImage: args.relayImage,
    parallelism: args.parallelism,
    usersPerPod: args.usersPerPod,
    secretName: args.secret,
    prometheusUrl: args.prometheus,
    separate: args.separate,
    keep,
  };
  if (!args.split) return [{ context: args.context, rendered: renderLoaded(loaded, script, base) }];
  return planSplit(loaded, args.split).map(({ part, orgRange }) => ({ context: part.context, orgRange, rendered: renderLoaded(loaded, script, { ...base, orgRange }) }));
}

function describe(part: Part, loaded: LoadedConfig): string {
  const r = part.rendered;
  return [
    `testrun ${r.name} in ${r.namespace}${part.context ? ` on context ${part.context}` : ''}: ${r.parallelism} runner pod(s)`,
    `${part.orgRange ? `orgs ${formatOrgRange(part.orgRange)} of ${loaded.plan.orgs.length}` : `${loaded.plan.orgs.length} org(s)`}, ConfigMap ${r.configMapBytes} bytes`,
  ].join(', ');
}

async function cmdRender(argv: string[]): Promise<number> {
  const args = parseK8sArgs(argv, RENDER_FLAGS);
  if (!args.config) throw new UsageError('--config is required');
  const loaded = loadConfigFile(args.config);
  const runId = args.runId ?? loaded.config.spec.run.id ?? defaultRunId(loaded.config.metadata.name, new Date());
  const parts = await renderParts(args, loaded, runId, args.keep);
  for (const p of parts) console.error(describe(p, loaded));
  const yamlOf = (p: Part) => toYaml(p.rendered, `rendered by npm run k8s:render from ${args.config}${p.context ? ` for context ${p.context}` : ''}`);
  if (!args.out) {
    process.stdout.write(parts.map(yamlOf).join('---\n'));
  } else if (parts.length === 1) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, yamlOf(parts[0] as Part));
    console.error(`wrote ${args.out}`);
  } else {
    mkdirSync(args.out, { recursive: true });
    for (const p of parts) {
      const file = join(args.out, `${p.rendered.name}-${p.context}.yaml`);
      writeFileSync(file, yamlOf(p));
      console.error(`wrote ${file}`);
    }
  }
  return EXIT.ok;
}

/** Whether each target URL answers from here; in-cluster names are skipped (only the pods resolve them). */
async function checkTargets(loaded: LoadedConfig): Promise<string[]> {
  const t = loaded.config.spec.targets;
  const urls = [t.apiRouterUrl, t.userOrgUrl].filter((u): u is string => typeof u === 'string');
  const problems: string[] = [];
  for (const url of urls) {
    const host = new URL(url).hostname;
    if (/\.(svc|cluster\.local|internal)$/.test(host) || !host.includes('.') && host !== 'localhost') {
      console.error(`pre-flight: ${url} is an in-cluster name; not checked from here`);
      continue;
    }
    try {
      await fetch(url, { method: 'GET', signal: AbortSignal.timeout(5000) });
    } catch (e) {
      problems.push(`target ${url} does not answer from here (${(e as Error).cause ?? (e as Error).message}); fix spec.targets or pass --skip-target-check if only the cluster can reach it`);
    }
  }
  return problems;
}

async function cmdRun(argv: string[]): Promise<number> {
  const args = parseK8sArgs(argv, [...RENDER_FLAGS, 'context', 'wait', 'follow', 'skip-target-check']);
  if (!args.config) throw new UsageError('--config is required');
  const loaded = loadConfigFile(args.config);
  const runId = args.runId ?? loaded.config.spec.run.id ?? defaultRunId(loaded.config.metadata.name, new Date());
  const waiting = args.wait || args.follow;
  // A followed run is deleted by the launcher after it has read the results, so the operator must not delete it first.
  const parts = await renderParts(args, loaded, runId, args.keep || waiting);
  const targets: LaunchTarget[] = await Promise.all(parts.map(async (p) => ({ cluster: await cluster(p.context), rendered: p.rendered })));
  for (const p of parts) console.error(describe(p, loaded));
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    console.error('\ninterrupted: deleting the TestRun(s); Ctrl-C again to leave them running');
    controller.abort();
  });
  const platform = loaded.config.spec.platform;
  const result = await launch(targets, {
    wait: args.wait,
    follow: args.follow,
    keep: args.keep,
    needsSecret: platform.adapter === 'ai-aas' || !platform.staticKeysFile,
    secretName: args.secret ?? DEFAULT_SECRET,
    checkTargets: args.skipTargetCheck ? undefined : () => checkTargets(loaded),
    timeoutMs: (loaded.config.spec.limits.maxDurationSec + 900) * 1000,
    signal: controller.signal,
    log: (l) => console.error(l),
    output: (l) => console.log(l),
  });
  if (result.outcomes.some((o) => Object.keys(o.logs).length > 0)) {
    const dir = join('results', objectName(runId), 'k8s');
    mkdirSync(dir, { recursive: true });
    for (const o of result.outcomes) {
      for (const [pod, lines] of Object.entries(o.logs)) writeFileSync(join(dir, `${o.context}-${pod}.log`), `${lines.join('\n')}\n`);
      for (const [pod, summary] of Object.entries(o.summaries)) console.log(`\n[${o.context}/${pod}] ${summary}`);
    }
    console.error(`pod logs in ${dir}/`);
  }
  console.error(result.reason);
  return result.code;
}

async function cmdStatus(argv: string[]): Promise<number> {
  const args = parseK8sArgs(argv, ['run-id', 'namespace', 'context']);
  const c = await cluster(args.context);
  const ns = args.namespace ?? DEFAULT_NAMESPACE;
  const runs = (await c.listTestRuns(ns)).filter((r) => !args.runId || r.name === objectName(args.runId));
  if (runs.length === 0) {
    console.error(args.runId ? `no TestRun ${objectName(args.runId)} in ${ns} on ${c.context}` : `no load-test TestRuns in ${ns} on ${c.context}`);
    return args.runId ? EXIT.failed : EXIT.ok;
  }
  for (const r of runs) {
    const pods = await c.runnerPods(ns, r.name);
    const phases = pods.map((p) => `${p.name}=${p.phase}${p.exitCode !== undefined ? `(exit ${p.exitCode})` : ''}`).join(' ');
    console.log(`${r.name}  stage=${r.stage ?? 'pending'}  parallelism=${r.parallelism}  created=${r.created ?? '?'}${phases ? `  ${phases}` : ''}`);
  }
  return EXIT.ok;
}

async function cmdDelete(argv: string[]): Promise<number> {
  const args = parseK8sArgs(argv, ['run-id', 'namespace', 'context']);
  if (!args.runId) throw new UsageError('--run-id is required (npm run k8s:status lists the runs)');
  const c = await cluster(args.context);
  const ns = args.namespace ?? DEFAULT_NAMESPACE;
  const name = objectName(args.runId);
  const tr = await c.deleteTestRun(ns, name);
  const cm = await c.deleteConfigMap(ns, `${name}-script`);
  console.error(tr || cm ? `deleted ${[tr && `testrun/${name}`, cm && `configmap/${name}-script`].filter(Boolean).join(' and ')} in ${ns} on ${c.context}` : `nothing named ${name} in ${ns} on ${c.context}`);
  return tr || cm ? EXIT.ok : EXIT.failed;
}

/** The API client loads only for commands that talk to a cluster: it takes a second to import. */
async function cluster(context: string | undefined) {
  const { KubeCluster, loadKubeConfig } = await import('./k8s/kube-client');
  return new KubeCluster(loadKubeConfig(context));
}

const commands: Record<string, (argv: string[]) => Promise<number>> = { render: cmdRender, run: cmdRun, status: cmdStatus, delete: cmdDelete };

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const run = cmd ? commands[cmd] : undefined;
  if (!run) {
    const known = Object.keys(commands).join(', ');
    if (cmd === undefined) throw new UsageError(`no command given (${known})`);
    throw new UsageError(cmd.startsWith('-') ? `unknown flag "${cmd}" before the command (${known})` : `unknown command "${cmd}" (${known})`);
  }
  try {
    return await run(rest);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    console.error((e as Error).message);
    return e instanceof ConfigError ? EXIT.usage : EXIT.failed;
  }
}

process.exitCode = await runCli(USAGE, process.argv.slice(2), main);
