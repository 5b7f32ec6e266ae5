import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Documented default admin password, used when neither the config nor SIM_ADMIN_PASSWORD sets one. */
export const DEFAULT_ADMIN_PASSWORD = 'sim-admin-password';

const nonNeg = z.number().nonnegative();
const posInt = z.number().int().positive();
const probability = z.number().min(0).max(1);
const port = z.number().int().min(0).max(65535);

const OutputDistSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), tokens: posInt }),
  z.strictObject({ kind: z.literal('uniform'), min: posInt, max: posInt }).refine((d) => d.min <= d.max, {
    message: 'min must be <= max',
  }),
  z
    .strictObject({ kind: z.literal('normal'), mean: nonNeg, stddev: nonNeg, min: posInt, max: posInt })
    .refine((d) => d.min <= d.max, { message: 'min must be <= max' }),
]);
export type OutputDist = z.output<typeof OutputDistSchema>;

const FAULT_KINDS = [
  'http500',
  'http502',
  'http503',
  'http429',
  'resetBeforeHeaders',
  'slowHeaders',
  'resetMidStream',
  'malformedChunk',
  'stall',
] as const;
/** Fault kinds in the fixed order their probabilities are laid out on [0, 1). */
export type FaultKind = (typeof FAULT_KINDS)[number];
export const FAULT_ORDER: readonly FaultKind[] = FAULT_KINDS;

const FaultsSchema = z
  .strictObject({
    http500: probability.default(0),
    http502: probability.default(0),
    http503: probability.default(0),
    http429: probability.default(0),
    resetBeforeHeaders: probability.default(0),
    slowHeaders: probability.default(0),
    resetMidStream: probability.default(0),
    malformedChunk: probability.default(0),
    stall: probability.default(0),
    afterChunks: z.number().int().nonnegative().default(2),
    stallSeconds: nonNeg.default(2),
    stallThen: z.enum(['continue', 'end']).default('continue'),
    slowHeadersMs: nonNeg.default(1000),
    retryAfterSeconds: posInt.default(1),
  })
  .refine((f) => FAULT_KINDS.reduce((s, k) => s + f[k], 0) <= 1 + 1e-9, {
    message: 'fault probabilities must sum to at most 1 (one fault per request)',
  });
export type FaultsConfig = z.output<typeof FaultsSchema>;

const ModelSchema = z.strictObject({
  kind: z.enum(['chat', 'embedding']).default('chat'),
  ttftBaseMs: nonNeg.default(50),
  prefillMsPerToken: nonNeg.default(0.02),
  gapMs: nonNeg.default(10),
  jitterMs: nonNeg.default(0),
  tokensPerChunk: posInt.default(1),
  maxConcurrency: posInt.default(256),
  reasoningFraction: z.number().min(0).max(1).default(0),
  output: OutputDistSchema.default({ kind: 'uniform', min: 20, max: 200 }),
  embeddingDims: posInt.default(16),
  faults: FaultsSchema.prefault({}),
});
export type ModelConfig = z.output<typeof ModelSchema>;

const PriceSchema = z.strictObject({ input: nonNeg, output: nonNeg, cachedInput: nonNeg.optional() });
export type Price = z.output<typeof PriceSchema>;

const RateSchema = z.strictObject({
  perSecond: posInt.nullable().default(null),
  perMinute: posInt.nullable().default(null),
});
export type RateConfig = z.output<typeof RateSchema>;

const DEFAULT_MODELS = {
  'gpt-4o': { ttftBaseMs: 80, prefillMsPerToken: 0.02, gapMs: 15, output: { kind: 'uniform', min: 40, max: 200 } },
  'gpt-3.5-turbo': { ttftBaseMs: 40, prefillMsPerToken: 0.01, gapMs: 8, output: { kind: 'uniform', min: 20, max: 150 } },
  'deepseek-r1': {
    ttftBaseMs: 120,
    prefillMsPerToken: 0.03,
    gapMs: 12,
    reasoningFraction: 0.5,
    output: { kind: 'uniform', min: 100, max: 400 },
  },
  'gpt-4': { ttftBaseMs: 100, prefillMsPerToken: 0.03, gapMs: 20, output: { kind: 'uniform', min: 40, max: 200 } },
  'text-embedding-3-small': { kind: 'embedding', ttftBaseMs: 10, prefillMsPerToken: 0.005 },
} as const;

/** Per-1K-token prices; the defaults are the AI-AAS platform's own table (ai-aas-api.md). */
const DEFAULT_PRICES = {
  'gpt-4o': { input: 0.005, output: 0.015 },
  'gpt-4': { input: 0.005, output: 0.015 },
  'gpt-3.5-turbo': { input: 0.0005, output: 0.0015 },
};

const SimConfigSchema = z.strictObject({
  seed: z.number().int().nonnegative().default(42),
  listen: z
    .strictObject({ host: z.string().min(1).default('127.0.0.1'), adminPort: port.default(8081), routerPort: port.default(8080) })
    .prefault({}),
  admin: z
    .strictObject({
      email: z.string().email().default('admin@sim.local'),
      password: z.string().min(1).optional(),
      tokenTtlSeconds: posInt.default(3600),
    })
    .prefault({}),
  router: z
    .strictObject({
      maxBodyBytes: posInt.default(65536),
      // The real AI-AAS router re-encodes usage without prompt_tokens_details, so clients never see cached tokens.
      dropPromptTokensDetails: z.boolean().default(false),
      // Serve the OpenAI routes as a model backend does, without credentials: the real router forwards so.
      keyless: z.boolean().default(false),
      // The real AI-AAS router does not stream: it parses the backend's SSE as one JSON body and answers 502.
      streaming: z.boolean().default(true),
      // The real router caches a successful key validation for a minute, so a revoked key keeps working.
      revocationDelaySeconds: nonNeg.default(0),
    })
    .prefault({}),
  cache: z
    .strictObject({
      blockTokens: posInt.default(16),
      capacityBlocks: z.number().int().nonnegative().default(8192),
      leaky: z.boolean().default(false),
    })
    .prefault({}),
  budgets: z
    .strictObject({
      limitUSD: nonNeg.nullable().default(null),
      dailyUSD: nonNeg.nullable().default(null),
      // The real admin service specifies the budget routes but has not implemented them: 404 route not found.
      api: z.boolean().default(true),
    })
    .prefault({}),
  rateLimits: z.strictObject({ org: RateSchema.prefault({}), key: RateSchema.prefault({}) }).prefault({}),
  models: z
    .record(z.string().min(1), ModelSchema)
    .refine((m) => Object.keys(m).length > 0, { message: 'at least one model is required' })
    .prefault(DEFAULT_MODELS),
  prices: z
    .strictObject({
      default: PriceSchema.default({ input: 0.001, output: 0.002 }),
      models: z.record(z.string().min(1), PriceSchema).prefault(DEFAULT_PRICES),
    })
    .prefault({}),
  groundTruth: z.strictObject({ capacity: posInt.default(20000) }).prefault({}),
  scheduler: z
    .strictObject({ wake: z.enum(['alarm', 'timer']).default('alarm'), spinMs: nonNeg.default(0) })
    .prefault({}),
});

/** Fully-defaulted sim configuration; `admin.password` is always resolved. */
export type SimConfig = z.output<typeof SimConfigSchema> & { admin: { password: string } };
/** What a config file or `startSim({config})` may give: every field optional. */
export type SimConfigInput = z.input<typeof SimConfigSchema>;

/** A config that failed validation; the message names each offending path and why. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates and defaults a config object; `source` names it in error messages. */
export function parseConfig(input: unknown, source = 'config', env: NodeJS.ProcessEnv = process.env): SimConfig {
  const result = SimConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid sim config in ${source}:\n${lines.join('\n')}`);
  }
  const cfg = result.data;
  const password = cfg.admin.password ?? env.SIM_ADMIN_PASSWORD ?? DEFAULT_ADMIN_PASSWORD;
  return { ...cfg, admin: { ...cfg.admin, password } };
}

/** Reads a YAML config file and validates it. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): SimConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read sim config ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`sim config ${path} is not valid YAML: ${(err as Error).message}`);
  }
  return parseConfig(doc, path, env);
}

/** The per-1K price of a model: its own entry, else the table's default. */
export function priceOf(cfg: SimConfig, model: string): Price {
  return cfg.prices.models[model] ?? cfg.prices.default;
}
