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
     * @description Up to 1,000 events a batch, taken whole or not at all. Each is priced with the price in force at its timestamp and attributed to its entity's owner; an event whose id was seen before changes nothing, so a replayed batch is harmless. Events may be up to 7 days late. Callers are rate limited (429 with Retry-After). A person reports only for services a group of theirs owns; a service started by the deployments plugin reports for itself with its usage key (403 for any other entity).
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
  '/costs/export.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The spend GET /costs shows, as CSV
     * @description The rows of GET /costs for the same query (the same rollups, the same teams the caller may read, the same limits), one line per day or hour and group, with a header line; RFC 4180 quoting, and text a spreadsheet would run as a formula (starting with = + - @) prefixed with '. Costs are US dollars with six decimals (exact micro-dollars). The X-Ibias-Hidden-Teams header counts the teams left out.
     */
    get: operations['exportCostsCsv'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/export/focus.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Spend as a FinOps FOCUS 1.x cost and usage dataset (CSV), for finance tools
     * @description One line per daily rollup line (day, team, service, provider and model) in [from, to), at most 366 days, of the teams the caller may read (ibias.aiCosts.read): BilledCost and EffectiveCost in USD, ChargePeriodStart and ChargePeriodEnd, ProviderName, ServiceName (the model), ResourceId (the service's entity ref), SubAccountId (the team), ConsumedQuantity in Tokens (input and output) or Seconds, Tags as JSON, and the calls in x_ columns. Unpriced calls add nothing to the cost and are counted in x_UnpricedCalls. Streamed, in day order.
     */
    get: operations['exportFocusCsv'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/reprice': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Re-price recorded usage in a range with the current price books
     * @description Prices every raw event in [from, to) (of one model, if given) again with the price in force at its timestamp in the current price books, records the new cost and price id of those that changed and adjusts their hourly and daily rollups, in one transaction; audited. Events are kept for ibias.aiCosts.retentionDays: a range starting before that is refused (400, naming the date), as its events are gone; so is a range longer than 31 days (one transaction a request: split it). Needs ibias.aiCosts.reprice (the readers of every team's spend by default).
     */
    post: operations['repriceUsage'];
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
  '/alerts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * AI cost alerts of the teams the caller may read
     * @description Alerts of the seed's rules (p95 latency over 10 s → scale, error rate over 5 % → fall back, cost over $1,000 a window → notify), the hourly spike against the same hour of the trailing 7 days, and deploys that raised the cost per 1,000 requests. Only the alerts of teams the caller may read (ibias.aiCosts.read) are listed. `active` (the default) leaves out alerts snoozed until later.
     */
    get: operations['listAlerts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/alerts/{id}/acknowledge': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Acknowledge an alert (someone is on it)
     * @description A firing or snoozed alert becomes acknowledged (and shown). Needs ibias.aiCosts.read for the alert's team (an alert of another team is a 404) and ibias.aiCosts.alerts.update. Audited.
     */
    post: operations['acknowledgeAlert'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/alerts/{id}/snooze': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Snooze an alert until a time (5 minutes to 7 days)
     * @description An open alert is hidden from the active list until `until`, or for `minutes`. When the snooze ends and the condition still holds, it fires again (the team is told again); when the condition clears meanwhile, it resolves. Needs ibias.aiCosts.read for the alert's team (an alert of another team is a 404) and ibias.aiCosts.alerts.update. Audited.
     */
    post: operations['snoozeAlert'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/deploy-costs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A service's cost per 1,000 requests before and after each deploy
     * @description Each succeeded deploy of the last 30 days (from ibias-deployments) with the service's AI calls and cost per 1,000 requests in the hours before it and after it (its own hour left out, each side stopping at the neighbouring deploy), and whether it raised the cost past ibias.aiCosts.alerts.deployCostRatio. Only the spend of teams the caller may read is counted.
     */
    get: operations['listDeployCosts'];
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
    /** @description At most 10 million tokens a call (five times the largest context window), so no report can make a sum overflow */
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
       * @description Billed seconds of a time-priced model (at most a day a call)
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
    RepriceRequest: {
      /**
       * Format: date-time
       * @description Start (ISO 8601), inclusive; not before the retention date
       */
      from: string;
      /**
       * Format: date-time
       * @description End (ISO 8601), exclusive
       */
      to: string;
      /** @description Only the events of this model */
      model?: components['schemas']['Name'];
    };
    RepriceResult: {
      /** Format: date-time */
      from: string;
      /** Format: date-time */
      to: string;
      model?: string;
      /** @description Raw events in the range */
      events: number;
      /** @description Events whose cost or price id changed */
      repriced: number;
      /** @description Hourly and daily rollup rows adjusted */
      rollupRows: number;
      /** @description The events' cost before, US dollars × 1,000,000 */
      costBeforeMicros: number;
      costAfterMicros: number;
      /** @description costAfterMicros − costBeforeMicros */
      deltaMicros: number;
      unpricedBefore: number;
      unpricedAfter: number;
    };
    AiAlert: {
      /** Format: uuid */
      id: string;
      /** @description ai_high_latency, ai_high_error_rate, ai_high_cost, ai_cost_spike or ai_deploy_cost */
      rule: string;
      ruleName: string;
      /**
       * @description What the seed's rule says to do
       * @enum {string}
       */
      action: 'scale' | 'fallback' | 'notify';
      /** @enum {string} */
      severity: 'critical' | 'warning';
      /**
       * @description What value and threshold are in (ratio is a fraction, usd US dollars)
       * @enum {string}
       */
      unit: 'ms' | 'ratio' | 'usd';
      scope: {
        /** @enum {string} */
        kind: 'entity' | 'team';
        ref: string;
      };
      /** @description Whose spend it is (told when it fires; reading it needs ibias.aiCosts.read for it) */
      team: string;
      entityRef?: string;
      /** @enum {string} */
      state: 'firing' | 'acknowledged' | 'snoozed' | 'resolved';
      /** @description Open and not snoozed past now */
      active: boolean;
      /** Format: date-time */
      snoozedUntil?: string;
      snoozedBy?: string;
      acknowledgedBy?: string;
      /** Format: date-time */
      acknowledgedAt?: string;
      /** Format: date-time */
      firstSeen: string;
      /**
       * Format: date-time
       * @description The last evaluation that found it breached
       */
      lastSeen: string;
      /**
       * Format: date-time
       * @description When it last fired (opened, or shown again after a snooze)
       */
      firedAt: string;
      /** Format: date-time */
      resolvedAt?: string;
      value: number;
      threshold: number;
      /** @description What the value was judged on (calls, the usual hour, the deploy) */
      detail: {
        [key: string]: string | number | null;
      };
    };
    AlertList: {
      items: components['schemas']['AiAlert'][];
    };
    /** @description Either until or minutes */
    SnoozeRequest: {
      /**
       * Format: date-time
       * @description When it shows again, 5 minutes to 7 days from now
       */
      until?: string;
      /** @description For how long (5 minutes to 7 days) */
      minutes?: number;
    };
    DeploySide: {
      /** Format: date-time */
      from: string;
      /** Format: date-time */
      to: string;
      /** @description AI calls the service reported */
      requests: number;
      costMicros: number;
      /** @description Cost per 1,000 requests, null without requests */
      perThousandMicros: number | null;
    };
    DeployCostList: {
      /** @description False when the deploy history could not be read */
      available: boolean;
      reason?: string;
      items: {
        deploymentId: string;
        version: string;
        /** Format: date-time */
        deployedAt: string;
        rollback: boolean;
        before: components['schemas']['DeploySide'];
        after: components['schemas']['DeploySide'];
        /** @description After ÷ before; null when not judged or before cost nothing */
        ratio: number | null;
        /** @description Whether it raised the cost past the configured ratio */
        raised: boolean;
        /** @description Why it was not judged (too few requests on a side) */
        reason?: string;
      }[];
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
  parameters: {
    AlertId: string;
    /** @description A service's usage key (the deployments plugin starts each service with its own in IBIAS_AI_USAGE_KEY): it reports for that one entity, without a Backstage token. */
    UsageKey: string;
    /** @description Start (ISO 8601), inclusive */
    CostFrom: string;
    /** @description End (ISO 8601), exclusive */
    CostTo: string;
    CostGroupBy: 'team' | 'entity' | 'provider' | 'model';
    CostGranularity: 'day' | 'hour';
    /** @description Only this service */
    CostEntityRef: components['schemas']['EntityRef'];
    /** @description Only this team (a group ref) */
    CostTeam: components['schemas']['EntityRef'];
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  ingestEvents: {
    parameters: {
      query?: never;
      header?: {
        /** @description A service's usage key (the deployments plugin starts each service with its own in IBIAS_AI_USAGE_KEY): it reports for that one entity, without a Backstage token. */
        'x-ibias-usage-key'?: components['parameters']['UsageKey'];
      };
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
      403: components['responses']['Error'];
      413: components['responses']['Error'];
      429: components['responses']['Error'];
      503: components['responses']['Error'];
    };
  };
  ingestOtlpTraces: {
    parameters: {
      query?: never;
      header?: {
        /** @description A service's usage key (the deployments plugin starts each service with its own in IBIAS_AI_USAGE_KEY): it reports for that one entity, without a Backstage token. */
        'x-ibias-usage-key'?: components['parameters']['UsageKey'];
      };
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
        from: components['parameters']['CostFrom'];
        /** @description End (ISO 8601), exclusive */
        to: components['parameters']['CostTo'];
        groupBy?: components['parameters']['CostGroupBy'];
        granularity?: components['parameters']['CostGranularity'];
        /** @description Only this service */
        entityRef?: components['parameters']['CostEntityRef'];
        /** @description Only this team (a group ref) */
        team?: components['parameters']['CostTeam'];
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
  exportCostsCsv: {
    parameters: {
      query: {
        /** @description Start (ISO 8601), inclusive */
        from: components['parameters']['CostFrom'];
        /** @description End (ISO 8601), exclusive */
        to: components['parameters']['CostTo'];
        groupBy?: components['parameters']['CostGroupBy'];
        granularity?: components['parameters']['CostGranularity'];
        /** @description Only this service */
        entityRef?: components['parameters']['CostEntityRef'];
        /** @description Only this team (a group ref) */
        team?: components['parameters']['CostTeam'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The rows as CSV */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/csv': string;
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  exportFocusCsv: {
    parameters: {
      query: {
        /** @description Start (ISO 8601), inclusive; the day holding it counts whole */
        from: string;
        /** @description End (ISO 8601), exclusive; at most 366 days after from */
        to: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The FOCUS dataset */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/csv': string;
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  repriceUsage: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RepriceRequest'];
      };
    };
    responses: {
      /** @description What changed */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RepriceResult'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
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
  listAlerts: {
    parameters: {
      query?: {
        /** @description active (firing, acknowledged, or snoozed past its end), snoozed (until later), open (not resolved), resolved, or all */
        state?: 'active' | 'snoozed' | 'open' | 'resolved' | 'all';
        /** @description Only this service's alerts */
        entityRef?: components['schemas']['EntityRef'];
        /** @description Only this team's alerts (a group ref) */
        team?: components['schemas']['EntityRef'];
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The alerts, open first, the latest to fire first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AlertList'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  acknowledgeAlert: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['AlertId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The alert after */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AiAlert'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
    };
  };
  snoozeAlert: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['AlertId'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SnoozeRequest'];
      };
    };
    responses: {
      /** @description The alert after */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AiAlert'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
    };
  };
  listDeployCosts: {
    parameters: {
      query: {
        entityRef: components['schemas']['EntityRef'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The deploys, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeployCostList'];
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
