import { z } from 'zod';
import { HARDWARE_TIERS, type HardwareTier, type UsageEvent } from './events';

/**
 * A price per token, in dollars per 1,000,000 tokens (as providers publish them): input,
 * output and cached input separately. Cost in micro-dollars is then tokens × price, exactly.
 */
export interface TokenPrice {
  id: string;
  provider: string;
  /** A model name, or a pattern with `*` (any characters). */
  model: string;
  /** UTC date (YYYY-MM-DD) or instant the price applies from. */
  effectiveFrom: string;
  /** Exclusive; open when absent. */
  effectiveTo?: string;
  per: 'token';
  inputPerMillion: number;
  outputPerMillion: number;
  /** Defaults to the input price. */
  cachedInputPerMillion?: number;
  /** Where the figure comes from, and when it was read. */
  source?: string;
}

/**
 * A price per second of hardware, in dollars. With `hardware`, it applies to that tier
 * (Replicate's list, model `*`); without, to the model whatever it runs on (the seed's
 * flat `costPerSecond`).
 */
export interface SecondPrice {
  id: string;
  provider: string;
  model: string;
  hardware?: HardwareTier;
  effectiveFrom: string;
  effectiveTo?: string;
  per: 'second';
  perSecond: number;
  source?: string;
}

export type Price = TokenPrice | SecondPrice;

const OPENAI = 'https://openai.com/api/pricing/ (read 2025-06-01)';
const REPLICATE = 'https://replicate.com/pricing (read 2025-06-01)';

/** Public list prices, with their dates and sources: the default price book. */
export const DEFAULT_PRICE_BOOK: Price[] = [
  ...['gpt-4o', 'gpt-4o-20*'].map(
    (model): TokenPrice => ({
      id: `openai/${model.replace('*', 'x')}@2024-10-02`,
      provider: 'openai',
      model,
      effectiveFrom: '2024-10-02',
      per: 'token',
      inputPerMillion: 2.5,
      outputPerMillion: 10,
      cachedInputPerMillion: 1.25,
      source: OPENAI,
    }),
  ),
  ...['gpt-4o-mini', 'gpt-4o-mini-20*'].map(
    (model): TokenPrice => ({
      id: `openai/${model.replace('*', 'x')}@2024-07-18`,
      provider: 'openai',
      model,
      effectiveFrom: '2024-07-18',
      per: 'token',
      inputPerMillion: 0.15,
      outputPerMillion: 0.6,
      cachedInputPerMillion: 0.075,
      source: OPENAI,
    }),
  ),
  ...(
    [
      ['cpu', 0.0001],
      ['gpu-t4', 0.000225],
      ['gpu-a40-small', 0.000575],
      ['gpu-a40-large', 0.000725],
      ['gpu-l40s', 0.000975],
      ['gpu-a100-large', 0.0014],
      ['gpu-h100', 0.001525],
    ] as const
  ).map(
    ([hardware, perSecond]): SecondPrice => ({
      id: `replicate/${hardware}@2024-01-01`,
      provider: 'replicate',
      model: '*',
      hardware,
      effectiveFrom: '2024-01-01',
      per: 'second',
      perSecond,
      source: REPLICATE,
    }),
  ),
];

const day = z
  .string()
  .refine(
    v => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v) && !Number.isNaN(Date.parse(v)),
    'must be a date (YYYY-MM-DD) or an ISO 8601 instant',
  );
const dollars = z.number().nonnegative('must not be negative');
const common = {
  id: z.string().min(1).max(128),
  provider: z.string().min(1).max(64),
  model: z.string().min(1).max(128),
  effectiveFrom: day,
  effectiveTo: day.optional(),
  source: z.string().max(500).optional(),
};

export const priceSchema = z.discriminatedUnion('per', [
  z
    .object({
      ...common,
      per: z.literal('token'),
      inputPerMillion: dollars,
      outputPerMillion: dollars,
      cachedInputPerMillion: dollars.optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      per: z.literal('second'),
      hardware: z.enum(HARDWARE_TIERS).optional(),
      perSecond: dollars,
    })
    .strict(),
]);

const instant = (v: string) => Date.parse(/T/.test(v) ? v : `${v}T00:00:00Z`);

/** Whether `price` is in force at `at` (epoch ms). */
export function priceCovers(price: Price, at: number): boolean {
  return (
    instant(price.effectiveFrom) <= at &&
    (price.effectiveTo === undefined || at < instant(price.effectiveTo))
  );
}

/** Compiled model patterns: a price book has a handful, an ingest prices thousands of events. */
const compiledPatterns = new Map<string, RegExp>();

function patternMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  let regex = compiledPatterns.get(pattern);
  if (!regex) {
    const escaped = pattern
      .split('*')
      .map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${escaped}$`);
    if (compiledPatterns.size < 10_000) compiledPatterns.set(pattern, regex);
  }
  return regex.test(value);
}

/** How specific a match is: an exact model beats any pattern, a longer pattern a shorter. */
function specificity(price: Price): number {
  const literal = price.model.replace(/\*/g, '').length;
  const exact = price.model.includes('*') ? 0 : 1_000;
  // A price for the model beats one for the hardware tier.
  const hardware = price.per === 'second' && price.hardware ? 0 : 500;
  return exact + hardware + literal;
}

/**
 * The price book checked: every entry valid, and no two entries for the same provider,
 * model pattern and hardware in force at the same time. Throws naming the entry.
 */
export function validatePriceBook(entries: unknown[], where: string): Price[] {
  const prices = entries.map((entry, i) => {
    const parsed = priceSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `Invalid price ${where}[${i}]${
          issue.path.length ? `.${issue.path.join('.')}` : ''
        }: ${issue.message}`,
      );
    }
    const p = parsed.data as Price;
    if (p.effectiveTo && instant(p.effectiveTo) <= instant(p.effectiveFrom)) {
      throw new Error(
        `Invalid price ${where}[${i}] (${p.id}): effectiveTo must be after effectiveFrom`,
      );
    }
    return p;
  });
  const ids = new Set<string>();
  for (const p of prices) {
    if (ids.has(p.id)) {
      throw new Error(
        `Invalid price book ${where}: the id ${p.id} is used twice`,
      );
    }
    ids.add(p.id);
  }
  const key = priceKey;
  const end = (p: Price) =>
    p.effectiveTo === undefined ? Infinity : instant(p.effectiveTo);
  for (let i = 0; i < prices.length; i++) {
    for (let j = i + 1; j < prices.length; j++) {
      const [a, b] = [prices[i], prices[j]];
      if (key(a) !== key(b)) continue;
      if (
        instant(a.effectiveFrom) < end(b) &&
        instant(b.effectiveFrom) < end(a)
      ) {
        throw new Error(
          `Invalid price book ${where}: ${a.id} and ${b.id} price ${a.provider} ${a.model} over the same dates`,
        );
      }
    }
  }
  return prices;
}

/** What two prices must not share at the same time: provider, model and hardware. */
export function priceKey(
  p: Pick<Price, 'provider' | 'model' | 'per'> & { hardware?: string },
) {
  return `${p.provider.toLowerCase()}|${p.model}|${
    p.per === 'second' ? p.hardware ?? '' : 'token'
  }`;
}

/**
 * Layers of prices, each later one replacing the earlier ones' entries for the same
 * provider, model and hardware (the operator's prices over the public list, the seed's
 * block over both).
 */
export function layerPriceBooks(
  ...layers: ReadonlyArray<ReadonlyArray<Price>>
): Price[] {
  let merged: Price[] = [];
  for (const layer of layers) {
    const replaced = new Set(layer.map(priceKey));
    merged = [...merged.filter(p => !replaced.has(priceKey(p))), ...layer];
  }
  return merged;
}

/** The seed's `aiConfig.providers` entry: flat prices per model. */
export interface SeedProviderConfig {
  name: string;
  models: Record<
    string,
    { costPerToken?: number; costPerSecond?: number; [other: string]: unknown }
  >;
}

/**
 * The seed's provider block as it is (`costPerToken` for every token, `costPerSecond`
 * whatever the hardware) as price-book entries, in force from `effectiveFrom`.
 */
export function pricesFromSeedProviders(
  providers: SeedProviderConfig[],
  effectiveFrom = '1970-01-01',
): Price[] {
  return providers.flatMap(provider =>
    Object.entries(provider.models).flatMap(([model, m]): Price[] => {
      const out: Price[] = [];
      if (typeof m.costPerToken === 'number') {
        const perMillion = m.costPerToken * 1_000_000;
        out.push({
          id: `seed/${provider.name}/${model}`,
          provider: provider.name,
          model,
          effectiveFrom,
          per: 'token',
          inputPerMillion: perMillion,
          outputPerMillion: perMillion,
          cachedInputPerMillion: perMillion,
          source: 'aiConfig (the seed): costPerToken',
        });
      }
      if (typeof m.costPerSecond === 'number') {
        out.push({
          id: `seed/${provider.name}/${model}/second`,
          provider: provider.name,
          model,
          effectiveFrom,
          per: 'second',
          perSecond: m.costPerSecond,
          source: 'aiConfig (the seed): costPerSecond',
        });
      }
      return out;
    }),
  );
}

export type Pricing =
  | { priced: true; costMicros: number; priceId: string }
  | { priced: false; reason: string };

/** The id recorded for a call answered from the service's own cache (no provider call). */
export const CACHE_HIT_PRICE_ID = 'cache-hit';

/**
 * One event priced with the price in force at its timestamp, in integer micro-dollars.
 * Token prices take input (less cached), cached input and output tokens; second prices
 * take the billed seconds, a model's own price before its hardware tier's. An event no
 * price covers is unpriced, with the reason: never $0.
 */
/** What an event's price is made of. */
export type PricingInput = Pick<
  UsageEvent,
  | 'timestamp'
  | 'provider'
  | 'model'
  | 'inputTokens'
  | 'outputTokens'
  | 'cachedInputTokens'
  | 'seconds'
  | 'hardware'
  | 'cacheHit'
>;

export function priceEvent(
  event: PricingInput,
  book: ReadonlyArray<Price>,
): Pricing {
  if (event.cacheHit) {
    return { priced: true, costMicros: 0, priceId: CACHE_HIT_PRICE_ID };
  }
  const at = Date.parse(event.timestamp);
  const provider = event.provider.toLowerCase();
  const byModel = book.filter(
    p =>
      p.provider.toLowerCase() === provider &&
      patternMatches(p.model, event.model),
  );
  const byHardware = byModel.filter(
    p =>
      p.per === 'token' ||
      p.hardware === undefined ||
      p.hardware === event.hardware,
  );
  const candidates = byHardware.filter(p => priceCovers(p, at));
  if (candidates.length === 0) {
    const what = `${event.provider} ${event.model}`;
    let reason = `no price for ${what}`;
    if (byModel.length > 0 && byHardware.length === 0) {
      reason = event.hardware
        ? `no price for ${what} on ${event.hardware}`
        : `no price for ${what} without a hardware tier (its prices are per tier)`;
    } else if (byHardware.length > 0) {
      reason = `no price for ${what} in force at ${event.timestamp}`;
    }
    return { priced: false, reason };
  }
  const price = [...candidates].sort(
    (a, b) => specificity(b) - specificity(a),
  )[0];
  if (price.per === 'token') {
    const cached = event.cachedInputTokens;
    const micros =
      (event.inputTokens - cached) * price.inputPerMillion +
      cached * (price.cachedInputPerMillion ?? price.inputPerMillion) +
      event.outputTokens * price.outputPerMillion;
    return { priced: true, costMicros: Math.round(micros), priceId: price.id };
  }
  return {
    priced: true,
    costMicros: Math.round(event.seconds * price.perSecond * 1_000_000),
    priceId: price.id,
  };
}
