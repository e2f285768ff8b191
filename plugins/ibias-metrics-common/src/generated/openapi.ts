// Types of the IBIAS metrics HTTP API, generated from plugins/ibias-metrics-backend/src/schema/openapi.yaml — do not edit; run `node scripts/generate-openapi.mjs`.
export interface paths {
  '/dashboard': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The executive dashboard, as the caller may see it */
    get: operations['getDashboard'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/kpis': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every KPI the caller may see, over the last periods */
    get: operations['listKpis'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/kpis/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One KPI over the last periods, with each period's derivation */
    get: operations['getKpi'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/kpis/{id}/records': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The records behind one period of a KPI (its derivation, exportable) */
    get: operations['getKpiRecords'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/imports': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Import business records (idempotent by record id) */
    post: operations['importRecords'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/imports/csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Import business records of one kind from a CSV file (idempotent by record id)
     * @description The records POST /imports takes, one kind per file: a header row of that kind's field names in ImportBatch (any order; billing is id,customerId,subscriptionId,type,occurredAt,mrrMicros,plan), then one row per record, quoted as RFC 4180 has it. An empty cell leaves an optional field out. A file with any invalid row is refused whole (400 naming each problem's line and column, never a cell's content) and nothing is written.
     */
    post: operations['importRecordsCsv'];
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
    /** Alerts, open ones first */
    get: operations['listAlerts'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/alerts/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One alert with its history */
    get: operations['getAlert'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/alerts/{id}/{action}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Acknowledge, silence (until an expiry) or resolve an alert */
    post: operations['actOnAlert'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/golden-signals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A service's golden signals from Prometheus, per environment and version
     * @description Request rate, error rate, latency quantiles (from the request-duration histogram's buckets) and, where the service exports them, AI latency and success rate, over a range, split by environment and version, with the deployments in that range. Any signed-in user may read them. Without ibias.metrics.prometheus.url the answer is `configured: false` with what to install or configure and, for services the local deploy target runs, `fallback`: the same signals from its traffic router's records (read from ibias-deployments as the caller).
     */
    get: operations['getGoldenSignals'];
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
    /** Whether the plugin and what it depends on answer (no token needed) */
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
    Period: {
      /** @enum {string} */
      kind: 'day' | 'week' | 'month' | 'quarter';
      /** Format: date-time */
      start: string;
      /** Format: date-time */
      end: string;
      /**
       * Format: date-time
       * @description Set when the period is partial (it holds now)
       */
      asOf?: string;
    };
    KpiDefinition: {
      id: string;
      title: string;
      description?: string;
      /** @enum {string} */
      unit: 'currency' | 'percent' | 'count' | 'score' | 'months' | 'ratio';
      /** @enum {string} */
      direction: 'up' | 'down';
      target?: number;
      thresholds?: {
        success: number;
        warning: number;
        error: number;
      };
      freshness: string;
      owner: string;
      financial: boolean;
      source: {
        /** @enum {string} */
        type: 'records' | 'sql' | 'prometheus' | 'derived';
        formula?: string;
        query?: string;
        numerator?: string;
        denominator?: string;
      };
    };
    KpiPoint: {
      period: components['schemas']['Period'];
      /** @description Null is a gap (no data), never zero; `reason` says why */
      value: number | null;
      reason?: string;
      /** @description today, WTD, MTD or QTD */
      partialLabel?: string;
      formula: string;
      inputs: {
        [key: string]: number | null;
      };
    };
    KpiSeries: {
      definition: components['schemas']['KpiDefinition'];
      points: components['schemas']['KpiPoint'][];
      comparison?: components['schemas']['KpiPoint'];
      /** @description Relative change from the comparison */
      change?: number;
      /** @enum {string} */
      status?: 'success' | 'warning' | 'error';
      /** Format: date-time */
      asOf?: string;
      stale: boolean;
    };
    KpiRecords: {
      kpi: string;
      point: components['schemas']['KpiPoint'];
      columns: string[];
      rows: (string | number | null)[][];
      truncated: boolean;
    };
    TrendPoint: {
      /** Format: date-time */
      at: string;
      value: number | null;
    };
    Trend: {
      /** @enum {string} */
      id: 'userGrowth' | 'revenueGrowth' | 'performance' | 'satisfaction';
      title: string;
      unit: string;
      kpi: string;
      points: components['schemas']['TrendPoint'][];
    };
    DeployMarker: {
      /** Format: date-time */
      at: string;
      label: string;
      entityRef?: string;
      deploymentId?: string;
    };
    Recommendation: {
      id: string;
      title: string;
      /** @enum {string} */
      severity: 'critical' | 'warning' | 'info';
      evidence: {
        rule: string;
        summary: string;
        values: {
          [key: string]: number | string | null;
        };
      };
      actions: {
        label: string;
        href: string;
      }[];
    };
    Dashboard: {
      tiles: components['schemas']['KpiSeries'][];
      trends: components['schemas']['Trend'][];
      markers: components['schemas']['DeployMarker'][];
      alerts: components['schemas']['Alert'][];
      recommendations: components['schemas']['Recommendation'][];
      /** @description The records are the generated sample business */
      sample: boolean;
      /** @description Whether the caller may see financial KPIs */
      business: boolean;
      /** Format: date-time */
      generatedAt: string;
    };
    /** @description Micro-dollars */
    Money: number;
    /** Format: date-time */
    Instant: string;
    RecordId: string;
    ImportBatch: {
      billing?: {
        id: components['schemas']['RecordId'];
        customerId: components['schemas']['RecordId'];
        subscriptionId: components['schemas']['RecordId'];
        /** @enum {string} */
        type:
          | 'subscription_started'
          | 'subscription_changed'
          | 'subscription_cancelled';
        occurredAt: components['schemas']['Instant'];
        mrrMicros: number;
        plan?: string;
      }[];
      spend?: {
        id: components['schemas']['RecordId'];
        /** Format: date */
        day: string;
        channel: string;
        amountMicros: number;
      }[];
      surveys?: {
        id: components['schemas']['RecordId'];
        customerId?: components['schemas']['RecordId'];
        respondedAt: components['schemas']['Instant'];
        score: number;
      }[];
      probes?: {
        /** Format: date */
        day: string;
        service: string;
        good: number;
        total: number;
      }[];
    };
    ImportResult: {
      inserted: {
        billing: number;
        spend: number;
        surveys: number;
        probes: number;
      };
      skipped: number;
      customers: number;
    };
    Alert: {
      id: string;
      ruleId: string;
      ruleName: string;
      /** @description An entity ref, or kpi:<id> */
      subject: string;
      /** @enum {string} */
      status: 'pending' | 'firing' | 'acknowledged' | 'silenced' | 'resolved';
      /** @enum {string} */
      severity: 'critical' | 'warning' | 'info';
      owner?: string;
      summary: string;
      lastValue: number;
      pendingSince: components['schemas']['Instant'];
      firedAt?: components['schemas']['Instant'];
      lastBreachAt: components['schemas']['Instant'];
      silencedUntil?: components['schemas']['Instant'];
      resolvedAt?: components['schemas']['Instant'];
      acknowledgedBy?: string;
      evidence: {
        [key: string]: number | string | null;
      };
    };
    AlertHistoryEntry: {
      at: components['schemas']['Instant'];
      from?: string;
      to: string;
      actor?: string;
      detail?: string;
    };
    AlertWithHistory: {
      alert: components['schemas']['Alert'];
      history: components['schemas']['AlertHistoryEntry'][];
    };
    AlertAction: {
      silenceFor?: string;
      comment?: string;
    };
    /** @description An entity ref like component:default/ibias-api, in any letter case */
    EntityRef: string;
    SignalValue: {
      /** @description Null is a gap, never zero; `reason` says why */
      value: number | null;
      /** @enum {string} */
      reason?: 'no traffic' | 'no data';
      /** @description A latency at the largest finite bucket bound: the quantile fell in the +Inf bucket, so the true value is this or more */
      topBucket?: boolean;
    };
    SignalPoint: {
      at: components['schemas']['Instant'];
      value: number | null;
      /** @enum {string} */
      reason?: 'no traffic' | 'no data';
      topBucket?: boolean;
    };
    SignalPoints: components['schemas']['SignalPoint'][];
    AiSignals: {
      requestRate: components['schemas']['SignalPoints'];
      latencyP95: components['schemas']['SignalPoints'];
      successRate: components['schemas']['SignalPoints'];
      largestBucketSeconds: number | null;
      summary: {
        requests: number | null;
        latencyP95: components['schemas']['SignalValue'];
        successRate: components['schemas']['SignalValue'];
      };
    };
    /** @description One version of the service in one environment */
    GoldenSignalSeries: {
      environment: string;
      version: string;
      /** @description Requests per second, probes and scrapes excluded */
      requestRate: components['schemas']['SignalPoints'];
      /** @description Fraction of requests answered 5xx; null with "no traffic" when none came */
      errorRate: components['schemas']['SignalPoints'];
      /** @description Seconds, estimated from the histogram's buckets */
      latency: {
        p50: components['schemas']['SignalPoints'];
        p95: components['schemas']['SignalPoints'];
        p99: components['schemas']['SignalPoints'];
      };
      largestBucketSeconds: number | null;
      /** @description Over the whole range */
      summary: {
        requests: number | null;
        errorRate: components['schemas']['SignalValue'];
        p50: components['schemas']['SignalValue'];
        p95: components['schemas']['SignalValue'];
        p99: components['schemas']['SignalValue'];
      };
      /** @description Null when the service exports no ai_request_duration_seconds */
      ai: components['schemas']['AiSignals'] | null;
    };
    GoldenSignalsMarker: {
      at: components['schemas']['Instant'];
      environment: string;
      version: string;
      status: string;
      deploymentId: string;
      label: string;
    };
    GoldenSignals: {
      /** @enum {boolean} */
      configured: true;
      /**
       * @description Prometheus, or without one the local deploy target's traffic router (exact quantiles of what it forwarded; no AI signals)
       * @enum {string}
       */
      source: 'prometheus' | 'traffic-router';
      /** @description What the figures are, in words, when they are not Prometheus's */
      sourceNote?: string;
      /** @description The entity ref as series are labelled with it (lower case) */
      entityRef: string;
      service: string;
      environment?: string;
      /** @enum {string} */
      range: '15m' | '1h' | '6h' | '24h' | '7d';
      start: components['schemas']['Instant'];
      end: components['schemas']['Instant'];
      stepSeconds: number;
      /** @description Each point's rate is over this many seconds before it */
      windowSeconds: number;
      series: components['schemas']['GoldenSignalSeries'][];
      markers: components['schemas']['GoldenSignalsMarker'][];
      /** @description How each signal is computed (its PromQL, or the router's arithmetic) */
      queries: {
        [key: string]: string;
      };
    };
    GoldenSignalsUnconfigured: {
      /** @enum {boolean} */
      configured: false;
      /** @description What to install or configure for the signals to appear */
      help: string;
      /** @description For services the local deploy target runs: the signals from its traffic router's records, labelled as such */
      fallback?: components['schemas']['GoldenSignals'];
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
    PeriodKind: 'day' | 'week' | 'month' | 'quarter';
    /** @description How many periods, the current (partial) one included */
    Count: number;
    KpiId: string;
    AlertId: string;
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  getDashboard: {
    parameters: {
      query?: {
        period?: components['parameters']['PeriodKind'];
        /** @description How many periods, the current (partial) one included */
        count?: components['parameters']['Count'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description KPI tiles, trends, active alerts and recommendations */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Dashboard'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  listKpis: {
    parameters: {
      query?: {
        period?: components['parameters']['PeriodKind'];
        /** @description How many periods, the current (partial) one included */
        count?: components['parameters']['Count'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The KPIs */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['KpiSeries'][];
            sample: boolean;
            business: boolean;
          };
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  getKpi: {
    parameters: {
      query?: {
        period?: components['parameters']['PeriodKind'];
        /** @description How many periods, the current (partial) one included */
        count?: components['parameters']['Count'];
      };
      header?: never;
      path: {
        id: components['parameters']['KpiId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The KPI */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['KpiSeries'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  getKpiRecords: {
    parameters: {
      query: {
        period?: components['parameters']['PeriodKind'];
        /** @description The period's start, as the KPI's points give it */
        start: string;
      };
      header?: never;
      path: {
        id: components['parameters']['KpiId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The formula, its inputs and the records */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['KpiRecords'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  importRecords: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ImportBatch'];
      };
    };
    responses: {
      /** @description What was written and what was skipped as already known */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ImportResult'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
    };
  };
  importRecordsCsv: {
    parameters: {
      query: {
        /** @description The kind of the file's records */
        kind: 'billing' | 'spend' | 'surveys' | 'probes';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'text/csv': string;
      };
    };
    responses: {
      /** @description What was written and what was skipped as already known */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ImportResult'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      413: components['responses']['Error'];
    };
  };
  listAlerts: {
    parameters: {
      query?: {
        status?:
          | 'open'
          | 'pending'
          | 'firing'
          | 'acknowledged'
          | 'silenced'
          | 'resolved';
        subject?: string;
        /** @description Only alerts on what the caller's groups own */
        mine?: boolean;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The alerts */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Alert'][];
          };
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  getAlert: {
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
      /** @description The alert */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AlertWithHistory'];
        };
      };
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  actOnAlert: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['AlertId'];
        action: 'acknowledge' | 'silence' | 'resolve';
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['AlertAction'];
      };
    };
    responses: {
      /** @description The alert after the action */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Alert'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
    };
  };
  getGoldenSignals: {
    parameters: {
      query: {
        entityRef: components['schemas']['EntityRef'];
        /** @description Only this environment (default every environment) */
        environment?: string;
        /** @description How far back from now */
        range?: '15m' | '1h' | '6h' | '24h' | '7d';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The signals, or why there are none */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | components['schemas']['GoldenSignals']
            | components['schemas']['GoldenSignalsUnconfigured'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      /** @description Prometheus is unreachable, or did not answer in time */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
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
      /** @description Up or degraded */
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
