// Types of the IBIAS AI costs HTTP API, generated from plugins/ibias-ai-costs-backend/src/schema/openapi.yaml — do not edit; run `node scripts/generate-openapi.mjs`.
export interface paths {
  '/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Report AI calls (usage only; prompt and completion text are refused)
     * @description Up to 1,000 events a batch, taken whole or not at all. Each is priced with the price in force at its timestamp and attributed to its entity's owner; an event whose id was seen before changes nothing, so a replayed batch is harmless. Events may be up to 7 days late. Callers are rate limited (429 with Retry-After).
     */
    post: operations['ingestEvents'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/otlp/v1/traces': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * OpenTelemetry GenAI spans (OTLP/HTTP JSON) as usage events
     * @description For services instrumented with OpenTelemetry: point the traces exporter here (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=<portal>/api/ibias-ai-costs/otlp/v1/traces, OTEL_EXPORTER_OTLP_PROTOCOL=http/json, the token in OTEL_EXPORTER_OTLP_HEADERS). Each span with GenAI attributes is one call, priced and recorded like POST /events; other spans are ignored; a span that cannot be taken is counted in partialSuccess with the reason. Prompt and completion attributes are never read.
     */
    post: operations['ingestOtlpTraces'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/costs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Spend over a range, grouped, from the rollups, as the caller may see it
     * @description Cost, calls, tokens and seconds per group (team, service, provider or model) and per day or hour, read from the rollups (never the raw events). Only the teams the caller may read (ibias.aiCosts.read) are in it; `hidden` counts what was left out. Unpriced calls are counted apart: they are never $0.
     */
    get: operations['getCosts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/budgets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Budgets as the caller may see them, with this period's spend and forecast
     * @description Each budget (ibias.aiCosts.budgets) with its period's spend from the daily rollups, the thresholds reached and, for a month, the month-end forecast (EWMA of the daily cost, weekday factors after 14 days, none before day 3) and whether it passes the budget. A team's budget needs ibias.aiCosts.read for the team; a service's, for its owner; a provider's or a model's, for every team.
     */
    get: operations['listBudgets'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Whether the plugin and its database answer (no token needed) */
    get: operations['getHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Error: {
      error: {
        name: string;
        message: string;
      };
    };
    EntityRef: string;
    Name: string;
    Count: number;
    UsageBatch: {
      events: components['schemas']['UsageEvent'][];
    };
    /** @description One AI call: token counts for token-priced models, billed seconds and a hardware tier for time-priced ones. No field carries what was asked or answered. */
    UsageEvent: {
      /** @description The caller's id for the call; a replayed id changes nothing */
      id: components['schemas']['Name'];
      /**
       * Format: date-time
       * @description When the call finished (ISO 8601 with a zone), at most 7 days ago
       */
      timestamp: string;
      /** @description The catalog entity that made the call */
      entityRef: components['schemas']['EntityRef'];
      provider: components['schemas']['Name'];
      model: components['schemas']['Name'];
      /**
       * @default chat
       * @enum {string}
       */
      operation:
        | 'chat'
        | 'completion'
        | 'embedding'
        | 'image'
        | 'audio'
        | 'prediction'
        | 'other';
      /**
       * @description Every input token, cached ones included
       * @default 0
       */
      inputTokens: components['schemas']['Count'];
      /** @default 0 */
      outputTokens: components['schemas']['Count'];
      /**
       * @description The part of inputTokens read from the provider's cache
       * @default 0
       */
      cachedInputTokens: components['schemas']['Count'];
      /**
       * @description Billed seconds of a time-priced model
       * @default 0
       */
      seconds: number;
      /** @enum {string} */
      hardware?:
        | 'cpu'
        | 'gpu-t4'
        | 'gpu-a40-small'
        | 'gpu-a40-large'
        | 'gpu-l40s'
        | 'gpu-a100-large'
        | 'gpu-h100';
      latencyMs: number;
      /** @enum {string} */
      status: 'success' | 'error';
      /**
       * @description Answered from the service's own cache (no provider call, no cost)
       * @default false
       */
      cacheHit: boolean;
    };
    /** @description An OTLP ExportTraceServiceRequest in its JSON encoding */
    OtlpTraceExport: {
      resourceSpans: Record<string, never>[];
    };
    OtlpExportResponse: {
      partialSuccess?: {
        rejectedSpans: number;
        errorMessage: string;
      };
    };
    IngestResult: {
      /** @description Events recorded now */
      accepted: number;
      /** @description Events whose id was recorded before (nothing changed) */
      duplicates: number;
      /** @description Recorded events no price covers (shown as unpriced, never $0) */
      unpriced: number;
      /** @description Recorded events whose entity is not in the catalog */
      unattributed: number;
    };
    CostRow: {
      /**
       * Format: date-time
       * @description The start of the day or hour
       */
      at: string;
      /** @description The team's or entity's ref, the provider or the model */
      key: string;
      label: string;
      /** @description US dollars × 1,000,000, of the priced calls */
      costMicros: number;
      calls: number;
      errors: number;
      unpricedCalls: number;
      inputTokens: number;
      outputTokens: number;
      seconds: number;
    };
    CostReport: {
      /** Format: date-time */
      from: string;
      /** Format: date-time */
      to: string;
      /** @enum {string} */
      groupBy: 'team' | 'entity' | 'provider' | 'model';
      /** @enum {string} */
      granularity: 'day' | 'hour';
      rows: components['schemas']['CostRow'][];
      /** @description Per group over the whole range, largest cost first */
      totals: {
        key: string;
        label: string;
        costMicros: number;
        calls: number;
        unpricedCalls: number;
        /** @description Of the cost shown (0 to 1) */
        share: number;
      }[];
      /** @description Teams in the range the caller may not read (their spend is left out) */
      hidden: number;
    };
    BudgetList: {
      items: components['schemas']['BudgetStatus'][];
    };
    BudgetStatus: {
      budget: {
        id: string;
        /** @enum {string} */
        scope: 'team' | 'service' | 'provider' | 'model';
        target: string;
        /** @enum {string} */
        period: 'month' | 'week';
        /** @description US dollars per period */
        amount: number;
        thresholds: number[];
      };
      /** Format: date-time */
      periodStart: string;
      /** Format: date-time */
      periodEnd: string;
      spentMicros: number;
      percent: number;
      /** @description The thresholds (percent) this period's spend has reached */
      reached: number[];
      forecast?:
        | {
            /** @enum {boolean} */
            available: true;
            actualMicros: number;
            forecastMicros: number;
            lowMicros: number;
            highMicros: number;
            dailyRateMicros: number;
            weekdayFactors: number[];
            method: string;
            exceedsBudget?: boolean;
          }
        | {
            /** @enum {boolean} */
            available: false;
            reason: string;
          };
    };
    Health: {
      /** @enum {string} */
      status: 'up' | 'degraded' | 'down';
      checks: {
        [key: string]: {
          /** @enum {string} */
          status: 'up' | 'degraded' | 'down';
          detail?: string;
        };
      };
    };
  };
  responses: {
    /** @description What went wrong, in words */
    Error: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  ingestEvents: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UsageBatch'];
      };
    };
    responses: {
      /** @description What was recorded and what had been recorded before */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['IngestResult'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      413: components['responses']['Error'];
      429: components['responses']['Error'];
      503: components['responses']['Error'];
    };
  };
  ingestOtlpTraces: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['OtlpTraceExport'];
      };
    };
    responses: {
      /** @description What was taken (OTLP's ExportTraceServiceResponse) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OtlpExportResponse'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      413: components['responses']['Error'];
      415: components['responses']['Error'];
      429: components['responses']['Error'];
      503: components['responses']['Error'];
    };
  };
  getCosts: {
    parameters: {
      query: {
        /** @description Start (ISO 8601), inclusive */
        from: string;
        /** @description End (ISO 8601), exclusive */
        to: string;
        groupBy?: 'team' | 'entity' | 'provider' | 'model';
        granularity?: 'day' | 'hour';
        /** @description Only this service */
        entityRef?: components['schemas']['EntityRef'];
        /** @description Only this team (a group ref) */
        team?: components['schemas']['EntityRef'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The spend, grouped */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CostReport'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  listBudgets: {
    parameters: {
      query?: {
        /** @description Only this service's budgets */
        entityRef?: components['schemas']['EntityRef'];
        /** @description Only this team's budgets */
        team?: components['schemas']['EntityRef'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The budgets */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['BudgetList'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  getHealth: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Up */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Health'];
        };
      };
      /** @description The database does not answer */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Health'];
        };
      };
    };
  };
}
