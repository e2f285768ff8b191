// Per-environment settings, shaped like IBIAS's EnvironmentConfig (security, monitoring).
// NODE_ENV picks the environment; unknown values fall back to development.

export type EnvironmentName = 'development' | 'staging' | 'production';

export interface ServiceConfig {
  environment: EnvironmentName;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  cors: { origins: string[]; credentials: boolean };
  rateLimit: { enabled: boolean; windowMs: number; max: number };
  /** Where errors are reported (an HTTP endpoint accepting JSON), if anywhere. */
  errorTrackingUrl?: string;
  /**
   * Fault injection for game days and deploy drills: this share (0–1) of requests to
   * the API answers 503. Probes and metrics are never faulted. Off (0) by default.
   */
  faultRate: number;
  /** Ceilings of the metric labels that come from data (see src/metrics.ts). */
  metrics: {
    /** How many company ids keep their own `company_id` label. Default 50. */
    companyLimit: number;
    /** The AI model names that keep their `model` label; unset, the first 20 seen. */
    aiModels?: string[];
    /** The tables the service queries (their series start at 0); unset, the first 50 seen. */
    databaseTables?: string[];
  };
  /**
   * AI calls: an OpenAI-compatible API when `baseUrl` is set, else a simulated model (no
   * network) whose answers say they are simulated. See src/ai.ts.
   */
  ai: {
    baseUrl?: string;
    apiKey?: string;
    model: string;
    timeoutMs: number;
    /** The simulated model's latency times this (0–1; default 1: realistic). */
    simulatedLatencyScale: number;
    /** Where the calls' usage is reported: the IBIAS portal, with this service's key. */
    usage: { portalUrl?: string; key?: string; entityRef: string };
  };
  version: string;
  commit: string;
}

const environments: Record<
  EnvironmentName,
  Pick<ServiceConfig, 'logLevel' | 'cors' | 'rateLimit'>
> = {
  development: {
    logLevel: 'debug',
    cors: { origins: ['http://localhost:3000'], credentials: true },
    rateLimit: { enabled: false, windowMs: 900_000, max: 10_000 },
  },
  staging: {
    logLevel: 'info',
    cors: { origins: ['https://staging.ibias.ai'], credentials: true },
    rateLimit: { enabled: true, windowMs: 900_000, max: 1000 },
  },
  production: {
    logLevel: 'warn',
    cors: {
      origins: ['https://app.ibias.ai', 'https://ibias.ai'],
      credentials: true,
    },
    rateLimit: { enabled: true, windowMs: 900_000, max: 500 },
  },
};

/** This service in the catalog: what its AI usage is reported for. */
const ENTITY = 'component:default/ibias-api';

function environmentName(value: string | undefined): EnvironmentName {
  return value === 'staging' || value === 'production' ? value : 'development';
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function list(value: string | undefined): string[] | undefined {
  const items = (value ?? '')
    .split(',')
    .map(item => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function fraction(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 1) : 0;
}

/** Reads the configuration from environment variables (see README). */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  version = '0.0.0',
): ServiceConfig {
  const environment = environmentName(env.NODE_ENV);
  const base = environments[environment];
  return {
    environment,
    port: positiveInt(env.PORT, 8080),
    ai: {
      baseUrl: env.AI_BASE_URL?.replace(/\/+$/, '') || undefined,
      apiKey: env.AI_API_KEY || undefined,
      model: env.AI_MODEL || 'gpt-4o-mini',
      timeoutMs: positiveInt(env.AI_TIMEOUT_MS, 30_000),
      simulatedLatencyScale:
        env.AI_SIMULATED_LATENCY_SCALE === undefined
          ? 1
          : fraction(env.AI_SIMULATED_LATENCY_SCALE),
      usage: {
        portalUrl: env.IBIAS_PORTAL_URL || undefined,
        key: env.IBIAS_AI_USAGE_KEY || undefined,
        entityRef: env.IBIAS_ENTITY_REF || ENTITY,
      },
    },
    metrics: {
      companyLimit: positiveInt(env.METRICS_COMPANY_LIMIT, 50),
      aiModels: list(env.METRICS_AI_MODELS),
      databaseTables: list(env.METRICS_DB_TABLES),
    },
    logLevel: (env.LOG_LEVEL as ServiceConfig['logLevel']) ?? base.logLevel,
    cors: {
      ...base.cors,
      origins: env.CORS_ORIGINS
        ? env.CORS_ORIGINS.split(',').map(o => o.trim())
        : base.cors.origins,
    },
    rateLimit: {
      enabled: env.RATE_LIMIT_MAX ? true : base.rateLimit.enabled,
      windowMs: positiveInt(env.RATE_LIMIT_WINDOW_MS, base.rateLimit.windowMs),
      max: positiveInt(env.RATE_LIMIT_MAX, base.rateLimit.max),
    },
    errorTrackingUrl: env.ERROR_TRACKING_URL || undefined,
    faultRate: fraction(env.FAULT_RATE),
    version: env.SERVICE_VERSION || version,
    commit: env.GIT_COMMIT || 'unknown',
  };
}
