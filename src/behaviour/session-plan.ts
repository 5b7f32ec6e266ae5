import { sampleRange, sampleThinkTimeMs, sampleUniform, type Range, type ThinkTimeSpec } from './distributions';
import { pickTestType, type Scenario, type ScenarioMixSpec, type TestTypeSpec } from './questions/test-types';
import type { Rng } from './random';

/** userBehavior.conversationStyle as configured. */
interface ConversationStyleSpec {
  multiTurnProbability: number;
  turnsPerConversation: Range;
  contextRetention: boolean;
}

/** The parts of userBehavior that shape a session. */
export interface SessionBehaviour {
  thinkTimeSeconds: ThinkTimeSpec;
  questionsPerSession: Range;
  /** Absent: every conversation is one question (a scenario that forces multi-turn then gets two turns). */
  conversationStyle?: ConversationStyleSpec;
  /** Seconds; when given, a session also ends once it has lasted a duration drawn from this range. */
  sessionDuration?: Range;
}

/** What the session draws its test types from. */
interface TestMix<T extends TestTypeSpec> {
  testTypes: readonly T[];
  scenarioMix?: ScenarioMixSpec | undefined;
}

/** One question of the session. */
interface PlannedTurn {
  /** 1-based position of the question in the session. */
  questionNumber: number;
  /** 1-based position of the question in its conversation (turn 1 opens it, later turns follow up). */
  turn: number;
  /** Pause after this question's answer, before the next question (or the next session). */
  thinkTimeMs: number;
}

/** One conversation: a first question and, when multi-turn, its follow-ups, all of one test type. */
export interface ConversationPlan<T extends TestTypeSpec> {
  /** 0-based position in the session. */
  index: number;
  testType: T;
  scenario: Scenario | undefined;
  /** The multi-turn draw; the last conversation may be cut short, so a multi-turn one can hold a single turn. */
  multiTurn: boolean;
  turns: PlannedTurn[];
  /** This conversation's own stream for its prompts (documents, questions, follow-ups). */
  rng: Rng;
}

/** Every decision of one user session, made up front from the session's stream. */
export interface SessionPlan<T extends TestTypeSpec> {
  /** Seven-digit number woven into cache-avoiding prompts so that they differ between sessions. */
  reference: number;
  /** Total questions across conversations: the questionsPerSession draw. */
  questionCount: number;
  conversations: ConversationPlan<T>[];
  /** True: follow-ups carry the conversation so far; false: each turn is sent alone. */
  contextRetention: boolean;
  /** The session ends after the question during which this much time has passed; undefined: no time limit. */
  durationLimitMs: number | undefined;
}

function checkStyle(style: ConversationStyleSpec): void {
  const p = style.multiTurnProbability;
  if (!(p >= 0 && p <= 1)) throw new Error(`conversationStyle.multiTurnProbability must be between 0 and 1 (got ${p})`);
  if (style.turnsPerConversation.min < 1) {
    throw new Error(`conversationStyle.turnsPerConversation.min must be at least 1 (got ${style.turnsPerConversation.min})`);
  }
}

/**
 * Plans a session: questionsPerSession questions grouped into conversations. Each conversation picks a test type
 * (pickTestType, through scenarioMix when given), is multi-turn with probability multiTurnProbability (always, for
 * the multi-turn-conversation scenario) and then has turnsPerConversation turns, otherwise one; the last
 * conversation is cut to the questions left. Every question gets its think time. Structure, think times, test
 * types and prompts draw from separate forks of `rng`, so changing e.g. the think-time spec leaves the questions
 * unchanged.
 */
export function planSession<T extends TestTypeSpec>(rng: Rng, behaviour: SessionBehaviour, mix: TestMix<T>): SessionPlan<T> {
  const style = behaviour.conversationStyle;
  if (style !== undefined) checkStyle(style);
  const structure = rng.fork('structure');
  const think = rng.fork('think-time');
  const types = rng.fork('test-type');
  const questionCount = sampleRange(structure, behaviour.questionsPerSession, 'questionsPerSession');
  if (questionCount < 1) throw new Error(`questionsPerSession.min must be at least 1 (got ${behaviour.questionsPerSession.min})`);
  const conversations: ConversationPlan<T>[] = [];
  let asked = 0;
  while (asked < questionCount) {
    const index = conversations.length;
    const pick = pickTestType(types, mix.testTypes, mix.scenarioMix);
    const multiTurn = pick.forceMultiTurn || (style !== undefined && structure.chance(style.multiTurnProbability));
    const wanted = multiTurn ? sampleRange(structure, style?.turnsPerConversation ?? { min: 2, max: 2 }, 'turnsPerConversation') : 1;
    const count = Math.min(wanted, questionCount - asked);
    const turns: PlannedTurn[] = [];
    for (let t = 1; t <= count; t++) {
      asked++;
      turns.push({ questionNumber: asked, turn: t, thinkTimeMs: sampleThinkTimeMs(think, behaviour.thinkTimeSeconds) });
    }
    conversations.push({ index, testType: pick.testType, scenario: pick.scenario, multiTurn, turns, rng: rng.fork(`conversation:${index}`) });
  }
  const duration = behaviour.sessionDuration;
  return {
    reference: rng.fork('reference').int(1_000_000, 9_999_999),
    questionCount,
    conversations,
    contextRetention: style?.contextRetention ?? true,
    durationLimitMs: duration === undefined ? undefined : sampleUniform(structure, duration, 'sessionDuration') * 1000,
  };
}
