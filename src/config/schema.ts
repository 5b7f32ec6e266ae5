/**
 * The LoadTestScenario config: the single source of its types, defaults and field documentation.
 * Every object is strict, so a misspelt or unsupported field is an error rather than silently ignored.
 * docs/config.md is generated from this file (tools/gen-config-docs.ts).
 */
import { z } from 'zod';
import { apiRoot } from './api-root';
import { parseCondition } from './conditions';
import { thresholdExpressionProblem, thresholdKeyProblem, thresholdSelector } from './thresholds';

// k6's JS engine must not depend on zod compiling parsers with `new Function`; the interpreter path is
// equivalent and the config is parsed once per process, so its speed does not matter.
z.config({ jitless: true });

/** Strict object whose unknown-key error lists the fields it does know. */
function strict<S extends z.core.$ZodLooseShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field; known fields: ${known}` : undefined),
  });
}

type Issue = { path: (string | number)[]; message: string };
type Ctx = { addIssue: (issue: Issue & { code: 'custom' }) => void };

function issue(ctx: Ctx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

function checkMinMax(v: { min?: number | undefined; max?: number | undefined }, ctx: Ctx): void {
  if (v.min !== undefined && v.max !== undefined && v.min > v.max) issue(ctx, ['min'], `must be <= max (${v.min} > ${v.max})`);
}

/** An inclusive {min, max} range of integers >= floor. */
function intRange(floor: number, unit: string, ceiling: number) {
  const n = () => z.number().int().min(floor).max(ceiling, atMost(ceiling, unit));
  return strict({
    min: n().describe(`smallest value (${unit})`),
    max: n().describe(`largest value (${unit})`),
  }).superRefine(checkMinMax);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters (a DNS label)')
  .regex(DNS_LABEL, 'must be a lower-case DNS label: a-z, 0-9 and "-", starting and ending with a letter or digit');

// A hand-written check rather than z.url(): that one calls the URL constructor, which k6's JS engine lacks.
const HTTP_URL = /^https?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/;
const httpUrl = z.string().regex(HTTP_URL, 'must be an http:// or https:// URL');
/** A platform API's base URL, with or without the OpenAI SDK's trailing /v1 (src/config/api-root.ts). */
const apiBaseUrl = httpUrl.transform(apiRoot);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, 'must be an environment variable name (letters, digits, "_")');

const positive = z.number().positive();

/**
 * Sanity bounds of the plan. Every k6 process builds the whole tenant plan and each session's plan in memory, so
 * past these a config validates but k6 exhausts memory at init (10^9 users hung it at 3.8 GB). They sit far above
 * what one cluster drives; docs/config.md lists them.
 */
export const PLAN_BOUNDS = {
  orgs: 10_000,
  users: 100_000,
  keysPerUser: 100,
  keys: 100_000,
  vus: 100_000,
  iterationsPerSec: 100_000,
  questionsPerSession: 10_000,
  turnsPerConversation: 1_000,
  phases: 1_000,
  documents: 10_000,
  durationSec: 7 * 24 * 3600,
} as const;

const atMost = (n: number, what: string) => `must be at most ${n} (the harness's bound on ${what})`;
const usd = z.number().positive();

/** Sampled numeric value; `gaussian` draws are clamped to [min, max] when given. */
function distribution(opts: { int: boolean; floor: number; ceiling?: number }) {
  const base = () => {
    const n = opts.int ? z.number().int().min(opts.floor) : z.number().min(opts.floor);
    return opts.ceiling === undefined ? n : n.max(opts.ceiling);
  };
  return z.discriminatedUnion(
    'distribution',
    [
      strict({
        distribution: z.literal('fixed').describe('always the same value'),
        value: base().describe('the value'),
      }),
      strict({
        distribution: z.literal('uniform').describe('uniform between min and max inclusive'),
        min: base().describe('lower bound'),
        max: base().describe('upper bound'),
      }).superRefine(checkMinMax),
      strict({
        distribution: z.literal('gaussian').describe('normal around mean, clamped to [min, max] when given'),
        mean: base().describe('mean'),
        stddev: z.number().min(0).describe('standard deviation'),
        min: base().optional().describe('lower clamp'),
        max: base().optional().describe('upper clamp'),
      }).superRefine(checkMinMax),
    ],
    { error: (iss) => (iss.code === 'invalid_union' ? 'distribution must be one of: fixed, uniform, gaussian' : undefined) },
  );
}

const maxTokensDist = distribution({ int: true, floor: 1 });
const temperatureDist = distribution({ int: false, floor: 0, ceiling: 2 });
export type Distribution = z.output<typeof maxTokensDist>;

const BudgetSchema = strict({
  limitUSD: usd.describe('total budget per org, USD'),
  dailyUSD: usd.optional().describe('daily budget per org, USD (at most limitUSD)'),
  warnAtUSD: usd.optional().describe('spend at which a warning is raised, USD (at most limitUSD)'),
  enableAlerts: z.boolean().default(false).describe('raise alerts when warnAtUSD is crossed'),
}).superRefine((b, ctx) => {
  for (const key of ['dailyUSD', 'warnAtUSD'] as const) {
    const v = b[key];
    if (v !== undefined && v > b.limitUSD) issue(ctx, [key], `must be <= limitUSD (${v} > ${b.limitUSD})`);
  }
});

const OrganizationsSchema = strict({
  count: z.number().int().min(1).max(PLAN_BOUNDS.orgs, atMost(PLAN_BOUNDS.orgs, 'orgs')).describe('number of organizations to provision'),
  namePrefix: z.string().min(1).default('loadtest-org').describe('org names are <namePrefix>-<n>, n from 1'),
  budget: BudgetSchema.optional().describe('budget applied to every org unless overridden'),
  overrides: z
    .array(
      strict({
        org: z.number().int().min(1).describe('1-based index of the org this override applies to'),
        users: z.number().int().min(1).max(PLAN_BOUNDS.users, atMost(PLAN_BOUNDS.users, 'users')).optional().describe('exact user count for this org (replaces users.perOrg)'),
        budget: BudgetSchema.optional().describe('budget for this org (replaces organizations.budget)'),
      }),
    )
    .optional()
    .describe('per-org exceptions, e.g. orgs of 10/20/30 users or one org with a small budget'),
});

const UsersSchema = strict({
  perOrg: intRange(1, 'users', PLAN_BOUNDS.users).describe('users per org, drawn from the run seed between min and max'),
  namePrefix: z.string().min(1).default('loadtest-user').describe('user names are <namePrefix>-<org>-<n>'),
  emailDomain: z.string().min(1).default('loadtest.invalid').describe('domain of the generated user emails'),
  apiKeys: strict({
    perUser: z.number().int().min(1).max(PLAN_BOUNDS.keysPerUser, atMost(PLAN_BOUNDS.keysPerUser, 'keys per user')).default(1).describe('API keys issued per user'),
    namePrefix: z.string().min(1).optional().describe('key names are <namePrefix>-<user>-<n>'),
    expiryDays: z.number().int().min(1).optional().describe('days until issued keys expire'),
  })
    .prefault({})
    .describe('API keys issued to each user'),
});

const UserBehaviorSchema = strict({
  thinkTimeSeconds: strict({
    base: z.number().min(0).default(5).describe('centre of the think time, seconds'),
    variance: z.number().min(0).default(2).describe('spread around base: half-width (uniform) or standard deviation (gaussian)'),
    distribution: z.enum(['uniform', 'gaussian', 'exponential']).default('uniform').describe('shape of the think-time draw (exponential: mean = base)'),
    min: z.number().min(0).default(1).describe('shortest think time, seconds'),
    max: z.number().min(0).default(10).describe('longest think time, seconds'),
  })
    .superRefine(checkMinMax)
    .prefault({})
    .describe('pause between a response and the next question'),
  sessionDuration: strict({
    min: positive.describe('shortest session, seconds'),
    max: positive.describe('longest session, seconds'),
  })
    .superRefine(checkMinMax)
    .optional()
    .describe('a session also ends once it has lasted this long (drawn per session)'),
  questionsPerSession: intRange(1, 'questions', PLAN_BOUNDS.questionsPerSession).prefault({ min: 3, max: 5 }).describe('questions a user asks per session'),
  conversationStyle: strict({
    multiTurnProbability: z.number().min(0).max(1).default(0.2).describe('chance that a question opens a multi-turn conversation'),
    turnsPerConversation: intRange(1, 'turns', PLAN_BOUNDS.turnsPerConversation).prefault({ min: 2, max: 4 }).describe('turns of a multi-turn conversation'),
    contextRetention: z.boolean().default(true).describe('send earlier turns as context in follow-up requests'),
  })
    .prefault({})
    .describe('single- versus multi-turn conversations'),
  errorHandling: strict({
    retryAttempts: z.number().int().min(0).default(2).describe('retries of a failed chat request'),
    retryBackoffMs: z.number().min(0).default(1000).describe('delay before the first retry, doubled each retry, ms'),
    ignoreErrorCodes: z
      .array(z.number().int().min(100).max(599))
      .default([])
      .describe('HTTP statuses that are recorded (errors.ignored) but not counted as errors: out of stopOnErrors, maxErrorRate and failAboveErrorRate'),
    stopOnErrors: z.number().int().min(1).default(10).describe("errors after which that user's session ends"),
    failureBackoffMs: z
      .number()
      .min(0)
      .default(500)
      .describe("pause after a user's request fails (retries spent), doubled for each failure in a row and reset by a success, ms; 0 turns it off"),
    failureBackoffMaxMs: z.number().min(0).default(30_000).describe('longest of those pauses, ms'),
  })
    .superRefine((e, ctx) => {
      if (e.failureBackoffMaxMs < e.failureBackoffMs) issue(ctx, ['failureBackoffMaxMs'], `must be at least failureBackoffMs (${e.failureBackoffMs})`);
    })
    .prefault({})
    .describe('retries and when a user gives up'),
  sessionsPerUser: z.number().int().min(1).optional().describe('sessions each user runs; unlimited (until the run ends) when absent'),
});

const TargetsSchema = strict({
  apiRouterUrl: apiBaseUrl.describe('base URL of the OpenAI-compatible API router, with or without a trailing /v1 (the harness adds /v1/chat/completions)'),
  userOrgUrl: apiBaseUrl.optional().describe('base URL of the user/org admin service (required by the ai-aas adapter), with or without a trailing /v1'),
  tlsVerify: z.boolean().default(true).describe('verify TLS certificates'),
  timeout: positive.default(60).describe('whole-request timeout, seconds'),
  idleTimeout: positive.default(30).describe('longest silence between streamed events, seconds'),
});

const LimitsSchema = strict({
  maxCostUSD: usd.optional().describe('stop the run when the computed cost exceeds this, USD'),
  maxRequests: z.number().int().min(1).optional().describe('stop the run after this many chat requests'),
  maxDurationSec: z.number().int().min(1).max(PLAN_BOUNDS.durationSec, atMost(PLAN_BOUNDS.durationSec, 'run length, a week')).default(600).describe('the load pattern never runs longer than this, seconds'),
  maxErrorRate: z.number().gt(0).max(1).optional().describe('stop the run when the error rate over the window exceeds this (0-1]; ignoreErrorCodes stay out of it'),
  maxConcurrentReqs: z.number().int().min(1).optional().describe('most chat requests in flight at once'),
  errorRateWindowSec: z.number().int().min(1).default(30).describe('sliding window for maxErrorRate, seconds'),
  errorRateMinSamples: z.number().int().min(1).default(20).describe('counted requests (ignored statuses excluded) the window must hold before maxErrorRate is judged'),
  failAboveErrorRate: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe('the run fails (k6 exit 99) when more than this share of its chat requests failed, over the whole run; 1 turns the guard off'),
  fleetGuard: strict({
    prometheusUrl: httpUrl.describe('Prometheus that receives this run\'s remote-write metrics'),
    intervalSec: positive.default(5).describe('how often one VU per instance queries the fleet spend, seconds'),
  })
    .optional()
    .describe('enforce maxCostUSD across all instances from the fleet spend in Prometheus, instead of giving each instance its share'),
}).superRefine((l, ctx) => {
  if (l.fleetGuard && l.maxCostUSD === undefined) issue(ctx, ['fleetGuard'], 'guards maxCostUSD, which is not set');
});

const ThresholdSchema = z.union([
  z.string(),
  strict({
    threshold: z.string().describe('the expression, e.g. p(95)<2000'),
    abortOnFail: z.boolean().default(false).describe('stop the run as soon as it fails'),
    delayAbortEvalSec: z.number().min(0).optional().describe('seconds before abortOnFail is judged (let samples accumulate)'),
  }),
]);

const ThresholdsSchema = z
  .record(z.string(), z.array(ThresholdSchema).min(1))
  .superRefine((all, ctx) => {
    for (const [key, list] of Object.entries(all)) {
      const keyProblem = thresholdKeyProblem(key);
      if (keyProblem) {
        issue(ctx, [key], keyProblem);
        continue;
      }
      list.forEach((t, i) => {
        const problem = thresholdExpressionProblem(key, typeof t === 'string' ? t : t.threshold);
        if (problem) issue(ctx, typeof t === 'string' ? [key, i] : [key, i, 'threshold'], problem);
      });
    }
  });

/** Scenario names scenarioMix understands, and which test types each one draws from. */
export const SCENARIO_NAMES = ['simple-question-answering', 'document-analysis', 'multi-turn-conversation'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

const ScenarioMixSchema = strict({
  scenarios: z
    .array(
      strict({
        name: z.enum(SCENARIO_NAMES).describe('simple-question-answering: test types without a document library; document-analysis: test types with one; multi-turn-conversation: any test type, always multi-turn'),
        weight: positive.describe('relative weight (> 0)'),
      }),
    )
    .min(1)
    .describe('scenarios and their relative weights'),
});

const TIERS = ['slm', 'medium', 'large'] as const;
export type ModelTier = (typeof TIERS)[number];
const modelList = (tier: string) => z.array(z.string().min(1)).min(1).optional().describe(`models of the ${tier} tier`);

const ModelTargetingSchema = strict({
  slmModels: modelList('slm'),
  mediumModels: modelList('medium'),
  largeModels: modelList('large'),
  rules: z
    .array(
      strict({
        condition: z
          .string()
          .superRefine((c, ctx) => {
            const parsed = parseCondition(c);
            if (!parsed.ok) issue(ctx, [], parsed.error);
          })
          .describe('"<field> <op> <number>" joined by "&&"; fields query_length, prompt_tokens, turn, has_document'),
        targetType: z.enum(TIERS).describe('tier to use when the condition holds'),
      }),
    )
    .optional()
    .describe('first matching rule picks the tier'),
  defaultTarget: z.enum(TIERS).optional().describe('tier when no rule matches; default: the first tier with models (slm, medium, large) that no rule targets, else the first with models'),
});

const CacheSaltSchema = z
  .union(
    [
      z.string().min(1),
      strict({
        scope: z.enum(['org', 'user', 'fixed']).describe('salt per org, per user, or one fixed value'),
        value: z.string().min(1).optional().describe('the salt (fixed) or a prefix mixed into the org/user salt'),
      }).superRefine((s, ctx) => {
        if (s.scope === 'fixed' && s.value === undefined) issue(ctx, ['value'], 'required when scope is fixed');
      }),
    ],
    { error: (iss) => (iss.code === 'invalid_union' ? 'must be a string or {scope: org|user|fixed, value?}' : undefined) },
  )
  .transform((s) => (typeof s === 'string' ? { scope: 'fixed' as const, value: s } : s));

const TestTypeSchema = strict({
  name: z.string().min(1).describe('test type name (metric tag test_type)'),
  weight: positive.describe('relative weight (> 0)'),
  questionStrategy: z
    .enum(['historical', 'mathematical', 'geographical', 'hypothetical', 'technical', 'mixed'])
    .default('mixed')
    .describe('family of generated questions'),
  cacheBehavior: z.enum(['avoid', 'prefer', 'mixed']).default('avoid').describe('avoid: unique prompts; prefer: reuse prompts; mixed: half and half'),
  cacheSalt: CacheSaltSchema.optional().describe('cache_salt sent with requests; a plain string is a fixed salt'),
  documentLibrary: strict({
    enabled: z.boolean().default(true).describe('attach documents to prompts'),
    bucketName: z.string().min(1).describe('folder under documents.root holding the library'),
    documentPaths: z.array(z.string().min(1)).min(1).describe('sub-folders of the bucket to draw documents from'),
    sampleSize: z.number().int().min(1).max(PLAN_BOUNDS.documents, atMost(PLAN_BOUNDS.documents, 'documents per path')).describe('documents loaded from each path: its files 001.txt to <sampleSize>.txt; each request picks one by the run seed'),
  })
    .optional()
    .describe('documents attached to prompts'),
  modelTargeting: ModelTargetingSchema.optional().describe('model tiers and routing rules; models.default when absent'),
  streamingResponse: z.boolean().default(true).describe('request a streamed (SSE) response'),
  maxTokens: maxTokensDist.optional().describe('max_tokens for this type; request.maxTokens when absent'),
  temperature: temperatureDist.optional().describe('temperature for this type; request.temperature when absent'),
});

const RunSchema = strict({
  seed: z.number().int().default(1).describe('seed of every random draw: a run is reproducible from it'),
  id: dnsLabel.optional().describe('run id; chosen at start by the runtime when absent'),
  resultsDir: z.string().min(1).default('results').describe('directory for summaries and reports'),
});

const PlatformSchema = strict({
  adapter: z.enum(['ai-aas', 'static']).default('ai-aas').describe('ai-aas: provision via the admin API; static: use pre-issued keys'),
  adminEmailEnv: envName.default('AIAAS_ADMIN_EMAIL').describe('env var holding the admin email (ai-aas adapter)'),
  adminPasswordEnv: envName.default('AIAAS_ADMIN_PASSWORD').describe('env var holding the admin password (ai-aas adapter)'),
  staticKeysEnv: envName.default('LOADTEST_API_KEYS').describe('env var holding comma-separated API keys (static adapter)'),
  staticKeysFile: z.string().min(1).optional().describe('file of API keys, one a line (static adapter; instead of staticKeysEnv)'),
  auth: z
    .enum(['bearer', 'none'])
    .default('bearer')
    .describe('bearer: every chat request carries Authorization: Bearer <API key>, and no key is an error; none (static adapter): a server without auth, no key read, no Authorization header'),
  preflight: z
    .boolean()
    .default(true)
    .describe(
      'after provisioning, send one small request per model and mode (stream or not) the test types use, with a provisioned key, and stop the run before any load (exit 107) with one line naming what failed and what to change; false (or env LOADTEST_PREFLIGHT=0) skips it',
    ),
  retry: strict({
    attempts: z.number().int().min(1).default(5).describe('attempts per admin API call'),
    baseDelayMs: z.number().min(0).default(200).describe('first backoff delay, doubled per attempt, ms'),
    maxDelayMs: z.number().min(0).default(5000).describe('longest backoff delay, ms'),
  })
    .superRefine((r, ctx) => {
      if (r.baseDelayMs > r.maxDelayMs) issue(ctx, ['baseDelayMs'], `must be <= maxDelayMs (${r.baseDelayMs} > ${r.maxDelayMs})`);
    })
    .prefault({})
    .describe('retries of admin API calls during provisioning and cleanup'),
});

const PriceSchema = strict({
  input: z.number().min(0).describe('price of input (prompt) tokens, USD per unit'),
  output: z.number().min(0).describe('price of output (completion) tokens, USD per unit'),
  cachedInput: z.number().min(0).optional().describe('price of cached prompt tokens, USD per unit'),
});

const PricesSchema = strict({
  unit: z.enum(['per1K', 'per1M']).default('per1K').describe('prices are USD per 1K or per 1M tokens'),
  models: z.record(z.string().min(1), PriceSchema).default({}).describe('price per model name'),
  default: strict({
    input: z.number().min(0).describe('input price, USD per unit'),
    output: z.number().min(0).describe('output price, USD per unit'),
  })
    .optional()
    .describe('price of models not listed'),
});

const PHASE_KINDS = ['warm-up', 'ramp', 'sustain', 'spike', 'cool-down'] as const;
export type PhaseKind = (typeof PHASE_KINDS)[number];

const PhaseSchema = strict({
  kind: z
    .enum(PHASE_KINDS)
    .describe('warm-up, ramp, cool-down: linear to target; sustain: jump to target and hold; spike: jump, hold, drop back'),
  name: z.string().min(1).optional().describe('label used in error messages and reports'),
  durationSec: positive.describe('phase length, seconds'),
  target: z.number().int().min(0).max(PLAN_BOUNDS.vus, atMost(PLAN_BOUNDS.vus, 'VUs or iterations per time unit')).describe('VUs (closed model) or iterations per timeUnitSec (open model)'),
});

const phases = z.array(PhaseSchema).min(1).max(PLAN_BOUNDS.phases, atMost(PLAN_BOUNDS.phases, 'phases')).describe('phases in order; their total must fit in limits.maxDurationSec');
const gracefulStopSec = z.number().min(0).default(30).describe('time running iterations get to finish at the end, seconds');

/** The loadPattern block alone (options.ts parses the default pattern through it). */
export const LoadPatternSchema = z.discriminatedUnion(
  'model',
  [
    strict({
      model: z.literal('closed').default('closed').describe('closed: a fixed number of looping VUs, one per user'),
      gracefulStopSec,
      gracefulRampDownSec: z.number().min(0).default(30).describe('time an iteration gets to finish when VUs ramp down, seconds'),
      phases,
    }),
    strict({
      model: z.literal('open').describe('open: iterations start at a rate, independent of responses'),
      iteration: z
        .enum(['request', 'session'])
        .default('request')
        .describe('request: one single-turn question without think time; session: a whole user session'),
      timeUnitSec: positive.default(1).describe('period the phase targets are counted over, seconds'),
      preAllocatedVUs: z.number().int().min(1).max(PLAN_BOUNDS.vus, atMost(PLAN_BOUNDS.vus, 'VUs')).optional().describe('VUs allocated up front; default: the total user count, capped by maxVUs'),
      maxVUs: z.number().int().min(1).max(PLAN_BOUNDS.vus, atMost(PLAN_BOUNDS.vus, 'VUs')).optional().describe('most VUs; default: preAllocatedVUs'),
      gracefulStopSec,
      phases,
    }),
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? 'model must be one of: closed, open' : undefined) },
);
export type LoadPattern = z.output<typeof LoadPatternSchema>;
export type Phase = z.output<typeof PhaseSchema>;

// Parsed like user input (prefault), so the type's own field defaults fill in the rest.
const DEFAULT_TEST_TYPES: z.input<typeof TestTypeSchema>[] = [{ name: 'random_short', weight: 100 }];

const SpecShape = {
  organizations: OrganizationsSchema.describe('tenants to provision'),
  users: UsersSchema.describe('users provisioned in each org'),
  userBehavior: UserBehaviorSchema.prefault({}).describe('how each simulated user behaves'),
  targets: TargetsSchema.describe('platform endpoints'),
  limits: LimitsSchema.prefault({}).describe('safety limits that stop the run'),
  scenarioMix: ScenarioMixSchema.optional().describe('weights of the built-in scenarios; when absent test types are drawn by their weights'),
  testTypes: z
    .array(TestTypeSchema)
    .min(1)
    .prefault(DEFAULT_TEST_TYPES)
    .describe('kinds of request; default: one type random_short, weight 100, mixed questions, cache avoided, streaming'),
  run: RunSchema.prefault({}).describe('run identity and outputs'),
  platform: PlatformSchema.prefault({}).describe('how tenants and keys are obtained; credentials come only from env vars named here'),
  models: strict({ default: z.string().min(1).default('gpt-4o').describe('model for test types without modelTargeting') })
    .prefault({})
    .describe('model selection'),
  request: strict({
    maxTokens: maxTokensDist.prefault({ distribution: 'fixed', value: 256 }).describe('max_tokens of each request'),
    temperature: temperatureDist.prefault({ distribution: 'fixed', value: 0.7 }).describe('temperature of each request'),
    includeUsage: z.boolean().default(true).describe('ask for a final usage chunk (stream_options.include_usage)'),
  })
    .prefault({})
    .describe('chat request parameters'),
  prices: PricesSchema.optional().describe('price table for cost; the platform defaults apply when absent'),
  cleanup: strict({
    policy: z.enum(['always', 'on-success', 'never']).default('always').describe('when teardown revokes keys and suspends users and orgs'),
    revocationProbe: strict({
      enabled: z.boolean().default(true).describe('after the keys are revoked, send requests with a sample of them until the router refuses them (ai-aas adapter)'),
      keys: z.number().int().min(1).default(3).describe('revoked keys probed (the first key of users spread over the orgs)'),
      maxSeconds: positive.default(10).describe('longest the probe goes on while a revoked key is still accepted, seconds'),
      intervalMs: z.number().int().min(50).default(250).describe('pause between probe rounds, ms'),
    })
      .prefault({})
      .describe('checks that revoked keys stop working; a key still accepted is a security finding in the summary, summary.json and junit.xml'),
  })
    .prefault({})
    .describe('cleanup of provisioned tenants'),
  documents: strict({ root: z.string().min(1).default('documents').describe('directory holding document libraries') })
    .prefault({})
    .describe('document library location'),
  metrics: strict({
    perUserTags: z.boolean().default(false).describe('tag metrics with the user (high cardinality)'),
    cacheHitMinRatio: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe('a request is a cache hit when cached / prompt tokens reaches this; the cached-token ratio itself is the main cache figure'),
  })
    .prefault({})
    .describe('metric options'),
  thresholds: ThresholdsSchema.optional().describe(
    'pass/fail criteria: k6 threshold expressions per metric (llm_* or a k6 built-in, optionally {tag:value}); a failure makes k6 exit 99 and is a failed case in junit.xml',
  ),
  loadPattern: LoadPatternSchema.optional().describe(
    'phases of load; default: closed model ramping to all users over min(30 s, 10% of maxDurationSec), then sustained until maxDurationSec',
  ),
};

type Spec = z.output<z.ZodObject<typeof SpecShape>>;

/** Largest number of users the orgs can hold: overrides first, else users.perOrg.max. */
export function maxUsers(spec: Pick<Spec, 'organizations' | 'users'>): number {
  return userTotal(spec, spec.users.perOrg.max);
}

/** Smallest number of users the orgs can hold: overrides first, else users.perOrg.min. */
export function minUsers(spec: Pick<Spec, 'organizations' | 'users'>): number {
  return userTotal(spec, spec.users.perOrg.min);
}

// Summed over the overrides rather than over every org, so an absurd organizations.count costs nothing to check.
function userTotal(spec: Pick<Spec, 'organizations' | 'users'>, perOrg: number): number {
  const count = spec.organizations.count;
  const seen = new Set<number>();
  let total = 0;
  for (const o of spec.organizations.overrides ?? []) {
    if (o.org > count || seen.has(o.org)) continue;
    seen.add(o.org);
    total += o.users ?? perOrg;
  }
  return total + (count - seen.size) * perOrg;
}

/** Which scenario of scenarioMix a test type belongs to (multi-turn-conversation takes any type). */
export function testTypeMatchesScenario(type: { documentLibrary?: { enabled: boolean } | undefined }, scenario: ScenarioName): boolean {
  const hasDocs = type.documentLibrary?.enabled === true;
  if (scenario === 'document-analysis') return hasDocs;
  if (scenario === 'simple-question-answering') return !hasDocs;
  return true;
}

function checkOverrides(spec: Spec, ctx: Ctx): void {
  const seen = new Set<number>();
  for (const [i, o] of (spec.organizations.overrides ?? []).entries()) {
    if (o.org > spec.organizations.count) {
      issue(ctx, ['organizations', 'overrides', i, 'org'], `refers to org ${o.org}, but organizations.count is ${spec.organizations.count}`);
    }
    if (seen.has(o.org)) issue(ctx, ['organizations', 'overrides', i, 'org'], `org ${o.org} is overridden more than once`);
    seen.add(o.org);
    if (o.users === undefined && o.budget === undefined) issue(ctx, ['organizations', 'overrides', i], 'overrides nothing: set users or budget');
  }
}

function checkTestTypes(spec: Spec, ctx: Ctx): void {
  const names = new Set<string>();
  for (const [i, t] of spec.testTypes.entries()) {
    if (names.has(t.name)) issue(ctx, ['testTypes', i, 'name'], `duplicate test type name "${t.name}"`);
    names.add(t.name);
    const mt = t.modelTargeting;
    if (!mt) continue;
    const models = { slm: mt.slmModels, medium: mt.mediumModels, large: mt.largeModels };
    const path = ['testTypes', i, 'modelTargeting'];
    if (!models.slm && !models.medium && !models.large) issue(ctx, path, 'lists no models: set slmModels, mediumModels or largeModels');
    for (const [j, rule] of (mt.rules ?? []).entries()) {
      if (!models[rule.targetType]) {
        issue(ctx, [...path, 'rules', j, 'targetType'], `targets tier "${rule.targetType}", but ${rule.targetType}Models lists no models`);
      }
    }
    if (mt.defaultTarget && !models[mt.defaultTarget]) {
      issue(ctx, [...path, 'defaultTarget'], `is "${mt.defaultTarget}", but ${mt.defaultTarget}Models lists no models`);
    }
  }
}

function checkScenarioMix(spec: Spec, ctx: Ctx): void {
  const mix = spec.scenarioMix;
  if (!mix) return;
  const seen = new Set<string>();
  for (const [i, s] of mix.scenarios.entries()) {
    if (seen.has(s.name)) issue(ctx, ['scenarioMix', 'scenarios', i, 'name'], `scenario "${s.name}" is listed more than once`);
    seen.add(s.name);
    if (!spec.testTypes.some((t) => testTypeMatchesScenario(t, s.name))) {
      const need = s.name === 'document-analysis' ? 'with documentLibrary.enabled' : 'without an enabled documentLibrary';
      issue(
        ctx,
        ['scenarioMix', 'scenarios', i, 'name'],
        `scenario "${s.name}" needs a test type ${need}, but testTypes (${spec.testTypes.map((t) => t.name).join(', ')}) has none`,
      );
    }
  }
  for (const [i, t] of spec.testTypes.entries()) {
    if (!mix.scenarios.some((s) => testTypeMatchesScenario(t, s.name))) {
      issue(ctx, ['testTypes', i], `test type "${t.name}" belongs to no scenario of scenarioMix (${mix.scenarios.map((s) => s.name).join(', ')}), so it would never run`);
    }
  }
}

function checkLoadPattern(spec: Spec, ctx: Ctx): void {
  const lp = spec.loadPattern;
  if (!lp) return;
  const limit = spec.limits.maxDurationSec;
  let elapsed = 0;
  let reported = false;
  for (const [i, p] of lp.phases.entries()) {
    elapsed += p.durationSec;
    if (elapsed > limit && !reported) {
      issue(ctx, ['loadPattern', 'phases', i, 'durationSec'], `phases end at ${elapsed}s, after limits.maxDurationSec (${limit}s)`);
      reported = true;
    }
  }
  if (lp.phases.every((p) => p.target === 0)) issue(ctx, ['loadPattern', 'phases'], 'every phase has target 0: nothing would run');
  if (lp.model === 'closed') {
    const users = maxUsers(spec);
    for (const [i, p] of lp.phases.entries()) {
      if (p.target > users) {
        issue(ctx, ['loadPattern', 'phases', i, 'target'], `${p.target} VUs exceeds the ${users} users provisioned (each VU is one user)`);
      }
    }
  } else if (lp.preAllocatedVUs !== undefined && lp.maxVUs !== undefined && lp.maxVUs < lp.preAllocatedVUs) {
    issue(ctx, ['loadPattern', 'maxVUs'], `must be >= preAllocatedVUs (${lp.maxVUs} < ${lp.preAllocatedVUs})`);
  }
}

function checkPlatform(spec: Spec, ctx: Ctx): void {
  if (spec.platform.adapter === 'ai-aas' && spec.targets.userOrgUrl === undefined) {
    issue(ctx, ['targets', 'userOrgUrl'], 'required when platform.adapter is ai-aas (the admin API provisions tenants)');
  }
  if (spec.platform.auth === 'none' && spec.platform.adapter !== 'static') {
    issue(ctx, ['platform', 'auth'], 'none needs platform.adapter static (the ai-aas adapter issues every user a key)');
  }
  if (spec.platform.auth === 'none' && spec.platform.staticKeysFile !== undefined) {
    issue(ctx, ['platform', 'staticKeysFile'], 'no key is sent with platform.auth none; drop one of the two');
  }
}

/** A threshold selecting a test type the config does not have would select nothing and always pass. */
function checkThresholdSelectors(spec: Spec, ctx: Ctx): void {
  const names = spec.testTypes.map((t) => t.name);
  for (const key of Object.keys(spec.thresholds ?? {})) {
    const wrong = (thresholdSelector(key) ?? []).find(([tag, value]) => tag === 'test_type' && names.indexOf(value) < 0);
    if (wrong) issue(ctx, ['thresholds', key], `test type "${wrong[1]}" is not in spec.testTypes (${names.join(', ')}), so the threshold would always pass`);
  }
}

/** The plan's totals within PLAN_BOUNDS: users and keys across orgs, and the open model's arrival rate. */
function checkPlanSize(spec: Spec, ctx: Ctx): void {
  const users = maxUsers(spec);
  if (users > PLAN_BOUNDS.users) {
    issue(ctx, ['users', 'perOrg', 'max'], `plans up to ${users} users across ${spec.organizations.count} orgs, over the harness's bound of ${PLAN_BOUNDS.users}`);
  }
  const keys = users * spec.users.apiKeys.perUser;
  if (users <= PLAN_BOUNDS.users && keys > PLAN_BOUNDS.keys) {
    issue(ctx, ['users', 'apiKeys', 'perUser'], `plans up to ${keys} API keys (${users} users x ${spec.users.apiKeys.perUser}), over the harness's bound of ${PLAN_BOUNDS.keys}`);
  }
  const lp = spec.loadPattern;
  if (lp?.model !== 'open') return;
  for (const [i, p] of lp.phases.entries()) {
    const perSec = p.target / lp.timeUnitSec;
    if (perSec > PLAN_BOUNDS.iterationsPerSec) {
      issue(ctx, ['loadPattern', 'phases', i, 'target'], `${p.target} iterations per ${lp.timeUnitSec} s is ${Math.round(perSec)}/s, over the harness's bound of ${PLAN_BOUNDS.iterationsPerSec}/s`);
    }
  }
}

const SpecSchema = strict(SpecShape).superRefine((spec, ctx) => {
  checkPlanSize(spec, ctx);
  checkOverrides(spec, ctx);
  checkTestTypes(spec, ctx);
  checkScenarioMix(spec, ctx);
  checkLoadPattern(spec, ctx);
  checkPlatform(spec, ctx);
  checkThresholdSelectors(spec, ctx);
});

export const API_VERSION = 'loadtest.ai-aas.dev/v1';
export const KIND = 'LoadTestScenario';

// Kubernetes label syntax, so the labels can go on the TestRun unchanged.
const K8S_LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const K8S_LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** The whole config document. */
export const LoadTestConfigSchema = strict({
  apiVersion: z.literal(API_VERSION).describe(`always ${API_VERSION}`),
  kind: z.literal(KIND).describe(`always ${KIND}`),
  metadata: strict({
    name: dnsLabel.describe('scenario name; becomes part of run ids and Kubernetes names'),
    namespace: z.string().min(1).optional().describe('Kubernetes namespace for cluster runs'),
    labels: z
      .record(z.string().regex(K8S_LABEL_KEY, 'must be a Kubernetes label key ([prefix/]name, name up to 63 of [A-Za-z0-9-_.])'), z.string().regex(K8S_LABEL_VALUE, 'must be a Kubernetes label value (up to 63 of [A-Za-z0-9-_.], alphanumeric at both ends)'))
      .optional()
      .describe('labels: in summary.json (run.labels) and on the Kubernetes TestRun'),
    annotations: z.record(z.string(), z.string()).optional().describe('annotations: on the Kubernetes TestRun'),
  }).describe('identity of the scenario'),
  spec: SpecSchema.describe('what to provision, how users behave, what to hit, and the limits'),
});

export type LoadTestConfig = z.output<typeof LoadTestConfigSchema>;
export type LoadTestConfigInput = z.input<typeof LoadTestConfigSchema>;
export type TestType = LoadTestConfig['spec']['testTypes'][number];
