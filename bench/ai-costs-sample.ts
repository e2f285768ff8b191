// The AI usage the ai-costs benches send and load (not a bench itself): 40 services of 8
// teams (the last service is not in the catalog: its spend is unattributed), 6 models of
// 3 providers, priced by the default price book plus the bench's own entries for the
// models the default book does not list. Used by bench/ai-costs-ingest.ts (events over
// HTTP) and bench/ai-costs-breakdown.ts (the same spread, generated in SQL).
import {
  DEFAULT_PRICE_BOOK,
  layerPriceBooks,
  validatePriceBook,
  type Price,
  type UsageEventInput,
} from '@internal/plugin-ibias-ai-costs-common';

export const TEAMS = [
  'ai-team',
  'web-team',
  'data-team',
  'search-team',
  'growth-team',
  'platform-team',
  'payments-team',
  'support-team',
];

/** 40 services, team i % 8; the last one is not in the catalog (unattributed). */
export const SERVICES = Array.from({ length: 40 }, (_, i) => ({
  ref:
    i === 39
      ? 'component:default/legacy-batch'
      : `component:default/svc-${String(i + 1).padStart(2, '0')}`,
  team: i === 39 ? 'unattributed' : `group:default/${TEAMS[i % TEAMS.length]}`,
}));

/** Catalog entities for the 39 attributed services. */
export const ENTITIES = SERVICES.filter(s => s.team !== 'unattributed').map(
  s => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: s.ref.split('/')[1], namespace: 'default' },
    spec: {
      owner: s.team,
      type: 'service',
      lifecycle: 'production',
    },
  }),
);

/**
 * The 6 models and their share of calls. `perSecond` models run on `hardware` (3 % of
 * their calls report no tier: unpriced, as the price book prices them per tier).
 */
export const MODELS = [
  { provider: 'openai', model: 'gpt-4o-mini', share: 0.35, operation: 'chat' },
  { provider: 'openai', model: 'gpt-4o', share: 0.15, operation: 'chat' },
  {
    provider: 'openai',
    model: 'text-embedding-3-small',
    share: 0.2,
    operation: 'embedding',
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4',
    share: 0.12,
    operation: 'chat',
  },
  {
    provider: 'anthropic',
    model: 'claude-3-5-haiku',
    share: 0.12,
    operation: 'chat',
  },
  {
    provider: 'replicate',
    model: 'meta/meta-llama-3-70b-instruct',
    share: 0.06,
    operation: 'prediction',
    hardware: 'gpu-a40-large',
  },
] as const;

/** The bench's entries (config `ibias.aiCosts.prices`), over the default book. */
export const BENCH_PRICES: Price[] = [
  {
    id: 'openai/text-embedding-3-small@2024-01-25',
    provider: 'openai',
    model: 'text-embedding-3-small',
    effectiveFrom: '2024-01-25',
    per: 'token',
    inputPerMillion: 0.02,
    outputPerMillion: 0,
  },
  {
    id: 'anthropic/claude-sonnet-4@2025-05-22',
    provider: 'anthropic',
    model: 'claude-sonnet-4',
    effectiveFrom: '2025-05-22',
    per: 'token',
    inputPerMillion: 3,
    outputPerMillion: 15,
    cachedInputPerMillion: 0.3,
  },
  {
    id: 'anthropic/claude-3-5-haiku@2024-11-04',
    provider: 'anthropic',
    model: 'claude-3-5-haiku',
    effectiveFrom: '2024-11-04',
    per: 'token',
    inputPerMillion: 0.8,
    outputPerMillion: 4,
    cachedInputPerMillion: 0.08,
  },
];

/** The book the plugin prices with under the bench's config. */
export const PRICE_BOOK = validatePriceBook(
  layerPriceBooks(DEFAULT_PRICE_BOOK, BENCH_PRICES),
  'bench',
);

/** mulberry32: the same sequence for the same seed. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A service index skewed toward the first services (a few big spenders). */
export const SERVICE_SKEW = 1.8;

/**
 * `count` events as services send them, ids `${prefix}-<n>`, timestamps spread over
 * [from, to) (epoch ms): services skewed, models by share, token counts skewed small,
 * 30 % of chat calls with cached input, 2 % errors, 3 % answered from the service's cache.
 */
export function generateEvents(
  count: number,
  options: { prefix: string; from: number; to: number; seed: number },
): UsageEventInput[] {
  const random = seededRandom(options.seed);
  const out: UsageEventInput[] = [];
  for (let i = 0; i < count; i++) {
    const service =
      SERVICES[Math.floor(SERVICES.length * random() ** SERVICE_SKEW)];
    let pick = random();
    let m: (typeof MODELS)[number] = MODELS[0];
    for (const candidate of MODELS) {
      m = candidate;
      if (pick < candidate.share) break;
      pick -= candidate.share;
    }
    const at =
      options.from + Math.floor(random() * (options.to - options.from));
    const base: UsageEventInput = {
      id: `${options.prefix}-${i}`,
      timestamp: new Date(at).toISOString(),
      entityRef: service.ref,
      provider: m.provider,
      model: m.model,
      operation: m.operation,
      latencyMs: Math.round(50 + 4000 * random() ** 3),
      status: random() < 0.02 ? 'error' : 'success',
    };
    if ('hardware' in m) {
      out.push({
        ...base,
        seconds: Math.round(200 + 20_000 * random() ** 2) / 1000,
        ...(random() < 0.03 ? {} : { hardware: m.hardware }),
      });
      continue;
    }
    const inputTokens = Math.floor(50 + 3000 * random() ** 2.5);
    const chat = m.operation === 'chat';
    out.push({
      ...base,
      inputTokens,
      outputTokens: chat ? Math.floor(10 + 1200 * random() ** 3) : 0,
      cachedInputTokens:
        chat && random() < 0.3 ? Math.floor(inputTokens * 0.8 * random()) : 0,
      cacheHit: chat && random() < 0.03,
    });
  }
  return out;
}

export function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}
