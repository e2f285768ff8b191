import type { HumanDuration } from '@backstage/types';

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
      /**
       * Days raw usage events are kept (default 90, at least 8): older ones are deleted
       * by a daily task, their rollups kept; POST /reprice reaches back as far.
       */
      retentionDays?: number;
      sample?: {
        /**
         * On a first start with no AI usage at all, record 45 days of generated usage of
         * the sample services (reported by `sample:history`), so the pages, budgets and
         * forecast have a history. Default false; the embedded default sets true.
         */
        enabled?: boolean;
      };
      /**
       * The secret usage keys are signed with (at least 32 characters). The deployments
       * plugin starts each service with its own key (IBIAS_AI_USAGE_KEY); it reports that
       * service's usage only. Unset: a random secret per backend process.
       * @visibility secret
       */
      usageKeySecret?: string;
      /** Minutes between budget checks; each threshold fires once a period. Default 5. */
      budgetCheckMinutes?: number;
      ingest?: {
        /** Batches per second each caller may send (default 10). */
        batchesPerSecond?: number;
        /** Batches a caller may send at once (default 50). */
        burst?: number;
        /**
         * Events each caller may report a UTC day, per replica (default 1,000,000): past
         * it, 429 until the next day. With the caps on each event's counts, no caller can
         * make the sums overflow or fill the disk.
         */
        maxEventsPerDay?: number;
      };
      /**
       * AI cost alerts: the seed's rules (p95 latency over 10 s → scale, error rate over
       * 5 % → fall back, cost over costThreshold dollars in `window` → notify), an hour's
       * cost against the same hour of the last 7 days, and deploys that raise the cost per
       * 1,000 requests. Read from the hourly rollups; delivered to the owning group as
       * notifications and to browsers as signals.
       */
      alerts?: {
        /** Whether alerts are evaluated at all. Default true. */
        enabled?: boolean;
        /** How often the rules are evaluated (one replica at a time). Default 5 minutes. */
        frequency?: HumanDuration | string;
        /** The cost rule's window, 1 hour to 31 days in whole hours. Default 1 day. */
        window?: HumanDuration | string;
        /** The cost rule's threshold in US dollars per window. Default 1000 (the seed's). */
        costThreshold?: number;
        /**
         * After a rule fires for a service or team, how long before it may fire again for
         * it. Default: 1 hour for latency and errors, the window for cost, 3 hours for
         * spikes, 1 hour for deploys (each deploy is news).
         */
        cooldown?: HumanDuration | string;
        /** Calls a window needs before latency and error rate are judged. Default 20. */
        minSamples?: number;
        /** An hour is a spike past this many times its usual. Default 3. */
        spikeRatio?: number;
        /** …and past this many dollars. Default 5. */
        spikeMinimumDollars?: number;
        /** A deploy alerts when the cost per 1,000 requests after ÷ before passes this. Default 1.5. */
        deployCostRatio?: number;
        /** Requests needed on each side of a deploy to compare them. Default 100. */
        deployMinRequests?: number;
        /** How long each side of a deploy is, 1 hour to 7 days in whole hours. Default 1 day. */
        deployWindow?: HumanDuration | string;
        /** The ibias-deployments environment whose deploys count. Default production. */
        deployEnvironment?: string;
      };
    };
  };
}
