export interface Config {
  ibias?: {
    aiCosts?: {
      /** Whether the public list prices (OpenAI per token, Replicate per second by tier) apply. Default true. */
      defaultPrices?: boolean;
      /**
       * Prices over the defaults (an entry replaces the default for the same provider,
       * model and hardware): per token in dollars per 1,000,000 tokens, or per second.
       */
      prices?: Array<{
        id: string;
        provider: string;
        /** A model name, or a pattern with `*`. */
        model: string;
        /** YYYY-MM-DD or an ISO 8601 instant. */
        effectiveFrom: string;
        effectiveTo?: string;
        per: 'token' | 'second';
        inputPerMillion?: number;
        outputPerMillion?: number;
        cachedInputPerMillion?: number;
        hardware?: string;
        perSecond?: number;
        source?: string;
      }>;
      /** The seed's aiConfig.providers block as it is (flat costPerToken, costPerSecond). */
      providers?: Array<{
        name: string;
        models: {
          [model: string]: {
            costPerToken?: number;
            costPerSecond?: number;
          };
        };
      }>;
      /** Budgets per team, service, provider or model. */
      budgets?: Array<{
        id: string;
        scope: 'team' | 'service' | 'provider' | 'model';
        target: string;
        period?: 'month' | 'week';
        /** US dollars per period. */
        amount: number;
        /** Percentages that warn, each once a period. Default [50, 80, 100]. */
        thresholds?: number[];
      }>;
      /** Minutes between budget checks; each threshold fires once a period. Default 5. */
      budgetCheckMinutes?: number;
      ingest?: {
        /** Batches per second each caller may send (default 10). */
        batchesPerSecond?: number;
        /** Batches a caller may send at once (default 50). */
        burst?: number;
      };
    };
  };
}
