import type { Template, Vocabulary } from '../template';

/** What-if questions: counterfactuals, thought experiments and imagined futures. */
export const HYPOTHETICAL_TEMPLATES: readonly Template[] = [
  { text: 'What would happen to {domain} if {change}?' },
  { text: 'Imagine that {change}. How would everyday life be different after {#2-50} years?' },
  { text: 'Suppose {change}. Which jobs would become more valuable, and which would disappear?' },
  { text: 'If you could {ability} for {#2-30} days, how would you use it to improve {domain}?' },
  { text: 'How would {domain} be organised if {change}?' },
  { text: 'If {change}, what would be the first {#2-7} problems governments would have to solve?' },
  { text: 'What if {counterfactual}? How might the world look today?' },
  { text: 'If {counterfactual}, how would {domain} have developed differently?' },
  { text: 'Imagine a city of {#10-900} thousand people where {change}. What would its streets look like?' },
  { text: 'Suppose every person could {ability}. What new laws would we need?' },
  { text: 'Would {domain} be better or worse if {change}? Argue both sides.' },
  { text: 'If a colony of {#50-5000} people settled {place}, how should they organise {domain}?' },
  { text: 'What if {counterfactual} and {change}?' },
  { text: 'How would a school day change if {change}?' },
  { text: 'If I could ask {#2-5} questions to someone living in {place} in the year {#2100-3000}, what should I ask about {domain}?' },
];

/** Slot vocabularies of the hypothetical templates. */
export const HYPOTHETICAL_VOCABULARY: Vocabulary = {
  domain: [
    'public transport', 'healthcare', 'education', 'agriculture', 'scientific research', 'the music industry',
    'international trade', 'local government', 'sport', 'tourism', 'the housing market', 'journalism',
    'family life', 'the energy grid', 'manufacturing', 'banking', 'space exploration', 'the legal system',
    'retail shopping', 'software development', 'food supply chains', 'the film industry', 'elections',
    'emergency services', 'libraries', 'urban planning',
  ],
  change: [
    'everyone worked only three days a week', 'electricity became free', 'cars were banned from city centres',
    'humans needed only two hours of sleep', 'the internet went offline for a month', 'everyone spoke one language',
    'the average lifespan doubled', 'money was replaced by a points system', 'rain fell only at night',
    'teleportation became cheap', 'all books were free forever', 'nobody could lie',
    'the oceans rose by ten metres', 'robots did all household chores', 'flying cars were affordable',
    'every home grew its own food', 'paper was never invented', 'all meetings had to last five minutes',
    'schools taught only through games', 'every person had a personal AI tutor', 'borders were abolished',
    'the moon had a permanent city', 'fresh water became twice as expensive', 'nobody owned a smartphone',
    'weather could be scheduled', 'cities were built underground', 'everyone retired at forty',
    'all food had to be grown within fifty kilometres', 'time zones were abolished', 'cash disappeared overnight',
  ],
  ability: [
    'speak every language', 'pause time', 'read minds', 'travel anywhere instantly', 'talk to animals',
    'see ten years into the future', 'never need to eat', 'learn any skill in a day', 'control the weather',
    'be in two places at once', 'breathe underwater', 'remember everything you read',
  ],
  counterfactual: [
    'the Library of Alexandria had never burned', 'the printing press had been invented a thousand years earlier',
    'the Roman Empire had never fallen', 'steam engines had been common in ancient Greece',
    'penicillin had never been discovered', 'the Americas had been connected to Europe by land',
    'the telephone had never been invented', 'humans had evolved to photosynthesise', 'the Earth had no moon',
    'the dinosaurs had not gone extinct', 'electricity had been harnessed in the Middle Ages',
    'the Silk Road had never closed', 'the Apollo programme had continued to Mars', 'coal had never been found',
    'the bicycle had been invented before the horse was domesticated', 'writing had never been invented',
  ],
  place: ['Mars', 'the Moon', 'an island in the Pacific', 'Antarctica', 'the Sahara', 'an ocean floor habitat', 'a generation starship', 'a floating city', 'the Arctic', 'an orbital station'],
};
