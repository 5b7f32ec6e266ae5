import type { TestTypeSpec } from '../../../src/behaviour/questions/test-types';
import type { SessionBehaviour } from '../../../src/behaviour/session-plan';

/** The test types of configs/single-org-50-users.yaml. */
export const SEED_TEST_TYPES: TestTypeSpec[] = [
  { name: 'random_short', weight: 60, questionStrategy: 'mixed', cacheBehavior: 'avoid' },
  {
    name: 'long_document',
    weight: 30,
    questionStrategy: 'technical',
    cacheBehavior: 'mixed',
    documentLibrary: { enabled: true, bucketName: 'load-test-documents', documentPaths: ['technical/', 'manuals/'], sampleSize: 10 },
  },
  { name: 'cached', weight: 10, questionStrategy: 'historical', cacheBehavior: 'prefer' },
];

/** userBehavior of configs/single-org-50-users.yaml. */
export const SEED_BEHAVIOUR: SessionBehaviour = {
  thinkTimeSeconds: { base: 10, variance: 5, distribution: 'gaussian', min: 2, max: 30 },
  sessionDuration: { min: 300, max: 600 },
  questionsPerSession: { min: 5, max: 15 },
  conversationStyle: { multiTurnProbability: 0.5, turnsPerConversation: { min: 2, max: 6 }, contextRetention: true },
};

/** A type by name from SEED_TEST_TYPES. */
export function seedType(name: string): TestTypeSpec {
  const t = SEED_TEST_TYPES.find((x) => x.name === name);
  if (t === undefined) throw new Error(`no seed test type ${name}`);
  return t;
}
