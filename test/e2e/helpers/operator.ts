/**
 * What the k6-operator (v1.6.0) runs in runner pod i of a TestRun, reproduced on this machine: the
 * script ConfigMap "mounted" into a folder, and the runner's command line and env, as the operator
 * builds them (see k8s/k6-operator/NOTICE.md). Without --paused: there is no starter here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { K8sObject } from '../../../lib/k8s/render';

interface RunnerSpec {
  parallelism: number;
  arguments?: string;
  script: { configMap: { name: string; file: string } };
  runner: { env: { name: string; value: string }[]; envFrom: { secretRef: { name: string } }[] };
}

/** Writes the ConfigMap's files into dir, as the operator's volume mount at /test/ would show them. */
export function mountConfigMap(configMap: K8sObject, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries((configMap.data as Record<string, string> | undefined) ?? {})) writeFileSync(join(dir, file), text);
  for (const [file, b64] of Object.entries((configMap.binaryData as Record<string, string> | undefined) ?? {})) writeFileSync(join(dir, file), Buffer.from(b64, 'base64'));
}

/** The k6 arguments and env of runner `index` (1-based), with /test/ mapped to mountDir and the Secret's data given. */
export function runnerCommand(testRun: K8sObject, index: number, mountDir: string, secrets: Record<string, Record<string, string>>): { args: string[]; env: Record<string, string> } {
  const spec = testRun.spec as RunnerSpec;
  const n = spec.parallelism;
  const args = ['run', '--quiet'];
  if (n > 1) {
    const seq = Array.from({ length: n + 1 }, (_, k) => (k === 0 ? '0' : k === n ? '1' : `${k}/${n}`));
    args.push(`--execution-segment=${seq[index - 1]}:${seq[index]}`, `--execution-segment-sequence=${seq.join(',')}`);
  }
  if (spec.arguments) args.push(...spec.arguments.split(' ').filter((a) => a !== ''));
  args.push(join(mountDir, spec.script.configMap.file), '--tag', `instance_id=${index}`, '--tag', `testrun_name=${testRun.metadata.name}`);
  const env: Record<string, string> = {};
  for (const ref of spec.runner.envFrom) {
    const data = secrets[ref.secretRef.name];
    if (!data) throw new Error(`the TestRun needs Secret ${ref.secretRef.name}, which the test did not provide`);
    Object.assign(env, data);
  }
  for (const e of spec.runner.env) env[e.name] = e.value.startsWith('/test/') ? join(mountDir, e.value.slice('/test/'.length)) : e.value;
  return { args, env };
}
