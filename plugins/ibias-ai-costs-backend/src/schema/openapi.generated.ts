// The IBIAS AI costs OpenAPI document as a constant, generated from plugins/ibias-ai-costs-backend/src/schema/openapi.yaml — do not edit; run `node scripts/generate-openapi.mjs`.

import type { operations } from '@internal/plugin-ibias-ai-costs-common';

export const spec = {
  openapi: '3.1.0',
  info: {
    title: 'IBIAS AI costs',
    version: '1.0.0',
    description:
      "AI usage reported by services (or by people) and what it cost, attributed to the catalog's services and their owners, priced per token or per second of hardware, with budgets and their forecasts. Served under /api/ibias-ai-costs; every request needs a Backstage token (a user's, or a service's through external access). Reading a team's spend needs ibias.aiCosts.read for that team. This document is the one source of the API contract: the router validates every request against it and the router's and the frontend client's types are generated from it (`node scripts/generate-openapi.mjs`).",
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
          "Up to 1,000 events a batch, taken whole or not at all. Each is priced with the price in force at its timestamp and attributed to its entity's owner; an event whose id was seen before changes nothing, so a replayed batch is harmless. Events may be up to 7 days late. Callers are rate limited (429 with Retry-After).",
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
          {
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
          {
            name: 'groupBy',
            in: 'query',
            schema: {
              type: 'string',
              enum: ['team', 'entity', 'provider', 'model'],
              default: 'team',
            },
          },
          {
            name: 'granularity',
            in: 'query',
            schema: {
              type: 'string',
              enum: ['day', 'hour'],
              default: 'day',
            },
          },
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            description: 'Only this service',
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'team',
            in: 'query',
            allowReserved: true,
            description: 'Only this team (a group ref)',
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
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
        maximum: 1000000000000,
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
            maximum: 604800,
            description: 'Billed seconds of a time-priced model',
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
type Success<R> = JsonContent<R[Extract<keyof R, 200 | 201 | 202 | 204>]>;

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
  '#get|/budgets': Endpoint<operations['listBudgets']>;
  '#get|/health': Endpoint<operations['getHealth']>;
};
