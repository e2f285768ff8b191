// Types of the IBIAS deployments HTTP API, generated from plugins/ibias-deployments-backend/src/schema/openapi.yaml — do not edit; run `node scripts/generate-openapi.mjs`.
export interface paths {
  '/deployments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** History, newest first */
    get: operations['listDeployments'];
    put?: never;
    /** Deploy a version (or plan it with dryRun) */
    post: operations['createDeployment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/deployments/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One deployment with its steps and evidence */
    get: operations['getDeployment'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/deployments/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Approve a production deployment (not your own), naming its exact version */
    post: operations['approveDeployment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/deployments/{id}/abort': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Abort a deployment that waits, is queued or runs */
    post: operations['abortDeployment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/deployments/{id}/rollback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Roll back (production waits for approval unless an owner breaks the glass)
     * @description Deploys the previous (or a chosen earlier, once succeeded) version again, blue-green. Outside production it runs at once. In production it is created pending_approval, and a release manager approves its exact version like a deploy; with breakGlass (production only) it runs at once, the reason is kept on the deployment, the attempt is audited with severity critical and the release managers group is notified of who, what and why.
     */
    post: operations['rollbackDeployment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/environments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** What runs where; with entityRef also the service's environments file */
    get: operations['listEnvironments'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/versions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The versions the environment's target can deploy */
    get: operations['listVersions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/traffic': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * What each version of a service served, from the deploy targets' own records
     * @description Per environment and version, requests, errors and latency quantiles on a grid of steps, from targets that keep records of their own (the local target's traffic router). Health probes and metrics scrapes are left out. For services no Prometheus watches; with one, read the golden signals from ibias-metrics. The caller must be able to read the entity in the catalog. At most 2,000 steps.
     */
    get: operations['getTrafficHistory'];
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
    /**
     * The plugin's own state, for operators and the portal's status display
     * @description Whether the plugin's database answers, and the dependencies of each deploy target (Prometheus, a Kubernetes API server). Needs no token and says nothing secret: states, latencies and fixed phrases, never an address or an error's text. 503 while the database is unreachable (deploys wait for it, then go on or roll back); 200 when it is ok or degraded. A load balancer should not use it: see the README.
     */
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
    /** @description Backstage's error body (@backstage/errors ErrorResponseBody) */
    ErrorBody: {
      error: {
        /** @description e.g. InputError, NotFoundError */
        name: string;
        /** @description What went wrong, naming the field */
        message: string;
        stack?: string;
      };
      request: {
        method: string;
        url: string;
      };
      response: {
        statusCode: number;
      };
    };
    /** Format: uuid */
    DeploymentId: string;
    /** @description An entity ref like component:default/ibias-api, in any letter case */
    EntityRef: string;
    /**
     * @description The IBIAS environments, in promotion order
     * @enum {string}
     */
    Environment: 'development' | 'staging' | 'production';
    TrafficPoint: {
      /**
       * Format: date-time
       * @description The end of the step this point covers
       */
      at: string;
      requests: number;
      /** @description Answered 5xx, or not at all */
      errors: number;
      p50Ms: number | null;
      p95Ms: number | null;
      p99Ms: number | null;
    };
    TrafficHistoryResponse: {
      items: {
        environment: components['schemas']['Environment'];
        target: string;
        /** @description What the records are, in words */
        source: string;
        /**
         * Format: date-time
         * @description Records begin here; earlier steps are unknown, not idle
         */
        coverageFrom: string;
        versions: {
          version: string;
          points: components['schemas']['TrafficPoint'][];
          total: components['schemas']['TrafficPoint'];
        }[];
      }[];
    };
    /**
     * @description The environment whose deploy target answers; development by default
     * @default development
     */
    TargetEnvironment: components['schemas']['Environment'];
    /** @enum {string} */
    Strategy: 'blue-green' | 'canary' | 'rolling';
    /** @enum {string} */
    Status:
      | 'pending_approval'
      | 'queued'
      | 'running'
      | 'succeeded'
      | 'failed'
      | 'rolled_back'
      | 'aborted';
    /** @description A semantic version, e.g. 1.2.0 or 1.2.0-rc.1 */
    Version: string;
    DeployRequest: {
      /** @description A Component with the ibias.io/environments annotation, in any letter case; stored and answered as the catalog's normalised (lowercase) ref. Anything else is a 400 that says why; an unknown entity is a 404. */
      entityRef: components['schemas']['EntityRef'];
      environment: components['schemas']['Environment'];
      version: components['schemas']['Version'];
      strategy: components['schemas']['Strategy'];
      /** @description Answer the plan and change nothing */
      dryRun?: boolean;
    };
    ApproveRequest: {
      /** @description The exact version being approved; another one is a 409 */
      version: components['schemas']['Version'];
    };
    BreakGlass: {
      /** @description Why the rollback cannot wait: 10–500 characters once leading and trailing white space is trimmed (JSON Schema cannot trim, so the service checks the trimmed length against these bounds; x-ibias-trimmed marks it), stored trimmed. */
      reason: string;
    };
    RollbackRequest: {
      /** @description An earlier version that once succeeded here; the previous one by default */
      version?: components['schemas']['Version'];
      breakGlass?: components['schemas']['BreakGlass'];
    };
    Step: {
      id: string;
      name: string;
      /** @enum {string} */
      status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
      /** @description For traffic steps, the share of traffic on the new version */
      weight?: number;
      startedAt?: string;
      finishedAt?: string;
      message?: string;
    };
    /** @description One analysis check, with everything needed to see why it decided */
    Evidence: {
      /** @description e.g. error-rate, p95-latency, health, smoke */
      check: string;
      /** @description The query that produced the value */
      query: string;
      /**
       * @description local-router: the local target timed every request; prometheus; target-probe: requests the target itself sent and timed (e.g. the Vercel target's load against a deployment URL); log-drain: the error rate of real callers from the platform's request logs (Vercel log drains), the p95 from the target's own timed load; probe: a health check or smoke test
       * @enum {string}
       */
      source:
        | 'local-router'
        | 'prometheus'
        | 'target-probe'
        | 'log-drain'
        | 'probe';
      stepId: string;
      windowSeconds: number;
      samples: number;
      threshold: number;
      value: number | null;
      /** @enum {string} */
      verdict: 'pass' | 'fail' | 'inconclusive';
      consecutiveBreaches?: number;
      detail?: string;
      at: string;
    };
    Deployment: {
      /** Format: uuid */
      id: string;
      entityRef: string;
      environment: components['schemas']['Environment'];
      version: string;
      previousVersion: string | null;
      strategy: components['schemas']['Strategy'];
      status: components['schemas']['Status'];
      /** @description Why the deployment is where it is (failure, rollback, abort) */
      reason?: string;
      steps: components['schemas']['Step'][];
      evidence: components['schemas']['Evidence'][];
      initiatedBy: string;
      approvedBy?: string;
      /** @description For a rollback, the deployment it rolled back */
      rollbackOf?: string;
      /** @description A production rollback that skipped approval — why its initiator broke the glass */
      breakGlassReason?: string;
      createdAt: string;
      updatedAt: string;
      startedAt?: string;
      finishedAt?: string;
      approvalExpiresAt?: string;
    };
    /**
     * @description How many deployments a page holds
     * @default 25
     */
    PageLimit: number;
    DeploymentPage: {
      items: components['schemas']['Deployment'][];
      nextCursor: string | null;
    };
    AnalysisPolicy: {
      errorRate: number;
      p95LatencyMs: number;
      intervalSeconds: number;
      intervals: number;
      consecutiveBreaches: number;
      minSamples: number;
    };
    Plan: {
      entityRef: string;
      environment: components['schemas']['Environment'];
      version: string;
      previousVersion: string | null;
      strategy: components['schemas']['Strategy'];
      steps: components['schemas']['Step'][];
      needsApproval: boolean;
      /** @description The deployment that holds the environment's lock, if any */
      lockedBy?: string;
      analysis: components['schemas']['AnalysisPolicy'];
    };
    PluginHealth: {
      status: components['schemas']['CheckStatus'];
      /** Format: date-time */
      checkedAt: string;
      checks: components['schemas']['DependencyCheck'][];
      engine: {
        /** @description Deployments this backend instance runs now */
        runningHere: number;
        /**
         * Format: date-time
         * @description When this instance last looked for abandoned deployments
         */
        lastSweepAt: string | null;
        /** @description Deployments the last sweep took over (started or rolled back) */
        abandonedAtLastSweep: number;
      };
    };
    /**
     * @description ok; degraded (a dependency other than the database is down or slow: deploys still run, analyses that need it are inconclusive); down (the database is unreachable: deploys wait for it)
     * @enum {string}
     */
    CheckStatus: 'ok' | 'degraded' | 'down';
    DependencyCheck: {
      /** @description database, or <target>/<dependency> (local/prometheus, kubernetes/api-server) */
      name: string;
      status: components['schemas']['CheckStatus'];
      latencyMs?: number;
      /** @description A fixed phrase (unreachable, timed out after 2 s, answered 500), never an error's text */
      detail?: string;
    };
    /**
     * @description starting while the portal brings back what ran before a restart; unknown when nothing routes traffic (or the target cannot tell)
     * @enum {string}
     */
    Health: 'healthy' | 'unhealthy' | 'starting' | 'unknown';
    EnvironmentView: {
      entityRef: string;
      environment: components['schemas']['Environment'];
      version: string;
      since: string;
      deployedBy: string;
      strategy: components['schemas']['Strategy'];
      deploymentId: string;
      /** @description Share of traffic per version, 0–100 */
      traffic: {
        [key: string]: number;
      };
      url: string | null;
      endpoints: {
        version: string;
        url: string;
      }[];
      lockedBy: string | null;
      health: components['schemas']['Health'];
    };
    /** @description A service's environments file as the API returns it, masked, with baseline results */
    EnvironmentConfigs: {
      /** @description Where the environments file lives in the service's repository (a repository path or URL), never a path on the portal's host */
      source?: string;
      errors: string[];
      environments: {
        development?: components['schemas']['EnvironmentConfigView'];
        staging?: components['schemas']['EnvironmentConfigView'];
        production?: components['schemas']['EnvironmentConfigView'];
      };
    };
    EnvironmentConfigView: {
      config: components['schemas']['EnvironmentConfig'];
      baseline: components['schemas']['BaselineResult'][];
    };
    BaselineResult: {
      rule: string;
      description: string;
      passed: boolean;
      /** @description Why it failed (or what it saw) */
      detail: string;
    };
    /** @description One environment of a service's environments file (annotation ibias.io/environments), secrets masked. Keys the portal does not know are kept, so objects allow more properties. -common's zod schema of the file must produce a value of this type (a compile-time check in environmentSchema.ts). */
    EnvironmentConfig: {
      name?: string;
      domain: string;
      database: {
        /** @description Masked unless it is a secret reference (secret:NAME) */
        url?: string;
        poolSize: number;
        ssl: boolean;
        logging: boolean;
      } & {
        [key: string]: unknown;
      };
      ai: {
        openai: {
          model: string;
          maxTokens: number;
          temperature: number;
        } & {
          [key: string]: unknown;
        };
        replicate?: {
          enabled: boolean;
        } & {
          [key: string]: unknown;
        };
        caching: {
          enabled: boolean;
          ttl?: number;
        } & {
          [key: string]: unknown;
        };
      } & {
        [key: string]: unknown;
      };
      monitoring: {
        sentry: {
          enabled: boolean;
          environment?: string;
        } & {
          [key: string]: unknown;
        };
        analytics?: {
          enabled: boolean;
        } & {
          [key: string]: unknown;
        };
        logging: {
          /** @enum {string} */
          level: 'debug' | 'info' | 'warn' | 'error';
        };
      } & {
        [key: string]: unknown;
      };
      security: {
        cors: {
          origin: string[];
          credentials: boolean;
        } & {
          [key: string]: unknown;
        };
        rateLimit: {
          enabled: boolean;
          windowMs?: number;
          max?: number;
        } & {
          [key: string]: unknown;
        };
        encryption: {
          algorithm: string;
        } & {
          [key: string]: unknown;
        };
      } & {
        [key: string]: unknown;
      };
      features: {
        [key: string]: boolean;
      };
    } & {
      [key: string]: unknown;
    };
    EnvironmentsResponse: {
      items: components['schemas']['EnvironmentView'][];
      configs?: components['schemas']['EnvironmentConfigs'];
    };
    VersionsResponse: {
      target: string;
      /** @description Newest first. On the local target, the release tags of the service's git repository (a service created in the portal, or a sample), read on every call. */
      versions: string[];
      /** @description The target deploys any version the pipeline built */
      anyVersion: boolean;
    };
  };
  responses: {
    /** @description An error, as Backstage's error handler answers it */
    Error: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['ErrorBody'];
      };
    };
  };
  parameters: {
    Id: components['schemas']['DeploymentId'];
    /** @description A retried request with the same key (per user) returns the same deployment */
    IdempotencyKey: string;
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  listDeployments: {
    parameters: {
      query?: {
        entityRef?: components['schemas']['EntityRef'];
        environment?: components['schemas']['Environment'];
        /** @description Comma-separated statuses, e.g. succeeded,failed */
        status?: components['schemas']['Status'][];
        /** @description The entity ref of who started the deployment */
        actor?: string;
        /** @description Created at or after (ISO 8601) */
        from?: string;
        /** @description Created before (ISO 8601) */
        to?: string;
        limit?: components['schemas']['PageLimit'];
        /** @description The nextCursor of the previous page */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeploymentPage'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  createDeployment: {
    parameters: {
      query?: never;
      header?: {
        /** @description A retried request with the same key (per user) returns the same deployment */
        'Idempotency-Key'?: components['parameters']['IdempotencyKey'];
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['DeployRequest'];
      };
    };
    responses: {
      /** @description The plan (dryRun), or the deployment a reused Idempotency-Key made */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | components['schemas']['Plan']
            | components['schemas']['Deployment'];
        };
      };
      /** @description Accepted; the deployment runs (or waits for approval) */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
    };
  };
  getDeployment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['Id'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The deployment */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  approveDeployment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['Id'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ApproveRequest'];
      };
    };
    responses: {
      /** @description Approved; the deployment is queued */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
    };
  };
  abortDeployment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['Id'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Aborted (a running deployment restored the previous version first) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
    };
  };
  rollbackDeployment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: components['parameters']['Id'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['RollbackRequest'];
      };
    };
    responses: {
      /** @description The rollback deployment (queued, or pending_approval in production) */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
    };
  };
  listEnvironments: {
    parameters: {
      query?: {
        entityRef?: components['schemas']['EntityRef'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description What runs where; with entityRef also the environments file */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EnvironmentsResponse'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  listVersions: {
    parameters: {
      query: {
        entityRef: components['schemas']['EntityRef'];
        environment?: components['schemas']['TargetEnvironment'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The versions the environment's target can deploy */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VersionsResponse'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  getTrafficHistory: {
    parameters: {
      query: {
        entityRef: components['schemas']['EntityRef'];
        /** @description Only this environment (default every environment) */
        environment?: components['schemas']['Environment'];
        /** @description Start of the range (ISO 8601), the first point */
        from: string;
        /** @description End of the range (ISO 8601) */
        to: string;
        /** @description Seconds between points; each point covers the step before it */
        stepSeconds: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The records, per environment whose target keeps them */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TrafficHistoryResponse'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      404: components['responses']['Error'];
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
      /** @description ok or degraded */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PluginHealth'];
        };
      };
      /** @description down (the database is unreachable) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PluginHealth'];
        };
      };
    };
  };
}
