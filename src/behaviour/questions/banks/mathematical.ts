import type { Template, Vocabulary } from '../template';

/** Arithmetic, algebra, probability and applied maths questions; most carry their own numbers. */
export const MATHEMATICAL_TEMPLATES: readonly Template[] = [
  { text: 'What is {#12-999} multiplied by {#12-999}, and how could I check the result in my head?', topic: 'mental multiplication' },
  { text: 'How do I find the greatest common divisor of {#100-9999} and {#100-9999} with the Euclidean algorithm?', topic: 'the Euclidean algorithm' },
  { text: 'If an account pays {#1-9}.{#0-9}% interest compounded {period}, how long does it take to double a deposit of {#1-50},000 dollars?', topic: 'compound interest' },
  { text: 'What is the probability of rolling at least one six in {#2-15} throws of a fair die?', topic: 'probability of repeated events' },
  { text: 'How do I solve {#2-9}x + {#1-50} = {#51-400} step by step?', topic: 'linear equations' },
  { text: 'Is {#1001-99999} a prime number, and what is the quickest way to check?', topic: 'primality testing' },
  { text: 'What is the sum of the first {#10-900} positive integers, and why does the formula work?', topic: 'arithmetic series' },
  { text: 'A rectangle has a perimeter of {#30-400} cm and one side of {#3-14} cm. What is its area?', topic: 'perimeter and area' },
  { text: 'Can you explain {concept} with an example that uses the number {#2-99}?' },
  { text: 'In how many ways can {#3-12} people be seated around a round table?', topic: 'circular permutations' },
  { text: 'What is {concept}, and where is it used in {field}?' },
  { text: 'How do I convert {#100-9999} from base 10 to base {#2-9}?', topic: 'number bases' },
  { text: 'What is the derivative of x^{#2-9} times {function}, and how does the product rule apply?', topic: 'the product rule' },
  { text: 'A train covers {#40-300} km at {#40-160} km/h and then {#40-300} km at {#40-160} km/h. What is its average speed?', topic: 'average speed' },
  { text: 'Why does {concept} matter for someone studying {field}?' },
  { text: 'If I draw {#2-6} cards from a shuffled deck of 52, what is the chance they are all {suit}?', topic: 'drawing cards without replacement' },
  { text: 'What is {#2-40}% of {#100-99999}, and what is a quick way to estimate it?', topic: 'percentages' },
  { text: 'How many diagonals does a polygon with {#5-60} sides have, and how is the formula derived?', topic: 'diagonals of polygons' },
  { text: 'A population grows by {#1-12}% a year from {#1-900} thousand. How large is it after {#2-30} years?', topic: 'exponential growth' },
  { text: 'What is the integral of {function} from 0 to {#1-9}, and what does it represent geometrically?', topic: 'definite integrals' },
];

/** Slot vocabularies of the mathematical templates. */
export const MATHEMATICAL_VOCABULARY: Vocabulary = {
  concept: [
    'modular arithmetic', 'the binomial theorem', 'the pigeonhole principle', 'eigenvalues', 'standard deviation',
    'Bayes\u2019 theorem', 'the central limit theorem', 'logarithms', 'complex numbers', 'the Fibonacci sequence',
    'prime factorisation', 'matrix multiplication', 'the Pythagorean theorem', 'conditional probability',
    'geometric series', 'proof by induction', 'the golden ratio', 'vectors', 'limits', 'Taylor series',
    'expected value', 'graph colouring', 'permutations and combinations', 'the law of large numbers',
    'linear regression', 'the normal distribution', 'set theory', 'Boolean algebra', 'the dot product',
    'rates of change', 'similar triangles', 'radians', 'the quadratic formula', 'Markov chains',
  ],
  field: [
    'computer graphics', 'cryptography', 'finance', 'physics', 'biology', 'machine learning', 'engineering',
    'economics', 'music theory', 'sports analytics', 'epidemiology', 'logistics', 'architecture', 'navigation',
    'game design', 'weather forecasting', 'insurance', 'signal processing', 'chemistry', 'astronomy',
  ],
  period: ['annually', 'monthly', 'quarterly', 'daily', 'weekly'],
  function: ['sin(x)', 'cos(x)', 'e^x', 'ln(x + 1)', 'x^2 + 1', 'sqrt(x)', '1/(x + 1)', 'x e^x', 'cos(2x)', 'x^3 - x'],
  suit: ['hearts', 'spades', 'diamonds', 'clubs', 'red', 'black', 'face cards'],
};
