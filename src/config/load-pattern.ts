/**
 * loadPattern -> k6 scenarios. Phases map onto one executor's stages; k6 expresses an instant jump as a
 * stage with duration "0s" (its own ramping-vus tests use zero-duration stages that way), so sustain and
 * spike phases become a 0s stage to the new level followed by a hold.
 */
import type { RampingArrivalRateScenario, RampingVUsScenario, Stage } from 'k6/options';
import { schemaModule } from './schema-module';
import type { LoadPattern, LoadTestConfig, Phase } from './schema';

type LoadScenario = RampingVUsScenario | RampingArrivalRateScenario;

/** Longest default ramp before the sustained part of the default pattern, seconds. */
const DEFAULT_RAMP_CAP_SEC = 30;
/** Share of limits.maxDurationSec the default ramp may take. */
const DEFAULT_RAMP_SHARE = 0.1;

function seconds(sec: number): string {
  // Millisecond resolution keeps float noise such as 0.30000000000000004 out of k6 duration strings.
  return `${Math.round(sec * 1000) / 1000}s`;
}

/** One k6 stage in numbers: the executor moves linearly to `target` over `durationSec`. */
export interface NumericStage {
  durationSec: number;
  target: number;
}

/** The stages of phases starting from `start` (VUs or rate), in numbers; see the module comment for each kind. */
export function numericStages(phases: readonly Phase[], start = 0): NumericStage[] {
  const stages: NumericStage[] = [];
  let level = start;
  for (const p of phases) {
    const hold = { durationSec: p.durationSec, target: p.target };
    switch (p.kind) {
      case 'warm-up':
      case 'ramp':
      case 'cool-down':
        stages.push(hold);
        level = p.target;
        break;
      case 'sustain':
        if (p.target !== level) stages.push({ durationSec: 0, target: p.target });
        stages.push(hold);
        level = p.target;
        break;
      case 'spike':
        if (p.target !== level) stages.push({ durationSec: 0, target: p.target });
        stages.push(hold);
        if (p.target !== level) stages.push({ durationSec: 0, target: level });
        break;
    }
  }
  return stages;
}

/** Stages for phases starting from `start` (VUs or rate), as k6 takes them. */
export function phaseStages(phases: readonly Phase[], start = 0): Stage[] {
  return numericStages(phases, start).map((s) => ({ duration: seconds(s.durationSec), target: s.target }));
}

/** The config's loadPattern, or the default closed ramp-then-sustain pattern for totalUsers. */
export function effectiveLoadPattern(config: LoadTestConfig, totalUsers: number): LoadPattern {
  if (config.spec.loadPattern) return config.spec.loadPattern;
  const limit = config.spec.limits.maxDurationSec;
  const ramp = Math.min(DEFAULT_RAMP_CAP_SEC, limit * DEFAULT_RAMP_SHARE);
  // Parsed through the schema so the graceful-stop defaults come from the one place defaults live.
  return schemaModule().LoadPatternSchema.parse({
    phases: [
      { kind: 'ramp', name: 'default ramp', durationSec: ramp, target: totalUsers },
      { kind: 'sustain', name: 'default sustain', durationSec: limit - ramp, target: totalUsers },
    ],
  });
}

/** Seconds the load pattern runs (sum of phases), excluding graceful stop. */
export function totalDurationSec(config: LoadTestConfig): number {
  const lp = config.spec.loadPattern;
  return lp ? lp.phases.reduce((sum, p) => sum + p.durationSec, 0) : config.spec.limits.maxDurationSec;
}

function phaseLabel(p: Phase, i: number): string {
  return `loadPattern.phases[${i}] (${p.kind}${p.name ? ` "${p.name}"` : ''})`;
}

/** One k6 scenario, keyed by metadata.name, for the config's load pattern and the provisioned user count. */
export function buildScenarios(config: LoadTestConfig, totalUsers: number): Record<string, LoadScenario> {
  if (!Number.isInteger(totalUsers) || totalUsers < 1) throw new Error(`totalUsers must be an integer >= 1, got ${totalUsers}`);
  const lp = effectiveLoadPattern(config, totalUsers);
  const limit = config.spec.limits.maxDurationSec;
  const total = lp.phases.reduce((sum, p) => sum + p.durationSec, 0);
  if (total > limit) throw new Error(`loadPattern.phases last ${total}s, longer than limits.maxDurationSec (${limit}s)`);
  const stages = phaseStages(lp.phases);
  const name = config.metadata.name;
  if (lp.model === 'closed') {
    lp.phases.forEach((p, i) => {
      if (p.target > totalUsers) {
        throw new Error(`${phaseLabel(p, i)}: target ${p.target} VUs exceeds the ${totalUsers} users provisioned (each VU is one user)`);
      }
    });
    return {
      [name]: {
        executor: 'ramping-vus',
        startVUs: 0,
        stages,
        gracefulRampDown: seconds(lp.gracefulRampDownSec),
        gracefulStop: seconds(lp.gracefulStopSec),
      },
    };
  }
  const preAllocatedVUs = lp.preAllocatedVUs ?? Math.min(totalUsers, lp.maxVUs ?? totalUsers);
  return {
    [name]: {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: seconds(lp.timeUnitSec),
      preAllocatedVUs,
      maxVUs: lp.maxVUs ?? preAllocatedVUs,
      stages,
      gracefulStop: seconds(lp.gracefulStopSec),
    },
  };
}

/** One-line description of the load pattern, e.g. `closed, 3 phases, 540 s`. */
export function describeLoadPattern(config: LoadTestConfig): string {
  const lp = config.spec.loadPattern;
  const duration = `${totalDurationSec(config)} s`;
  if (!lp) return `default closed ramp + sustain, ${duration}`;
  const n = `${lp.phases.length} phase${lp.phases.length === 1 ? '' : 's'}`;
  return lp.model === 'closed' ? `closed, ${n}, ${duration}` : `open (${lp.iteration} per iteration), ${n}, ${duration}`;
}
