import type { Rng } from '../random';
import { fillTemplate, type Template } from './template';

// Follow-ups that lean on the previous answer: sent with the conversation so far (contextRetention: true).
const WITH_CONTEXT: readonly Template[] = [
  { text: 'Can you expand on what you said about {topic}?' },
  { text: 'What are the strongest counter-arguments to your answer about {topic}?' },
  { text: 'Could you give a concrete example related to {topic}?' },
  { text: 'How would you explain that part about {topic} to a {#10-17}-year-old?' },
  { text: 'Which part of your answer about {topic} is the least certain, and why?' },
  { text: 'Can you summarise your last answer in {#2-5} sentences?' },
  { text: 'How has thinking about {topic} changed over the last {#10-200} years?' },
  { text: 'You mentioned {topic}. What would you read next to learn more?' },
  { text: 'Is there a common misconception about {topic} that your answer corrects?' },
  { text: 'What would change in your answer if we looked at {topic} from a practical point of view?' },
  { text: 'Can you go one level deeper on the second point you made?' },
  { text: 'How confident are you in that, on a scale from 1 to {#5-10}?' },
];

// Follow-ups sent alone (contextRetention: false) must restate the topic: the model has not seen the first turn.
const STANDALONE: readonly Template[] = [
  { text: 'Earlier I asked about {topic}. Can you tell me more about it?' },
  { text: 'Following up on {topic}: what are the strongest counter-arguments to the usual view?' },
  { text: 'Still on {topic}: could you give a concrete example?' },
  { text: 'Back to {topic}: what is the part experts disagree about most?' },
  { text: 'One more on {topic}: how would you explain it to a {#10-17}-year-old?' },
  { text: 'About {topic} again: what would you read next to learn more?' },
  { text: 'On {topic}, what do people most often get wrong?' },
  { text: 'Regarding {topic}: what has changed in how people see it over the last {#10-200} years?' },
];

/** A follow-up question about `topic`; standalone follow-ups restate the topic because no history is sent. */
export function generateFollowUp(rng: Rng, topic: string, withContext: boolean): string {
  const templates = withContext ? WITH_CONTEXT : STANDALONE;
  return fillTemplate(rng, rng.pick(templates), { topic: [topic] }, 'follow-up questions').text;
}
