import { stringify } from 'yaml';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where arrays and scalars from `over` replace those of `base`. */
function merge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? merge(out[k] as Obj, v) : v;
  return out;
}

/**
 * A small, fast scenario for e2e runs against the sim: one org of 4 users, short fixed outputs,
 * 50 ms think times, an 8 s sustain. Tests override what they measure. The pre-flight and the revoked-key probe
 * are off, because many tests compare the harness's request counts with the sim's ground truth exactly and those
 * probes add requests the load does not count; test/e2e/preflight.test.ts turns them on, and the shipped configs
 * (test/e2e/honest-figures.test.ts) run with them on.
 */
export function scenarioYaml(spec: Obj = {}, name = 'e2e'): string {
  const base: Obj = {
    organizations: { count: 1, namePrefix: 'e2e-org' },
    users: { perOrg: { min: 4, max: 4 }, namePrefix: 'e2e-user' },
    userBehavior: {
      thinkTimeSeconds: { base: 0.05, variance: 0, distribution: 'uniform', min: 0.05, max: 0.05 },
      questionsPerSession: { min: 3, max: 3 },
      conversationStyle: { multiTurnProbability: 0, turnsPerConversation: { min: 2, max: 2 } },
    },
    targets: { apiRouterUrl: 'http://127.0.0.1:9', userOrgUrl: 'http://127.0.0.1:9', timeout: 10, idleTimeout: 5 },
    limits: { maxDurationSec: 8 },
    request: { maxTokens: { distribution: 'fixed', value: 16 } },
    platform: { preflight: false },
    cleanup: { revocationProbe: { enabled: false } },
    loadPattern: { model: 'closed', gracefulStopSec: 5, gracefulRampDownSec: 2, phases: [{ kind: 'sustain', durationSec: 8, target: 4 }] },
  };
  return stringify({ apiVersion: 'loadtest.ai-aas.dev/v1', kind: 'LoadTestScenario', metadata: { name }, spec: merge(base, spec) });
}

/** A fast sim model: fixed-length outputs with small, known gaps. */
export function fastModel(over: Obj = {}): Obj {
  return merge({ ttftBaseMs: 20, prefillMsPerToken: 0.01, gapMs: 4, output: { kind: 'fixed', tokens: 16 } }, over);
}
