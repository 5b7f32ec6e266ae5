import { SharedArray } from 'k6/data';
import { formatErrors, parseConfig } from '../config/load';
import { apiRoot } from '../config/api-root';
import { effectiveLoadPattern } from '../config/load-pattern';
import type { LoadPattern, LoadTestConfig } from '../config/schema';
import { hash32, rngFrom } from '../behaviour/random';
import { generatedRunId } from '../config/run-id';
import { ORG_RANGE_ENV, parseOrgRange, scalePattern, usersInRange, type OrgRange } from '../platform/slice';
import { planTenants, type OrgPlan, type UserPlan } from '../platform/tenants';
import { refuse } from './refuse';

/** Everything about the run that every VU of a process shares, computed once (SharedArray). */
interface RunHeader {
  config: LoadTestConfig;
  configPath: string;
  runId: string;
  /** Short lower-case tag woven into slugs and emails so runs never collide on the platform. */
  runTag: string;
  orgs: OrgPlan[];
  /** Users in the whole plan, across every cluster of a split run. */
  totalUsers: number;
  /** This cluster's orgs (LOADTEST_ORGS) when the run is split across clusters; null plays them all. */
  orgRange: OrgRange | null;
  /** Users in this cluster's slice: totalUsers unless orgRange is set. */
  sliceUsers: number;
  /**
   * The load this process's cluster drives: the config's pattern (scaled to the slice) or the default one
   * for the slice's users. Worked out here, once, because the default comes from the schema, which VUs never load.
   */
  loadPattern: LoadPattern;
}

/** The run as a VU sees it: the shared header plus lazy access to the user list. */
export interface Run extends RunHeader {
  user(index: number): UserPlan;
  allUsers(): UserPlan[];
  /** The plan index of the slice's n-th user (1-based); the identity without an org range. */
  sliceUser(n: number): number;
}

/**
 * Resolves a path given on the command line against the directory k6 was started in: k6's open()
 * resolves relative paths against the script, which would surprise anyone passing -e CONFIG=configs/x.yaml.
 */
export function resolveUserPath(path: string): string {
  if (path.charAt(0) === '/' || /^[a-zA-Z]:[\\/]/.test(path) || path.indexOf('://') > 0) return path;
  // LOADTEST_BASE_DIR is stored in k6 archives (the folder the archive was packed in, whose files it holds) and
  // set on cluster runners (the image's root): unlike PWD, no shell in between rewrites it.
  const pwd = __ENV.LOADTEST_BASE_DIR || __ENV.PWD;
  if (!pwd) throw new Error(`cannot resolve relative path "${path}": neither LOADTEST_BASE_DIR nor PWD is in k6's environment; pass an absolute path`);
  return `${pwd.replace(/\/+$/, '')}/${path.replace(/^\.\//, '')}`;
}

/** Run id: RUN_ID env, then spec.run.id, then `<name>-<UTC timestamp>`. */
function chooseRunId(config: LoadTestConfig): string {
  const given = __ENV.RUN_ID || config.spec.run.id;
  return given || generatedRunId(config.metadata.name, new Date());
}

/** An env override of a target URL, checked like the config's own URLs. */
function urlFromEnv(name: string): string | undefined {
  const v = __ENV[name];
  if (!v) return undefined;
  if (!/^https?:\/\/[^\s/]+\S*$/.test(v)) refuse(`${name}: must be an http:// or https:// URL`);
  return apiRoot(v);
}

/** Env overrides of the targets, so one config runs against the sim on any port or a real platform. */
function applyTargetOverrides(config: LoadTestConfig): LoadTestConfig {
  const targets = { ...config.spec.targets };
  const router = urlFromEnv('API_ROUTER_URL');
  const admin = urlFromEnv('USER_ORG_URL');
  if (router) targets.apiRouterUrl = router;
  if (admin) targets.userOrgUrl = admin;
  return { ...config, spec: { ...config.spec, targets } };
}

/** The tenant plan is a pure function of the config, run tag and seed, so any process derives the same one. */
function tenantPlan(config: LoadTestConfig, runTag: string) {
  return planTenants({ runTag, organizations: config.spec.organizations, users: config.spec.users }, rngFrom(config.spec.run.seed, 'tenants'));
}

const headerStore = new SharedArray<RunHeader>('loadtest-run', () => {
  const given = __ENV.CONFIG;
  if (!given) refuse('no config: run with -e CONFIG=configs/<name>.yaml (see configs/ and docs/config.md)');
  const configPath = resolveUserPath(given);
  let text: string;
  try {
    text = open(configPath);
  } catch (err) {
    refuse(`cannot read the config ${configPath}: ${(err as Error).message}`);
  }
  const parsed = parseConfig(text, given);
  if (!parsed.ok) refuse(formatErrors(parsed.errors));
  const config = applyTargetOverrides(parsed.config);
  const runId = chooseRunId(config);
  const runTag = hash32(runId).toString(36);
  const plan = tenantPlan(config, runTag);
  const rangeText = __ENV[ORG_RANGE_ENV];
  const orgRange = rangeText ? parseOrgRange(rangeText, plan.orgs.length) : null;
  const sliceUsers = orgRange ? usersInRange(plan.users, orgRange).length : plan.users.length;
  const pattern = config.spec.loadPattern;
  const loadPattern = pattern ? (orgRange ? scalePattern(pattern, sliceUsers / plan.users.length, sliceUsers) : pattern) : effectiveLoadPattern(config, sliceUsers);
  return [{ config, configPath, runId, runTag, orgs: plan.orgs, totalUsers: plan.users.length, orgRange, sliceUsers, loadPattern }];
});

// One element per user, so a VU deserialises only the users it asks for, not the whole list.
const userStore = new SharedArray<UserPlan>('loadtest-users', () => {
  const h = headerStore[0] as RunHeader;
  return tenantPlan(h.config, h.runTag).users;
});

// The plan indexes of a split run's slice; empty when the run plays every org.
const sliceStore = new SharedArray<number>('loadtest-slice', () => {
  const h = headerStore[0] as RunHeader;
  return h.orgRange ? usersInRange(tenantPlan(h.config, h.runTag).users, h.orgRange) : [];
});

/** Loads the run (parsing the config once per process) for this VU. */
export function loadRun(): Run {
  const header = headerStore[0] as RunHeader;
  return {
    ...header,
    user: (index) => {
      const u = userStore[index - 1];
      if (!u) throw new Error(`user ${index} is outside the plan's ${header.totalUsers} users`);
      return u;
    },
    allUsers: () => {
      const out: UserPlan[] = [];
      for (let i = 0; i < userStore.length; i++) out.push(userStore[i] as UserPlan);
      return out;
    },
    sliceUser: (n) => {
      if (!header.orgRange) return n;
      const id = sliceStore[n - 1];
      if (id === undefined) throw new Error(`user ${n} is outside this slice's ${header.sliceUsers} users`);
      return id;
    },
  };
}
