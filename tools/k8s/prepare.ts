/**
 * Node I/O around the renderer: reads and validates the config, bundles the script (or packs a k6
 * archive), plans tenants to count users, and renders one cluster's objects, or one per split part.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { bundleForCluster } from '../build/bundle';
import { ensureK6 } from '../build/k6-binary';
import { formatErrors, parseConfig } from '../../src/config/load';
import type { LoadTestConfig } from '../../src/config/schema';
import { rngFrom } from '../../src/behaviour/random';
import { splitOrgs, usersInRange, type OrgRange } from '../../src/platform/slice';
import { planTenants, type TenantPlan } from '../../src/platform/tenants';
import { render, type RenderOptions, type Rendered, type ScriptPayload } from './render';

/** The config cannot be read or is invalid: exit 2, with every problem listed. */
export class ConfigError extends Error {}

export interface LoadedConfig {
  path: string;
  text: string;
  config: LoadTestConfig;
  plan: TenantPlan;
}

/** Reads and validates a config; the error lists every problem, as `npm run validate` does. */
export function loadConfigFile(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the config ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const parsed = parseConfig(text, path);
  if (!parsed.ok) throw new ConfigError(formatErrors(parsed.errors));
  const spec = parsed.config.spec;
  // User counts do not depend on the run tag, so any tag gives the counts every pod will derive.
  const plan = planTenants({ runTag: 'plan', organizations: spec.organizations, users: spec.users }, rngFrom(spec.run.seed, 'tenants'));
  return { path, text, config: parsed.config, plan };
}

/** One part of a --split: a kube context and its weight. */
export interface SplitPart {
  context: string;
  weight: number;
}

/** Parses "ctxA=33,ctxB=33,ctxC=34"; errors name the bad part. */
export function parseSplit(text: string): SplitPart[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new ConfigError('--split needs context=weight pairs, e.g. --split east=50,west=50');
  const seen = new Set<string>();
  return parts.map((p) => {
    const m = /^([^=\s]+)=(\d+(?:\.\d+)?)$/.exec(p);
    if (!m) throw new ConfigError(`--split: "${p}" is not context=weight (e.g. east=50)`);
    const context = m[1] as string;
    const weight = Number(m[2]);
    if (weight <= 0) throw new ConfigError(`--split: the weight of ${context} must be above 0`);
    if (seen.has(context)) throw new ConfigError(`--split: context ${context} is named twice`);
    seen.add(context);
    return { context, weight };
  });
}

/** The org ranges of a split, with the user count of each. */
export function planSplit(loaded: LoadedConfig, parts: SplitPart[]): { part: SplitPart; orgRange: OrgRange; users: number }[] {
  const ranges = splitOrgs(loaded.plan.orgs.map((o) => o.userCount), parts.map((p) => p.weight));
  return ranges.map((orgRange, i) => ({ part: parts[i] as SplitPart, orgRange, users: usersInRange(loaded.plan.users, orgRange).length }));
}

/**
 * A k6 archive of the scenario with the config and every file it opens (documents, key files), for
 * runners that should not depend on files baked into the image (the official k6 image has none). Packed
 * by the official k6 the harness runs (k6 v1.1.0, as the runner image); the config's relative paths
 * resolve against baseDir, as a local run resolves them against its folder.
 */
export async function packArchive(loaded: LoadedConfig, baseDir = process.cwd()): Promise<Uint8Array> {
  const k6 = await ensureK6({ quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-archive-'));
  try {
    const script = join(dir, 'loadtest.js');
    writeFileSync(script, await bundleForCluster());
    const out = join(dir, 'archive.tar');
    const configPath = resolve(loaded.path);
    // Both are stored in the archive, so the config and its relative paths resolve to the archived files
    // wherever the archive runs (a pod's own PWD or working folder plays no part).
    const r = spawnSync(k6, ['archive', '--quiet', '-e', `CONFIG=${configPath}`, '-e', `LOADTEST_BASE_DIR=${baseDir}`, '-O', out, script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`k6 archive failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim().slice(-1500)}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The script payload for a ConfigMap: the minified bundle, or a k6 archive. */
export async function scriptPayload(loaded: LoadedConfig, archive: boolean): Promise<ScriptPayload> {
  if (archive) return { kind: 'archive', file: 'archive.tar', bytes: await packArchive(loaded) };
  return { kind: 'bundle', file: 'loadtest.js', text: await bundleForCluster() };
}

/** Renders one cluster's objects for a loaded config. */
export function renderLoaded(loaded: LoadedConfig, script: ScriptPayload, options: RenderOptions): Rendered {
  const users = options.orgRange ? usersInRange(loaded.plan.users, options.orgRange).length : loaded.plan.users.length;
  return render({ config: loaded.config, configText: loaded.text, script, users, options });
}

/** Multi-document YAML of the objects, in apply order. */
export function toYaml(rendered: Rendered, header?: string): string {
  const docs = [rendered.configMap, rendered.testRun].map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }));
  return `${header ? `${header.split('\n').map((l) => `# ${l}`).join('\n')}\n` : ''}${docs.join('---\n')}`;
}
