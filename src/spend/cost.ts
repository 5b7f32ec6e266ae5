/** USD prices of one model; `unit` says per how many tokens. */
interface ModelPrice {
  input: number;
  output: number;
  /** Price of prompt tokens served from the prefix cache; the input price when absent. */
  cachedInput?: number;
}

/** A price table as the config states it. */
export interface PriceTable {
  unit: 'per1K' | 'per1M';
  models: Record<string, ModelPrice>;
  default?: ModelPrice;
}

/** The AI-AAS platform's own prices (USD per 1K tokens), from its usage records. */
const PLATFORM_PRICES: PriceTable = {
  unit: 'per1K',
  models: {
    'gpt-4o': { input: 0.005, output: 0.015 },
    'gpt-4': { input: 0.005, output: 0.015 },
    'gpt-3.5-turbo': { input: 0.0005, output: 0.0015 },
  },
  default: { input: 0.001, output: 0.002 },
};

/** A resolved per-token price, with whether it came from the default row. */
export interface ResolvedPrice {
  inputPerToken: number;
  outputPerToken: number;
  cachedInputPerToken: number;
  isDefault: boolean;
}

const divisor = (unit: PriceTable['unit']) => (unit === 'per1K' ? 1_000 : 1_000_000);

/**
 * Looks a model up in the config's table, then the platform's; an unknown model gets the default
 * price and is flagged so the caller can warn once (never a silent zero).
 */
export function resolvePrice(model: string, table?: PriceTable): ResolvedPrice {
  for (const t of table ? [table, PLATFORM_PRICES] : [PLATFORM_PRICES]) {
    const p = t.models[model];
    if (p) return perToken(p, t.unit, false);
  }
  if (table?.default) return perToken(table.default, table.unit, true);
  return perToken(PLATFORM_PRICES.default as ModelPrice, PLATFORM_PRICES.unit, true);
}

function perToken(p: ModelPrice, unit: PriceTable['unit'], isDefault: boolean): ResolvedPrice {
  const d = divisor(unit);
  return { inputPerToken: p.input / d, outputPerToken: p.output / d, cachedInputPerToken: (p.cachedInput ?? p.input) / d, isDefault };
}

/** Cost in USD: uncached prompt tokens at the input price, cached at the cached price, output at the output price. */
export function requestCostUSD(price: ResolvedPrice, promptTokens: number, completionTokens: number, cachedTokens = 0): number {
  const cached = Math.min(Math.max(cachedTokens, 0), promptTokens);
  return (promptTokens - cached) * price.inputPerToken + cached * price.cachedInputPerToken + completionTokens * price.outputPerToken;
}
