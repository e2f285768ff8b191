// The IBIAS AI costs OpenAPI document as a constant, generated from plugins/ibias-ai-costs-backend/src/schema/openapi.yaml — do not edit; run `node scripts/generate-openapi.mjs`.

import type { operations } from '@internal/plugin-ibias-ai-costs-common';

export const spec = {
  openapi: '3.1.0',
  info: {
    title: 'IBIAS AI costs',
    version: '1.0.0',
    description:
      "AI usage reported by services (or by people) and what it cost, attributed to the catalog's services and their owners, priced per token or per second of hardware, with budgets and their forecasts. Served under /api/ibias-ai-costs; every request needs a Backstage token (a user's, or a service's through external access), or, to report usage, a service's usage key. Reading a team's spend needs ibias.aiCosts.read for that team. This document is the one source of the API contract: the router validates every request against it and the router's and the frontend client's types are generated from it (`node scripts/generate-openapi.mjs`).",
  },
  servers: [
    {
      url: '/',
    },
  ],
  paths: {
    '/events': {
      post: {
        operationId: 'ingestEvents',
        summary:
          'Report AI calls (usage only; prompt and completion text are refused)',
        description:
          "Up to 1,000 events a batch, taken whole or not at all. Each is priced with the price in force at its timestamp and attributed to its entity's owner; an event whose id was seen before changes nothing, so a replayed batch is harmless. Events may be up to 7 days late. Callers are rate limited (429 with Retry-After). A person reports only for services a group of theirs owns; a service started by the deployments plugin reports for itself with its usage key (403 for any other entity).",
        parameters: [
          {
            $ref: '#/components/parameters/UsageKey',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/UsageBatch',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'What was recorded and what had been recorded before',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IngestResult',
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
          '429': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/otlp/v1/traces': {
      post: {
        operationId: 'ingestOtlpTraces',
        summary: 'OpenTelemetry GenAI spans (OTLP/HTTP JSON) as usage events',
        description:
          'For services instrumented with OpenTelemetry: point the traces exporter here (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=<portal>/api/ibias-ai-costs/otlp/v1/traces, OTEL_EXPORTER_OTLP_PROTOCOL=http/json, the token in OTEL_EXPORTER_OTLP_HEADERS). Each span with GenAI attributes is one call, priced and recorded like POST /events; other spans are ignored; a span that cannot be taken is counted in partialSuccess with the reason. Prompt and completion attributes are never read.',
        parameters: [
          {
            $ref: '#/components/parameters/UsageKey',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/OtlpTraceExport',
              },
            },
          },
        },
        responses: {
          '200': {
            description: "What was taken (OTLP's ExportTraceServiceResponse)",
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OtlpExportResponse',
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
          '415': {
            $ref: '#/components/responses/Error',
          },
          '429': {
            $ref: '#/components/responses/Error',
          },
          '503': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/costs': {
      get: {
        operationId: 'getCosts',
        summary:
          'Spend over a range, grouped, from the rollups, as the caller may see it',
        description:
          'Cost, calls, tokens and seconds per group (team, service, provider or model) and per day or hour, read from the rollups (never the raw events). Only the teams the caller may read (ibias.aiCosts.read) are in it; `hidden` counts what was left out. Unpriced calls are counted apart: they are never $0.',
        parameters: [
          {
            $ref: '#/components/parameters/CostFrom',
          },
          {
            $ref: '#/components/parameters/CostTo',
          },
          {
            $ref: '#/components/parameters/CostGroupBy',
          },
          {
            $ref: '#/components/parameters/CostGranularity',
          },
          {
            $ref: '#/components/parameters/CostEntityRef',
          },
          {
            $ref: '#/components/parameters/CostTeam',
          },
        ],
        responses: {
          '200': {
            description: 'The spend, grouped',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CostReport',
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
    '/costs/export.csv': {
      get: {
        operationId: 'exportCostsCsv',
        summary: 'The spend GET /costs shows, as CSV',
        description:
          "The rows of GET /costs for the same query (the same rollups, the same teams the caller may read, the same limits), one line per day or hour and group, with a header line; RFC 4180 quoting, and text a spreadsheet would run as a formula (starting with = + - @) prefixed with '. Costs are US dollars with six decimals (exact micro-dollars). The X-Ibias-Hidden-Teams header counts the teams left out.",
        parameters: [
          {
            $ref: '#/components/parameters/CostFrom',
          },
          {
            $ref: '#/components/parameters/CostTo',
          },
          {
            $ref: '#/components/parameters/CostGroupBy',
          },
          {
            $ref: '#/components/parameters/CostGranularity',
          },
          {
            $ref: '#/components/parameters/CostEntityRef',
          },
          {
            $ref: '#/components/parameters/CostTeam',
          },
        ],
        responses: {
          '200': {
            description: 'The rows as CSV',
            content: {
              'text/csv': {
                schema: {
                  type: 'string',
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
    '/export/focus.csv': {
      get: {
        operationId: 'exportFocusCsv',
        summary:
          'Spend as a FinOps FOCUS 1.x cost and usage dataset (CSV), for finance tools',
        description:
          "One line per daily rollup line (day, team, service, provider and model) in [from, to), at most 366 days, of the teams the caller may read (ibias.aiCosts.read): BilledCost and EffectiveCost in USD, ChargePeriodStart and ChargePeriodEnd, ProviderName, ServiceName (the model), ResourceId (the service's entity ref), SubAccountId (the team), ConsumedQuantity in Tokens (input and output) or Seconds, Tags as JSON, and the calls in x_ columns. Unpriced calls add nothing to the cost and are counted in x_UnpricedCalls. Streamed, in day order.",
        parameters: [
          {
            name: 'from',
            in: 'query',
            required: true,
            allowReserved: true,
            description:
              'Start (ISO 8601), inclusive; the day holding it counts whole',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
          {
            name: 'to',
            in: 'query',
            required: true,
            allowReserved: true,
            description:
              'End (ISO 8601), exclusive; at most 366 days after from',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The FOCUS dataset',
            content: {
              'text/csv': {
                schema: {
                  type: 'string',
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
    '/reprice': {
      post: {
        operationId: 'repriceUsage',
        summary:
          'Re-price recorded usage in a range with the current price books',
        description:
          "Prices every raw event in [from, to) (of one model, if given) again with the price in force at its timestamp in the current price books, records the new cost and price id of those that changed and adjusts their hourly and daily rollups, in one transaction; audited. Events are kept for ibias.aiCosts.retentionDays: a range starting before that is refused (400, naming the date), as its events are gone; so is a range longer than 31 days (one transaction a request: split it). Needs ibias.aiCosts.reprice (the readers of every team's spend by default).",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/RepriceRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'What changed',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/RepriceResult',
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
    '/budgets': {
      get: {
        operationId: 'listBudgets',
        summary:
          "Budgets as the caller may see them, with this period's spend and forecast",
        description:
          "Each budget (ibias.aiCosts.budgets) with its period's spend from the daily rollups, the thresholds reached and, for a month, the month-end forecast (EWMA of the daily cost, weekday factors after 14 days, none before day 3) and whether it passes the budget. A team's budget needs ibias.aiCosts.read for the team; a service's, for its owner; a provider's or a model's, for every team.",
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            description: "Only this service's budgets",
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'team',
            in: 'query',
            allowReserved: true,
            description: "Only this team's budgets",
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The budgets',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/BudgetList',
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
    '/alerts': {
      get: {
        operationId: 'listAlerts',
        summary: 'AI cost alerts of the teams the caller may read',
        description:
          "Alerts of the seed's rules (p95 latency over 10 s → scale, error rate over 5 % → fall back, cost over $1,000 a window → notify), the hourly spike against the same hour of the trailing 7 days, and deploys that raised the cost per 1,000 requests. Only the alerts of teams the caller may read (ibias.aiCosts.read) are listed. `active` (the default) leaves out alerts snoozed until later.",
        parameters: [
          {
            name: 'state',
            in: 'query',
            description:
              'active (firing, acknowledged, or snoozed past its end), snoozed (until later), open (not resolved), resolved, or all',
            schema: {
              type: 'string',
              enum: ['active', 'snoozed', 'open', 'resolved', 'all'],
              default: 'active',
            },
          },
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            description: "Only this service's alerts",
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'team',
            in: 'query',
            allowReserved: true,
            description: "Only this team's alerts (a group ref)",
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'limit',
            in: 'query',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 500,
              default: 100,
            },
          },
        ],
        responses: {
          '200': {
            description: 'The alerts, open first, the latest to fire first',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/AlertList',
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
    '/alerts/{id}/acknowledge': {
      post: {
        operationId: 'acknowledgeAlert',
        summary: 'Acknowledge an alert (someone is on it)',
        description:
          "A firing or snoozed alert becomes acknowledged (and shown). Needs ibias.aiCosts.read for the alert's team (an alert of another team is a 404) and ibias.aiCosts.alerts.update. Audited.",
        parameters: [
          {
            $ref: '#/components/parameters/AlertId',
          },
        ],
        responses: {
          '200': {
            description: 'The alert after',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/AiAlert',
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
    '/alerts/{id}/snooze': {
      post: {
        operationId: 'snoozeAlert',
        summary: 'Snooze an alert until a time (5 minutes to 7 days)',
        description:
          "An open alert is hidden from the active list until `until`, or for `minutes`. When the snooze ends and the condition still holds, it fires again (the team is told again); when the condition clears meanwhile, it resolves. Needs ibias.aiCosts.read for the alert's team (an alert of another team is a 404) and ibias.aiCosts.alerts.update. Audited.",
        parameters: [
          {
            $ref: '#/components/parameters/AlertId',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/SnoozeRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The alert after',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/AiAlert',
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
    '/deploy-costs': {
      get: {
        operationId: 'listDeployCosts',
        summary:
          "A service's cost per 1,000 requests before and after each deploy",
        description:
          "Each succeeded deploy of the last 30 days (from ibias-deployments) with the service's AI calls and cost per 1,000 requests in the hours before it and after it (its own hour left out, each side stopping at the neighbouring deploy), and whether it raised the cost past ibias.aiCosts.alerts.deployCostRatio. Only the spend of teams the caller may read is counted.",
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
        ],
        responses: {
          '200': {
            description: 'The deploys, newest first',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/DeployCostList',
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
    '/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Whether the plugin and its database answer (no token needed)',
        responses: {
          '200': {
            description: 'Up',
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
      AlertId: {
        name: 'id',
        in: 'path',
        required: true,
        schema: {
          type: 'string',
          format: 'uuid',
        },
      },
      UsageKey: {
        name: 'x-ibias-usage-key',
        in: 'header',
        required: false,
        description:
          "A service's usage key (the deployments plugin starts each service with its own in IBIAS_AI_USAGE_KEY): it reports for that one entity, without a Backstage token.",
        schema: {
          type: 'string',
          maxLength: 1024,
        },
      },
      CostFrom: {
        name: 'from',
        in: 'query',
        required: true,
        allowReserved: true,
        description: 'Start (ISO 8601), inclusive',
        schema: {
          type: 'string',
          format: 'date-time',
        },
      },
      CostTo: {
        name: 'to',
        in: 'query',
        required: true,
        allowReserved: true,
        description: 'End (ISO 8601), exclusive',
        schema: {
          type: 'string',
          format: 'date-time',
        },
      },
      CostGroupBy: {
        name: 'groupBy',
        in: 'query',
        schema: {
          type: 'string',
          enum: ['team', 'entity', 'provider', 'model'],
          default: 'team',
        },
      },
      CostGranularity: {
        name: 'granularity',
        in: 'query',
        schema: {
          type: 'string',
          enum: ['day', 'hour'],
          default: 'day',
        },
      },
      CostEntityRef: {
        name: 'entityRef',
        in: 'query',
        allowReserved: true,
        description: 'Only this service',
        schema: {
          $ref: '#/components/schemas/EntityRef',
        },
      },
      CostTeam: {
        name: 'team',
        in: 'query',
        allowReserved: true,
        description: 'Only this team (a group ref)',
        schema: {
          $ref: '#/components/schemas/EntityRef',
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
      EntityRef: {
        type: 'string',
        maxLength: 255,
        pattern: '^[a-zA-Z][a-zA-Z0-9-]*:[a-zA-Z0-9-_.]+/[a-zA-Z0-9-_.]+$',
        'x-ibias-pattern-message':
          'must be a full entity ref such as component:default/ai-recommendations',
      },
      Name: {
        type: 'string',
        minLength: 1,
        maxLength: 128,
        pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$',
        'x-ibias-pattern-message':
          'must be letters, digits and . _ : / @ + - (starting with a letter or digit)',
      },
      Count: {
        type: 'integer',
        minimum: 0,
        maximum: 10000000,
        description:
          'At most 10 million tokens a call (five times the largest context window), so no report can make a sum overflow',
      },
      UsageBatch: {
        type: 'object',
        required: ['events'],
        additionalProperties: false,
        properties: {
          events: {
            type: 'array',
            minItems: 1,
            maxItems: 1000,
            items: {
              $ref: '#/components/schemas/UsageEvent',
            },
          },
        },
      },
      UsageEvent: {
        type: 'object',
        description:
          'One AI call: token counts for token-priced models, billed seconds and a hardware tier for time-priced ones. No field carries what was asked or answered.',
        required: [
          'id',
          'timestamp',
          'entityRef',
          'provider',
          'model',
          'latencyMs',
          'status',
        ],
        additionalProperties: false,
        properties: {
          id: {
            allOf: [
              {
                $ref: '#/components/schemas/Name',
              },
            ],
            description:
              "The caller's id for the call; a replayed id changes nothing",
          },
          timestamp: {
            type: 'string',
            format: 'date-time',
            description:
              'When the call finished (ISO 8601 with a zone), at most 7 days ago',
          },
          entityRef: {
            allOf: [
              {
                $ref: '#/components/schemas/EntityRef',
              },
            ],
            description: 'The catalog entity that made the call',
          },
          provider: {
            $ref: '#/components/schemas/Name',
          },
          model: {
            $ref: '#/components/schemas/Name',
          },
          operation: {
            type: 'string',
            enum: [
              'chat',
              'completion',
              'embedding',
              'image',
              'audio',
              'prediction',
              'other',
            ],
            default: 'chat',
          },
          inputTokens: {
            allOf: [
              {
                $ref: '#/components/schemas/Count',
              },
            ],
            description: 'Every input token, cached ones included',
            default: 0,
          },
          outputTokens: {
            allOf: [
              {
                $ref: '#/components/schemas/Count',
              },
            ],
            default: 0,
          },
          cachedInputTokens: {
            allOf: [
              {
                $ref: '#/components/schemas/Count',
              },
            ],
            description:
              "The part of inputTokens read from the provider's cache",
            default: 0,
          },
          seconds: {
            type: 'number',
            minimum: 0,
            maximum: 86400,
            description:
              'Billed seconds of a time-priced model (at most a day a call)',
            default: 0,
          },
          hardware: {
            type: 'string',
            enum: [
              'cpu',
              'gpu-t4',
              'gpu-a40-small',
              'gpu-a40-large',
              'gpu-l40s',
              'gpu-a100-large',
              'gpu-h100',
            ],
          },
          latencyMs: {
            type: 'number',
            minimum: 0,
            maximum: 86400000,
          },
          status: {
            type: 'string',
            enum: ['success', 'error'],
          },
          cacheHit: {
            type: 'boolean',
            default: false,
            description:
              "Answered from the service's own cache (no provider call, no cost)",
          },
        },
      },
      OtlpTraceExport: {
        type: 'object',
        description: 'An OTLP ExportTraceServiceRequest in its JSON encoding',
        required: ['resourceSpans'],
        properties: {
          resourceSpans: {
            type: 'array',
            maxItems: 1000,
            items: {
              type: 'object',
            },
          },
        },
      },
      OtlpExportResponse: {
        type: 'object',
        additionalProperties: false,
        properties: {
          partialSuccess: {
            type: 'object',
            required: ['rejectedSpans', 'errorMessage'],
            additionalProperties: false,
            properties: {
              rejectedSpans: {
                type: 'integer',
              },
              errorMessage: {
                type: 'string',
              },
            },
          },
        },
      },
      IngestResult: {
        type: 'object',
        required: ['accepted', 'duplicates', 'unpriced', 'unattributed'],
        additionalProperties: false,
        properties: {
          accepted: {
            type: 'integer',
            description: 'Events recorded now',
          },
          duplicates: {
            type: 'integer',
            description:
              'Events whose id was recorded before (nothing changed)',
          },
          unpriced: {
            type: 'integer',
            description:
              'Recorded events no price covers (shown as unpriced, never $0)',
          },
          unattributed: {
            type: 'integer',
            description: 'Recorded events whose entity is not in the catalog',
          },
        },
      },
      CostRow: {
        type: 'object',
        required: [
          'at',
          'key',
          'label',
          'costMicros',
          'calls',
          'errors',
          'unpricedCalls',
          'inputTokens',
          'outputTokens',
          'seconds',
        ],
        additionalProperties: false,
        properties: {
          at: {
            type: 'string',
            format: 'date-time',
            description: 'The start of the day or hour',
          },
          key: {
            type: 'string',
            description:
              "The team's or entity's ref, the provider or the model",
          },
          label: {
            type: 'string',
          },
          costMicros: {
            type: 'integer',
            description: 'US dollars × 1,000,000, of the priced calls',
          },
          calls: {
            type: 'integer',
          },
          errors: {
            type: 'integer',
          },
          unpricedCalls: {
            type: 'integer',
          },
          inputTokens: {
            type: 'integer',
          },
          outputTokens: {
            type: 'integer',
          },
          seconds: {
            type: 'number',
          },
        },
      },
      CostReport: {
        type: 'object',
        required: [
          'from',
          'to',
          'groupBy',
          'granularity',
          'rows',
          'totals',
          'hidden',
        ],
        additionalProperties: false,
        properties: {
          from: {
            type: 'string',
            format: 'date-time',
          },
          to: {
            type: 'string',
            format: 'date-time',
          },
          groupBy: {
            type: 'string',
            enum: ['team', 'entity', 'provider', 'model'],
          },
          granularity: {
            type: 'string',
            enum: ['day', 'hour'],
          },
          rows: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/CostRow',
            },
          },
          totals: {
            type: 'array',
            description: 'Per group over the whole range, largest cost first',
            items: {
              type: 'object',
              required: [
                'key',
                'label',
                'costMicros',
                'calls',
                'unpricedCalls',
                'share',
              ],
              additionalProperties: false,
              properties: {
                key: {
                  type: 'string',
                },
                label: {
                  type: 'string',
                },
                costMicros: {
                  type: 'integer',
                },
                calls: {
                  type: 'integer',
                },
                unpricedCalls: {
                  type: 'integer',
                },
                share: {
                  type: 'number',
                  description: 'Of the cost shown (0 to 1)',
                },
              },
            },
          },
          hidden: {
            type: 'integer',
            description:
              'Teams in the range the caller may not read (their spend is left out)',
          },
        },
      },
      BudgetList: {
        type: 'object',
        required: ['items'],
        additionalProperties: false,
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/BudgetStatus',
            },
          },
        },
      },
      BudgetStatus: {
        type: 'object',
        required: [
          'budget',
          'periodStart',
          'periodEnd',
          'spentMicros',
          'percent',
          'reached',
        ],
        additionalProperties: false,
        properties: {
          budget: {
            type: 'object',
            required: [
              'id',
              'scope',
              'target',
              'period',
              'amount',
              'thresholds',
            ],
            additionalProperties: false,
            properties: {
              id: {
                type: 'string',
              },
              scope: {
                type: 'string',
                enum: ['team', 'service', 'provider', 'model'],
              },
              target: {
                type: 'string',
              },
              period: {
                type: 'string',
                enum: ['month', 'week'],
              },
              amount: {
                type: 'number',
                description: 'US dollars per period',
              },
              thresholds: {
                type: 'array',
                items: {
                  type: 'number',
                },
              },
            },
          },
          periodStart: {
            type: 'string',
            format: 'date-time',
          },
          periodEnd: {
            type: 'string',
            format: 'date-time',
          },
          spentMicros: {
            type: 'integer',
          },
          percent: {
            type: 'number',
          },
          reached: {
            type: 'array',
            items: {
              type: 'number',
            },
            description:
              "The thresholds (percent) this period's spend has reached",
          },
          forecast: {
            oneOf: [
              {
                type: 'object',
                required: [
                  'available',
                  'actualMicros',
                  'forecastMicros',
                  'lowMicros',
                  'highMicros',
                  'dailyRateMicros',
                  'weekdayFactors',
                  'method',
                ],
                additionalProperties: false,
                properties: {
                  available: {
                    type: 'boolean',
                    enum: [true],
                  },
                  actualMicros: {
                    type: 'integer',
                  },
                  forecastMicros: {
                    type: 'integer',
                  },
                  lowMicros: {
                    type: 'integer',
                  },
                  highMicros: {
                    type: 'integer',
                  },
                  dailyRateMicros: {
                    type: 'integer',
                  },
                  weekdayFactors: {
                    type: 'array',
                    items: {
                      type: 'number',
                    },
                  },
                  method: {
                    type: 'string',
                  },
                  exceedsBudget: {
                    type: 'boolean',
                  },
                },
              },
              {
                type: 'object',
                required: ['available', 'reason'],
                additionalProperties: false,
                properties: {
                  available: {
                    type: 'boolean',
                    enum: [false],
                  },
                  reason: {
                    type: 'string',
                  },
                },
              },
            ],
          },
        },
      },
      RepriceRequest: {
        type: 'object',
        required: ['from', 'to'],
        additionalProperties: false,
        properties: {
          from: {
            type: 'string',
            format: 'date-time',
            description:
              'Start (ISO 8601), inclusive; not before the retention date',
          },
          to: {
            type: 'string',
            format: 'date-time',
            description: 'End (ISO 8601), exclusive',
          },
          model: {
            allOf: [
              {
                $ref: '#/components/schemas/Name',
              },
            ],
            description: 'Only the events of this model',
          },
        },
      },
      RepriceResult: {
        type: 'object',
        required: [
          'from',
          'to',
          'events',
          'repriced',
          'rollupRows',
          'costBeforeMicros',
          'costAfterMicros',
          'deltaMicros',
          'unpricedBefore',
          'unpricedAfter',
        ],
        additionalProperties: false,
        properties: {
          from: {
            type: 'string',
            format: 'date-time',
          },
          to: {
            type: 'string',
            format: 'date-time',
          },
          model: {
            type: 'string',
          },
          events: {
            type: 'integer',
            description: 'Raw events in the range',
          },
          repriced: {
            type: 'integer',
            description: 'Events whose cost or price id changed',
          },
          rollupRows: {
            type: 'integer',
            description: 'Hourly and daily rollup rows adjusted',
          },
          costBeforeMicros: {
            type: 'integer',
            description: "The events' cost before, US dollars × 1,000,000",
          },
          costAfterMicros: {
            type: 'integer',
          },
          deltaMicros: {
            type: 'integer',
            description: 'costAfterMicros − costBeforeMicros',
          },
          unpricedBefore: {
            type: 'integer',
          },
          unpricedAfter: {
            type: 'integer',
          },
        },
      },
      AiAlert: {
        type: 'object',
        required: [
          'id',
          'rule',
          'ruleName',
          'action',
          'severity',
          'unit',
          'scope',
          'team',
          'state',
          'active',
          'firstSeen',
          'lastSeen',
          'firedAt',
          'value',
          'threshold',
          'detail',
        ],
        additionalProperties: false,
        properties: {
          id: {
            type: 'string',
            format: 'uuid',
          },
          rule: {
            type: 'string',
            description:
              'ai_high_latency, ai_high_error_rate, ai_high_cost, ai_cost_spike or ai_deploy_cost',
          },
          ruleName: {
            type: 'string',
          },
          action: {
            type: 'string',
            enum: ['scale', 'fallback', 'notify'],
            description: "What the seed's rule says to do",
          },
          severity: {
            type: 'string',
            enum: ['critical', 'warning'],
          },
          unit: {
            type: 'string',
            enum: ['ms', 'ratio', 'usd'],
            description:
              'What value and threshold are in (ratio is a fraction, usd US dollars)',
          },
          scope: {
            type: 'object',
            required: ['kind', 'ref'],
            additionalProperties: false,
            properties: {
              kind: {
                type: 'string',
                enum: ['entity', 'team'],
              },
              ref: {
                type: 'string',
              },
            },
          },
          team: {
            type: 'string',
            description:
              'Whose spend it is (told when it fires; reading it needs ibias.aiCosts.read for it)',
          },
          entityRef: {
            type: 'string',
          },
          state: {
            type: 'string',
            enum: ['firing', 'acknowledged', 'snoozed', 'resolved'],
          },
          active: {
            type: 'boolean',
            description: 'Open and not snoozed past now',
          },
          snoozedUntil: {
            type: 'string',
            format: 'date-time',
          },
          snoozedBy: {
            type: 'string',
          },
          acknowledgedBy: {
            type: 'string',
          },
          acknowledgedAt: {
            type: 'string',
            format: 'date-time',
          },
          firstSeen: {
            type: 'string',
            format: 'date-time',
          },
          lastSeen: {
            type: 'string',
            format: 'date-time',
            description: 'The last evaluation that found it breached',
          },
          firedAt: {
            type: 'string',
            format: 'date-time',
            description:
              'When it last fired (opened, or shown again after a snooze)',
          },
          resolvedAt: {
            type: 'string',
            format: 'date-time',
          },
          value: {
            type: 'number',
          },
          threshold: {
            type: 'number',
          },
          detail: {
            type: 'object',
            description:
              'What the value was judged on (calls, the usual hour, the deploy)',
            additionalProperties: {
              type: ['string', 'number', 'null'],
            },
          },
        },
      },
      AlertList: {
        type: 'object',
        required: ['items'],
        additionalProperties: false,
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/AiAlert',
            },
          },
        },
      },
      SnoozeRequest: {
        type: 'object',
        description: 'Either until or minutes',
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
        properties: {
          until: {
            type: 'string',
            format: 'date-time',
            description: 'When it shows again, 5 minutes to 7 days from now',
          },
          minutes: {
            type: 'integer',
            minimum: 5,
            maximum: 10080,
            description: 'For how long (5 minutes to 7 days)',
          },
        },
      },
      DeploySide: {
        type: 'object',
        required: ['from', 'to', 'requests', 'costMicros', 'perThousandMicros'],
        additionalProperties: false,
        properties: {
          from: {
            type: 'string',
            format: 'date-time',
          },
          to: {
            type: 'string',
            format: 'date-time',
          },
          requests: {
            type: 'integer',
            description: 'AI calls the service reported',
          },
          costMicros: {
            type: 'integer',
          },
          perThousandMicros: {
            type: ['integer', 'null'],
            description: 'Cost per 1,000 requests, null without requests',
          },
        },
      },
      DeployCostList: {
        type: 'object',
        required: ['available', 'items'],
        additionalProperties: false,
        properties: {
          available: {
            type: 'boolean',
            description: 'False when the deploy history could not be read',
          },
          reason: {
            type: 'string',
          },
          items: {
            type: 'array',
            items: {
              type: 'object',
              required: [
                'deploymentId',
                'version',
                'deployedAt',
                'rollback',
                'before',
                'after',
                'ratio',
                'raised',
              ],
              additionalProperties: false,
              properties: {
                deploymentId: {
                  type: 'string',
                },
                version: {
                  type: 'string',
                },
                deployedAt: {
                  type: 'string',
                  format: 'date-time',
                },
                rollback: {
                  type: 'boolean',
                },
                before: {
                  $ref: '#/components/schemas/DeploySide',
                },
                after: {
                  $ref: '#/components/schemas/DeploySide',
                },
                ratio: {
                  type: ['number', 'null'],
                  description:
                    'After ÷ before; null when not judged or before cost nothing',
                },
                raised: {
                  type: 'boolean',
                  description:
                    'Whether it raised the cost past the configured ratio',
                },
                reason: {
                  type: 'string',
                  description:
                    'Why it was not judged (too few requests on a side)',
                },
              },
            },
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
  '#post|/events': Endpoint<operations['ingestEvents']>;
  '#post|/otlp/v1/traces': Endpoint<operations['ingestOtlpTraces']>;
  '#get|/costs': Endpoint<operations['getCosts']>;
  '#get|/costs/export.csv': Endpoint<operations['exportCostsCsv']>;
  '#get|/export/focus.csv': Endpoint<operations['exportFocusCsv']>;
  '#post|/reprice': Endpoint<operations['repriceUsage']>;
  '#get|/budgets': Endpoint<operations['listBudgets']>;
  '#get|/alerts': Endpoint<operations['listAlerts']>;
  '#post|/alerts/{id}/acknowledge': Endpoint<operations['acknowledgeAlert']>;
  '#post|/alerts/{id}/snooze': Endpoint<operations['snoozeAlert']>;
  '#get|/deploy-costs': Endpoint<operations['listDeployCosts']>;
  '#get|/health': Endpoint<operations['getHealth']>;
};
