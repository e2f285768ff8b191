// The IBIAS deployments OpenAPI document as a constant, generated from plugins/ibias-deployments-backend/src/schema/openapi.yaml — do not edit; run `node scripts/generate-openapi.mjs`.

import type { operations } from '@internal/plugin-ibias-deployments-common';

export const spec = {
  openapi: '3.1.0',
  info: {
    title: 'IBIAS deployments',
    version: '1.0.0',
    description:
      "Deploy, approve, abort and roll back IBIAS services per environment. Served under /api/ibias-deployments; every request needs a Backstage token. This document is the one source of the API contract: the router validates every request against it, the router's and the frontend client's types are generated from it (run `node scripts/generate-openapi.mjs` after a change), and the service validates its input against its component schemas, for the HTTP API and the MCP actions alike.",
  },
  servers: [
    {
      url: '/',
    },
  ],
  paths: {
    '/deployments': {
      post: {
        operationId: 'createDeployment',
        summary: 'Deploy a version (or plan it with dryRun)',
        parameters: [
          {
            $ref: '#/components/parameters/IdempotencyKey',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/DeployRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description:
              'The plan (dryRun), or the deployment a reused Idempotency-Key made',
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    {
                      $ref: '#/components/schemas/Plan',
                    },
                    {
                      $ref: '#/components/schemas/Deployment',
                    },
                  ],
                },
              },
            },
          },
          '202': {
            description:
              'Accepted; the deployment runs (or waits for approval)',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Deployment',
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
      get: {
        operationId: 'listDeployments',
        summary: 'History, newest first',
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'environment',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/Environment',
            },
          },
          {
            name: 'status',
            in: 'query',
            description: 'Comma-separated statuses, e.g. succeeded,failed',
            style: 'form',
            explode: false,
            schema: {
              type: 'array',
              items: {
                $ref: '#/components/schemas/Status',
              },
            },
          },
          {
            name: 'actor',
            in: 'query',
            allowReserved: true,
            description: 'The entity ref of who started the deployment',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'from',
            in: 'query',
            allowReserved: true,
            description: 'Created at or after (ISO 8601)',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
          {
            name: 'to',
            in: 'query',
            allowReserved: true,
            description: 'Created before (ISO 8601)',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
          {
            name: 'limit',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/PageLimit',
            },
          },
          {
            name: 'cursor',
            in: 'query',
            allowReserved: true,
            description: 'The nextCursor of the previous page',
            schema: {
              type: 'string',
              maxLength: 500,
            },
          },
        ],
        responses: {
          '200': {
            description: 'A page',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/DeploymentPage',
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
    '/deployments/{id}': {
      get: {
        operationId: 'getDeployment',
        summary: 'One deployment with its steps and evidence',
        parameters: [
          {
            $ref: '#/components/parameters/Id',
          },
        ],
        responses: {
          '200': {
            description: 'The deployment',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Deployment',
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
          '404': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/deployments/{id}/approve': {
      post: {
        operationId: 'approveDeployment',
        summary:
          'Approve a production deployment (not your own), naming its exact version',
        parameters: [
          {
            $ref: '#/components/parameters/Id',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/ApproveRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'Approved; the deployment is queued',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Deployment',
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
    '/deployments/{id}/abort': {
      post: {
        operationId: 'abortDeployment',
        summary: 'Abort a deployment that waits, is queued or runs',
        parameters: [
          {
            $ref: '#/components/parameters/Id',
          },
        ],
        responses: {
          '200': {
            description:
              'Aborted (a running deployment restored the previous version first)',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Deployment',
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
    '/deployments/{id}/rollback': {
      post: {
        operationId: 'rollbackDeployment',
        summary:
          'Roll back (production waits for approval unless an owner breaks the glass)',
        description:
          'Deploys the previous (or a chosen earlier, once succeeded) version again, blue-green. Outside production it runs at once. In production it is created pending_approval, and a release manager approves its exact version like a deploy; with breakGlass (production only) it runs at once, the reason is kept on the deployment, the attempt is audited with severity critical and the release managers group is notified of who, what and why.',
        parameters: [
          {
            $ref: '#/components/parameters/Id',
          },
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/RollbackRequest',
              },
            },
          },
        },
        responses: {
          '202': {
            description:
              'The rollback deployment (queued, or pending_approval in production)',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Deployment',
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
    '/environments': {
      get: {
        operationId: 'listEnvironments',
        summary:
          "What runs where; with entityRef also the service's environments file",
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
        ],
        responses: {
          '200': {
            description:
              'What runs where; with entityRef also the environments file',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/EnvironmentsResponse',
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
          '404': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/versions': {
      get: {
        operationId: 'listVersions',
        summary: "The versions the environment's target can deploy",
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            required: true,
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'environment',
            in: 'query',
            schema: {
              $ref: '#/components/schemas/TargetEnvironment',
            },
          },
        ],
        responses: {
          '200': {
            description: "The versions the environment's target can deploy",
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/VersionsResponse',
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
          '404': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/traffic': {
      get: {
        operationId: 'getTrafficHistory',
        summary:
          "What each version of a service served, from the deploy targets' own records",
        description:
          "Per environment and version, requests, errors and latency quantiles on a grid of steps, from targets that keep records of their own (the local target's traffic router). Health probes and metrics scrapes are left out. For services no Prometheus watches; with one, read the golden signals from ibias-metrics. The caller must be able to read the entity in the catalog. At most 2,000 steps.",
        parameters: [
          {
            name: 'entityRef',
            in: 'query',
            allowReserved: true,
            required: true,
            schema: {
              $ref: '#/components/schemas/EntityRef',
            },
          },
          {
            name: 'environment',
            in: 'query',
            description: 'Only this environment (default every environment)',
            schema: {
              $ref: '#/components/schemas/Environment',
            },
          },
          {
            name: 'from',
            in: 'query',
            required: true,
            allowReserved: true,
            description: 'Start of the range (ISO 8601), the first point',
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
            description: 'End of the range (ISO 8601)',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
          {
            name: 'stepSeconds',
            in: 'query',
            required: true,
            description:
              'Seconds between points; each point covers the step before it',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 86400,
            },
          },
        ],
        responses: {
          '200': {
            description: 'The records, per environment whose target keeps them',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/TrafficHistoryResponse',
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
          '404': {
            $ref: '#/components/responses/Error',
          },
        },
      },
    },
    '/health': {
      get: {
        operationId: 'getHealth',
        summary:
          "The plugin's own state, for operators and the portal's status display",
        description:
          "Whether the plugin's database answers, and the dependencies of each deploy target (Prometheus, a Kubernetes API server). Needs no token and says nothing secret: states, latencies and fixed phrases, never an address or an error's text. 503 while the database is unreachable (deploys wait for it, then go on or roll back); 200 when it is ok or degraded. A load balancer should not use it: see the README.",
        responses: {
          '200': {
            description: 'ok or degraded',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PluginHealth',
                },
              },
            },
          },
          '503': {
            description: 'down (the database is unreachable)',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PluginHealth',
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
      Id: {
        name: 'id',
        in: 'path',
        required: true,
        schema: {
          $ref: '#/components/schemas/DeploymentId',
        },
      },
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        description:
          'A retried request with the same key (per user) returns the same deployment',
        schema: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
        },
      },
    },
    responses: {
      Error: {
        description: "An error, as Backstage's error handler answers it",
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/ErrorBody',
            },
          },
        },
      },
    },
    schemas: {
      ErrorBody: {
        type: 'object',
        description:
          "Backstage's error body (@backstage/errors ErrorResponseBody)",
        required: ['error', 'request', 'response'],
        properties: {
          error: {
            type: 'object',
            required: ['name', 'message'],
            properties: {
              name: {
                type: 'string',
                description: 'e.g. InputError, NotFoundError',
              },
              message: {
                type: 'string',
                description: 'What went wrong, naming the field',
              },
              stack: {
                type: 'string',
              },
            },
          },
          request: {
            type: 'object',
            required: ['method', 'url'],
            properties: {
              method: {
                type: 'string',
              },
              url: {
                type: 'string',
              },
            },
          },
          response: {
            type: 'object',
            required: ['statusCode'],
            properties: {
              statusCode: {
                type: 'integer',
              },
            },
          },
        },
      },
      DeploymentId: {
        type: 'string',
        format: 'uuid',
      },
      EntityRef: {
        type: 'string',
        description:
          'An entity ref like component:default/ibias-api, in any letter case',
        pattern: '^[A-Za-z0-9-]+:[A-Za-z0-9-]+/[A-Za-z0-9][A-Za-z0-9._-]*$',
        'x-ibias-pattern-message':
          'must be an entity ref such as component:default/ibias-api',
      },
      Environment: {
        type: 'string',
        description: 'The IBIAS environments, in promotion order',
        enum: ['development', 'staging', 'production'],
      },
      TrafficPoint: {
        type: 'object',
        required: ['at', 'requests', 'errors', 'p50Ms', 'p95Ms', 'p99Ms'],
        additionalProperties: false,
        properties: {
          at: {
            type: 'string',
            format: 'date-time',
            description: 'The end of the step this point covers',
          },
          requests: {
            type: 'integer',
            minimum: 0,
          },
          errors: {
            type: 'integer',
            minimum: 0,
            description: 'Answered 5xx, or not at all',
          },
          p50Ms: {
            type: ['number', 'null'],
          },
          p95Ms: {
            type: ['number', 'null'],
          },
          p99Ms: {
            type: ['number', 'null'],
          },
        },
      },
      TrafficHistoryResponse: {
        type: 'object',
        required: ['items'],
        additionalProperties: false,
        properties: {
          items: {
            type: 'array',
            items: {
              type: 'object',
              required: [
                'environment',
                'target',
                'source',
                'coverageFrom',
                'versions',
              ],
              additionalProperties: false,
              properties: {
                environment: {
                  $ref: '#/components/schemas/Environment',
                },
                target: {
                  type: 'string',
                },
                source: {
                  type: 'string',
                  description: 'What the records are, in words',
                },
                coverageFrom: {
                  type: 'string',
                  format: 'date-time',
                  description:
                    'Records begin here; earlier steps are unknown, not idle',
                },
                versions: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['version', 'points', 'total'],
                    additionalProperties: false,
                    properties: {
                      version: {
                        type: 'string',
                      },
                      points: {
                        type: 'array',
                        items: {
                          $ref: '#/components/schemas/TrafficPoint',
                        },
                      },
                      total: {
                        $ref: '#/components/schemas/TrafficPoint',
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
      TargetEnvironment: {
        allOf: [
          {
            $ref: '#/components/schemas/Environment',
          },
        ],
        description:
          'The environment whose deploy target answers; development by default',
        default: 'development',
      },
      Strategy: {
        type: 'string',
        enum: ['blue-green', 'canary', 'rolling'],
      },
      Status: {
        type: 'string',
        enum: [
          'pending_approval',
          'queued',
          'running',
          'succeeded',
          'failed',
          'rolled_back',
          'aborted',
        ],
      },
      Version: {
        type: 'string',
        description: 'A semantic version, e.g. 1.2.0 or 1.2.0-rc.1',
        pattern: '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$',
        'x-ibias-pattern-message':
          'must be a semantic version such as 1.2.0 or 1.2.0-rc.1',
      },
      DeployRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['entityRef', 'environment', 'version', 'strategy'],
        properties: {
          entityRef: {
            allOf: [
              {
                $ref: '#/components/schemas/EntityRef',
              },
            ],
            description:
              "A Component with the ibias.io/environments annotation, in any letter case; stored and answered as the catalog's normalised (lowercase) ref. Anything else is a 400 that says why; an unknown entity is a 404.",
          },
          environment: {
            $ref: '#/components/schemas/Environment',
          },
          version: {
            $ref: '#/components/schemas/Version',
          },
          strategy: {
            $ref: '#/components/schemas/Strategy',
          },
          dryRun: {
            type: 'boolean',
            description: 'Answer the plan and change nothing',
          },
        },
      },
      ApproveRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['version'],
        properties: {
          version: {
            allOf: [
              {
                $ref: '#/components/schemas/Version',
              },
            ],
            description:
              'The exact version being approved; another one is a 409',
          },
        },
      },
      BreakGlass: {
        type: 'object',
        additionalProperties: false,
        required: ['reason'],
        properties: {
          reason: {
            type: 'string',
            minLength: 10,
            maxLength: 500,
            'x-ibias-trimmed': true,
            description:
              'Why the rollback cannot wait: 10–500 characters once leading and trailing white space is trimmed (JSON Schema cannot trim, so the service checks the trimmed length against these bounds; x-ibias-trimmed marks it), stored trimmed.',
          },
        },
      },
      RollbackRequest: {
        type: 'object',
        additionalProperties: false,
        properties: {
          version: {
            allOf: [
              {
                $ref: '#/components/schemas/Version',
              },
            ],
            description:
              'An earlier version that once succeeded here; the previous one by default',
          },
          breakGlass: {
            $ref: '#/components/schemas/BreakGlass',
          },
        },
      },
      Step: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'status'],
        properties: {
          id: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          status: {
            type: 'string',
            enum: ['pending', 'running', 'succeeded', 'failed', 'skipped'],
          },
          weight: {
            type: 'integer',
            minimum: 0,
            maximum: 100,
            description:
              'For traffic steps, the share of traffic on the new version',
          },
          startedAt: {
            type: 'string',
          },
          finishedAt: {
            type: 'string',
          },
          message: {
            type: 'string',
          },
        },
      },
      Evidence: {
        type: 'object',
        description:
          'One analysis check, with everything needed to see why it decided',
        additionalProperties: false,
        required: [
          'check',
          'query',
          'source',
          'stepId',
          'windowSeconds',
          'samples',
          'threshold',
          'value',
          'verdict',
          'at',
        ],
        properties: {
          check: {
            type: 'string',
            description: 'e.g. error-rate, p95-latency, health, smoke',
          },
          query: {
            type: 'string',
            description: 'The query that produced the value',
          },
          source: {
            type: 'string',
            enum: [
              'local-router',
              'prometheus',
              'target-probe',
              'log-drain',
              'probe',
            ],
            description:
              "local-router: the local target timed every request; prometheus; target-probe: requests the target itself sent and timed (e.g. the Vercel target's load against a deployment URL); log-drain: the error rate of real callers from the platform's request logs (Vercel log drains), the p95 from the target's own timed load; probe: a health check or smoke test",
          },
          stepId: {
            type: 'string',
          },
          windowSeconds: {
            type: 'number',
          },
          samples: {
            type: 'integer',
          },
          threshold: {
            type: 'number',
          },
          value: {
            type: ['number', 'null'],
          },
          verdict: {
            type: 'string',
            enum: ['pass', 'fail', 'inconclusive'],
          },
          consecutiveBreaches: {
            type: 'integer',
          },
          detail: {
            type: 'string',
          },
          at: {
            type: 'string',
          },
        },
      },
      Deployment: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'entityRef',
          'environment',
          'version',
          'previousVersion',
          'strategy',
          'status',
          'steps',
          'evidence',
          'initiatedBy',
          'createdAt',
          'updatedAt',
        ],
        properties: {
          id: {
            type: 'string',
            format: 'uuid',
          },
          entityRef: {
            type: 'string',
          },
          environment: {
            $ref: '#/components/schemas/Environment',
          },
          version: {
            type: 'string',
          },
          previousVersion: {
            type: ['string', 'null'],
          },
          strategy: {
            $ref: '#/components/schemas/Strategy',
          },
          status: {
            $ref: '#/components/schemas/Status',
          },
          reason: {
            type: 'string',
            description:
              'Why the deployment is where it is (failure, rollback, abort)',
          },
          steps: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Step',
            },
          },
          evidence: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Evidence',
            },
          },
          initiatedBy: {
            type: 'string',
          },
          approvedBy: {
            type: 'string',
          },
          rollbackOf: {
            type: 'string',
            description: 'For a rollback, the deployment it rolled back',
          },
          breakGlassReason: {
            type: 'string',
            description:
              'A production rollback that skipped approval — why its initiator broke the glass',
          },
          createdAt: {
            type: 'string',
          },
          updatedAt: {
            type: 'string',
          },
          startedAt: {
            type: 'string',
          },
          finishedAt: {
            type: 'string',
          },
          approvalExpiresAt: {
            type: 'string',
          },
        },
      },
      PageLimit: {
        type: 'integer',
        description: 'How many deployments a page holds',
        minimum: 1,
        maximum: 200,
        default: 25,
      },
      DeploymentPage: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'nextCursor'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Deployment',
            },
          },
          nextCursor: {
            type: ['string', 'null'],
          },
        },
      },
      AnalysisPolicy: {
        type: 'object',
        required: [
          'errorRate',
          'p95LatencyMs',
          'intervalSeconds',
          'intervals',
          'consecutiveBreaches',
          'minSamples',
        ],
        properties: {
          errorRate: {
            type: 'number',
          },
          p95LatencyMs: {
            type: 'number',
          },
          intervalSeconds: {
            type: 'number',
          },
          intervals: {
            type: 'integer',
          },
          consecutiveBreaches: {
            type: 'integer',
          },
          minSamples: {
            type: 'integer',
          },
        },
      },
      Plan: {
        type: 'object',
        additionalProperties: false,
        required: [
          'entityRef',
          'environment',
          'version',
          'previousVersion',
          'strategy',
          'steps',
          'needsApproval',
          'analysis',
        ],
        properties: {
          entityRef: {
            type: 'string',
          },
          environment: {
            $ref: '#/components/schemas/Environment',
          },
          version: {
            type: 'string',
          },
          previousVersion: {
            type: ['string', 'null'],
          },
          strategy: {
            $ref: '#/components/schemas/Strategy',
          },
          steps: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Step',
            },
          },
          needsApproval: {
            type: 'boolean',
          },
          lockedBy: {
            type: 'string',
            description:
              "The deployment that holds the environment's lock, if any",
          },
          analysis: {
            $ref: '#/components/schemas/AnalysisPolicy',
          },
        },
      },
      PluginHealth: {
        type: 'object',
        additionalProperties: false,
        required: ['status', 'checkedAt', 'checks', 'engine'],
        properties: {
          status: {
            $ref: '#/components/schemas/CheckStatus',
          },
          checkedAt: {
            type: 'string',
            format: 'date-time',
          },
          checks: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/DependencyCheck',
            },
          },
          engine: {
            type: 'object',
            additionalProperties: false,
            required: ['runningHere', 'lastSweepAt', 'abandonedAtLastSweep'],
            properties: {
              runningHere: {
                type: 'integer',
                minimum: 0,
                description: 'Deployments this backend instance runs now',
              },
              lastSweepAt: {
                type: ['string', 'null'],
                format: 'date-time',
                description:
                  'When this instance last looked for abandoned deployments',
              },
              abandonedAtLastSweep: {
                type: 'integer',
                minimum: 0,
                description:
                  'Deployments the last sweep took over (started or rolled back)',
              },
            },
          },
        },
      },
      CheckStatus: {
        type: 'string',
        description:
          'ok; degraded (a dependency other than the database is down or slow: deploys still run, analyses that need it are inconclusive); down (the database is unreachable: deploys wait for it)',
        enum: ['ok', 'degraded', 'down'],
      },
      DependencyCheck: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'status'],
        properties: {
          name: {
            type: 'string',
            description:
              'database, or <target>/<dependency> (local/prometheus, kubernetes/api-server)',
          },
          status: {
            $ref: '#/components/schemas/CheckStatus',
          },
          latencyMs: {
            type: 'integer',
            minimum: 0,
          },
          detail: {
            type: 'string',
            description:
              "A fixed phrase (unreachable, timed out after 2 s, answered 500), never an error's text",
          },
        },
      },
      Health: {
        type: 'string',
        description:
          'starting while the portal brings back what ran before a restart; unknown when nothing routes traffic (or the target cannot tell)',
        enum: ['healthy', 'unhealthy', 'starting', 'unknown'],
      },
      EnvironmentView: {
        type: 'object',
        additionalProperties: false,
        required: [
          'entityRef',
          'environment',
          'version',
          'since',
          'deployedBy',
          'strategy',
          'deploymentId',
          'traffic',
          'url',
          'endpoints',
          'lockedBy',
          'health',
        ],
        properties: {
          entityRef: {
            type: 'string',
          },
          environment: {
            $ref: '#/components/schemas/Environment',
          },
          version: {
            type: 'string',
          },
          since: {
            type: 'string',
          },
          deployedBy: {
            type: 'string',
          },
          strategy: {
            $ref: '#/components/schemas/Strategy',
          },
          deploymentId: {
            type: 'string',
          },
          traffic: {
            type: 'object',
            description: 'Share of traffic per version, 0–100',
            additionalProperties: {
              type: 'number',
            },
          },
          url: {
            type: ['string', 'null'],
          },
          endpoints: {
            type: 'array',
            items: {
              type: 'object',
              required: ['version', 'url'],
              properties: {
                version: {
                  type: 'string',
                },
                url: {
                  type: 'string',
                },
              },
            },
          },
          lockedBy: {
            type: ['string', 'null'],
          },
          health: {
            $ref: '#/components/schemas/Health',
          },
        },
      },
      EnvironmentConfigs: {
        type: 'object',
        description:
          "A service's environments file as the API returns it, masked, with baseline results",
        additionalProperties: false,
        required: ['errors', 'environments'],
        properties: {
          source: {
            type: 'string',
            description:
              "Where the environments file lives in the service's repository (a repository path or URL), never a path on the portal's host",
          },
          errors: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          environments: {
            type: 'object',
            additionalProperties: false,
            properties: {
              development: {
                $ref: '#/components/schemas/EnvironmentConfigView',
              },
              staging: {
                $ref: '#/components/schemas/EnvironmentConfigView',
              },
              production: {
                $ref: '#/components/schemas/EnvironmentConfigView',
              },
            },
          },
        },
      },
      EnvironmentConfigView: {
        type: 'object',
        additionalProperties: false,
        required: ['config', 'baseline'],
        properties: {
          config: {
            $ref: '#/components/schemas/EnvironmentConfig',
          },
          baseline: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/BaselineResult',
            },
          },
        },
      },
      BaselineResult: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'description', 'passed', 'detail'],
        properties: {
          rule: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
          passed: {
            type: 'boolean',
          },
          detail: {
            type: 'string',
            description: 'Why it failed (or what it saw)',
          },
        },
      },
      EnvironmentConfig: {
        type: 'object',
        description:
          "One environment of a service's environments file (annotation ibias.io/environments), secrets masked. Keys the portal does not know are kept, so objects allow more properties. -common's zod schema of the file must produce a value of this type (a compile-time check in environmentSchema.ts).",
        additionalProperties: true,
        required: [
          'domain',
          'database',
          'ai',
          'monitoring',
          'security',
          'features',
        ],
        properties: {
          name: {
            type: 'string',
          },
          domain: {
            type: 'string',
          },
          database: {
            type: 'object',
            additionalProperties: true,
            required: ['poolSize', 'ssl', 'logging'],
            properties: {
              url: {
                type: 'string',
                description:
                  'Masked unless it is a secret reference (secret:NAME)',
              },
              poolSize: {
                type: 'integer',
                minimum: 1,
              },
              ssl: {
                type: 'boolean',
              },
              logging: {
                type: 'boolean',
              },
            },
          },
          ai: {
            type: 'object',
            additionalProperties: true,
            required: ['openai', 'caching'],
            properties: {
              openai: {
                type: 'object',
                additionalProperties: true,
                required: ['model', 'maxTokens', 'temperature'],
                properties: {
                  model: {
                    type: 'string',
                  },
                  maxTokens: {
                    type: 'integer',
                    minimum: 1,
                  },
                  temperature: {
                    type: 'number',
                    minimum: 0,
                    maximum: 2,
                  },
                },
              },
              replicate: {
                type: 'object',
                additionalProperties: true,
                required: ['enabled'],
                properties: {
                  enabled: {
                    type: 'boolean',
                  },
                },
              },
              caching: {
                type: 'object',
                additionalProperties: true,
                required: ['enabled'],
                properties: {
                  enabled: {
                    type: 'boolean',
                  },
                  ttl: {
                    type: 'integer',
                    minimum: 0,
                  },
                },
              },
            },
          },
          monitoring: {
            type: 'object',
            additionalProperties: true,
            required: ['sentry', 'logging'],
            properties: {
              sentry: {
                type: 'object',
                additionalProperties: true,
                required: ['enabled'],
                properties: {
                  enabled: {
                    type: 'boolean',
                  },
                  environment: {
                    type: 'string',
                  },
                },
              },
              analytics: {
                type: 'object',
                additionalProperties: true,
                required: ['enabled'],
                properties: {
                  enabled: {
                    type: 'boolean',
                  },
                },
              },
              logging: {
                type: 'object',
                additionalProperties: false,
                required: ['level'],
                properties: {
                  level: {
                    type: 'string',
                    enum: ['debug', 'info', 'warn', 'error'],
                  },
                },
              },
            },
          },
          security: {
            type: 'object',
            additionalProperties: true,
            required: ['cors', 'rateLimit', 'encryption'],
            properties: {
              cors: {
                type: 'object',
                additionalProperties: true,
                required: ['origin', 'credentials'],
                properties: {
                  origin: {
                    type: 'array',
                    items: {
                      type: 'string',
                    },
                  },
                  credentials: {
                    type: 'boolean',
                  },
                },
              },
              rateLimit: {
                type: 'object',
                additionalProperties: true,
                required: ['enabled'],
                properties: {
                  enabled: {
                    type: 'boolean',
                  },
                  windowMs: {
                    type: 'integer',
                    minimum: 1,
                  },
                  max: {
                    type: 'integer',
                    minimum: 1,
                  },
                },
              },
              encryption: {
                type: 'object',
                additionalProperties: true,
                required: ['algorithm'],
                properties: {
                  algorithm: {
                    type: 'string',
                  },
                },
              },
            },
          },
          features: {
            type: 'object',
            additionalProperties: {
              type: 'boolean',
            },
          },
        },
      },
      EnvironmentsResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/EnvironmentView',
            },
          },
          configs: {
            $ref: '#/components/schemas/EnvironmentConfigs',
          },
        },
      },
      VersionsResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['target', 'versions', 'anyVersion'],
        properties: {
          target: {
            type: 'string',
          },
          versions: {
            type: 'array',
            items: {
              type: 'string',
            },
            description:
              "Newest first. On the local target, the release tags of the service's git repository (a service created in the portal, or a sample), read on every call.",
          },
          anyVersion: {
            type: 'boolean',
            description: 'The target deploys any version the pipeline built',
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
  '#get|/deployments': Endpoint<operations['listDeployments']>;
  '#post|/deployments': Endpoint<operations['createDeployment']>;
  '#get|/deployments/{id}': Endpoint<operations['getDeployment']>;
  '#post|/deployments/{id}/approve': Endpoint<operations['approveDeployment']>;
  '#post|/deployments/{id}/abort': Endpoint<operations['abortDeployment']>;
  '#post|/deployments/{id}/rollback': Endpoint<
    operations['rollbackDeployment']
  >;
  '#get|/environments': Endpoint<operations['listEnvironments']>;
  '#get|/versions': Endpoint<operations['listVersions']>;
  '#get|/traffic': Endpoint<operations['getTrafficHistory']>;
  '#get|/health': Endpoint<operations['getHealth']>;
};
