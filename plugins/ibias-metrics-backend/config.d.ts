import type { HumanDuration } from '@backstage/types';

export interface Config {
  ibias?: {
    metrics?: {
      /** Gross margin as a fraction (LTV and CAC payback). Default 0.8. */
      grossMargin?: number;
      /**
       * KPI definitions by id: fields laid over the built-in KPIs (mrr, net_new_mrr, arpa,
       * paying_customers, new_customers, customer_churn, gross_mrr_churn, net_mrr_churn,
       * ltv, cac, cac_payback, ltv_cac, nps, uptime), or new KPIs. An invalid definition
       * stops the backend with a message naming the field.
       */
      kpis?: {
        [id: string]: {
          title?: string;
          description?: string;
          /** currency | percent | count | score | months | ratio */
          unit?: string;
          /** up (higher is better) | down */
          direction?: string;
          target?: number;
          /** Crossing `error` raises the KPI's alert. */
          thresholds?: { success?: number; warning?: number; error?: number };
          /** Past this age the tile is stale: 90s, 15m, 36h, 2d. */
          freshness?: string;
          /** An entity ref, e.g. group:default/executives. */
          owner?: string;
          /** Whether the KPI needs ibias.metrics.business.read. */
          financial?: boolean;
          /**
           * records (formula) | sql (query) | prometheus (query) | derived
           * (numerator, denominator)
           */
          source?: {
            type: string;
            formula?: string;
            query?: string;
            numerator?: string;
            denominator?: string;
          };
        };
      };
      sample?: {
        /**
         * Load the generated sample business on a first start with no records. Real
         * records (a Stripe event, an import) remove it. Default true.
         */
        enabled?: boolean;
      };
      prometheus?: {
        /**
         * Prometheus's (or Thanos', Mimir's, VictoriaMetrics') HTTP API base URL: the
         * golden signals, and KPIs of `source: { type: prometheus, query }`.
         */
        url?: string;
      };
      scrape?: {
        /**
         * When set, GET /api/ibias-metrics/metrics needs `Authorization: Bearer <token>`.
         * @visibility secret
         */
        token?: string;
      };
      sources?: {
        stripe?: {
          /**
           * The webhook endpoint's signing secret (whsec_…); without it the webhook
           * endpoint answers 404.
           * @visibility secret
           */
          webhookSecret?: string;
          /** How old a signature's timestamp may be, in seconds. Default 300. */
          toleranceSeconds?: number;
        };
        /**
         * The database KPIs of `source: { type: sql, query }` query (IBIAS runs on
         * Supabase PostgreSQL). Each query runs in a read-only transaction with a
         * statement timeout; give it a read-only role as well. Without it, SQL KPIs show
         * gaps that say so.
         */
        sql?: {
          /**
           * A PostgreSQL connection string
           * (postgresql://reader:password@host:5432/postgres?sslmode=require) or its parts.
           * @visibility secret
           */
          connection:
            | string
            | {
                host?: string;
                port?: number;
                user?: string;
                /** @visibility secret */
                password?: string;
                database?: string;
                ssl?: boolean | { rejectUnauthorized?: boolean; ca?: string };
              };
          /** pg, the only one: the source relies on PostgreSQL's read-only transactions. */
          client?: 'pg';
          /** How long one KPI query may run: '10s', { seconds: 10 }. Default 10 s. */
          statementTimeout?: HumanDuration | string;
        };
      };
      alerts?: {
        /** Seconds between evaluations. Default 30. */
        evaluationSeconds?: number;
        /**
         * The environment whose services' series raise the seed's service alerts (error
         * rate, response time, database connections, AI): other environments' series are
         * charted, never paged. Default production.
         */
        environment?: string;
        /**
         * Overrides of the seed's rules by id (high_error_rate, high_response_time,
         * database_connection_issues, ai_service_degradation).
         */
        rules?: {
          [ruleId: string]: {
            threshold?: number;
            for?: string;
            minSamples?: number;
            keepFiringFor?: string;
            cooldown?: string;
          };
        };
        /**
         * Per-service changes to the seed's rules: the service's entity ref (as its
         * metrics' `ibias_entity` label carries it, e.g. component:default/ibias-api),
         * then the rule id, then the fields to change. Laid over `rules` above.
         */
        services?: {
          [entityRef: string]: {
            [ruleId: string]: {
              threshold?: number;
              for?: string;
              minSamples?: number;
              keepFiringFor?: string;
              cooldown?: string;
            };
          };
        };
        pagerDuty?: {
          /**
           * The Events API v2 integration's routing key.
           * @visibility secret
           */
          routingKey?: string;
          /** Default https://events.pagerduty.com. */
          baseUrl?: string;
        };
      };
      snapshots?: {
        /** Minutes between KPI snapshots. Default 60. */
        everyMinutes?: number;
      };
    };
  };
}
