// The one loadtest config shape the bench runs, against the sim directly or through a gateway.
import { stringify } from 'yaml';

/** What varies between the bench's loadtest configs. */
interface BenchConfigOptions {
  name: string;
  routerUrl: string;
  users: number;
  rampSec: number;
  sustainSec: number;
  tokens: number;
  /** True when the target needs no key (`platform.auth: none`); else one static key is shared. */
  keyless: boolean;
}

/** The loadtest config of one bench run: one org of `users` users streaming back to back, no think time. */
export function benchConfig({ name, routerUrl, users, rampSec, sustainSec, tokens, keyless }: BenchConfigOptions): string {
  return stringify({
    apiVersion: 'loadtest.ai-aas.dev/v1',
    kind: 'LoadTestScenario',
    metadata: { name },
    spec: {
      organizations: { count: 1, namePrefix: 'bench-org' },
      users: { perOrg: { min: users, max: users }, namePrefix: 'bench-user' },
      platform: keyless ? { adapter: 'static', auth: 'none' } : { adapter: 'static' },
      userBehavior: {
        thinkTimeSeconds: { base: 0, variance: 0, distribution: 'uniform', min: 0, max: 0 },
        questionsPerSession: { min: 20, max: 20 },
        conversationStyle: { multiTurnProbability: 0, turnsPerConversation: { min: 2, max: 2 } },
        errorHandling: { retryAttempts: 0 },
      },
      targets: { apiRouterUrl: routerUrl, timeout: 60, idleTimeout: 30 },
      limits: { maxDurationSec: Math.ceil(rampSec + sustainSec) },
      request: { maxTokens: { distribution: 'fixed', value: tokens } },
      loadPattern: {
        model: 'closed',
        gracefulStopSec: 1,
        gracefulRampDownSec: 1,
        // Starts spread over one stream's length, so chunk deadlines are not in lockstep.
        phases: [
          { kind: 'ramp', durationSec: rampSec, target: users },
          { kind: 'sustain', durationSec: sustainSec, target: users },
        ],
      },
    },
  });
}
