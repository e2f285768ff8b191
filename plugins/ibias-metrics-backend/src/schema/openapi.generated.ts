// The IBIAS metrics OpenAPI document as a constant, generated from plugins/ibias-metrics-backend/src/schema/openapi.yaml — do not edit; run `node scripts/generate-openapi.mjs`.

import type { operations } from '@internal/plugin-ibias-metrics-common';

export const spec = {
  openapi: '3.1.0',
  info: {
    title: 'IBIAS metrics',
    version: '1.0.0',
    description:
      "Executive KPIs computed from the business's own records, their derivations, alerts with a lifecycle, and imports of business records. Served under /api/ibias-metrics; every request needs a Backstage token. Financial KPIs need the ibias.metrics.business.read permission. This document is the one source of the API contract: the router validates every request against it and the router's and the frontend client's types are generated from it (`node scripts/generate-openapi.mjs`). Not in this document because they are not JSON: GET /metrics (Prometheus text) and POST /webhooks/stripe (raw body, verified by its signature).",
  },
  servers: [
    {
      url: '/',
    },
  ],
  paths: {
    '/dashboard': {
      get: {
        operationId: 'getDashboard',
        summary: 'The executive dashboard, as the caller may see it',
        parameters: [
          {
            $ref: '#/components/parameters/PeriodKind',
          },
          {
            $ref: '#/components/parameters/Count',
          },
        ],
        responses: {
          '200': {
            description: 'KPI tiles, trends, active alerts and recommendations',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Dashboard',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/kpis': {
      get: {
        operationId: 'listKpis',
        summary: 'Every KPI the caller may see, over the last periods',
        parameters: [
          {
            $ref: '#/components/parameters/PeriodKind',
          },
          {
            $ref: '#/components/parameters/Count',
          },
        ],
        responses: {
          '200': {
            description: 'The KPIs',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items', 'sample', 'business'],
                  additionalProperties: false,
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/KpiSeries',
                      },
                    },
                    sample: {
                      type: 'boolean',
                    },
                    business: {
                      type: 'boolean',
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/kpis/{id}': {
      get: {
        operationId: 'getKpi',
        summary: "One KPI over the last periods, with each period's derivation",
        parameters: [
          {
            $ref: '#/components/parameters/KpiId',
          },
          {
            $ref: '#/components/parameters/PeriodKind',
          },
          {
            $ref: '#/components/parameters/Count',
          },
        ],
        responses: {
          '200': {
            description: 'The KPI',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/KpiSeries',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '404': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/kpis/{id}/records': {
      get: {
        operationId: 'getKpiRecords',
        summary:
          'The records behind one period of a KPI (its derivation, exportable)',
        parameters: [
          {
            $ref: '#/components/parameters/KpiId',
          },
          {
            $ref: '#/components/parameters/PeriodKind',
          },
          {
            name: 'start',
            in: 'query',
            required: true,
            allowReserved: true,
            description: "The period's start, as the KPI's points give it",
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The formula, its inputs and the records',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/KpiRecords',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '404': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/imports': {
      post: {
        operationId: 'importRecords',
        summary: 'Import business records (idempotent by record id)',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/ImportBatch',
              },
            },
          },
        },
        responses: {
          '200': {
            description:
              'What was written and what was skipped as already known',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ImportResult',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/imports/csv': {
      post: {
        operationId: 'importRecordsCsv',
        summary:
          'Import business records of one kind from a CSV file (idempotent by record id)',
        description:
          "The records POST /imports takes, one kind per file: a header row of that kind's field names in ImportBatch (any order; billing is id,customerId,subscriptionId,type,occurredAt,mrrMicros,plan), then one row per record, quoted as RFC 4180 has it. An empty cell leaves an optional field out. A file with any invalid row is refused whole (400 naming each problem's line and column, never a cell's content) and nothing is written.",
        parameters: [
          {
            name: 'kind',
            in: 'query',
            required: true,
            description: "The kind of the file's records",
            schema: {
              type: 'string',
              enum: ['billing', 'spend', 'surveys', 'probes'],
            },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'text/csv': {
              schema: {
                type: 'string',
              },
            },
          },
        },
        responses: {
          '200': {
            description:
              'What was written and what was skipped as already known',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ImportResult',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '413': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/alerts': {
      get: {
        operationId: 'listAlerts',
        summary: 'Alerts, open ones first',
        parameters: [
          {
            name: 'status',
            in: 'query',
            schema: {
              type: 'string',
              enum: [
                'open',
                'pending',
                'firing',
                'acknowledged',
                'silenced',
                'resolved',
              ],
            },
          },
          {
            name: 'subject',
            in: 'query',
            allowReserved: true,
            schema: {
              type: 'string',
              maxLength: 255,
            },
          },
          {
            name: 'mine',
            in: 'query',
            description: "Only alerts on what the caller's groups own",
            schema: {
              type: 'boolean',
            },
          },
          {
            name: 'limit',
            in: 'query',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 200,
              default: 50,
            },
          },
        ],
        responses: {
          '200': {
            description: 'The alerts',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['items'],
                  additionalProperties: false,
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        $ref: '#/components/schemas/Alert',
                      },
                    },
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/alerts/{id}': {
      get: {
        operationId: 'getAlert',
        summary: 'One alert with its history',
        parameters: [
          {
            $ref: '#/components/parameters/AlertId',
          },
        ],
        responses: {
          '200': {
            description: 'The alert',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/AlertWithHistory',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '404': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/alerts/{id}/{action}': {
      post: {
        operationId: 'actOnAlert',
        summary: 'Acknowledge, silence (until an expiry) or resolve an alert',
        parameters: [
          {
            $ref: '#/components/parameters/AlertId',
          },
          {
            name: 'action',
            in: 'path',
            required: true,
            schema: {
              type: 'string',
              enum: ['acknowledge', 'silence', 'resolve'],
            },
          },
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/AlertAction',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The alert after the action',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Alert',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '403': {
            $ref: '#/components/responses/Error',
          },
          '404': {
            $ref: '#/components/responses/Error',
          },
          '409': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/golden-signals': {
      get: {
        operationId: 'getGoldenSignals',
        summary:
          "A service's golden signals from Prometheus, per environment and version",
        description:
          "Request rate, error rate, latency quantiles (from the request-duration histogram's buckets) and, where the service exports them, AI latency and success rate, over a range, split by environment and version, with the deployments in that range. Any signed-in user may read them. Without ibias.metrics.prometheus.url the answer is `configured: false` with what to install or configure and, for services the local deploy target runs, `fallback`: the same signals from its traffic router's records (read from ibias-deployments as the caller).",
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            required: true,
            allowReserved: true,
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'environment',
            in: 'query',
            description: 'Only this environment (default every environment)',
            schema: {
              type: 'string',
              pattern: '^[a-z][a-z0-9-]{0,62}$',
              'x-ibias-pattern-message':
                'must be an environment name such as staging',
            },
          },
          {
            name: 'range',
            in: 'query',
            description: 'How far back from now',
            schema: {
              type: 'string',
              enum: ['15m', '1h', '6h', '24h', '7d'],
              default: '1h',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The signals, or why there are none',
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    {
                      $ref: '#/components/schemas/GoldenSignals',
                    },
                    {
                      $ref: '#/components/schemas/GoldenSignalsUnconfigured',
                    },
                  ],
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/Error',
          },
          '401': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            description: 'Prometheus is unreachable, or did not answer in time',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Error',
                },
              },
            },
          },
        },
      },
    },
    '/health': {
      get: {
        operationId: 'getHealth',
        summary:
          'Whether the plugin and what it depends on answer (no token needed)',
        responses: {
          '200': {
            description: 'Up or degraded',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Health',
                },
              },
            },
          },
          '503': {
            description: 'The database does not answer',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Health',
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    parameters: {
      PeriodKind: {
        name: 'period',
        in: 'query',
        schema: {
          type: 'string',
          enum: ['day', 'week', 'month', 'quarter'],
          default: 'month',
        },
      },
      Count: {
        name: 'count',
        in: 'query',
        description: 'How many periods, the current (partial) one included',
        schema: {
          type: 'integer',
          minimum: 1,
          maximum: 60,
          default: 12,
        },
      },
      KpiId: {
        name: 'id',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          pattern: '^[a-z][a-z0-9_]{0,62}$',
          'x-ibias-pattern-message':
            'must be a KPI id such as mrr or customer_churn',
        },
      },
      AlertId: {
        name: 'id',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          format: 'uuid',
        },
      },
    },
    responses: {
      Error: {
        description: 'What went wrong, in words',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['name', 'message'],
            properties: {
              name: {
                type: 'string',
              },
              message: {
                type: 'string',
              },
            },
          },
        },
      },
      Period: {
        type: 'object',
        required: ['kind', 'start', 'end'],
        additionalProperties: false,
        properties: {
          kind: {
            type: 'string',
            enum: ['day', 'week', 'month', 'quarter'],
          },
          start: {
            type: 'string',
            format: 'date-time',
          },
          end: {
            type: 'string',
            format: 'date-time',
          },
          asOf: {
            type: 'string',
            format: 'date-time',
            description: 'Set when the period is partial (it holds now)',
          },
        },
      },
      KpiDefinition: {
        type: 'object',
        required: [
          'id',
          'title',
          'unit',
          'direction',
          'freshness',
          'owner',
          'source',
          'financial',
        ],
        additionalProperties: false,
        properties: {
          id: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
          unit: {
            type: 'string',
            enum: ['currency', 'percent', 'count', 'score', 'months', 'ratio'],
          },
          direction: {
            type: 'string',
            enum: ['up', 'down'],
          },
          target: {
            type: 'number',
          },
          thresholds: {
            type: 'object',
            required: ['success', 'warning', 'error'],
            additionalProperties: false,
            properties: {
              success: {
                type: 'number',
              },
              warning: {
                type: 'number',
              },
              error: {
                type: 'number',
              },
            },
          },
          freshness: {
            type: 'string',
          },
          owner: {
            type: 'string',
          },
          financial: {
            type: 'boolean',
          },
          source: {
            type: 'object',
            required: ['type'],
            properties: {
              type: {
                type: 'string',
                enum: ['records', 'sql', 'prometheus', 'derived'],
              },
              formula: {
                type: 'string',
              },
              query: {
                type: 'string',
              },
              numerator: {
                type: 'string',
              },
              denominator: {
                type: 'string',
              },
            },
          },
        },
      },
      KpiPoint: {
        type: 'object',
        required: ['period', 'value', 'formula', 'inputs'],
        additionalProperties: false,
        properties: {
          period: {
            $ref: '#/components/schemas/Period',
          },
          value: {
            type: ['number', 'null'],
            description:
              'Null is a gap (no data), never zero; `reason` says why',
          },
          reason: {
            type: 'string',
          },
          partialLabel: {
            type: 'string',
            description: 'today, WTD, MTD or QTD',
          },
          formula: {
            type: 'string',
          },
          inputs: {
            type: 'object',
            additionalProperties: {
              type: ['number', 'null'],
            },
          },
        },
      },
      KpiSeries: {
        type: 'object',
        required: ['definition', 'points', 'stale'],
        additionalProperties: false,
        properties: {
          definition: {
            $ref: '#/components/schemas/KpiDefinition',
          },
          points: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/KpiPoint',
            },
          },
          comparison: {
            $ref: '#/components/schemas/KpiPoint',
          },
          change: {
            type: 'number',
            description: 'Relative change from the comparison',
          },
          status: {
            type: 'string',
            enum: ['success', 'warning', 'error'],
          },
          asOf: {
            type: 'string',
            format: 'date-time',
          },
          stale: {
            type: 'boolean',
          },
        },
      },
      KpiRecords: {
        type: 'object',
        required: ['kpi', 'point', 'columns', 'rows', 'truncated'],
        additionalProperties: false,
        properties: {
          kpi: {
            type: 'string',
          },
          point: {
            $ref: '#/components/schemas/KpiPoint',
          },
          columns: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          rows: {
            type: 'array',
            items: {
              type: 'array',
              items: {
                type: ['string', 'number', 'null'],
              },
            },
          },
          truncated: {
            type: 'boolean',
          },
        },
      },
      TrendPoint: {
        type: 'object',
        required: ['at', 'value'],
        additionalProperties: false,
        properties: {
          at: {
            type: 'string',
            format: 'date-time',
          },
          value: {
            type: ['number', 'null'],
          },
        },
      },
      Trend: {
        type: 'object',
        required: ['id', 'title', 'unit', 'kpi', 'points'],
        additionalProperties: false,
        properties: {
          id: {
            type: 'string',
            enum: [
              'userGrowth',
              'revenueGrowth',
              'performance',
              'satisfaction',
            ],
          },
          title: {
            type: 'string',
          },
          unit: {
            type: 'string',
          },
          kpi: {
            type: 'string',
          },
          points: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/TrendPoint',
            },
          },
        },
      },
      DeployMarker: {
        type: 'object',
        required: ['at', 'label'],
        additionalProperties: false,
        properties: {
          at: {
            type: 'string',
            format: 'date-time',
          },
          label: {
            type: 'string',
          },
          entityRef: {
            type: 'string',
          },
          deploymentId: {
            type: 'string',
          },
        },
      },
      Recommendation: {
        type: 'object',
        required: ['id', 'title', 'severity', 'evidence', 'actions'],
        additionalProperties: false,
        properties: {
          id: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          severity: {
            type: 'string',
            enum: ['critical', 'warning', 'info'],
          },
          evidence: {
            type: 'object',
            required: ['rule', 'summary', 'values'],
            additionalProperties: false,
            properties: {
              rule: {
                type: 'string',
              },
              summary: {
                type: 'string',
              },
              values: {
                type: 'object',
                additionalProperties: {
                  type: ['number', 'string', 'null'],
                },
              },
            },
          },
          actions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['label', 'href'],
              additionalProperties: false,
              properties: {
                label: {
                  type: 'string',
                },
                href: {
                  type: 'string',
                },
              },
            },
          },
        },
      },
      Dashboard: {
        type: 'object',
        required: [
          'tiles',
          'trends',
          'markers',
          'alerts',
          'recommendations',
          'sample',
          'business',
          'generatedAt',
        ],
        additionalProperties: false,
        properties: {
          tiles: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/KpiSeries',
            },
          },
          trends: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Trend',
            },
          },
          markers: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/DeployMarker',
            },
          },
          alerts: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Alert',
            },
          },
          recommendations: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Recommendation',
            },
          },
          sample: {
            type: 'boolean',
            description: 'The records are the generated sample business',
          },
          business: {
            type: 'boolean',
            description: 'Whether the caller may see financial KPIs',
          },
          generatedAt: {
            type: 'string',
            format: 'date-time',
          },
        },
      },
      Money: {
        type: 'integer',
        minimum: -1000000000000000,
        maximum: 1000000000000000,
        description: 'Micro-dollars',
      },
      Instant: {
        type: 'string',
        format: 'date-time',
      },
      RecordId: {
        type: 'string',
        minLength: 1,
        maxLength: 255,
        pattern: '^[A-Za-z0-9_.:-]+$',
        'x-ibias-pattern-message':
          'must be an id of letters, digits and _ . : -',
      },
      ImportBatch: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          billing: {
            type: 'array',
            maxItems: 10000,
            items: {
              type: 'object',
              required: [
                'id',
                'customerId',
                'subscriptionId',
                'type',
                'occurredAt',
                'mrrMicros',
              ],
              additionalProperties: false,
              properties: {
                id: {
                  $ref: '#/components/schemas/RecordId',
                },
                customerId: {
                  $ref: '#/components/schemas/RecordId',
                },
                subscriptionId: {
                  $ref: '#/components/schemas/RecordId',
                },
                type: {
                  type: 'string',
                  enum: [
                    'subscription_started',
                    'subscription_changed',
                    'subscription_cancelled',
                  ],
                },
                occurredAt: {
                  $ref: '#/components/schemas/Instant',
                },
                mrrMicros: {
                  type: 'integer',
                  minimum: 0,
                  maximum: 1000000000000,
                },
                plan: {
                  type: 'string',
                  maxLength: 64,
                },
              },
            },
          },
          spend: {
            type: 'array',
            maxItems: 10000,
            items: {
              type: 'object',
              required: ['id', 'day', 'channel', 'amountMicros'],
              additionalProperties: false,
              properties: {
                id: {
                  $ref: '#/components/schemas/RecordId',
                },
                day: {
                  type: 'string',
                  format: 'date',
                },
                channel: {
                  type: 'string',
                  minLength: 1,
                  maxLength: 64,
                },
                amountMicros: {
                  type: 'integer',
                  minimum: 0,
                  maximum: 1000000000000000,
                },
              },
            },
          },
          surveys: {
            type: 'array',
            maxItems: 10000,
            items: {
              type: 'object',
              required: ['id', 'respondedAt', 'score'],
              additionalProperties: false,
              properties: {
                id: {
                  $ref: '#/components/schemas/RecordId',
                },
                customerId: {
                  $ref: '#/components/schemas/RecordId',
                },
                respondedAt: {
                  $ref: '#/components/schemas/Instant',
                },
                score: {
                  type: 'integer',
                  minimum: 0,
                  maximum: 10,
                },
              },
            },
          },
          probes: {
            type: 'array',
            maxItems: 10000,
            items: {
              type: 'object',
              required: ['day', 'service', 'good', 'total'],
              additionalProperties: false,
              properties: {
                day: {
                  type: 'string',
                  format: 'date',
                },
                service: {
                  type: 'string',
                  minLength: 1,
                  maxLength: 255,
                },
                good: {
                  type: 'integer',
                  minimum: 0,
                },
                total: {
                  type: 'integer',
                  minimum: 0,
                },
              },
            },
          },
        },
      },
      ImportResult: {
        type: 'object',
        required: ['inserted', 'skipped', 'customers'],
        additionalProperties: false,
        properties: {
          inserted: {
            type: 'object',
            required: ['billing', 'spend', 'surveys', 'probes'],
            additionalProperties: false,
            properties: {
              billing: {
                type: 'integer',
              },
              spend: {
                type: 'integer',
              },
              surveys: {
                type: 'integer',
              },
              probes: {
                type: 'integer',
              },
            },
          },
          skipped: {
            type: 'integer',
          },
          customers: {
            type: 'integer',
          },
        },
      },
      Alert: {
        type: 'object',
        required: [
          'id',
          'ruleId',
          'ruleName',
          'subject',
          'status',
          'severity',
          'summary',
          'lastValue',
          'pendingSince',
          'lastBreachAt',
          'evidence',
        ],
        additionalProperties: false,
        properties: {
          id: {
            type: 'string',
          },
          ruleId: {
            type: 'string',
          },
          ruleName: {
            type: 'string',
          },
          subject: {
            type: 'string',
            description: 'An entity ref, or kpi:<id>',
          },
          status: {
            type: 'string',
            enum: ['pending', 'firing', 'acknowledged', 'silenced', 'resolved'],
          },
          severity: {
            type: 'string',
            enum: ['critical', 'warning', 'info'],
          },
          owner: {
            type: 'string',
          },
          summary: {
            type: 'string',
          },
          lastValue: {
            type: 'number',
          },
          pendingSince: {
            $ref: '#/components/schemas/Instant',
          },
          firedAt: {
            $ref: '#/components/schemas/Instant',
          },
          lastBreachAt: {
            $ref: '#/components/schemas/Instant',
          },
          silencedUntil: {
            $ref: '#/components/schemas/Instant',
          },
          resolvedAt: {
            $ref: '#/components/schemas/Instant',
          },
          acknowledgedBy: {
            type: 'string',
          },
          evidence: {
            type: 'object',
            additionalProperties: {
              type: ['number', 'string', 'null'],
            },
          },
        },
      },
      AlertHistoryEntry: {
        type: 'object',
        required: ['at', 'to'],
        additionalProperties: false,
        properties: {
          at: {
            $ref: '#/components/schemas/Instant',
          },
          from: {
            type: 'string',
          },
          to: {
            type: 'string',
          },
          actor: {
            type: 'string',
          },
          detail: {
            type: 'string',
          },
        },
      },
      AlertWithHistory: {
        type: 'object',
        required: ['alert', 'history'],
        additionalProperties: false,
        properties: {
          alert: {
            $ref: '#/components/schemas/Alert',
          },
          history: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/AlertHistoryEntry',
            },
          },
        },
      },
      AlertAction: {
        type: 'object',
        additionalProperties: false,
        properties: {
          silenceFor: {
            type: 'string',
            pattern: '^[1-9][0-9]{0,3}(m|h|d)$',
            'x-ibias-pattern-message':
              'must be a duration such as 30m, 4h or 2d',
          },
          comment: {
            type: 'string',
            maxLength: 500,
          },
        },
      },
      EntityRef: {
        type: 'string',
        description:
          'An entity ref like component:default/ibias-api, in any letter case',
        pattern: '^[A-Za-z0-9-]+:[A-Za-z0-9-]+/[A-Za-z0-9][A-Za-z0-9._-]*$',
        'x-ibias-pattern-message':
          'must be an entity ref such as component:default/ibias-api',
      },
      SignalValue: {
        type: 'object',
        required: ['value'],
        additionalProperties: false,
        properties: {
          value: {
            type: ['number', 'null'],
            description: 'Null is a gap, never zero; `reason` says why',
          },
          reason: {
            type: 'string',
            enum: ['no traffic', 'no data'],
          },
          topBucket: {
            type: 'boolean',
            description:
              'A latency at the largest finite bucket bound: the quantile fell in the +Inf bucket, so the true value is this or more',
          },
        },
      },
      SignalPoint: {
        type: 'object',
        required: ['at', 'value'],
        additionalProperties: false,
        properties: {
          at: {
            $ref: '#/components/schemas/Instant',
          },
          value: {
            type: ['number', 'null'],
          },
          reason: {
            type: 'string',
            enum: ['no traffic', 'no data'],
          },
          topBucket: {
            type: 'boolean',
          },
        },
      },
      SignalPoints: {
        type: 'array',
        items: {
          $ref: '#/components/schemas/SignalPoint',
        },
      },
      AiSignals: {
        type: 'object',
        required: [
          'requestRate',
          'latencyP95',
          'successRate',
          'largestBucketSeconds',
          'summary',
        ],
        additionalProperties: false,
        properties: {
          requestRate: {
            $ref: '#/components/schemas/SignalPoints',
          },
          latencyP95: {
            $ref: '#/components/schemas/SignalPoints',
          },
          successRate: {
            $ref: '#/components/schemas/SignalPoints',
          },
          largestBucketSeconds: {
            type: ['number', 'null'],
          },
          summary: {
            type: 'object',
            required: ['requests', 'latencyP95', 'successRate'],
            additionalProperties: false,
            properties: {
              requests: {
                type: ['integer', 'null'],
              },
              latencyP95: {
                $ref: '#/components/schemas/SignalValue',
              },
              successRate: {
                $ref: '#/components/schemas/SignalValue',
              },
            },
          },
        },
      },
      GoldenSignalSeries: {
        type: 'object',
        description: 'One version of the service in one environment',
        required: [
          'environment',
          'version',
          'requestRate',
          'errorRate',
          'latency',
          'largestBucketSeconds',
          'summary',
          'ai',
        ],
        additionalProperties: false,
        properties: {
          environment: {
            type: 'string',
          },
          version: {
            type: 'string',
          },
          requestRate: {
            allOf: [
              {
                $ref: '#/components/schemas/SignalPoints',
              },
            ],
            description: 'Requests per second, probes and scrapes excluded',
          },
          errorRate: {
            allOf: [
              {
                $ref: '#/components/schemas/SignalPoints',
              },
            ],
            description:
              'Fraction of requests answered 5xx; null with "no traffic" when none came',
          },
          latency: {
            type: 'object',
            description: "Seconds, estimated from the histogram's buckets",
            required: ['p50', 'p95', 'p99'],
            additionalProperties: false,
            properties: {
              p50: {
                $ref: '#/components/schemas/SignalPoints',
              },
              p95: {
                $ref: '#/components/schemas/SignalPoints',
              },
              p99: {
                $ref: '#/components/schemas/SignalPoints',
              },
            },
          },
          largestBucketSeconds: {
            type: ['number', 'null'],
          },
          summary: {
            type: 'object',
            description: 'Over the whole range',
            required: ['requests', 'errorRate', 'p50', 'p95', 'p99'],
            additionalProperties: false,
            properties: {
              requests: {
                type: ['integer', 'null'],
              },
              errorRate: {
                $ref: '#/components/schemas/SignalValue',
              },
              p50: {
                $ref: '#/components/schemas/SignalValue',
              },
              p95: {
                $ref: '#/components/schemas/SignalValue',
              },
              p99: {
                $ref: '#/components/schemas/SignalValue',
              },
            },
          },
          ai: {
            description:
              'Null when the service exports no ai_request_duration_seconds',
            oneOf: [
              {
                $ref: '#/components/schemas/AiSignals',
              },
              {
                type: 'null',
              },
            ],
          },
        },
      },
      GoldenSignalsMarker: {
        type: 'object',
        required: [
          'at',
          'environment',
          'version',
          'status',
          'deploymentId',
          'label',
        ],
        additionalProperties: false,
        properties: {
          at: {
            $ref: '#/components/schemas/Instant',
          },
          environment: {
            type: 'string',
          },
          version: {
            type: 'string',
          },
          status: {
            type: 'string',
          },
          deploymentId: {
            type: 'string',
          },
          label: {
            type: 'string',
          },
        },
      },
      GoldenSignals: {
        type: 'object',
        required: [
          'configured',
          'source',
          'entityRef',
          'service',
          'range',
          'start',
          'end',
          'stepSeconds',
          'windowSeconds',
          'series',
          'markers',
          'queries',
        ],
        additionalProperties: false,
        properties: {
          configured: {
            type: 'boolean',
            enum: [true],
          },
          source: {
            type: 'string',
            enum: ['prometheus', 'traffic-router'],
            description:
              "Prometheus, or without one the local deploy target's traffic router (exact quantiles of what it forwarded; no AI signals)",
          },
          sourceNote: {
            type: 'string',
            description:
              "What the figures are, in words, when they are not Prometheus's",
          },
          entityRef: {
            type: 'string',
            description:
              'The entity ref as series are labelled with it (lower case)',
          },
          service: {
            type: 'string',
          },
          environment: {
            type: 'string',
          },
          range: {
            type: 'string',
            enum: ['15m', '1h', '6h', '24h', '7d'],
          },
          start: {
            $ref: '#/components/schemas/Instant',
          },
          end: {
            $ref: '#/components/schemas/Instant',
          },
          stepSeconds: {
            type: 'integer',
          },
          windowSeconds: {
            type: 'integer',
            description:
              "Each point's rate is over this many seconds before it",
          },
          series: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/GoldenSignalSeries',
            },
          },
          markers: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/GoldenSignalsMarker',
            },
          },
          queries: {
            type: 'object',
            description:
              "How each signal is computed (its PromQL, or the router's arithmetic)",
            additionalProperties: {
              type: 'string',
            },
          },
        },
      },
      GoldenSignalsUnconfigured: {
        type: 'object',
        required: ['configured', 'help'],
        additionalProperties: false,
        properties: {
          configured: {
            type: 'boolean',
            enum: [false],
          },
          help: {
            type: 'string',
            description:
              'What to install or configure for the signals to appear',
          },
          fallback: {
            allOf: [
              {
                $ref: '#/components/schemas/GoldenSignals',
              },
            ],
            description:
              "For services the local deploy target runs: the signals from its traffic router's records, labelled as such",
          },
        },
      },
      Health: {
        type: 'object',
        required: ['status', 'checks'],
        additionalProperties: false,
        properties: {
          status: {
            type: 'string',
            enum: ['up', 'degraded', 'down'],
          },
          checks: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              required: ['status'],
              additionalProperties: false,
              properties: {
                status: {
                  type: 'string',
                  enum: ['up', 'degraded', 'down'],
                },
                detail: {
                  type: 'string',
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

type JsonContent<T> = T extends { content: { 'application/json': infer B } }
  ? B
  : never;
/** A success answer's body: its JSON, or a text document (CSV) as a string. */
type Answer<T> = T extends { content: { 'text/csv': infer B } }
  ? B
  : JsonContent<T>;
type Success<R> = Answer<R[Extract<keyof R, 200 | 201 | 202 | 204>]>;

/** One operation as the typed router sees it: path, query, body and success answer. */
type Endpoint<Op> = Op extends {
  parameters: infer Params;
  responses: infer Responses;
}
  ? {
      path: Params extends { path: infer P } ? NonNullable<P> : never;
      query: Params extends { query?: infer Q } ? NonNullable<Q> : never;
      body: Op extends { requestBody?: infer B }
        ? JsonContent<NonNullable<B>>
        : never;
      response: Success<Responses>;
    }
  : never;

/** Every operation, keyed the way createValidatedOpenApiRouterFromGeneratedEndpointMap expects. */
export type EndpointMap = {
  '#get|/dashboard': Endpoint<operations['getDashboard']>;
  '#get|/kpis': Endpoint<operations['listKpis']>;
  '#get|/kpis/{id}': Endpoint<operations['getKpi']>;
  '#get|/kpis/{id}/records': Endpoint<operations['getKpiRecords']>;
  '#post|/imports': Endpoint<operations['importRecords']>;
  '#post|/imports/csv': Endpoint<operations['importRecordsCsv']>;
  '#get|/alerts': Endpoint<operations['listAlerts']>;
  '#get|/alerts/{id}': Endpoint<operations['getAlert']>;
  '#post|/alerts/{id}/{action}': Endpoint<operations['actOnAlert']>;
  '#get|/golden-signals': Endpoint<operations['getGoldenSignals']>;
  '#get|/health': Endpoint<operations['getHealth']>;
};
