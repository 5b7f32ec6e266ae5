import { AdminFaults } from './admin-faults';
import { BudgetLedger } from './budget';
import type { ModelConfig, SimConfig } from './config';
import { Semaphore } from './backend';
import { GroundTruth } from './groundtruth';
import { PrefixCache } from './kvcache';
import { SimMetrics } from './metrics';
import { forkRng } from './random';
import type { Rng } from './random';
import { RateLimiter } from './ratelimit';
import { Scheduler } from './scheduler';
import { Tenants } from './tenants';

/** A model's serving backend: its settings, concurrency slots and its own random streams. */
export interface ModelRuntime {
  name: string;
  cfg: ModelConfig;
  slots: Semaphore;
  lengthRng: Rng;
  jitterRng: Rng;
  faultRng: Rng;
  /** Token-bearing chunks written (a plain counter: it is bumped on the per-chunk hot path). */
  chunksWritten: number;
}

/** All state of one sim instance, shared by the admin and router servers. */
export interface SimContext {
  config: SimConfig;
  tenants: Tenants;
  ledger: BudgetLedger;
  orgLimiter: RateLimiter;
  keyLimiter: RateLimiter;
  cache: PrefixCache;
  scheduler: Scheduler;
  models: Map<string, ModelRuntime>;
  groundTruth: GroundTruth;
  metrics: SimMetrics;
  ids: Rng;
  sessions: Map<string, { email: string; expiresAtMs: number }>;
  /** Faults injected into the admin API (POST /_sim/admin-faults). */
  adminFaults: AdminFaults;
  /** Wall clock of expiries (admin tokens, API keys) and budget days; injectable so tests can move time. */
  clock: () => Date;
}

/** Builds the state of a sim from a validated config; every random stream derives from config.seed. */
export function createContext(config: SimConfig, clock: () => Date = () => new Date()): SimContext {
  const seed = config.seed;
  const models = new Map<string, ModelRuntime>();
  for (const [name, cfg] of Object.entries(config.models)) {
    models.set(name, {
      name,
      cfg,
      slots: new Semaphore(cfg.maxConcurrency),
      lengthRng: forkRng(seed, `length:${name}`),
      jitterRng: forkRng(seed, `jitter:${name}`),
      faultRng: forkRng(seed, `faults:${name}`),
      chunksWritten: 0,
    });
  }
  return {
    config,
    tenants: new Tenants(forkRng(seed, 'tenants'), clock, config.router.revocationDelaySeconds * 1000),
    ledger: new BudgetLedger(config.budgets, clock),
    orgLimiter: new RateLimiter(config.rateLimits.org),
    keyLimiter: new RateLimiter(config.rateLimits.key),
    cache: new PrefixCache(config.cache.blockTokens, config.cache.capacityBlocks, config.cache.leaky),
    scheduler: new Scheduler(config.scheduler.spinMs, config.scheduler.wake),
    models,
    groundTruth: new GroundTruth(config.groundTruth.capacity),
    metrics: new SimMetrics(),
    ids: forkRng(seed, 'ids'),
    sessions: new Map(),
    adminFaults: new AdminFaults(),
    clock,
  };
}
